package io.openservicemesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** An object from a newer API server, with fields this client's models do not know, is still read. */
class UnknownFieldsToleratedTest {

  private static final String POD_LIST = """
      {"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "7", "shinyNew": 1},
       "items": [{"apiVersion": "v1", "kind": "Pod", "futureTopLevel": {"x": [1]},
                  "metadata": {"name": "bookstore-1", "namespace": "bookstore", "labels": {"app": "bookstore"},
                               "futureMeta": "y"},
                  "spec": {"serviceAccountName": "bookstore",
                           "containers": [{"name": "app", "image": "bookstore:v1", "futureContainer": true}]},
                  "status": {"phase": "Running", "futureStatus": {}}}]}
      """;

  @Test
  void theModelsThemselvesRefuseUnknownFields() {
    // Guards the premise: if the client ever stops refusing, this class can go.
    assertThatThrownBy(() -> V1PodList.validateJsonElement(JsonParser.parseString(POD_LIST)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not defined in the");
  }

  @Test
  void unknownFieldsAtEveryDepthAreIgnoredAndKnownOnesRead() {
    UnknownFieldsTolerated.install();

    V1PodList pods = JSON.deserialize(POD_LIST, V1PodList.class);

    assertThat(pods.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(pods.getItems()).singleElement().satisfies(pod -> {
      assertThat(pod.getMetadata().getName()).isEqualTo("bookstore-1");
      assertThat(pod.getMetadata().getLabels()).containsEntry("app", "bookstore");
      assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("bookstore");
      assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("bookstore:v1");
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    });
  }

  @Test
  void secretDataStaysBytesAndWritingIsUnchanged() {
    UnknownFieldsTolerated.install();
    String json = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"},"
        + "\"data\":{\"ca.crt\":\"aGVsbG8=\"},\"immutableSoon\":true}";

    V1Secret secret = JSON.deserialize(json, V1Secret.class);

    assertThat(new String(secret.getData().get("ca.crt"), StandardCharsets.UTF_8)).isEqualTo("hello");
    String written = JSON.serialize(secret);
    assertThat(written).doesNotContain("immutableSoon");
    assertThat(JSON.<V1Secret>deserialize(written, V1Secret.class).getData().get("ca.crt")).isEqualTo(secret.getData().get("ca.crt"));
  }
}
