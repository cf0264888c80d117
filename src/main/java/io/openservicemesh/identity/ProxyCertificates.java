package io.openservicemesh.identity;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads who a proxy is from its verified xDS bootstrap certificate: the SPIFFE URI
 * {@code spiffe://<td>/ns/<ns>/sa/<sa>/proxy/<uuid>} when present, else the common name
 * {@code <uuid>.<sa>.<ns>} (unambiguous too: the UUID has a fixed length and a namespace has no dots).
 * When both are present they must agree. A service certificate (no proxy UUID) is not a proxy identity. A
 * certificate that could be read as more than one proxy is refused: one with two common names, with SPIFFE URIs
 * of different proxies, or with subject alternative names that cannot be read (the JDK then hides them all, the
 * SPIFFE URI included, and the common name alone would be read).
 */
public final class ProxyCertificates {

  private static final int UUID_LENGTH = 36;

  private ProxyCertificates() {}

  public static ProxyIdentity identityOf(X509Certificate certificate, String trustDomain) {
    Optional<ProxyIdentity> fromUri = fromSpiffeUri(certificate, trustDomain);
    List<String> commonNames = CertificateNames.commonNames(certificate);
    if (commonNames.size() > 1) {
      throw new IllegalArgumentException(
          "a bootstrap certificate has one common name, this one has " + commonNames.size() + ": " + commonNames);
    }
    String cn = commonNames.isEmpty() ? "" : commonNames.get(0);
    // The common name is read only from a certificate that carries no SPIFFE identity of this mesh and is not
    // named like a service certificate: a service account may be named like a UUID, and its service
    // certificate <uuid>.<ns>.<trust-domain> must never pass for a proxy's bootstrap certificate.
    boolean mayReadCommonName = !hasMeshSpiffeUri(certificate, trustDomain) && !cn.endsWith("." + trustDomain);
    Optional<ProxyIdentity> fromCn = mayReadCommonName ? fromCommonName(cn) : Optional.empty();
    if (fromUri.isPresent() && fromCommonName(cn).filter(c -> !c.equals(fromUri.get())).isPresent()) {
      throw new IllegalArgumentException("the certificate's SPIFFE URI and common name name different proxies");
    }
    return fromUri.or(() -> fromCn).orElseThrow(() -> new IllegalArgumentException(
        "not an xDS bootstrap certificate: neither a SPIFFE URI spiffe://" + trustDomain
            + "/ns/<ns>/sa/<sa>/proxy/<uuid> nor a common name <uuid>.<sa>.<ns> (got CN \""
            + cn + "\")"));
  }

  static Optional<ProxyIdentity> fromCommonName(String cn) {
    if (cn.length() < UUID_LENGTH + 4 || cn.charAt(UUID_LENGTH) != '.') {
      return Optional.empty();
    }
    int lastDot = cn.lastIndexOf('.');
    if (lastDot <= UUID_LENGTH + 1) {
      return Optional.empty();
    }
    return proxy(cn.substring(0, UUID_LENGTH), cn.substring(UUID_LENGTH + 1, lastDot), cn.substring(lastDot + 1));
  }

  static Optional<ProxyIdentity> fromSpiffeUri(X509Certificate certificate, String trustDomain) {
    Pattern pattern = Pattern.compile(
        "spiffe://" + Pattern.quote(trustDomain) + "/ns/([^/]+)/sa/([^/]+)/proxy/([0-9a-f-]{36})");
    List<ProxyIdentity> named = new ArrayList<>();
    for (String uri : uriSans(certificate)) {
      Matcher matcher = pattern.matcher(uri);
      if (matcher.matches()) {
        proxy(matcher.group(3), matcher.group(2), matcher.group(1)).ifPresent(named::add);
      }
    }
    if (named.stream().distinct().count() > 1) {
      throw new IllegalArgumentException("the certificate's SPIFFE URIs name different proxies");
    }
    return named.stream().findFirst();
  }

  private static boolean hasMeshSpiffeUri(X509Certificate certificate, String trustDomain) {
    return uriSans(certificate).stream().anyMatch(uri -> uri.startsWith("spiffe://" + trustDomain + "/"));
  }

  private static Optional<ProxyIdentity> proxy(String uuid, String serviceAccount, String namespace) {
    try {
      UUID parsed = UUID.fromString(uuid);
      if (!parsed.toString().equals(uuid)) {
        return Optional.empty();
      }
      return Optional.of(new ProxyIdentity(parsed, new ServiceIdentity(serviceAccount, namespace)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static List<String> uriSans(X509Certificate certificate) {
    return CertificateNames.subjectAltNames(certificate, CertificateNames.URI);
  }

}
