package io.openservicemesh.certificate;

import io.openservicemesh.config.KeySpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What to issue: everything an issuer needs and nothing it may decide itself. The common name is also the
 * key under which the certificate manager caches the result.
 */
public record CertificateSpec(
    CertificateKind kind,
    String commonName,
    List<String> dnsNames,
    List<URI> uris,
    Duration validity,
    KeySpec key) {

  public CertificateSpec {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("a certificate needs a common name");
    }
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, got " + validity);
    }
    dnsNames = List.copyOf(dnsNames);
    uris = List.copyOf(uris);
  }
}
