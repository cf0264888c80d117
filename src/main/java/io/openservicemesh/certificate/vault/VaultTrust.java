package io.openservicemesh.certificate.vault;

import io.openservicemesh.certificate.CaCertificates;
import io.openservicemesh.certificate.Crypto;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.certificate.rootchange.RootSource;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.PublicCaBundleStore;
import io.openservicemesh.certificate.store.PublicCaBundleStore.PublicBundleWrite;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.vault.VaultException.Kind;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;

/**
 * The roots Vault names for the mesh, read from the PKI mount (never from a throw-away issuance, as OSM did): the
 * default issuer's ({@code ca/pem} and {@code ca_chain}) first, then those of every other issuer of the mount
 * (Vault 1.11 and later), so that a root an operator adds beside the default one is trusted everywhere before it
 * is made the default and signs. Re-read every {@code OpenServiceMesh.vault.caRefreshInterval}.
 *
 * <p>When the mesh starts and stops trusting each of them is the root change's business; this publishes what the
 * mesh trusts, without any key, to the CA bundle store ({@code <caBundleSecretName>}: {@code ca.crt} and
 * {@code expiration}) for whatever outside the mesh needs to trust it.
 */
final class VaultTrust implements RootSource {

  private static final Logger LOG = Logger.getLogger(VaultTrust.class.getName());

  static final Duration RETRY_INTERVAL = Duration.ofMinutes(1);

  private final VaultClient client;
  private final String mount;
  private final PublicCaBundleStore store;
  private final Clock clock;
  private final Duration refreshInterval;
  private volatile List<X509Certificate> named = List.of();
  /** Why Vault's last answer about its CA cannot be used; empty when it could. */
  private volatile String refusal = "";
  private String published = "";
  private Instant nextRefreshAt = Instant.MIN;

  VaultTrust(VaultClient client, String mount, PublicCaBundleStore store, Clock clock, Duration refreshInterval) {
    this.client = client;
    this.mount = mount;
    this.store = store;
    this.clock = clock;
    this.refreshInterval = refreshInterval;
  }

  /** Reads the mount's roots now. @return them, the default issuer's first */
  synchronized List<X509Certificate> refresh() throws VaultException {
    Instant now = clock.instant();
    try {
      List<X509Certificate> roots = vaultAnchors(now);
      if (!roots.equals(named) && !named.isEmpty()) {
        LOG.info(() -> "Vault's PKI mount " + mount + " now names " + roots.size() + " root(s), first "
            + describe(roots.get(0)));
      }
      named = roots;
      refusal = "";
    } catch (VaultException e) {
      if (e.kind() == Kind.MALFORMED_RESPONSE || e.kind() == Kind.REJECTED) {
        refusal = e.getMessage();
      }
      throw e;
    } finally {
      nextRefreshAt = now.plus(refreshInterval);
    }
    return named;
  }

  /** Refreshes when the interval has passed; failures are logged and retried sooner. Called by a timer. */
  synchronized void maintain() {
    Instant now = clock.instant();
    if (now.isBefore(nextRefreshAt)) {
      return;
    }
    try {
      refresh();
    } catch (VaultException e) {
      nextRefreshAt = now.plus(RETRY_INTERVAL);
      LOG.warning(() -> "could not re-read Vault's CA for mount " + mount + " (the roots in use stay trusted;"
          + " next try at " + nextRefreshAt + "): " + e.getMessage());
    }
  }

  /** Makes the CA bundle store hold exactly {@code trusted}, unless it already does (one write per change). */
  synchronized PublicBundleWrite publish(List<X509Certificate> trusted) throws CaStoreException {
    String pem = Pem.encode(trusted);
    if (pem.equals(published)) {
      return PublicBundleWrite.UNCHANGED;
    }
    Instant earliestExpiry = trusted.stream().map(c -> c.getNotAfter().toInstant())
        .min(Comparator.naturalOrder()).orElseThrow();
    PublicBundleWrite write = store.putPublicBundle(StoredCaBundle.publicBundle(pem, earliestExpiry));
    published = pem;
    switch (write) {
      case CREATED -> LOG.info(() -> "published Vault's CA " + describe(trusted.get(0)) + " to " + store.location()
          + " (ca.crt and expiration; the key stays in Vault)");
      case REPLACED -> LOG.info(() -> "published the mesh's " + trusted.size() + " trusted root(s) of Vault, first "
          + describe(trusted.get(0)) + ", to " + store.location());
      case UNCHANGED -> LOG.fine(() -> store.location() + " already holds Vault's CA " + describe(trusted.get(0)));
    }
    return write;
  }

