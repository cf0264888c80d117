package io.openservicemesh.bootstrap;

import java.util.Map;
import java.util.Optional;

/**
 * A bootstrap Secret as read from the store.
 *
 * @param uid the Secret's uid: a deletion names it, so a Secret recreated under the same name is not deleted
 * @param resourceVersion the version a rewrite must still find
 * @param owner the pod named by its ownerReference, once set
 * @param files its data, by key
 */
public record StoredBootstrapSecret(
    String namespace, String name, String uid, String resourceVersion, Optional<PodOwner> owner,
    Map<String, byte[]> files) {

  public StoredBootstrapSecret {
    files = Map.copyOf(files);
  }

  /** Without the files, which hold a private key. */
  @Override
  public String toString() {
    return "StoredBootstrapSecret[" + namespace + "/" + name + ", resourceVersion=" + resourceVersion + ", owner="
        + owner.map(PodOwner::name).orElse("none") + "]";
  }
}
