package io.openservicemesh.certificate;

import java.util.List;

/** The certificates the running control plane holds, for the debug views: public facts only. */
public interface CertificateInventory {

  /** Sorted by common name; empty before the CA is up. */
  List<CachedCertificate> cachedCertificates();
}
