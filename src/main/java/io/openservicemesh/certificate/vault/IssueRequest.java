package io.openservicemesh.certificate.vault;

import com.google.gson.JsonObject;
import io.openservicemesh.certificate.CertificateSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The body of {@code POST /v1/<mount>/issue/<role>} for one certificate spec.
 *
 * @param altNames the DNS SANs besides the common name (Vault adds the common name itself)
 * @param uriSans e.g. the SPIFFE ID
 * @param ttlSeconds the validity in whole seconds, rounded up: Vault reads "5400s" exactly, where
 *     OSM wrote whole hours and asked for "0h" (the role's default) below one hour
 */
record IssueRequest(String commonName, List<String> altNames, List<String> uriSans, long ttlSeconds) {

  IssueRequest {
    altNames = List.copyOf(altNames);
    uriSans = List.copyOf(uriSans);
    for (String name : altNames) {
      requireListable(name);
    }
    for (String uri : uriSans) {
      requireListable(uri);
    }
  }

  static IssueRequest of(CertificateSpec spec) {
    List<String> altNames =
        spec.dnsNames().stream().filter(name -> !name.equals(spec.commonName())).distinct().toList();
    List<String> uris = spec.uris().stream().map(URI::toString).distinct().toList();
    return new IssueRequest(spec.commonName(), altNames, uris, wholeSecondsRoundedUp(spec.validity()));
  }

  static long wholeSecondsRoundedUp(Duration validity) {
    return validity.getSeconds() + (validity.getNano() > 0 ? 1 : 0);
  }

  /** The same request without URI SANs, for a role that refuses them ({@link UriSanPolicy}). */
  IssueRequest withoutUriSans() {
    return new IssueRequest(commonName, altNames, List.of(), ttlSeconds);
  }

  /**
   * The same request asking for at most {@code maxSeconds}: Vault refuses ("cannot satisfy request, as TTL
   * would result in notAfter ... beyond the expiration of the CA certificate") a TTL that outlives its CA,
   * which the mission's own setup makes happen (a ten-year root, ten-year webhook certificates).
   */
  IssueRequest withTtlAtMost(long maxSeconds) {
    return ttlSeconds <= maxSeconds ? this : new IssueRequest(commonName, altNames, uriSans, Math.max(1, maxSeconds));
  }

  /** Vault's TTL syntax for the request, e.g. {@code 5400s}. */
  String ttl() {
    return ttlSeconds + "s";
  }

  JsonObject toJson() {
    JsonObject body = new JsonObject();
    body.addProperty("common_name", commonName);
    if (!altNames.isEmpty()) {
      body.addProperty("alt_names", String.join(",", altNames));
    }
    if (!uriSans.isEmpty()) {
      body.addProperty("uri_sans", String.join(",", uriSans));
    }
    body.addProperty("ttl", ttl());
    body.addProperty("format", "pem");
    // PKCS#8 is what every consumer reads; the reader still accepts PKCS#1 and SEC 1 from a Vault
    // that ignores the parameter.
    body.addProperty("private_key_format", "pkcs8");
    return body;
  }

  /** Vault splits these parameters at commas: a name containing one cannot be asked for. */
  private static void requireListable(String name) {
    if (name.contains(",")) {
      throw new IllegalArgumentException(
          "\"" + name + "\" contains a comma, which Vault's comma-separated SAN lists cannot carry");
    }
  }
}
