package io.openservicemesh.webhook;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The JSON patch that sets the caBundle of every webhook in a webhook configuration to the mesh roots. Each
 * change is guarded by a {@code test} of the webhook's name at that index, so a patch computed from a stale read
 * (another replica, or a Helm upgrade, reordered the list meanwhile) fails as a whole instead of writing the
 * bundle into the wrong webhook. Only the caBundle fields are touched: anything else in the configuration,
 * including fields this client does not know, stays as the operator made it.
 */
public final class CaBundlePatch {

  /** A webhook as read: its name and current caBundle (PEM bytes, possibly empty). */
  public record Webhook(String name, byte[] caBundle) {}

  private CaBundlePatch() {}

  /** Empty when every webhook already has exactly these roots. */
  public static Optional<String> toRoots(List<Webhook> webhooks, String rootsPem) {
    byte[] roots = rootsPem.getBytes(StandardCharsets.UTF_8);
    JsonArray patch = new JsonArray();
    for (int i = 0; i < webhooks.size(); i++) {
      Webhook webhook = webhooks.get(i);
      if (webhook.caBundle() != null && Arrays.equals(webhook.caBundle(), roots)) {
        continue;
      }
      JsonObject test = new JsonObject();
      test.addProperty("op", "test");
      test.addProperty("path", "/webhooks/" + i + "/name");
      test.addProperty("value", webhook.name());
      patch.add(test);
      JsonObject add = new JsonObject();
      add.addProperty("op", "add");
      add.addProperty("path", "/webhooks/" + i + "/clientConfig/caBundle");
      add.addProperty("value", Base64.getEncoder().encodeToString(roots));
      patch.add(add);
    }
    return patch.isEmpty() ? Optional.empty() : Optional.of(patch.toString());
  }
}
