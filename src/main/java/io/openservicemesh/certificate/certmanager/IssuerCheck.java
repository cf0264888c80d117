package io.openservicemesh.certificate.certmanager;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.openservicemesh.certificate.certmanager.CertificateRequestResource.Condition;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;

/**
 * Reads the referenced Issuer or ClusterIssuer at start-up and refuses the kinds that cannot sign mesh
 * certificates: ACME (the mission: "ACME certificates are not supported as an issuer for service mesh
 * certificates"; an ACME CA only signs publicly resolvable names it can validate) and SelfSigned (each
 * certificate would be signed by its own key, so mesh certificates would share no root).
 */
final class IssuerCheck {

  /** What start-up learned about the issuer, for readiness and the log. */
  record IssuerFacts(String type, String readiness) {}

  /** The issuer does not exist, cannot be read, or is of a kind the mesh refuses. */
  static final class IssuerProblemException extends Exception {
    IssuerProblemException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final ApiClient client;

  IssuerCheck(ApiClient client) {
    this.client = client;
  }

  IssuerFacts check(IssuerReference reference, Duration limit) throws IssuerProblemException {
    if (!reference.isCertManagerIssuer()) {
      // An external issuer (e.g. group awspca.cert-manager.io) has its own API, unknown here; it signs or not.
      return new IssuerFacts("external issuer of group " + reference.group() + ", not inspected", "unknown");
    }
    return judge(reference, read(reference, limit));
  }

  /** The decision, apart from the API call: a pure function of the reference and the issuer's content. */
  static IssuerFacts judge(IssuerReference reference, IssuerResource issuer) throws IssuerProblemException {
    Optional<String> type = issuer.type();
    if (type.isPresent() && type.get().equals("acme")) {
      throw new IssuerProblemException("ACME issuers are not supported: " + reference + " is an ACME issuer"
          + " (spec.acme). An ACME CA such as Let's Encrypt only signs publicly resolvable names it can"
          + " validate, which mesh identities are not. Use a CA, Vault or Venafi issuer and set"
          + " OpenServiceMesh.certmanager.issuerName / issuerKind to it", null);
    }
    if (type.isPresent() && type.get().equals("selfSigned")) {
      throw new IssuerProblemException("SelfSigned issuers are not supported: " + reference + " would sign"
          + " every mesh certificate with that certificate's own key, so no two would share a root. Use a CA"
          + " issuer whose root is stored in the CA bundle Secret (a SelfSigned issuer can make that root)", null);
    }
    String readiness = issuer.ready().map(Condition::describe).orElse("unknown (no Ready condition yet)");
    return new IssuerFacts(type.orElse("unknown"), readiness);
  }

  private IssuerResource read(IssuerReference reference, Duration limit) throws IssuerProblemException {
    CustomObjectsApi api = new CustomObjectsApi(client);
    try {
      Call call = reference.isClusterScoped()
          ? api.getClusterCustomObject(reference.group(), CertificateRequestResource.VERSION, reference.plural(),
              reference.name()).buildCall(null)
          : api.getNamespacedCustomObject(reference.group(), CertificateRequestResource.VERSION,
              reference.namespace(), reference.plural(), reference.name()).buildCall(null);
      call.timeout().timeout(limit.toMillis(), TimeUnit.MILLISECONDS);
      return client.<IssuerResource>execute(call, IssuerResource.class).getData();
    } catch (ApiException e) {
      throw new IssuerProblemException(describeReadFailure(reference, e), e);
    }
  }

  private static String describeReadFailure(IssuerReference reference, ApiException e) {
    if (ApiErrors.isMissingObject(e)) {
      return reference + " does not exist: create it (docs/cert-manager.md shows a CA issuer), or point"
          + " OpenServiceMesh.certmanager.issuerName / issuerKind at an existing one";
    }
    if (e.getCode() == 404) {
      return "the cluster does not serve " + reference.plural() + "." + reference.group() + "/"
          + CertificateRequestResource.VERSION + ": install cert-manager before using it as the certificate"
          + " manager (" + reference + " was to be read)";
    }
    if (e.getCode() == 403) {
      return "cannot read " + reference + ": " + ApiErrors.describe(e) + ". The control plane's service"
          + " account needs 'get' on " + reference.plural() + "." + reference.group();
    }
    return "cannot read " + reference + ": " + ApiErrors.describe(e);
  }
}
