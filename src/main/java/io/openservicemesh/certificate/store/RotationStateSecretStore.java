package io.openservicemesh.certificate.store;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Preconditions;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A root rotation's state in an Opaque Secret beside the CA bundle ({@code <caBundleSecretName>-rotation}): a
 * Secret because it holds the private keys of both roots while they change places, and beside the bundle so
 * that the same least-privilege Role covers both.
 */
public final class RotationStateSecretStore implements RotationStateStore {

  private static final int NOT_FOUND = 404;
  private static final int CONFLICT = 409;

  private final CoreV1Api api;
  private final String namespace;
  private final String name;

  public RotationStateSecretStore(CoreV1Api api, String namespace, String caBundleSecretName) {
    this.api = api;
    this.namespace = namespace;
    this.name = nameFor(caBundleSecretName);
  }

  public static String nameFor(String caBundleSecretName) {
    return caBundleSecretName + "-rotation";
  }

  @Override
  public String location() {
    return "Secret " + namespace + "/" + name;
  }

  @Override
  public Optional<StoredRotation> load() throws CaStoreException {
    try {
      return Optional.of(stored(api.readNamespacedSecret(name, namespace).execute()));
    } catch (ApiException e) {
      if (e.getCode() == NOT_FOUND) {
        return Optional.empty();
      }
      throw failure("read", e);
    }
  }

  @Override
  public Optional<StoredRotation> create(Map<String, String> data) throws CaStoreException {
    V1Secret secret = new V1Secret()
        .metadata(new V1ObjectMeta().name(name).namespace(namespace)
            .putLabelsItem(CaBundleSecretStore.NAME_LABEL, CaBundleSecretStore.NAME_LABEL_VALUE))
        .type("Opaque").data(bytes(data));
    try {
      return Optional.of(stored(api.createNamespacedSecret(namespace, secret).execute()));
    } catch (ApiException e) {
      if (e.getCode() == CONFLICT) {
        return Optional.empty();
      }
      throw failure("create", e);
    }
  }

  @Override
  public Optional<StoredRotation> replace(StoredRotation current, Map<String, String> data) throws CaStoreException {
    V1Secret secret = new V1Secret()
        .metadata(new V1ObjectMeta().name(name).namespace(namespace).resourceVersion(current.version())
            .putLabelsItem(CaBundleSecretStore.NAME_LABEL, CaBundleSecretStore.NAME_LABEL_VALUE))
        .type("Opaque").data(bytes(data));
    try {
      return Optional.of(stored(api.replaceNamespacedSecret(name, namespace, secret).execute()));
    } catch (ApiException e) {
      if (e.getCode() == CONFLICT || e.getCode() == NOT_FOUND) {
        return Optional.empty();
      }
      throw failure("update", e);
    }
  }

  @Override
  public boolean delete(StoredRotation current) throws CaStoreException {
    try {
      api.deleteNamespacedSecret(name, namespace)
          .body(new V1DeleteOptions().preconditions(new V1Preconditions().resourceVersion(current.version())))
          .execute();
      return true;
    } catch (ApiException e) {
      if (e.getCode() == CONFLICT || e.getCode() == NOT_FOUND) {
        return false;
      }
      throw failure("delete", e);
    }
  }

  private CaStoreException failure(String verb, ApiException e) {
    return SecretFailures.of(verb, location(), namespace, e);
  }

  private static StoredRotation stored(V1Secret secret) {
    Map<String, String> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((key, value) -> data.put(key, new String(value, StandardCharsets.UTF_8)));
    }
    return new StoredRotation(data, secret.getMetadata().getResourceVersion());
  }

  private static Map<String, byte[]> bytes(Map<String, String> data) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    data.forEach((key, value) -> bytes.put(key, value.getBytes(StandardCharsets.UTF_8)));
    return bytes;
  }
}
