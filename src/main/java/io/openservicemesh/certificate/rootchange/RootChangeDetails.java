package io.openservicemesh.certificate.rootchange;

import io.openservicemesh.certificate.rootchange.ReplicaReports.ReplicaReport;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The readiness entries of a root lifecycle, the same names whichever kind of root changes: the root that signs
 * and how many are trusted, then, while a change is under way, its phase and what this replica and the leader wait
 * for, and a refused CA or an unreadable state whenever there is one.
 */
public final class RootChangeDetails {

  private final Map<String, String> details = new LinkedHashMap<>();
  private boolean changing;

  public RootChangeDetails(String signingRootSerial, int trustedRoots) {
    details.put("signingRootSerial", signingRootSerial);
    details.put("trustedRoots", Integer.toString(trustedRoots));
  }

  /** A change under way; {@code reason} may be empty. */
  public RootChangeDetails changing(String phase, String reason, Instant since, String incomingSerial) {
    changing = true;
    details.put("rootRotation", phase);
    if (!reason.isEmpty()) {
      details.put("rootRotationReason", reason);
    }
    details.put("rootRotationSince", since.toString());
    details.put("rootRotationIncomingSerial", incomingSerial);
    return this;
  }

  /** What this replica last reported waiting for, and what the leader waits for: shown only during a change. */
  public RootChangeDetails waiting(Optional<ReplicaReport> lastReport, List<String> leaderWaiting) {
    if (!changing) {
      return this;
    }
    lastReport.filter(report -> !report.waitingFor().isEmpty())
        .ifPresent(report -> details.put("rootRotationWaitingFor", String.join("; ", report.waitingFor())));
    if (!leaderWaiting.isEmpty()) {
      details.put("rootRotationLeaderWaitingFor", String.join("; ", leaderWaiting));
    }
    return this;
  }

  public RootChangeDetails problems(String caRefused, String stateProblem) {
    if (!caRefused.isEmpty()) {
      details.put("caSecretRefused", caRefused);
    }
    if (!stateProblem.isEmpty()) {
      details.put("rootRotationProblem", stateProblem);
    }
    return this;
  }

  public Map<String, String> map() {
    return details;
  }
}
