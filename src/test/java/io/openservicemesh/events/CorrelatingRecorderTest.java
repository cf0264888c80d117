package io.openservicemesh.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.testing.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class CorrelatingRecorderTest {

  private static final EventSubject OWN_POD = EventSubject.pod("osm-system", "osm-controller-7d9f");

  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
  private final List<String> written = new ArrayList<>();
  private final CorrelatingRecorder.Sink sink = (subject, event, write) ->
      written.add(subject + " " + event.reason().apiValue() + " x" + write.count() + ": " + event.message());

  @Test
  void anEventAboutTheControlPlaneGoesOnItsOwnPod() {
    new CorrelatingRecorder(EventCorrelator.withDefaults(clock), Optional.of(OWN_POD), Runnable::run, sink)
        .record(MeshEvent.aboutControlPlane(EventReason.ISSUANCE_FAILED, "vault could not issue"));

    assertThat(written).containsExactly("Pod osm-system/osm-controller-7d9f IssuanceFailed x1: vault could not issue");
  }

  @Test
  void withoutItsOwnPodAnEventAboutTheControlPlaneIsOnlyLogged() {
    new CorrelatingRecorder(EventCorrelator.withDefaults(clock), Optional.empty(), Runnable::run, sink)
        .record(MeshEvent.aboutControlPlane(EventReason.ISSUANCE_FAILED, "vault could not issue"));

    assertThat(written).isEmpty();
  }

  @Test
  void aFailingSinkOrAFullQueueNeverReachesTheCaller() {
    CorrelatingRecorder.Sink failing = (subject, event, write) -> {
      throw new IllegalStateException("HTTP 403 events is forbidden");
    };
    MeshEvent event = MeshEvent.about(EventSubject.namespace("bookstore"), EventReason.INJECTION_REFUSED, "no");

    new CorrelatingRecorder(EventCorrelator.withDefaults(clock), Optional.empty(), Runnable::run, failing)
        .record(event);
    new CorrelatingRecorder(EventCorrelator.withDefaults(clock), Optional.empty(), task -> {
      throw new RejectedExecutionException("full");
    }, sink).record(event);

    assertThat(written).isEmpty();
  }

  @Test
  void aLongMessageIsCutToWhatAPersonReads() {
    MeshEvent event = MeshEvent.aboutControlPlane(EventReason.ISSUANCE_FAILED, "x".repeat(5000));

    assertThat(event.message()).hasSize(MeshEvent.MAX_MESSAGE_LENGTH).endsWith("...");
  }

  @Test
  void everyReasonIsCamelCase() {
    for (EventReason reason : EventReason.values()) {
      assertThat(reason.apiValue()).as(reason.name()).matches("[A-Z][a-z]+(?:[A-Z][a-z]+)*");
    }
  }
}
