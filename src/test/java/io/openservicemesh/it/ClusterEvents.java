package io.openservicemesh.it;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.CoreV1Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The core/v1 Events the API server holds about one object, as {@code kubectl describe} finds them (field selector
 * on the involved object). The control plane writes them from a background thread, so a test waits for one,
 * bounded.
 */
public final class ClusterEvents {

  private ClusterEvents() {}

  static List<CoreV1Event> about(String namespace, String kind, String name) throws ApiException {
    return TestCluster.core().listNamespacedEvent(namespace)
        .fieldSelector("involvedObject.kind=" + kind + ",involvedObject.name=" + name).execute().getItems();
  }

  /** The first Event about the object with one of these reasons, within the time given. */
  static CoreV1Event await(String namespace, String kind, String name, List<String> reasons, Duration within)
      throws Exception {
    return await(namespace, kind, name, String.join(" or ", reasons), event -> reasons.contains(event.getReason()),
        within);
  }

  /** The first Event about the object with this reason, within the time given. */
  public static CoreV1Event await(String namespace, String kind, String name, String reason, Duration within)
      throws Exception {
    return await(namespace, kind, name, reason, event -> reason.equals(event.getReason()), within);
  }

  private static CoreV1Event await(String namespace, String kind, String name, String reason,
      Predicate<CoreV1Event> condition, Duration within) throws Exception {
    Instant giveUp = Instant.now().plus(within);
    List<CoreV1Event> last = List.of();
    while (Instant.now().isBefore(giveUp)) {
      last = about(namespace, kind, name);
      Optional<CoreV1Event> found = last.stream()
          .filter(condition).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no " + reason + " Event about " + kind + " " + namespace + "/" + name + " within "
        + within + "; Events about it: " + last.stream().map(e -> e.getReason() + ": " + e.getMessage()).toList());
  }
}
