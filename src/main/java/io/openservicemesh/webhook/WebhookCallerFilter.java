package io.openservicemesh.webhook;

import io.openservicemesh.certificate.CaCertificateFile;
import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.Setting;
import io.openservicemesh.config.SettingsInForce;
import io.openservicemesh.config.WebhookSettings;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Lets only the API server call the admission webhooks when {@code OpenServiceMesh.webhook.clientCaFile} is
 * set: the TLS layer asks every caller on the webhook ports for a certificate (it asks, it does not insist, so
 * that probes and callers of other paths are unaffected), and this filter refuses a webhook request whose
 * verified chain {@link WebhookCallerVerifier} does not accept, before a byte of its body is read. Unset, it
 * lets everything through, as before client authentication existed.
 */
@Provider
@AuthenticatedCaller
@Priority(Priorities.AUTHENTICATION)
public class WebhookCallerFilter implements ContainerRequestFilter {

  private static final Logger LOG = Logger.getLogger(WebhookCallerFilter.class.getName());
  static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

  @Inject SettingsInForce settings;
  @Inject Clock clock;
  @Context HttpServletRequest request;

  /** Built once: the client CA file and the names are read at start-up only (restart settings). */
  private volatile Optional<WebhookCallerVerifier> verifier;

  @Override
  public void filter(ContainerRequestContext context) {
    Optional<MeshSettings> current = settings.current();
    if (current.isEmpty()) {
      // The TLS ports open only once the settings are in force; without them nothing is known to allow.
      context.abortWith(plain(503, "the control plane has not started yet: its settings are not in force"));
      return;
    }
    Optional<WebhookCallerVerifier> check;
    try {
      check = verifier(current.get().webhooks());
    } catch (IOException e) {
      context.abortWith(plain(503, "the webhooks cannot authenticate their caller: " + e.getMessage()));
      return;
    }
    if (check.isEmpty()) {
      return;
    }
    WebhookCallerVerifier.Verdict verdict =
        check.get().verify((X509Certificate[]) request.getAttribute(CERTIFICATE_ATTRIBUTE));
    if (!verdict.accepted()) {
      LOG.fine(() -> "refused a webhook caller from " + request.getRemoteAddr() + ": " + verdict.reason());
      context.abortWith(plain(verdict.status(), verdict.reason()));
    }
  }

  private Optional<WebhookCallerVerifier> verifier(WebhookSettings webhooks) throws IOException {
    Optional<WebhookCallerVerifier> built = verifier;
    if (built == null) {
      synchronized (this) {
        if (verifier == null) {
          verifier = build(webhooks);
        }
        built = verifier;
      }
    }
    return built;
  }

  private Optional<WebhookCallerVerifier> build(WebhookSettings webhooks) throws IOException {
    Optional<Path> file = webhooks.clientCaFile();
    if (file.isEmpty()) {
      return Optional.empty();
    }
    WebhookCallerVerifier built = new WebhookCallerVerifier(CaCertificateFile.read(Setting.WEBHOOK_CLIENT_CA_FILE, file.get()), webhooks.clientNames(), clock);
    LOG.info(() -> "admission webhooks answer only callers with a client certificate from " + file.get()
        + (webhooks.clientNames().isEmpty() ? "" : " naming one of " + webhooks.clientNames()));
    return Optional.of(built);
  }

  /** The same form as the endpoint's other refusals ({@link HttpAnswer#problem}). */
  private static Response plain(int status, String message) {
    return HttpAnswer.problem(status, message).toResponse();
  }
}
