package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.store.StoredCaBundle;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A root rotation's state as the text entries of its Secret. Keys: {@code phase} ({@code prepared},
 * {@code published}, {@code signing} or {@code retired}), {@code outgoing.crt}/{@code outgoing.key} and
 * {@code incoming.crt}/{@code incoming.key} (PEM; no keys once retired), {@code reason}, {@code startedAt},
 * {@code phaseSince} (ISO 8601), {@code waitingFor} (what the leader waits for, one item per line), and one
 * {@code report.<replica>} per replica: its phase, when, and what it waits for.
 */
public final class RootRotationCodec {

  static final String PHASE = "phase";
  static final String RETIRED = "retired";
  static final String OUTGOING_CRT = "outgoing.crt";
  static final String OUTGOING_KEY = "outgoing.key";
  static final String INCOMING_CRT = "incoming.crt";
  static final String INCOMING_KEY = "incoming.key";
  static final String REASON = "reason";
  static final String STARTED_AT = "startedAt";
  static final String PHASE_SINCE = "phaseSince";
  static final String WAITING_FOR = "waitingFor";
  static final String REPORT_PREFIX = "report.";

  /** What the Secret says: a rotation under way, or the record of the last one. */
  public sealed interface State permits Active, Retired {}

  public record Active(RootRotation rotation) implements State {}

  public record Retired(RetiredRoot record) implements State {}

  /** One replica's word on the phase it follows: when it said so, and what it still waits for. */
  public record ReplicaReport(String replica, String phase, Instant at, List<String> waitingFor) {
    public boolean ready(String currentPhase, Instant phaseSince) {
      return phase.equals(currentPhase) && !at.isBefore(phaseSince) && waitingFor.isEmpty();
    }
  }

  private RootRotationCodec() {}

  public static Map<String, String> encode(RootRotation rotation) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(PHASE, rotation.phase().configName());
    StoredCaBundle outgoing = CaBundleCodec.encode(rotation.outgoing());
    StoredCaBundle incoming = CaBundleCodec.encode(rotation.incoming());
    data.put(OUTGOING_CRT, outgoing.caCrt());
    data.put(OUTGOING_KEY, outgoing.privateKey());
    data.put(INCOMING_CRT, incoming.caCrt());
    data.put(INCOMING_KEY, incoming.privateKey());
    data.put(REASON, rotation.reason());
    data.put(STARTED_AT, rotation.startedAt().toString());
    data.put(PHASE_SINCE, rotation.phaseSince().toString());
    return data;
  }

  public static Map<String, String> encode(RetiredRoot retired) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(PHASE, RETIRED);
    data.put(INCOMING_CRT, Pem.encode(retired.root()));
    data.put(OUTGOING_CRT, Pem.encode(retired.retired()));
    data.put(PHASE_SINCE, retired.at().toString());
    return data;
  }

  /** @throws BrokenCaBundleException naming the entry that cannot be read */
  public static State decode(Map<String, String> data, String location, Instant now) throws BrokenCaBundleException {
    String phase = data.getOrDefault(PHASE, "");
    try {
      if (phase.equals(RETIRED)) {
        return new Retired(new RetiredRoot(certificate(data, INCOMING_CRT, location),
            certificate(data, OUTGOING_CRT, location), Instant.parse(data.get(PHASE_SINCE))));
      }
      RootRotation.Phase parsed = RootRotation.Phase.parse(phase);
      CaBundle outgoing = CaBundleCodec.decode(new StoredCaBundle(data.get(OUTGOING_CRT), data.get(OUTGOING_KEY), null),
          location + " (" + OUTGOING_CRT + "/" + OUTGOING_KEY + ")", now);
      CaBundle incoming = CaBundleCodec.decode(new StoredCaBundle(data.get(INCOMING_CRT), data.get(INCOMING_KEY), null),
          location + " (" + INCOMING_CRT + "/" + INCOMING_KEY + ")", now);
      return new Active(new RootRotation(parsed, outgoing, incoming, data.getOrDefault(REASON, "unknown"),
          Instant.parse(data.get(STARTED_AT)), Instant.parse(data.get(PHASE_SINCE))));
    } catch (IllegalArgumentException | NullPointerException | DateTimeParseException e) {
      throw new BrokenCaBundleException(location, List.of("entries " + PHASE + ", " + STARTED_AT + " and "
          + PHASE_SINCE + " must hold a phase (prepared, published, signing, retired) and ISO 8601 instants: "
          + e.getMessage()));
    }
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

  public static Map<String, String> withReport(Map<String, String> data, ReplicaReport report) {
    Map<String, String> updated = new LinkedHashMap<>(data);
    StringBuilder text = new StringBuilder(report.phase()).append(' ').append(report.at());
    report.waitingFor().forEach(item -> text.append('\n').append(item));
    updated.put(REPORT_PREFIX + report.replica(), text.toString());
    return updated;
  }

  public static Map<String, String> withoutReport(Map<String, String> data, String replica) {
    Map<String, String> updated = new LinkedHashMap<>(data);
    updated.remove(REPORT_PREFIX + replica);
    return updated;
  }

  /** Every replica's report; one that cannot be read counts as none (its replica writes it again). */
  public static List<ReplicaReport> reports(Map<String, String> data) {
    List<ReplicaReport> reports = new ArrayList<>();
    data.forEach((key, value) -> {
      if (key.startsWith(REPORT_PREFIX)) {
        report(key.substring(REPORT_PREFIX.length()), value).ifPresent(reports::add);
      }
    });
    return reports;
  }

  public static Optional<ReplicaReport> report(Map<String, String> data, String replica) {
    String value = data.get(REPORT_PREFIX + replica);
    return value == null ? Optional.empty() : report(replica, value);
  }

  private static Optional<ReplicaReport> report(String replica, String value) {
    List<String> lines = Arrays.asList(value.split("\n"));
    String[] head = lines.get(0).split(" ");
    if (head.length != 2) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ReplicaReport(replica, head[0], Instant.parse(head[1]),
          List.copyOf(lines.subList(1, lines.size()))));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static X509Certificate certificate(Map<String, String> data, String key, String location)
      throws BrokenCaBundleException {
    try {
      return Pem.decodeCertificate(data.get(key));
    } catch (Pem.PemException | RuntimeException e) {
      throw new BrokenCaBundleException(location, List.of(key + " is not a PEM certificate"));
    }
  }
}
