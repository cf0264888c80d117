package io.openservicemesh.certificate.store;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CA bundle in an Opaque Kubernetes Secret ({@code osm-ca-bundle} in the OSM namespace by default).
 * Creation is the API server's atomic create: when replicas race, one create succeeds, the others get
 * 409 Conflict and load the winner's bundle. A bundle with a private key is never overwritten; a key-less
 * public bundle is replaced with optimistic concurrency (the read resourceVersion must still be current).
 */
public final class CaBundleSecretStore implements PublicCaBundleStore, RotatingCaBundleStore {

  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String NAME_LABEL_VALUE = "openservicemesh.io";

  private static final int NOT_FOUND = 404;
  private static final int CONFLICT = 409;
  /** Replicas publishing the same new CA at once each lose a round at most; more means something is off. */
  private static final int MAX_PUBLISH_ROUNDS = 5;

  private final CoreV1Api api;
  private final String namespace;
  private final String name;

  public CaBundleSecretStore(CoreV1Api api, String namespace, String name) {
    this.api = api;
    this.namespace = namespace;
    this.name = name;
  }

  @Override
  public String location() {
    return "Secret " + namespace + "/" + name;
  }

  @Override
  public Optional<StoredCaBundle> load() throws CaStoreException {
    try {
      return Optional.of(toBundle(api.readNamespacedSecret(name, namespace).execute()));
    } catch (ApiException e) {
      if (e.getCode() == NOT_FOUND) {
        return Optional.empty();
      }
      throw failure("read", e);
    }
  }

  @Override
  public StoredCaBundle createIfAbsent(StoredCaBundle bundle) throws CaStoreException {
    try {
      api.createNamespacedSecret(namespace, newSecret(bundle)).execute();
      return bundle;
    } catch (ApiException e) {
      if (e.getCode() == CONFLICT) {
        return load().orElseThrow(() -> new CaStoreException(location() + " existed, then vanished while loading"));
      }
      if (e.getCode() == NOT_FOUND) {
        throw namespaceMissing(e);
      }
      throw failure("create", e);
    }
  }

  @Override
  public PublicBundleWrite putPublicBundle(StoredCaBundle bundle) throws CaStoreException {
    if (bundle.privateKey() != null) {
      throw new IllegalArgumentException("a public bundle carries no private key");
    }
    for (int round = 1; round <= MAX_PUBLISH_ROUNDS; round++) {
      V1Secret existing;
      try {
        existing = api.readNamespacedSecret(name, namespace).execute();
      } catch (ApiException e) {
        if (e.getCode() != NOT_FOUND) {
          throw failure("read", e);
        }
        if (createPublic(bundle)) {
          return PublicBundleWrite.CREATED;
        }
        continue;
      }
      StoredCaBundle stored = toBundle(existing);
      if (stored.privateKey() != null) {
        throw new CaStoreException(location() + " holds a " + StoredCaBundle.PRIVATE_KEY + ": it is the root of"
            + " another CA (the built-in one, or one brought by an operator), and this CA keeps its key elsewhere,"
            + " so the Secret is left as it is. Delete it (kubectl delete secret -n " + namespace + " " + name
            + ") or set OpenServiceMesh.caBundleSecretName to another name");
      }
      if (bundle.equals(stored)) {
        return PublicBundleWrite.UNCHANGED;
      }
      if (replacePublic(existing, bundle)) {
        return PublicBundleWrite.REPLACED;
      }
    }
    throw new CaStoreException("cannot update " + location() + ": it kept changing under " + MAX_PUBLISH_ROUNDS
        + " attempts to write it; is another writer fighting over it?");
  }

  @Override
  public boolean replaceRoot(StoredCaBundle expected, StoredCaBundle replacement) throws CaStoreException {
    V1Secret existing;
    try {
      existing = api.readNamespacedSecret(name, namespace).execute();
    } catch (ApiException e) {
      throw e.getCode() == NOT_FOUND ? new CaStoreException(location() + " is missing; it is written back from"
          + " the root in use before a rotation goes on") : failure("read", e);
    }
    StoredCaBundle stored = toBundle(existing);
    if (stored.sameRootAs(replacement)) {
      return true;
    }
    if (!stored.sameRootAs(expected)) {
      return false;
    }
    return replacePublic(existing, replacement);
  }

