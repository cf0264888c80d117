package io.openservicemesh.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.openservicemesh.webhook.AdmissionMeter.Outcome;

/** The AdmissionReview contract as the Kubernetes documentation gives it, from the API server's side. */
class AdmissionEndpointTest {

  /** The request example of the Kubernetes admission webhook documentation, trimmed to what matters. */
  static final String REVIEW = """
      {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
       "request": {"uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
                   "kind": {"group": "", "version": "v1", "kind": "Pod"},
                   "resource": {"group": "", "version": "v1", "resource": "pods"},
                   "namespace": "bookstore", "operation": "CREATE",
                   "userInfo": {"username": "admin"},
                   "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "web-"}},
                   "dryRun": false}}""";

  private final AtomicReference<AdmissionRequest> seen = new AtomicReference<>();

  private AdmissionEndpoint endpoint(AdmissionResponse answer) {
    return new AdmissionEndpoint("the test webhook", request -> {
      seen.set(request);
      return answer;
    });
  }

  private static InputStream body(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject response(HttpAnswer answer) {
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).isEqualTo("application/json");
    JsonObject review = JsonParser.parseString(answer.body()).getAsJsonObject();
    assertThat(review.get("kind").getAsString()).isEqualTo("AdmissionReview");
    return review.getAsJsonObject("response");
  }

