package io.openservicemesh.certificate.vault;

import java.util.List;

/**
 * The {@code data} of Vault's answer to an issue request, as text. {@link #toString()} never shows
 * the private key.
 *
 * @param caChain the issuing CA and the CAs above it, as Vault lists them (may include the root)
 * @param serialNumber Vault's colon-separated hex, e.g. {@code 39:dd:2e:90}; empty if absent
 * @param warnings Vault's {@code warnings}, e.g. that max_ttl capped the TTL
 */
record IssueResponse(
    String certificate,
    String privateKey,
    String privateKeyType,
    String issuingCa,
    List<String> caChain,
    String serialNumber,
    List<String> warnings) {

  IssueResponse {
    caChain = List.copyOf(caChain);
    warnings = List.copyOf(warnings);
  }

  @Override
  public String toString() {
    return "IssueResponse[serial=" + serialNumber + ", privateKeyType=" + privateKeyType
        + ", caChain=" + caChain.size() + " certificate(s), privateKey=<redacted>, warnings=" + warnings + "]";
  }
}
