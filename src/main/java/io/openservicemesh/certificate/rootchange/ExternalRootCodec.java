package io.openservicemesh.certificate.rootchange;

import io.openservicemesh.certificate.Pem;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An external CA's root change as the text entries of the state Secret beside the CA bundle. Keys: {@code phase}
 * ({@code prepared}, {@code signing} or {@code retired}), {@code outgoing.crt} and {@code incoming.crt} (PEM,
 * certificates only: the keys are the CA's), {@code startedAt} and {@code phaseSince} (ISO 8601), and the
 * replicas' reports ({@link ReplicaReports}). Once retired, {@code incoming.crt} is what the mesh trusts and
 * {@code outgoing.crt} what it no longer trusts. The built-in CA's retired record has the same keys, so a mesh
 * that moves from it to an external CA changes its roots publish-first too.
 */
final class ExternalRootCodec {

  static final String PHASE = "phase";
  static final String RETIRED = "retired";
  static final String OUTGOING_CRT = "outgoing.crt";
  static final String INCOMING_CRT = "incoming.crt";
  static final String STARTED_AT = "startedAt";
  static final String PHASE_SINCE = "phaseSince";
  /** Present only in a rotation of the built-in CA, which holds both roots' keys. */
  private static final String BUILT_IN_KEY = "incoming.key";

  /** What the Secret says: a change under way, or the roots the last one left. */
  sealed interface State permits Changing, Settled {}

  record Changing(ExternalRootChange change) implements State {}

  /** @param retired the roots the last change stopped trusting (empty for the first record) */
  record Settled(List<X509Certificate> roots, List<X509Certificate> retired, Instant at) implements State {
    Settled {
      roots = List.copyOf(roots);
      retired = List.copyOf(retired);
    }
  }

  /** The state cannot be read; the message names the entry and the way out. */
  static final class BrokenStateException extends Exception {
    BrokenStateException(String message) {
      super(message);
    }
  }

  private ExternalRootCodec() {}

  static Map<String, String> encode(ExternalRootChange change) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(PHASE, change.phase().configName());
    data.put(OUTGOING_CRT, Pem.encode(change.outgoing()));
    data.put(INCOMING_CRT, Pem.encode(change.incoming()));
    data.put(STARTED_AT, change.startedAt().toString());
    data.put(PHASE_SINCE, change.phaseSince().toString());
    return data;
  }

  static Map<String, String> encode(Settled settled) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(PHASE, RETIRED);
    data.put(INCOMING_CRT, Pem.encode(settled.roots()));
    if (!settled.retired().isEmpty()) {
      data.put(OUTGOING_CRT, Pem.encode(settled.retired()));
    }
    data.put(PHASE_SINCE, settled.at().toString());
    return data;
  }

  static State decode(Map<String, String> data, String location) throws BrokenStateException {
    String phase = data.getOrDefault(PHASE, "");
    try {
      if (phase.equals(RETIRED)) {
        List<X509Certificate> retired = data.containsKey(OUTGOING_CRT)
            ? certificates(data, OUTGOING_CRT, location) : List.of();
        return new Settled(certificates(data, INCOMING_CRT, location), retired,
            Instant.parse(data.get(PHASE_SINCE)));
      }
      if (data.containsKey(BUILT_IN_KEY)) {
        throw new BrokenStateException(location + " holds a rotation of the built-in CA that has not finished:"
            + " finish it with OpenServiceMesh.certificateManager=tresor, or delete " + location + " to abandon it");
      }
      return new Changing(new ExternalRootChange(ExternalRootChange.Phase.parse(phase),
          certificates(data, OUTGOING_CRT, location), certificates(data, INCOMING_CRT, location),
          Instant.parse(data.get(STARTED_AT)), Instant.parse(data.get(PHASE_SINCE))));
    } catch (IllegalArgumentException | NullPointerException | DateTimeParseException e) {
      throw new BrokenStateException(location + " cannot be read: entries " + PHASE + ", " + STARTED_AT + " and "
          + PHASE_SINCE + " must hold a phase (prepared, signing, retired) and ISO 8601 instants (" + e.getMessage()
          + "); delete " + location + " to start over from the roots the CA names");
    }
  }

  private static List<X509Certificate> certificates(Map<String, String> data, String key, String location)
      throws BrokenStateException {
    try {
      List<X509Certificate> certificates = Pem.decodeCertificates(data.get(key));
      if (certificates.isEmpty()) {
        throw new BrokenStateException(location + ": " + key + " holds no certificate");
      }
      return certificates;
    } catch (Pem.PemException | RuntimeException e) {
      throw new BrokenStateException(location + ": " + key + " is not PEM certificates; delete " + location
          + " to start over from the roots the CA names");
    }
  }
}