  @Test
  void anAllowedRequestEchoesTheUidAndParsesTheRequest() {
    HttpAnswer answer = endpoint(AdmissionResponse.allow()).handle("application/json", body(REVIEW));

    JsonObject response = response(answer);
    assertThat(response.get("uid").getAsString()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(response.get("allowed").getAsBoolean()).isTrue();
    assertThat(response.has("patch")).isFalse();
    assertThat(JsonParser.parseString(answer.body()).getAsJsonObject().get("apiVersion").getAsString())
        .isEqualTo("admission.k8s.io/v1");
    AdmissionRequest request = seen.get();
    assertThat(request.kind()).isEqualTo("Pod");
    assertThat(request.namespace()).isEqualTo("bookstore");
    assertThat(request.operation()).isEqualTo("CREATE");
    assertThat(request.dryRun()).isFalse();
    assertThat(request.object()).isPresent();
  }

  @Test
  void aPatchIsBase64JsonPatch() {
    JsonArray patch = JsonParser.parseString("[{\"op\": \"add\", \"path\": \"/metadata/labels\", \"value\": {}}]")
        .getAsJsonArray();

    JsonObject response = response(endpoint(AdmissionResponse.allowWithPatch(patch))
        .handle("application/json; charset=utf-8", body(REVIEW)));

    assertThat(response.get("patchType").getAsString()).isEqualTo("JSONPatch");
    String decoded = new String(Base64.getDecoder().decode(response.get("patch").getAsString()), StandardCharsets.UTF_8);
    assertThat(JsonParser.parseString(decoded)).isEqualTo(patch);
  }

  @Test
  void aDenialCarriesTheMessageAndCode() {
    JsonObject response = response(endpoint(AdmissionResponse.refuse("bad annotation")).handle("application/json",
        body(REVIEW)));

    assertThat(response.get("allowed").getAsBoolean()).isFalse();
    assertThat(response.get("uid").getAsString()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(response.getAsJsonObject("status").get("message").getAsString()).isEqualTo("bad annotation");
    assertThat(response.getAsJsonObject("status").get("code").getAsInt()).isEqualTo(403);
  }

  @Test
  void aFailingHandlerIsAnsweredWithoutAStackTrace() {
    AdmissionEndpoint failing = new AdmissionEndpoint("the test webhook", request -> {
      throw new IllegalStateException("secret detail at io.openservicemesh.Foo");
    });

    JsonObject response = response(failing.handle("application/json", body(REVIEW)));

    assertThat(response.get("allowed").getAsBoolean()).isFalse();
    assertThat(response.get("uid").getAsString()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    String message = response.getAsJsonObject("status").get("message").getAsString();
    assertThat(message).startsWith("the test webhook failed unexpectedly on Pod bookstore/(generated name)")
        .contains("reference").doesNotContain("secret detail", "at io.", "Exception");
    assertThat(response.getAsJsonObject("status").get("code").getAsInt()).isEqualTo(500);
  }

  @Test
  void dryRunAndV1beta1AreUnderstood() {
    String review = REVIEW.replace("\"dryRun\": false", "\"dryRun\": true").replace("/v1\"", "/v1beta1\"");

    HttpAnswer answer = endpoint(AdmissionResponse.allow()).handle("application/json", body(review));

    assertThat(seen.get().dryRun()).isTrue();
    assertThat(JsonParser.parseString(answer.body()).getAsJsonObject().get("apiVersion").getAsString())
        .isEqualTo("admission.k8s.io/v1beta1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/jsonp", ""})
  void anythingButJsonIs415(String contentType) {
    HttpAnswer answer = endpoint(AdmissionResponse.allow()).handle(contentType, body(REVIEW));

    assertThat(answer.status()).isEqualTo(415);
    assertThat(answer.body()).startsWith("Content-Type must be application/json, got ");
    assertThat(seen.get()).isNull();
  }

  @Test
  void aMissingContentTypeIs415() {
    assertThat(endpoint(AdmissionResponse.allow()).handle(null, body(REVIEW)).body())
        .isEqualTo("Content-Type must be application/json, got none\n");
  }

  @Test
  void badBodiesAre400WithTheReason() {
    AdmissionEndpoint endpoint = endpoint(AdmissionResponse.allow());

    assertThat(endpoint.handle("application/json", body(""))).isEqualTo(new HttpAnswer(400,
        "text/plain; charset=utf-8", "empty body: expected an AdmissionReview (admission.k8s.io/v1)\n"));
    assertThat(endpoint.handle("application/json", body("{\"kind\": ")).body())
        .startsWith("not an AdmissionReview: the body is not JSON (");
    assertThat(endpoint.handle("application/json", body("[1, 2]")).body())
        .isEqualTo("not an AdmissionReview: the body is not a JSON object\n");
    assertThat(endpoint.handle("application/json", body("{\"kind\": \"Pod\"}")).body())
        .isEqualTo("not an AdmissionReview: kind must be AdmissionReview, got \"Pod\"\n");
    assertThat(endpoint.handle("application/json",
        body("{\"kind\": \"AdmissionReview\", \"apiVersion\": \"admission.k8s.io/v2\", \"request\": {}}")).body())
        .isEqualTo("not an AdmissionReview: apiVersion must be admission.k8s.io/v1, got \"admission.k8s.io/v2\"\n");
    assertThat(endpoint.handle("application/json",
        body("{\"kind\": \"AdmissionReview\", \"apiVersion\": \"admission.k8s.io/v1\"}")).body())
        .isEqualTo("not an AdmissionReview: the AdmissionReview has no request\n");
    assertThat(endpoint.handle("application/json", body(REVIEW.replace("\"uid\": ", "\"id\": "))).body())
        .isEqualTo("not an AdmissionReview: request.uid is missing\n");
    assertThat(seen.get()).isNull();
  }

  @Test
  void anOversizedBodyIs413() {
    byte[] huge = new byte[AdmissionBodyLimits.MAX_BODY_BYTES + 10];
    java.util.Arrays.fill(huge, (byte) ' ');

    assertThat(endpoint(AdmissionResponse.allow()).handle("application/json", new ByteArrayInputStream(huge)).status())
        .isEqualTo(413);
  }

  /** What the meter was told, in order. */
  private final List<String> metered = new ArrayList<>();

  private AdmissionEndpoint metered(AdmissionHandler handler) {
    return new AdmissionEndpoint("the test webhook", handler, "injector", (webhook, outcome, took) -> {
      assertThat(took).isGreaterThanOrEqualTo(Duration.ZERO);
      metered.add(webhook + ":" + outcome);
    });
  }

  @Test
  void everyAnswerIsMeteredWithItsOutcome() {
    metered(request -> AdmissionResponse.allow()).handle("application/json", body(REVIEW));
    metered(request -> AdmissionResponse.refuse("no")).handle("application/json", body(REVIEW));
    metered(request -> AdmissionResponse.tooMany("later")).handle("application/json", body(REVIEW));
    metered(request -> AdmissionResponse.fail("cannot decide")).handle("application/json", body(REVIEW));
    metered(request -> {
      throw new IllegalStateException("a bug");
    }).handle("application/json", body(REVIEW));
    metered(request -> AdmissionResponse.allow()).handle("text/plain", body(REVIEW));
    metered(request -> AdmissionResponse.allow()).handle("application/json", body("{\"kind\": \"Pod\"}"));

    assertThat(metered).containsExactly("injector:" + Outcome.ALLOWED, "injector:" + Outcome.DENIED,
        "injector:" + Outcome.DENIED, "injector:" + Outcome.ERROR, "injector:" + Outcome.ERROR,
        "injector:" + Outcome.MALFORMED, "injector:" + Outcome.MALFORMED);
  }

  @Test
  void aFailingMeterDoesNotChangeTheAnswer() {
    HttpAnswer answer = new AdmissionEndpoint("the test webhook", request -> AdmissionResponse.allow(), "injector",
        (webhook, outcome, took) -> {
          throw new IllegalStateException("meter broken");
        }).handle("application/json", body(REVIEW));

    assertThat(response(answer).get("allowed").getAsBoolean()).isTrue();
  }
}
