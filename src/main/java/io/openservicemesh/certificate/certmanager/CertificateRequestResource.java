package io.openservicemesh.certificate.certmanager;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A {@code cert-manager.io/v1} CertificateRequest as it travels as JSON: the one place that knows the field
 * names of cert-manager's published API. Serialized and read by the Kubernetes client's JSON (Gson), so every
 * component name is a JSON field name and absent fields stay null.
 *
 * <p>The CRD declares {@code spec.request}, {@code status.certificate} and {@code status.ca} as
 * {@code type: string, format: byte}: base64 of the PEM text, the way Go encodes a {@code []byte}. They are kept
 * as base64 strings here, encoded and decoded explicitly, so the wire form does not depend on a JSON adapter.
 */
record CertificateRequestResource(String apiVersion, String kind, V1ObjectMeta metadata, Spec spec, Status status) {

  static final String GROUP = "cert-manager.io";
  static final String VERSION = "v1";
  static final String PLURAL = "certificaterequests";
  static final String KIND = "CertificateRequest";

  /** What the mesh asks cert-manager for. Fields cert-manager's webhook fills in (username, uid...) are not sent. */
  record Spec(
      String request, String duration, List<String> usages, Boolean isCA, IssuerRef issuerRef, String username) {}

  /** {@code spec.issuerRef}: which Issuer or ClusterIssuer signs. */
  record IssuerRef(String name, String kind, String group) {}

  /** What cert-manager reports: conditions, and the signed certificate and its CA once issued. */
  record Status(List<Condition> conditions, String certificate, String ca, OffsetDateTime failureTime) {

    static final Status EMPTY = new Status(List.of(), null, null, null);

    List<Condition> conditionsOrEmpty() {
      return conditions == null ? List.of() : conditions;
    }

    Optional<Condition> condition(String type) {
      return conditionsOrEmpty().stream().filter(c -> type.equals(c.type())).findFirst();
    }

    /** The PEM text of {@code status.certificate}, when set. */
    Optional<String> certificatePem() {
      return decoded(certificate);
    }

    /** The PEM text of {@code status.ca}, when the issuer set it (best effort, per cert-manager's API). */
    Optional<String> caPem() {
      return decoded(ca);
    }
  }

  /** One entry of {@code status.conditions}: type Ready, Approved, Denied or InvalidRequest. */
  record Condition(String type, String status, String reason, String message, OffsetDateTime lastTransitionTime) {

    boolean isTrue() {
      return "True".equals(status);
    }

    boolean isFalse() {
      return "False".equals(status);
    }

    /** E.g. {@code Ready=False (Pending: Waiting on certificate issuance)}. */
    String describe() {
      StringBuilder text = new StringBuilder(type).append('=').append(status);
      if (reason != null || message != null) {
        text.append(" (").append(reason == null ? "" : reason);
        if (message != null && !message.isBlank()) {
          text.append(reason == null ? "" : ": ").append(message);
        }
        text.append(')');
      }
      return text.toString();
    }
  }

  /** Condition types and reasons from cert-manager's API reference. */
  static final class Conditions {
    static final String READY = "Ready";
    static final String APPROVED = "Approved";
    static final String DENIED = "Denied";
    static final String INVALID_REQUEST = "InvalidRequest";

    static final String REASON_PENDING = "Pending";
    static final String REASON_FAILED = "Failed";
    static final String REASON_ISSUED = "Issued";
    static final String REASON_DENIED = "Denied";

    private Conditions() {}
  }

  Status statusOrEmpty() {
    return status == null ? Status.EMPTY : status;
  }

  String name() {
    return metadata == null ? null : metadata.getName();
  }

  String resourceVersion() {
    return metadata == null ? null : metadata.getResourceVersion();
  }

  static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }

  private static Optional<String> decoded(String base64) {
    if (base64 == null || base64.isEmpty()) {
      return Optional.empty();
    }
    // Line breaks, which some writers put into long base64 values, are dropped; anything else not base64 is
    // refused (the MIME decoder would skip it silently and hand on garbage).
    String compact = base64.replaceAll("\\s", "");
    return Optional.of(new String(Base64.getDecoder().decode(compact), StandardCharsets.US_ASCII));
  }
}
