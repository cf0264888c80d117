package io.openservicemesh.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.webhook.CaBundleRegistration.Outcome;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The create-or-update logic against an in-memory API that stores the configuration as JSON and applies
 * patches with an independent RFC 6902 implementation, failing a {@code test} with 422 as the API server does.
 */
class CaBundleRegistrationTest {

  private static final String ROOTS = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  /** One configuration, as JSON, with hooks to simulate another replica. */
  private static class FakeApi implements WebhookConfigurationClient {
    JsonObject stored;
    int creates;
    int patches;
    final Deque<Runnable> beforeWrite = new ArrayDeque<>();

    @Override
    public Optional<List<CaBundlePatch.Webhook>> read(String name) throws WebhookApiException {
      if (stored == null) {
        return Optional.empty();
      }
      List<CaBundlePatch.Webhook> webhooks = new ArrayList<>();
      for (JsonValue value : stored.getJsonArray("webhooks")) {
        JsonObject webhook = value.asJsonObject();
        JsonObject clientConfig = webhook.getJsonObject("clientConfig");
        byte[] bundle = clientConfig.containsKey("caBundle")
            ? Base64.getDecoder().decode(clientConfig.getString("caBundle")) : null;
        webhooks.add(new CaBundlePatch.Webhook(webhook.getString("name"), bundle));
      }
      return Optional.of(webhooks);
    }

    @Override
    public void create(String name, String rootsPem) throws WebhookApiException {
      interfere();
      if (stored != null) {
        throw new WebhookApiException(409, "already exists");
      }
      creates++;
      stored = configuration(Optional.of(rootsPem), "only");
    }

    @Override
    public void patch(String name, String jsonPatch) throws WebhookApiException {
      interfere();
      try {
        stored = Json.createPatch(Json.createReader(new StringReader(jsonPatch)).readArray())
            .apply(stored).asJsonObject();
        patches++;
      } catch (JsonException e) {
        throw new WebhookApiException(422, "the test operation failed: " + e.getMessage());
      }
    }

    @Override
    public String kind() {
      return "MutatingWebhookConfiguration";
    }

    private void interfere() {
      if (!beforeWrite.isEmpty()) {
        beforeWrite.pop().run();
      }
    }
  }

  static JsonObject configuration(Optional<String> caBundle, String... names) {
    JsonArrayBuilder webhooks = Json.createArrayBuilder();
    for (String name : names) {
      var clientConfig = Json.createObjectBuilder().add("url", "https://example/" + name);
      caBundle.ifPresent(ca -> clientConfig.add("caBundle",
          Base64.getEncoder().encodeToString(ca.getBytes(StandardCharsets.UTF_8))));
      webhooks.add(Json.createObjectBuilder().add("name", name).add("clientConfig", clientConfig)
          .add("failurePolicy", "Fail"));
    }
    return Json.createObjectBuilder().add("metadata", Json.createObjectBuilder().add("name", "cfg"))
        .add("webhooks", webhooks).build();
  }

  private static List<String> bundles(JsonObject configuration) {
    List<String> bundles = new ArrayList<>();
    for (JsonValue webhook : configuration.getJsonArray("webhooks")) {
      JsonObject clientConfig = webhook.asJsonObject().getJsonObject("clientConfig");
      bundles.add(clientConfig.containsKey("caBundle")
          ? new String(Base64.getDecoder().decode(clientConfig.getString("caBundle")), StandardCharsets.UTF_8)
          : null);
    }
    return bundles;
  }

  @Test
  void anAbsentConfigurationIsCreated() throws Exception {
    FakeApi api = new FakeApi();

    assertThat(new CaBundleRegistration(api).reconcile("cfg", ROOTS)).isEqualTo(Outcome.CREATED);
    assertThat(bundles(api.stored)).containsExactly(ROOTS);
  }

  @Test
  void everyWebhookGetsTheRootsAndNothingElseChanges() throws Exception {
    FakeApi api = new FakeApi();
    api.stored = configuration(Optional.empty(), "a", "b");
    JsonArray before = api.stored.getJsonArray("webhooks");

    assertThat(new CaBundleRegistration(api).reconcile("cfg", ROOTS)).isEqualTo(Outcome.UPDATED);

    assertThat(bundles(api.stored)).containsExactly(ROOTS, ROOTS);
    for (int i = 0; i < 2; i++) {
      JsonObject was = before.getJsonObject(i);
      JsonObject now = api.stored.getJsonArray("webhooks").getJsonObject(i);
      assertThat(now.getString("failurePolicy")).isEqualTo(was.getString("failurePolicy"));
      assertThat(now.getJsonObject("clientConfig").getString("url"))
          .isEqualTo(was.getJsonObject("clientConfig").getString("url"));
    }
  }

  @Test
  void aConfigurationWithTheRootsIsLeftAlone() throws Exception {
    FakeApi api = new FakeApi();
    api.stored = configuration(Optional.of(ROOTS), "a");

    assertThat(new CaBundleRegistration(api).reconcile("cfg", ROOTS)).isEqualTo(Outcome.UNCHANGED);
    assertThat(api.patches).isZero();
  }

  @Test
  void losingTheCreateRaceToAnotherReplicaBecomesAnUpdate() throws Exception {
    FakeApi api = new FakeApi();
    api.beforeWrite.add(() -> api.stored = configuration(Optional.of("old roots"), "other-replica"));

    assertThat(new CaBundleRegistration(api).reconcile("cfg", ROOTS)).isEqualTo(Outcome.UPDATED);
    assertThat(api.creates).isZero();
    assertThat(bundles(api.stored)).containsExactly(ROOTS);
  }

  @Test
  void aStalePatchFailsItsTestAndIsRecomputed() throws Exception {
    FakeApi api = new FakeApi();
    api.stored = configuration(Optional.empty(), "a", "b");
    // Between our read and our patch, someone reorders the webhooks.
    api.beforeWrite.add(() -> api.stored = configuration(Optional.empty(), "b", "a"));

    assertThat(new CaBundleRegistration(api).reconcile("cfg", ROOTS)).isEqualTo(Outcome.UPDATED);
    assertThat(bundles(api.stored)).containsExactly(ROOTS, ROOTS);
    assertThat(api.patches).isEqualTo(1);
  }

  @Test
  void otherFailuresAreReportedAtOnce() {
    WebhookConfigurationClient forbidden = new FakeApi() {
      @Override
      public Optional<List<CaBundlePatch.Webhook>> read(String name) throws WebhookApiException {
        throw new WebhookApiException(403, "cannot read MutatingWebhookConfiguration cfg: HTTP 403 forbidden");
      }
    };

    assertThatThrownBy(() -> new CaBundleRegistration(forbidden).reconcile("cfg", ROOTS))
        .hasMessage("cannot read MutatingWebhookConfiguration cfg: HTTP 403 forbidden");
  }

  @Test
  void thePatchTestsEachWebhooksName() {
    String patch = CaBundlePatch.toRoots(List.of(new CaBundlePatch.Webhook("a", null)), ROOTS).orElseThrow();

    JsonArray operations = Json.createReader(new StringReader(patch)).readArray();
    assertThat(operations.getJsonObject(0).getString("op")).isEqualTo("test");
    assertThat(operations.getJsonObject(0).getString("path")).isEqualTo("/webhooks/0/name");
    assertThat(operations.getJsonObject(1).getString("path")).isEqualTo("/webhooks/0/clientConfig/caBundle");
  }
}
