package io.openservicemesh.certificate;

import java.time.Duration;

/**
 * Told by the {@link CertificateCache} about every call it makes to its {@link Issuer}, so that issuance can be
 * counted and timed without the cache knowing how. Called on the issuing thread; must be quick and must not
 * throw.
 */
public interface IssuanceMeter {

  IssuanceMeter NONE = new IssuanceMeter() {
    @Override
    public void issued(CertificateKind kind, Duration took, boolean succeeded) {}

    @Override
    public void renewed(CertificateKind kind, Duration took, boolean succeeded) {}
  };

  /** A certificate was asked for on first use (or again after its predecessor expired). */
  void issued(CertificateKind kind, Duration took, boolean succeeded);

  /** The rotation asked for the successor of a certificate in service. */
  void renewed(CertificateKind kind, Duration took, boolean succeeded);
}
