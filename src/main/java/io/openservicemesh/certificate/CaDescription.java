package io.openservicemesh.certificate;

import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an operator wants to see of a started CA in the readiness report and the start-up log: where its root
 * is kept, the root's subject, serial, expiry and key, and facts only its backend knows (Vault's address,
 * cert-manager's issuer). Never a secret.
 *
 * @param location e.g. {@code Secret osm-system/osm-ca-bundle}
 * @param root the root shown: the first when several are trusted
 * @param backendFacts shown after the root's, in this order
 */
public record CaDescription(String location, X509Certificate root, Map<String, String> backendFacts) {

  public CaDescription {
    backendFacts = Collections.unmodifiableMap(new LinkedHashMap<>(backendFacts));
  }

  public static CaDescription of(String location, X509Certificate root) {
    return new CaDescription(location, root, Map.of());
  }

  /** This description with one more backend fact. */
  public CaDescription with(String name, String value) {
    Map<String, String> facts = new LinkedHashMap<>(backendFacts);
    facts.put(name, value);
    return new CaDescription(location, root, facts);
  }

  /** The report's entries: {@code caLocation}, {@code caSubject}, {@code caSerial}, {@code caNotAfter}, ... */
  public Map<String, String> details() {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("caLocation", location);
    details.put("caSubject", root.getSubjectX500Principal().getName());
    details.put("caSerial", root.getSerialNumber().toString(16));
    details.put("caNotAfter", root.getNotAfter().toInstant().toString());
    details.put("caKeyAlgorithm", root.getPublicKey().getAlgorithm());
    details.putAll(backendFacts);
    return details;
  }
}
