package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.Pem;
import io.openservicemesh.certificate.rootchange.ReplicaReports;
import io.openservicemesh.certificate.store.StoredCaBundle;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A root rotation's state as the text entries of its Secret. Keys: {@code phase} ({@code prepared},
 * {@code published}, {@code signing} or {@code retired}), {@code outgoing.crt}/{@code outgoing.key} and
 * {@code incoming.crt}/{@code incoming.key} (PEM; no keys once retired), {@code reason}, {@code startedAt},
 * {@code phaseSince} (ISO 8601), and the replicas' reports and the leader's {@code waitingFor}
 * ({@link ReplicaReports}).
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

  /** What the Secret says: a rotation under way, or the record of the last one. */
  public sealed interface State permits Active, Retired {}

  public record Active(RootRotation rotation) implements State {}

  public record Retired(RetiredRoot record) implements State {}

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

  private static X509Certificate certificate(Map<String, String> data, String key, String location)
      throws BrokenCaBundleException {
    try {
      return Pem.decodeCertificate(data.get(key));
    } catch (Pem.PemException | RuntimeException e) {
      throw new BrokenCaBundleException(location, List.of(key + " is not a PEM certificate"));
    }
  }
}
