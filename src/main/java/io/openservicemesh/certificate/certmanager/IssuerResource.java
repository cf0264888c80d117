package io.openservicemesh.certificate.certmanager;

import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.openservicemesh.certificate.certmanager.CertificateRequestResource.Condition;
import java.util.List;
import java.util.Optional;

/**
 * A {@code cert-manager.io/v1} Issuer or ClusterIssuer as JSON, read only to learn what kind of CA it is and
 * whether cert-manager reports it Ready. Its spec has exactly one of {@code acme}, {@code ca},
 * {@code selfSigned}, {@code vault} or {@code venafi}.
 */
record IssuerResource(V1ObjectMeta metadata, JsonObject spec, Status status) {

  static final List<String> TYPES = List.of("acme", "ca", "selfSigned", "vault", "venafi");

  record Status(List<Condition> conditions) {}

  /** The spec's issuer type, e.g. {@code ca}; empty when it has none cert-manager documents. */
  Optional<String> type() {
    if (spec == null) {
      return Optional.empty();
    }
    return TYPES.stream().filter(spec::has).findFirst();
  }

  /** cert-manager's Ready condition, when its controller has set one. */
  Optional<Condition> ready() {
    if (status == null || status.conditions() == null) {
      return Optional.empty();
    }
    return status.conditions().stream()
        .filter(c -> CertificateRequestResource.Conditions.READY.equals(c.type()))
        .findFirst();
  }
}
