package io.openservicemesh.certificate;

import java.util.Map;

/** What the readiness report shows of the mesh's roots: which signs, how many are trusted, a rotation's step. */
@FunctionalInterface
public interface RootStatus {

  /** Empty before the CA is up, and for an issuer without a {@link RootLifecycle}. */
  Map<String, String> rootDetails();
}
