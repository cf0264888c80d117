package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.openservicemesh.identity.ServiceIdentity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The identities behind a service, as matched in the informer caches: its selector over the meshed pods. */
class UpstreamIdentitiesTest {

  private static V1Pod pod(String account, Map<String, String> labels) {
    return new V1Pod().metadata(new V1ObjectMeta().name("p").namespace("bookstore").labels(labels))
        .spec(new V1PodSpec().serviceAccountName(account));
  }

  @Test
  void theServiceAccountsOfThePodsEveryTermOfTheSelectorPicks() {
    List<V1Pod> pods = List.of(
        pod("bookstore", Map.of("app", "bookstore", "version", "v1", "osm-proxy-uuid", "1")),
        pod("bookstore-v2", Map.of("app", "bookstore", "version", "v2", "osm-proxy-uuid", "2")),
        pod("bookbuyer", Map.of("app", "bookbuyer", "osm-proxy-uuid", "3")),
        pod(null, Map.of("app", "bookstore", "osm-proxy-uuid", "4")),
        new V1Pod().metadata(new V1ObjectMeta().name("unlabelled")));

    assertThat(UpstreamIdentities.identities("bookstore", Map.of("app", "bookstore"), pods))
        .containsExactlyInAnyOrder(new ServiceIdentity("bookstore", "bookstore"),
            new ServiceIdentity("bookstore-v2", "bookstore"), new ServiceIdentity("default", "bookstore"));
    assertThat(UpstreamIdentities.identities("bookstore", Map.of("app", "bookstore", "version", "v2"), pods))
        .containsExactly(new ServiceIdentity("bookstore-v2", "bookstore"));
  }

  @Test
  void aServiceWithoutASelectorNamesNoPods() {
    List<V1Pod> pods = List.of(pod("bookstore", Map.of("app", "bookstore")));

    assertThat(UpstreamIdentities.identities("bookstore", Map.of(), pods)).isEmpty();
  }

  @Test
  void aCachedServiceKeepsItsNameAndSelectorAndNothingElse() {
    V1Service service = new V1Service()
        .metadata(new V1ObjectMeta().name("bookstore").namespace("bookstore").resourceVersion("7")
            .annotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{...}")))
        .spec(new V1ServiceSpec().selector(Map.of("app", "bookstore")).clusterIP("10.96.0.9")
            .ports(List.of(new V1ServicePort().port(14001))));

    V1Service kept = ServiceSelectorCache.trimmed(service);

    assertThat(kept.getMetadata().getName()).isEqualTo("bookstore");
    assertThat(kept.getMetadata().getNamespace()).isEqualTo("bookstore");
    assertThat(kept.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(kept.getSpec().getSelector()).containsExactly(Map.entry("app", "bookstore"));
    assertThat(kept.getSpec().getPorts()).isNullOrEmpty();
    assertThat(kept.getSpec().getClusterIP()).isNull();
  }
}
