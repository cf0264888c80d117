package io.openservicemesh.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiClient;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.MeshSettingsParser;
import io.openservicemesh.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The caBundle loop reports every failure as a reason to retry, never as an exception that would end it. */
class WebhookRegistrationsTest {

  private final MeshSettings settings = MeshSettingsParser.parse(key -> Optional.empty()).orElseThrow();
  private final List<String> created = new ArrayList<>();

  /** A webhook whose configuration the client creates, or whose read fails the way {@code reading} does. */
  private RegisteredWebhook webhook(String name, Runnable reading) {
    return new RegisteredWebhook() {
      @Override
      public String configurationName(MeshSettings settings) {
        return name;
      }

      @Override
      public WebhookConfigurationClient client(ApiClient client, MeshSettings settings) {
        return new WebhookConfigurationClient() {
          @Override
          public Optional<List<CaBundlePatch.Webhook>> read(String configuration) {
            reading.run();
            return Optional.empty();
          }

          @Override
          public void create(String configuration, String rootsPem) {
            created.add(configuration + "=" + rootsPem);
          }

          @Override
          public void patch(String configuration, String jsonPatch) {}

          @Override
          public String kind() {
            return "TestWebhookConfiguration";
          }
        };
      }
    };
  }

  @Test
  void everyWebhookGetsTheTrustBundle() {
    Optional<String> failure = WebhookRegistrations.reconcileAll(
        List.of(webhook("a", () -> {}), webhook("b", () -> {})), new ApiClient(), settings, () -> "ROOTS");

    assertThat(failure).isEmpty();
    assertThat(created).containsExactly("a=ROOTS", "b=ROOTS");
  }

  @Test
  void anUnexpectedExceptionBecomesAReasonToRetry() {
    RegisteredWebhook unreadable = webhook("a", () -> {
      throw new IllegalArgumentException("The field `newField` in the JSON string is not defined");
    });

    try (LogCapture log = LogCapture.of(WebhookRegistrations.class)) {
      Optional<String> failure =
          WebhookRegistrations.reconcileAll(List.of(unreadable), new ApiClient(), settings, () -> "ROOTS");

      assertThat(failure).hasValueSatisfying(reason -> assertThat(reason).contains("newField"));
      assertThat(log.warnings()).anySatisfy(line -> assertThat(line).contains("unexpected failure"));
    }
  }
}
