package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.store.CaStoreException;
import java.util.Optional;

/** A place besides the CA store where a running mesh's roots are published (see {@link PublishedMeshRoots}). */
interface PublishedRoots {

  /** For messages, e.g. "the caBundle of MutatingWebhookConfiguration osm-webhook-osm-system". */
  String where();

  /** The roots published there, as PEM; empty when there are none. */
  Optional<String> find() throws CaStoreException;
}
