package io.openservicemesh.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.openservicemesh.webhook.AdmissionRequest;
import io.openservicemesh.webhook.AdmissionResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigValidatorTest {

  private final ConfigValidator validator = new ConfigValidator(() -> "osm-system");

  private static AdmissionRequest request(String namespace, String name, String operation, String data) {
    JsonObject configMap = JsonParser.parseString("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\":"
        + " {\"name\": \"" + name + "\"}, \"data\": " + data + "}").getAsJsonObject();
    return new AdmissionRequest("u", "ConfigMap", namespace, name, operation, false, Optional.of(configMap));
  }

  @Test
  void aValidConfigIsAllowed() {
    assertThat(validator.admit(request("osm-system", "osm-config", "UPDATE",
        "{\"OpenServiceMesh.serviceCertValidityDuration\": \"1h\", \"OpenServiceMesh.envoyLogLevel\": \"debug\"}")))
        .isEqualTo(AdmissionResponse.allow());
  }

  @Test
  void anInvalidConfigIsRefusedWithEveryReason() {
    AdmissionResponse response = validator.admit(request("osm-system", "osm-config", "CREATE",
        "{\"OpenServiceMesh.serviceCertValidityDuration\": \"forever\", \"OpenServiceMesh.envoyLogLevel\": \"loud\"}"));

    assertThat(response.allowed()).isFalse();
    assertThat(response.code()).isEqualTo(403);
    assertThat(response.message().orElseThrow())
        .startsWith("ConfigMap osm-system/osm-config has 2 problem(s): ")
        .contains("OpenServiceMesh.serviceCertValidityDuration must be a positive duration", "got forever")
        .contains("OpenServiceMesh.envoyLogLevel must be one of [trace,", "got loud");
  }

  @Test
  void binaryDataIsRefused() {
    AdmissionRequest request = request("osm-system", "osm-config", "CREATE", "{}");
    request.object().get().add("binaryData", JsonParser.parseString("{\"OpenServiceMesh.envoyLogLevel\": \"ZGVidWc=\"}"));

    assertThat(validator.admit(request).message().orElseThrow()).contains("is in binaryData");
  }

  @Test
  void otherConfigMapsNamespacesAndOperationsAreAllowed() {
    String bad = "{\"OpenServiceMesh.envoyLogLevel\": \"loud\"}";
    assertThat(validator.admit(request("osm-system", "other", "CREATE", bad)).allowed()).isTrue();
    assertThat(validator.admit(request("bookstore", "osm-config", "CREATE", bad)).allowed()).isTrue();
    assertThat(validator.admit(request("osm-system", "osm-config", "DELETE", bad)).allowed()).isTrue();
  }
}
