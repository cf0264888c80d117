package io.openservicemesh.certificate.certmanager;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiException;
import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {

  @Test
  void aStatusIsDescribedByCodeReasonAndMessage() {
    ApiException forbidden = new ApiException("Forbidden", 403, Map.of(), "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
        + "\"status\":\"Failure\",\"message\":\"certificaterequests.cert-manager.io is forbidden: User \\\"osm\\\""
        + " cannot create resource\",\"reason\":\"Forbidden\",\"code\":403}");

    assertThat(ApiErrors.describe(forbidden)).isEqualTo("the Kubernetes API answered 403 Forbidden:"
        + " certificaterequests.cert-manager.io is forbidden: User \"osm\" cannot create resource");
    assertThat(ApiErrors.reason(forbidden)).contains("Forbidden");
  }

  @Test
  void noAnswerIsDescribedAsUnreachable() {
    ApiException refused = new ApiException(new ConnectException("Connection refused"));

    assertThat(ApiErrors.describe(refused))
        .isEqualTo("the Kubernetes API is unreachable (ConnectException: Connection refused)");
  }

  @Test
  void aMissingObjectIsToldFromAMissingResourceType() {
    ApiException missingIssuer = new ApiException("Not Found", 404, Map.of(), "{\"kind\":\"Status\","
        + "\"message\":\"issuers.cert-manager.io \\\"osm-ca\\\" not found\",\"reason\":\"NotFound\","
        + "\"details\":{\"name\":\"osm-ca\",\"group\":\"cert-manager.io\",\"kind\":\"issuers\"},\"code\":404}");
    ApiException noCrd = new ApiException("Not Found", 404, Map.of(), "404 page not found");

    assertThat(ApiErrors.isMissingObject(missingIssuer)).isTrue();
    assertThat(ApiErrors.isMissingObject(noCrd)).isFalse();
    assertThat(ApiErrors.describe(noCrd)).isEqualTo("the Kubernetes API answered 404");
  }
}
