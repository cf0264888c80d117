package io.openservicemesh.certificate.vault;

import io.openservicemesh.certificate.Crypto;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.certificate.store.PublicCaBundleStore;
import io.openservicemesh.certificate.store.PublicCaBundleStore.PublicBundleWrite;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.certificate.vault.VaultException.Kind;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;

/**
 * The mesh's roots when Vault is the CA: read from the PKI mount ({@code ca/pem} and {@code ca_chain}),
 * never from a throw-away issuance as OSM did, and published without any key to the CA bundle store
 * ({@code <caBundleSecretName>}: {@code ca.crt} and {@code expiration}) for everything that needs to trust
 * the mesh. Re-read every {@code OpenServiceMesh.vault.caRefreshInterval}; when Vault's CA changes, the previous roots stay
 * trusted until they expire, so certificates issued before the change keep verifying while they are
 * replaced.
 */
final class VaultTrust {

  private static final Logger LOG = Logger.getLogger(VaultTrust.class.getName());

  static final Duration RETRY_INTERVAL = Duration.ofMinutes(1);

  private final VaultClient client;
  private final String mount;
  private final PublicCaBundleStore store;
  private final Clock clock;
  private final Duration refreshInterval;
  private volatile List<X509Certificate> anchors = List.of();
  private volatile String anchorsPem = "";
  /** The roots Vault named at the last refresh. */
  private List<X509Certificate> lastFromVault = List.of();
  private Instant nextRefreshAt = Instant.MIN;

  VaultTrust(VaultClient client, String mount, PublicCaBundleStore store, Clock clock, Duration refreshInterval) {
    this.client = client;
    this.mount = mount;
    this.store = store;
    this.clock = clock;
    this.refreshInterval = refreshInterval;
  }

  /** Reads Vault's CA, merges it with the roots still trusted, and publishes the result. */
  synchronized PublicBundleWrite refresh() throws VaultException, CaStoreException {
    Instant now = clock.instant();
    List<X509Certificate> fromVault = vaultAnchors();
    List<X509Certificate> merged = new ArrayList<>(fromVault);
    for (X509Certificate previous : anchors) {
      if (!contains(merged, previous) && previous.getNotAfter().toInstant().isAfter(now)) {
        merged.add(previous);
        // Told once, when Vault stops naming it; every later refresh keeps it the same way.
        if (contains(lastFromVault, previous)) {
          LOG.warning(() -> "Vault's CA for mount " + mount + " changed: the previous root " + describe(previous)
              + " stays trusted until it expires, beside " + describe(fromVault.get(0)));
        }
      }
    }
    lastFromVault = fromVault;
    String pem = Pem.encode(merged);
    Instant earliestExpiry = merged.stream().map(c -> c.getNotAfter().toInstant())
        .min(Comparator.naturalOrder()).orElseThrow();
    PublicBundleWrite write = store.putPublicBundle(StoredCaBundle.publicBundle(pem, earliestExpiry));
    anchors = List.copyOf(merged);
    anchorsPem = pem;
    nextRefreshAt = now.plus(refreshInterval);
    switch (write) {
      case CREATED -> LOG.info(() -> "published Vault's CA " + describe(merged.get(0)) + " to " + store.location()
          + " (ca.crt and expiration; the key stays in Vault)");
      case REPLACED -> LOG.warning(() -> "Vault's CA differs from " + store.location() + ": replaced it with "
          + merged.size() + " root(s), first " + describe(merged.get(0)));
      case UNCHANGED -> LOG.fine(() -> store.location() + " already holds Vault's CA " + describe(merged.get(0)));
    }
    return write;
  }

  /** Refreshes when the interval has passed; failures are logged and retried sooner. Called by a timer. */
  synchronized void maintain() {
    Instant now = clock.instant();
    if (now.isBefore(nextRefreshAt)) {
      return;
    }
    try {
      refresh();
    } catch (VaultException | CaStoreException e) {
      nextRefreshAt = now.plus(RETRY_INTERVAL);
      LOG.warning(() -> "could not re-read Vault's CA for mount " + mount + " (the roots in use stay trusted;"
          + " next try at " + nextRefreshAt + "): " + e.getMessage());
    }
  }

  /** The roots, newest first, as PEM. */
  String trustedCasPem() {
    return anchorsPem;
  }

  List<X509Certificate> anchors() {
    return anchors;
  }

  String storeLocation() {
    return store.location();
  }

  /**
   * The self-signed certificates among the mount's CA and its chain: what peers must trust. A chain
   * without its root (an intermediate mount whose root lives outside Vault) has only its top as anchor,
   * which peers that demand a self-signed root will not accept: said in the log.
   */
  private List<X509Certificate> vaultAnchors() throws VaultException {
    List<X509Certificate> all = new ArrayList<>(certificates("ca/pem", client.caPem(mount)));
    List<X509Certificate> chain = List.of();
    try {
      chain = certificates("ca_chain", client.caChainPem(mount));
    } catch (VaultException e) {
      if (e.retryable()) {
        throw e;
      }
      LOG.fine(() -> "no CA chain for mount " + mount + " (" + e.getMessage() + "); using ca/pem alone");
    }
    for (X509Certificate certificate : chain) {
      if (!contains(all, certificate)) {
        all.add(certificate);
      }
    }
    if (all.isEmpty()) {
      throw new VaultException("the PKI mount " + mount + " has no CA certificate: generate a root (vault write "
          + mount + "/root/generate/internal common_name=...) or set a signed intermediate", Kind.REJECTED);
    }
    List<X509Certificate> roots = all.stream().filter(VaultTrust::isSelfSigned).toList();
    if (!roots.isEmpty()) {
      return roots;
    }
    X509Certificate top = all.get(all.size() - 1);
    LOG.warning(() -> "Vault's CA chain for mount " + mount + " ends at " + describe(top) + ", which is not a"
        + " self-signed root; it is published as the mesh's trust anchor, but peers that require a root will"
        + " reject it: import the root into the mount so that ca_chain includes it");
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

  private static boolean contains(List<X509Certificate> certificates, X509Certificate wanted) {
    try {
      byte[] encoded = wanted.getEncoded();
      for (X509Certificate certificate : certificates) {
        if (Arrays.equals(certificate.getEncoded(), encoded)) {
          return true;
        }
      }
      return false;
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate cannot be encoded again", e);
    }
  }

  static String describe(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName() + " (serial " + certificate.getSerialNumber().toString(16)
        + ", expires " + certificate.getNotAfter().toInstant() + ")";
  }
}
