package io.openservicemesh.certificate.rootchange;

import io.openservicemesh.certificate.WaitingList;
import io.openservicemesh.certificate.store.CaStoreException;
import io.openservicemesh.certificate.store.RotationStateStore;
import io.openservicemesh.certificate.store.RotationStateStore.StoredRotation;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every replica says about a root change in progress, kept as entries of the change's state Secret: one
 * {@code report.<replica>} per replica (the phase it follows, when it said so, and what it still waits for, one
 * item per line) and the leader's {@code waitingFor}. The leader moves on only when every live replica is ready;
 * any kind of root change (the built-in CA's rotation, an external CA's new root) is gated the same way.
 */
public final class ReplicaReports {

  /** A replica whose last report is older than this is taken to be gone: its proxies reconnect elsewhere. */
  public static final Duration REPORT_EXPIRES = Duration.ofSeconds(30);
  /** A report is written again after this long even when unchanged, so the leader can tell a live replica. */
  public static final Duration REPORT_EVERY = Duration.ofSeconds(10);
  public static final String WAITING_FOR = "waitingFor";
  static final String REPORT_PREFIX = "report.";

  /** One replica's word on the phase it follows: when it said so, and what it still waits for. */
  public record ReplicaReport(String replica, String phase, Instant at, List<String> waitingFor) {
    public ReplicaReport {
      waitingFor = List.copyOf(waitingFor);
    }

    public boolean ready(String currentPhase, Instant phaseSince) {
      return phase.equals(currentPhase) && !at.isBefore(phaseSince) && waitingFor.isEmpty();
    }

    /** Whether {@code next} says nothing new: same phase and waits, and this one is recent enough to stand. */
    boolean stands(ReplicaReport next, Instant phaseSince) {
      return phase.equals(next.phase) && waitingFor.equals(next.waitingFor) && !at.isBefore(phaseSince)
          && at.plus(REPORT_EVERY).isAfter(next.at);
    }
  }

  private ReplicaReports() {}

  /**
   * What the leader waits for from the replicas in a phase: every replica that reported recently must have
   * reported this phase with nothing left to wait for, and at least one must have.
   */
  public static List<String> waiting(Map<String, String> data, String phase, Instant phaseSince, Instant now) {
    List<ReplicaReport> live = reports(data).stream()
        .filter(report -> report.at().plus(REPORT_EXPIRES).isAfter(now))
        .toList();
    List<String> waiting = new ArrayList<>();
    if (live.stream().noneMatch(report -> report.phase().equals(phase) && !report.at().isBefore(phaseSince))) {
      waiting.add("no replica has reported phase " + phase + " yet");
    }
    for (ReplicaReport report : live) {
      if (!report.ready(phase, phaseSince)) {
        String what = report.waitingFor().isEmpty() ? "has not reported phase " + phase + " yet"
            : "waits for " + String.join("; ", report.waitingFor());
        waiting.add("replica " + report.replica() + " " + what);
      }
    }
    return WaitingList.of(waiting, "replicas");
  }

  /**
   * The entries with {@code report} in place of the replica's earlier one; empty when that earlier one still
   * stands (nothing new, recent enough), so that an unchanged report costs no write.
   */
  public static Optional<Map<String, String>> withReport(Map<String, String> data, ReplicaReport report,
      Instant phaseSince) {
    if (report(data, report.replica()).filter(old -> old.stands(report, phaseSince)).isPresent()) {
      return Optional.empty();
    }
    Map<String, String> updated = new LinkedHashMap<>(data);
    StringBuilder text = new StringBuilder(report.phase()).append(' ').append(report.at());
    report.waitingFor().forEach(item -> text.append('\n').append(item));
    updated.put(REPORT_PREFIX + report.replica(), text.toString());
    return Optional.of(updated);
  }

  /** Removes the replica's report from the state, if there is a state and it has one. */
  public static void withdraw(RotationStateStore state, String replica) throws CaStoreException {
    Optional<StoredRotation> stored = state.load();
    if (stored.isPresent() && report(stored.get().data(), replica).isPresent()) {
      state.replace(stored.get(), withoutReport(stored.get().data(), replica));
    }
  }

  public static Map<String, String> withoutReport(Map<String, String> data, String replica) {
    Map<String, String> updated = new LinkedHashMap<>(data);
    updated.remove(REPORT_PREFIX + replica);
    return updated;
  }

  /** The entries of a new state, keeping the replicas' reports and dropping what the leader waited for. */
  public static Map<String, String> carryReports(Map<String, String> from, Map<String, String> to) {
    Map<String, String> data = new LinkedHashMap<>(to);
    from.forEach((key, value) -> {
      if (key.startsWith(REPORT_PREFIX)) {
        data.put(key, value);
      }
    });
    return data;
  }

  public static Map<String, String> withWaitingFor(Map<String, String> data, List<String> waitingFor) {
    Map<String, String> updated = new LinkedHashMap<>(data);
    if (waitingFor.isEmpty()) {
      updated.remove(WAITING_FOR);
    } else {
      updated.put(WAITING_FOR, String.join("\n", waitingFor));
    }
    return updated;
  }

  public static List<String> waitingFor(Map<String, String> data) {
    String text = data.get(WAITING_FOR);
    return text == null || text.isBlank() ? List.of() : List.of(text.split("\n"));
  }

  /** Every replica's report; one that cannot be read counts as none (its replica writes it again). */
  public static List<ReplicaReport> reports(Map<String, String> data) {
    List<ReplicaReport> reports = new ArrayList<>();
    data.forEach((key, value) -> {
      if (key.startsWith(REPORT_PREFIX)) {
        parse(key.substring(REPORT_PREFIX.length()), value).ifPresent(reports::add);
      }
    });
    return reports;
  }

  public static Optional<ReplicaReport> report(Map<String, String> data, String replica) {
    String value = data.get(REPORT_PREFIX + replica);
    return value == null ? Optional.empty() : parse(replica, value);
  }

  private static Optional<ReplicaReport> parse(String replica, String value) {
    List<String> lines = Arrays.asList(value.split("\n"));
    String[] head = lines.get(0).split(" ");
    if (head.length != 2) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ReplicaReport(replica, head[0], Instant.parse(head[1]),
          lines.subList(1, lines.size())));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
