package io.openservicemesh.sds;

import io.openservicemesh.identity.SdsSecretName;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.grpc.Status;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.lifecycle.ControlPlane;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.Set;

/** Turns a secret name asked for by a proxy into the secret, after checking the proxy may have it. */
@ApplicationScoped
public class SecretResolver implements SecretLookup {

  @Inject ControlPlane controlPlane;
  @Inject UpstreamIdentities upstreams;

  @Override
  public Secret resolve(ProxyIdentity proxy, String requestedName) throws SdsException {
    SdsSecretName name;
    try {
      name = SdsSecretName.parse(requestedName);
    } catch (IllegalArgumentException e) {
      throw new SdsException(Status.Code.INVALID_ARGUMENT, e.getMessage());
    }
    Optional<String> denial = SecretAccess.denial(proxy, name);
    if (denial.isPresent()) {
      throw new SdsException(Status.Code.PERMISSION_DENIED, denial.get());
    }
    ControlPlane.Certificates certificates = certificates();
    String roots = certificates.manager().trustedCasPem();
    return switch (name.kind()) {
      case SERVICE_CERT -> SecretBuilder.serviceCertificate(requestedName, serviceCertificate(certificates, proxy));
      case ROOT_CERT_FOR_MTLS_INBOUND -> SecretBuilder.inboundValidation(requestedName, roots);
      case ROOT_CERT_FOR_MTLS_OUTBOUND -> SecretBuilder.outboundValidation(requestedName, roots,
          upstreams.of(name.namespace(), name.name()).orElse(Set.of()), certificates.settings().trustDomain());
    };
  }

  ControlPlane.Certificates certificates() throws SdsException {
    return controlPlane.certificates().orElseThrow(() -> new SdsException(Status.Code.UNAVAILABLE,
        "the control plane is not ready: " + controlPlane.status().reason()));
  }

  private static io.openservicemesh.certificate.Certificate serviceCertificate(
      ControlPlane.Certificates certificates, ProxyIdentity proxy) throws SdsException {
    try {
      return certificates.manager().getOrIssue(certificates.specs().service(proxy.service()));
    } catch (IssuanceException e) {
      throw new SdsException(e.retryable() ? Status.Code.UNAVAILABLE : Status.Code.FAILED_PRECONDITION,
          "cannot issue the certificate of " + proxy.service() + ": " + e.getMessage());
    }
  }
}
