package io.openservicemesh.certificate.tresor;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * The record a finished rotation leaves: which root it ended with and when. No keys: the root that signs lives
 * in the CA Secret again. A replica that missed the end (it was partitioned, or restarting) learns from it to
 * sign with the root the CA Secret holds and to trust no other.
 */
public record RetiredRoot(X509Certificate root, X509Certificate retired, Instant at) {}
