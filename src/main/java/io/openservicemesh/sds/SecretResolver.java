package io.openservicemesh.sds;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.grpc.Status;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.ServiceCertificates;
import io.openservicemesh.certificate.TrustBundle;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.SdsSecretName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.Set;

/** Turns a secret name asked for by a proxy into the secret, after checking the proxy may have it. */
@ApplicationScoped
public class SecretResolver implements SecretLookup {

  @Inject ServiceCertificates certificates;
  @Inject TrustBundle trustBundle;
  @Inject SdsConfiguration configuration;
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
    return switch (name.kind()) {
      case SERVICE_CERT -> SecretBuilder.serviceCertificate(requestedName, serviceCertificate(proxy));
      case ROOT_CERT_FOR_MTLS_INBOUND -> SecretBuilder.inboundValidation(requestedName, roots());
      case ROOT_CERT_FOR_MTLS_OUTBOUND -> SecretBuilder.outboundValidation(requestedName, roots(),
          upstreams.of(name.namespace(), name.name()).orElse(Set.of()), configuration.settings().trustDomain());
    };
  }

  private String roots() throws SdsException {
    try {
      return trustBundle.pem();
    } catch (IssuanceException e) {
      throw unavailable(e);
    }
  }

  private Certificate serviceCertificate(ProxyIdentity proxy) throws SdsException {
    try {
      return certificates.serviceCertificate(proxy.service());
    } catch (IssuanceException e) {
      throw new SdsException(e.retryable() ? Status.Code.UNAVAILABLE : Status.Code.FAILED_PRECONDITION,
          "cannot issue the certificate of " + proxy.service() + ": " + e.getMessage());
    }
  }

  private static SdsException unavailable(IssuanceException e) {
    return new SdsException(Status.Code.UNAVAILABLE, e.getMessage());
  }
}