  @Override
  public Read read() throws CaStoreException {
    try {
      V1Secret secret = api.readNamespacedSecret(name, namespace).execute();
      Map<String, String> annotations = secret.getMetadata().getAnnotations();
      return new Read(Optional.of(toBundle(secret)),
          annotations != null && annotations.containsKey(ROTATE_ROOT_ANNOTATION));
    } catch (ApiException e) {
      if (e.getCode() == NOT_FOUND) {
        return new Read(Optional.empty(), false);
      }
      throw failure("read", e);
    }
  }

  @Override
  public void clearRotationRequest() throws CaStoreException {
    for (int round = 1; round <= MAX_PUBLISH_ROUNDS; round++) {
      try {
        V1Secret existing = api.readNamespacedSecret(name, namespace).execute();
        Map<String, String> annotations = existing.getMetadata().getAnnotations();
        if (annotations == null || !annotations.containsKey(ROTATE_ROOT_ANNOTATION)) {
          return;
        }
        annotations.remove(ROTATE_ROOT_ANNOTATION);
        api.replaceNamespacedSecret(name, namespace, existing).execute();
        return;
      } catch (ApiException e) {
        if (e.getCode() == NOT_FOUND) {
          return;
        }
        if (e.getCode() != CONFLICT) {
          throw failure("update", e);
        }
      }
    }
    throw new CaStoreException("cannot remove annotation " + ROTATE_ROOT_ANNOTATION + " from " + location()
        + ": the Secret kept changing");
  }

  /** False when another writer created it first: the caller reads it and decides again. */
  private boolean createPublic(StoredCaBundle bundle) throws CaStoreException {
    try {
      api.createNamespacedSecret(namespace, newSecret(bundle)).execute();
      return true;
    } catch (ApiException e) {
      if (e.getCode() == CONFLICT) {
        return false;
      }
      if (e.getCode() == NOT_FOUND) {
        throw namespaceMissing(e);
      }
      throw failure("create", e);
    }
  }

  /** False when the Secret changed since it was read (409): the caller reads it and decides again. */
  private boolean replacePublic(V1Secret existing, StoredCaBundle bundle) throws CaStoreException {
    // The read metadata, resourceVersion included, makes the API server refuse the write if anyone wrote
    // in between; labels and annotations others added survive.
    V1ObjectMeta metadata = existing.getMetadata().putLabelsItem(NAME_LABEL, NAME_LABEL_VALUE);
    V1Secret replacement = new V1Secret().metadata(metadata).type(existing.getType()).data(toData(bundle));
    try {
      api.replaceNamespacedSecret(name, namespace, replacement).execute();
      return true;
    } catch (ApiException e) {
      if (e.getCode() == CONFLICT || e.getCode() == NOT_FOUND) {
        return false;
      }
      throw failure("update", e);
    }
  }

  private V1Secret newSecret(StoredCaBundle bundle) {
    return new V1Secret()
        .metadata(new V1ObjectMeta().name(name).namespace(namespace).putLabelsItem(NAME_LABEL, NAME_LABEL_VALUE))
        .type("Opaque")
        .data(toData(bundle));
  }

  private CaStoreException namespaceMissing(ApiException e) {
    return new CaStoreException("cannot create " + location() + ": namespace " + namespace
        + " does not exist (create it, or set OpenServiceMesh.osmNamespace)", e);
  }

  private CaStoreException failure(String verb, ApiException e) {
    return SecretFailures.of(verb, location(), namespace, e);
  }

  private static Map<String, byte[]> toData(StoredCaBundle bundle) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    put(data, StoredCaBundle.CA_CRT, bundle.caCrt());
    put(data, StoredCaBundle.PRIVATE_KEY, bundle.privateKey());
    put(data, StoredCaBundle.EXPIRATION, bundle.expiration());
    return data;
  }

  private static void put(Map<String, byte[]> data, String key, String value) {
    if (value != null) {
      data.put(key, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static StoredCaBundle toBundle(V1Secret secret) {
    Map<String, byte[]> data = secret.getData() == null ? Map.of() : secret.getData();
    return new StoredCaBundle(
        text(data, StoredCaBundle.CA_CRT), text(data, StoredCaBundle.PRIVATE_KEY), text(data, StoredCaBundle.EXPIRATION));
  }

  private static String text(Map<String, byte[]> data, String key) {
    byte[] value = data.get(key);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