  @Override
  public String location() {
    return "Vault PKI mount " + mount;
  }

  /** The roots as of the last refresh; refused when Vault's last answer about them was unusable. */
  @Override
  public List<X509Certificate> roots() throws RefusedRootsException {
    String why = refusal;
    if (!why.isEmpty()) {
      throw new RefusedRootsException(why);
    }
    return named;
  }

  /** The roots as of the last refresh, the default issuer's first. */
  List<X509Certificate> named() {
    return named;
  }

  String storeLocation() {
    return store.location();
  }

  private List<X509Certificate> vaultAnchors(Instant now) throws VaultException {
    List<X509Certificate> defaultIssuer = new ArrayList<>(certificates("ca/pem", client.caPem(mount)));
    try {
      addAbsent(defaultIssuer, certificates("ca_chain", client.caChainPem(mount)));
    } catch (VaultException e) {
      if (e.retryable()) {
        throw e;
      }
      LOG.fine(() -> "no CA chain for mount " + mount + " (" + e.getMessage() + "); using ca/pem alone");
    }
    if (defaultIssuer.isEmpty()) {
      throw new VaultException("the PKI mount " + mount + " has no CA certificate: generate a root (vault write "
          + mount + "/root/generate/internal common_name=...) or set a signed intermediate", Kind.REJECTED);
    }
    List<X509Certificate> anchors = new ArrayList<>(anchorsOf(defaultIssuer, "the default issuer"));
    for (String id : client.issuerIds(mount)) {
      List<X509Certificate> issuer = new ArrayList<>();
      for (String pem : client.issuerCertificates(mount, id)) {
        addAbsent(issuer, certificates("issuer/" + id + "/json", pem));
      }
      if (!issuer.isEmpty()) {
        addAbsent(anchors, anchorsOf(issuer, "issuer " + id));
      }
    }
    List<String> problems = new ArrayList<>();
    for (X509Certificate anchor : anchors) {
      problems.addAll(CaCertificates.problems(anchor, "Vault's CA " + describe(anchor), now));
    }
    if (!problems.isEmpty()) {
      throw new VaultException("the CA of Vault's PKI mount " + mount + " cannot be trusted: "
          + String.join("; ", problems), Kind.REJECTED);
    }
    return List.copyOf(anchors);
  }

  /**
   * The self-signed certificates of an issuer's chain: what peers must trust. A chain without its root (an
   * intermediate whose root lives outside Vault) has only its top as anchor, which peers that demand a
   * self-signed root will not accept: said in the log.
   */
  private List<X509Certificate> anchorsOf(List<X509Certificate> chain, String which) {
    List<X509Certificate> roots = chain.stream().filter(VaultTrust::isSelfSigned).toList();
    if (!roots.isEmpty()) {
      return roots;
    }
    X509Certificate top = chain.get(chain.size() - 1);
    LOG.warning(() -> "the CA chain of " + which + " of Vault's mount " + mount + " ends at " + describe(top)
        + ", which is not a self-signed root; it is published as the mesh's trust anchor, but peers that require a"
        + " root will reject it: import the root into the mount so that ca_chain includes it");
    return List.of(top);
  }

  private List<X509Certificate> certificates(String what, String pem) throws VaultException {
    if (pem.isBlank()) {
      return List.of();
    }
    try {
      return Pem.decodeCertificates(pem);
    } catch (PemException e) {
      throw new VaultException("GET /v1/" + mount + "/" + what + ": Vault's answer is not PEM certificates ("
          + e.getMessage() + ")", Kind.MALFORMED_RESPONSE);
    }
  }

  private static void addAbsent(List<X509Certificate> to, List<X509Certificate> certificates) {
    certificates.stream().filter(certificate -> !to.contains(certificate)).forEach(to::add);
  }

  static boolean isSelfSigned(X509Certificate certificate) {
    if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
      return false;
    }
    try {
      certificate.verify(certificate.getPublicKey(), Crypto.PROVIDER);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static String describe(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName() + " (serial " + certificate.getSerialNumber().toString(16)
        + ", expires " + certificate.getNotAfter().toInstant() + ")";
  }
}
