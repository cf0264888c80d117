package io.openservicemesh.tls;

import io.openservicemesh.certificate.CertificateKind;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One of the control plane's TLS endpoints, as server.xml and tls-endpoints.xml open it, and the serving
 * certificate it presents.
 *
 * @param portVariable the server variable that sets its port, e.g. {@code sds.port}
 */
public record TlsEndpoint(String name, String portVariable, int port, CertificateKind presents) {

  /**
   * The webhooks' (under the injector's certificate), the config validator's (under its own) and SDS's (under
   * the injector's: Envoy dials it by the same Service), on their configured ports.
   *
   * @param variables the server's variables; a missing one means its default
   */
  public static List<TlsEndpoint> configured(Function<String, Optional<String>> variables) {
    return List.of(
        endpoint("webhooks", "default.https.port", 9443, CertificateKind.MUTATING_WEBHOOK, variables),
        endpoint("validator", "validator.https.port", 9444, CertificateKind.VALIDATING_WEBHOOK, variables),
        endpoint("sds", "sds.port", 15128, CertificateKind.MUTATING_WEBHOOK, variables));
  }

  private static TlsEndpoint endpoint(String name, String variable, int defaultPort, CertificateKind presents,
      Function<String, Optional<String>> variables) {
    int port = variables.apply(variable).map(String::trim).map(Integer::parseInt).orElse(defaultPort);
    return new TlsEndpoint(name, variable, port, presents);
  }
}
