package io.openservicemesh.injector;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.openservicemesh.k8s.ApiFailures;
import java.util.Map;

/** The injector's reads of namespaces (labels, annotations) through the Kubernetes API. */
final class KubernetesInjectorApi implements NamespaceCache.Source {

  private final CoreV1Api core;

  KubernetesInjectorApi(CoreV1Api core) {
    this.core = core;
  }

  @Override
  public NamespaceFacts read(String namespace) throws InjectionException {
    try {
      V1Namespace found = core.readNamespace(namespace).execute();
      if (found.getMetadata() == null) {
        return NamespaceFacts.ABSENT;
      }
      return new NamespaceFacts(orEmpty(found.getMetadata().getLabels()), orEmpty(found.getMetadata().getAnnotations()));
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return NamespaceFacts.ABSENT;
      }
      throw new InjectionException("cannot read namespace " + namespace + " (its " + NamespaceFacts.MONITORED_BY
          + " label and " + InjectionAnnotation.NAME + " annotation): " + ApiFailures.describe(e));
    }
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
