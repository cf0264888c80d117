package io.openservicemesh.webhook;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Decides whether the caller of an admission webhook is the API server, from the client certificate chain the
 * TLS layer received: the chain must verify (signatures, validity at the clock's now, CA constraints) up to one
 * of the configured client CAs, the leaf may be used for TLS client authentication, and, when names are
 * configured, it must carry one of them as its subject CN or as a DNS SAN.
 *
 * <p>Liberty's TLS layer already refuses a chain its trust store (the same CAs) does not accept; this check is
 * the webhooks' own word, made with the control plane's clock, and the only place the names are checked.
 */
public final class WebhookCallerVerifier {

  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int DNS_NAME = 2;

  /** The answer: accepted, or the HTTP status and the reason to give the caller. */
  public record Verdict(int status, String reason) {
    static final Verdict ACCEPTED = new Verdict(200, "accepted");

    public boolean accepted() {
      return status == 200;
    }
  }

  private final Set<TrustAnchor> anchors;
  private final List<X509Certificate> clientCas;
  private final Set<String> allowedNames;
  private final Clock clock;

  /**
   * @param clientCas the CAs whose signature makes a caller the API server; at least one
   * @param allowedNames subject CNs or DNS SANs the leaf may carry, compared without case; empty: any
   */
  public WebhookCallerVerifier(List<X509Certificate> clientCas, Collection<String> allowedNames, Clock clock) {
    if (clientCas.isEmpty()) {
      throw new IllegalArgumentException("at least one client CA certificate is needed");
    }
    this.clientCas = List.copyOf(clientCas);
    this.anchors = clientCas.stream().map(ca -> new TrustAnchor(ca, null)).collect(Collectors.toSet());
    this.allowedNames = allowedNames.stream().map(name -> name.toLowerCase(Locale.ROOT))
        .collect(Collectors.toCollection(LinkedHashSet::new));
    this.clock = clock;
  }

  /** @param chain as the servlet container hands it over, leaf first; null or empty when none was sent */
  public Verdict verify(X509Certificate[] chain) {
    if (chain == null || chain.length == 0) {
      return new Verdict(401, "the admission webhooks require a client certificate signed by the CA of "
          + "OpenServiceMesh.webhook.clientCaFile, and none was presented: give the API server one through the"
          + " kubeconfig of its AdmissionConfiguration (client-certificate and client-key)");
    }
    X509Certificate leaf = chain[0];
    String who = "the client certificate \"" + clip(leaf.getSubjectX500Principal().getName()) + "\"";
    try {
      validate(chain);
    } catch (CertPathValidatorException e) {
      return new Verdict(401, who + " " + pathProblem(e, leaf));
    } catch (GeneralSecurityException e) {
      return new Verdict(401, who + " cannot be verified: " + e.getMessage());
    }
    if (!usableForClientAuthentication(leaf)) {
      return new Verdict(403, who + " is not meant for TLS client authentication: its extended key usage does"
          + " not include clientAuth (" + CLIENT_AUTH + ") or its key usage lacks digitalSignature");
    }
    if (!allowedNames.isEmpty()) {
      List<String> names = namesOf(leaf);
      if (names.stream().noneMatch(name -> allowedNames.contains(name.toLowerCase(Locale.ROOT)))) {
        return new Verdict(403, who + " names " + (names.isEmpty() ? "nothing" : clip(String.join(", ", names)))
            + ", none of OpenServiceMesh.webhook.clientNames " + allowedNames);
      }
    }
    return Verdict.ACCEPTED;
  }

  private void validate(X509Certificate[] chain) throws GeneralSecurityException {
    // The path excludes the anchor itself: a client may send its CA along, which PKIX would not accept.
    List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
    while (path.size() > 1 && clientCas.contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
    PKIXParameters parameters = new PKIXParameters(anchors);
    // The API server's client CA publishes no revocation information a webhook could reach.
    parameters.setRevocationEnabled(false);
    parameters.setDate(Date.from(clock.instant()));
    CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
  }

  private String pathProblem(CertPathValidatorException e, X509Certificate leaf) {
    if (e.getReason() == BasicReason.EXPIRED) {
      return "has expired (valid until " + leaf.getNotAfter().toInstant() + ", now " + clock.instant() + ")";
    }
    if (e.getReason() == BasicReason.NOT_YET_VALID) {
      return "is not valid yet (valid from " + leaf.getNotBefore().toInstant() + ", now " + clock.instant() + ")";
    }
    return "is not signed by a CA of OpenServiceMesh.webhook.clientCaFile (" + clip(String.valueOf(e.getMessage()))
        + ")";
  }

  private static boolean usableForClientAuthentication(X509Certificate leaf) {
    boolean[] keyUsage = leaf.getKeyUsage();
    if (keyUsage != null && (keyUsage.length <= DIGITAL_SIGNATURE || !keyUsage[DIGITAL_SIGNATURE])) {
      return false;
    }
    try {
      List<String> extended = leaf.getExtendedKeyUsage();
      return extended == null || extended.contains(CLIENT_AUTH) || extended.contains(ANY_EXTENDED_KEY_USAGE);
    } catch (CertificateParsingException e) {
      return false;
    }
  }

  /** The subject's CNs, then the DNS SANs. */
  static List<String> namesOf(X509Certificate leaf) {
    List<String> names = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          names.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      // An unparsable subject names nothing; the SANs may still.
    }
    try {
      Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> alternative : alternatives) {
          if (alternative.get(0) instanceof Integer type && type == DNS_NAME) {
            names.add(String.valueOf(alternative.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // No readable SANs: the CN alone decides.
    }
    return names;
  }

  /** Subjects and names come from the caller: only their start is echoed. */
  private static String clip(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
