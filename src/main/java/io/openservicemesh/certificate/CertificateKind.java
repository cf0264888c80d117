package io.openservicemesh.certificate;

/** The kinds of certificate in the mesh (the mission's table). */
public enum CertificateKind {
  /** Envoy-to-Envoy mTLS for a service account; served over SDS; lives serviceCertValidityDuration. */
  SERVICE,
  /** Envoy's client certificate on its connection to the control plane; identifies the pod. */
  XDS_BOOTSTRAP,
  /** TLS serving certificate of the sidecar-injecting admission webhook. */
  MUTATING_WEBHOOK,
  /** TLS serving certificate of the configuration-validating admission webhook. */
  VALIDATING_WEBHOOK
}
