package io.openservicemesh.certificate.store;

import io.kubernetes.client.openapi.ApiException;

/** The one wording of a failed Secret call: what could not be done, and what to grant when it was forbidden. */
final class SecretFailures {

  private SecretFailures() {}

  static CaStoreException of(String verb, String location, String namespace, ApiException e) {
    String why = e.getCode() == 0 ? "the Kubernetes API is unreachable (" + e.getMessage() + ")"
        : "the Kubernetes API answered " + e.getCode() + (e.getCode() == 403
            ? " Forbidden: the control plane's service account needs '" + verb + "' on secrets in " + namespace
            : "");
    return new CaStoreException("cannot " + verb + " " + location + ": " + why, e);
  }
}
