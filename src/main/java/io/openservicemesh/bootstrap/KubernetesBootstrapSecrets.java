package io.openservicemesh.bootstrap;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Preconditions;
import io.kubernetes.client.openapi.models.V1Secret;
import io.openservicemesh.k8s.ApiFailures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Bootstrap Secrets in the pods' namespaces, through the Kubernetes API: get, create, update, delete by name. */
public final class KubernetesBootstrapSecrets implements BootstrapSecrets {

  private static final int NOT_FOUND = 404;
  private static final int CONFLICT = 409;

  private final CoreV1Api core;

  public KubernetesBootstrapSecrets(CoreV1Api core) {
    this.core = core;
  }

  @Override
  public StoredBootstrapSecret create(String namespace, UUID proxy, Map<String, byte[]> files)
      throws BootstrapSecretException {
    String name = BootstrapSecrets.nameOf(proxy);
    V1Secret secret = new V1Secret()
        .metadata(new V1ObjectMeta().name(name).namespace(namespace).labels(BootstrapSecrets.labelsOf(proxy)))
        .type("Opaque")
        .data(files);
    try {
      return stored(core.createNamespacedSecret(namespace, secret).execute());
    } catch (ApiException e) {
      throw failure("create", namespace, name, e, e.getCode() == CONFLICT);
    }
  }

  @Override
  public Optional<StoredBootstrapSecret> read(String namespace, String name) throws BootstrapSecretException {
    try {
      return Optional.of(stored(core.readNamespacedSecret(name, namespace).execute()));
    } catch (ApiException e) {
      if (e.getCode() == NOT_FOUND) {
        return Optional.empty();
      }
      throw failure("read", namespace, name, e, false);
    }
  }

  /**
   * A full update carrying the resourceVersion that was read: the API server refuses it with 409 if anyone wrote
   * the Secret since, and 404 if it is gone. Labels and the Secret's other metadata are kept as read.
   */
  @Override
  public StoredBootstrapSecret rewrite(StoredBootstrapSecret current, Map<String, byte[]> files, PodOwner owner)
      throws BootstrapSecretException {
    V1Secret secret;
    try {
      secret = core.readNamespacedSecret(current.name(), current.namespace()).execute();
    } catch (ApiException e) {
      throw failure("read", current.namespace(), current.name(), e, e.getCode() == NOT_FOUND);
    }
    if (!current.resourceVersion().equals(secret.getMetadata().getResourceVersion())) {
      throw new BootstrapSecretException("Secret " + current.namespace() + "/" + current.name()
          + " changed since it was read (resourceVersion " + current.resourceVersion() + ", now "
          + secret.getMetadata().getResourceVersion() + ")", true);
    }
    secret.getMetadata().ownerReferences(List.of(ownerReference(owner)));
    secret.data(files);
    try {
      return stored(core.replaceNamespacedSecret(current.name(), current.namespace(), secret).execute());
    } catch (ApiException e) {
      throw failure("rewrite", current.namespace(), current.name(), e,
          e.getCode() == CONFLICT || e.getCode() == NOT_FOUND);
    }
  }

  @Override
  public void delete(String namespace, String name, String uid) throws BootstrapSecretException {
    try {
      core.deleteNamespacedSecret(name, namespace)
          .body(new V1DeleteOptions().preconditions(new V1Preconditions().uid(uid)))
          .execute();
    } catch (ApiException e) {
      if (e.getCode() == NOT_FOUND || e.getCode() == CONFLICT) {
        return; // gone already, or another Secret under the name now: not ours to delete
      }
      throw failure("delete", namespace, name, e, false);
    }
  }

  /** Not a controller reference: the pod controls nothing about the Secret but its lifetime. */
  static V1OwnerReference ownerReference(PodOwner owner) {
    return new V1OwnerReference().apiVersion("v1").kind("Pod").name(owner.name()).uid(owner.uid());
  }

  private static StoredBootstrapSecret stored(V1Secret secret) {
    V1ObjectMeta meta = secret.getMetadata();
    Optional<PodOwner> owner = meta.getOwnerReferences() == null ? Optional.empty()
        : meta.getOwnerReferences().stream()
            .filter(ref -> "Pod".equals(ref.getKind()) && "v1".equals(ref.getApiVersion()))
            .map(ref -> new PodOwner(ref.getName(), ref.getUid()))
            .findFirst();
    return new StoredBootstrapSecret(meta.getNamespace(), meta.getName(), meta.getUid(), meta.getResourceVersion(),
        owner, secret.getData() == null ? Map.of() : secret.getData());
  }

  private static BootstrapSecretException failure(
      String verb, String namespace, String name, ApiException e, boolean conflict) {
    return new BootstrapSecretException(
        "cannot " + verb + " Secret " + namespace + "/" + name + ": " + ApiFailures.describe(e), conflict);
  }
}
