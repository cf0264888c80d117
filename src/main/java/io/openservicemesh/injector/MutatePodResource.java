package io.openservicemesh.injector;

import io.openservicemesh.webhook.AuthenticatedCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;

/**
 * {@code POST /mutate-pod-creation}: the sidecar injector's AdmissionReview endpoint. Any media type is
 * accepted here so that the endpoint, not the framework, answers a wrong one (415 with a reason). With a client
 * CA configured, only the API server's certificate gets this far ({@link AuthenticatedCaller}).
 */
@AuthenticatedCaller
@Path(InjectorWebhookConfiguration.PATH)
public class MutatePodResource {

  @Inject InjectorWebhook webhook;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.WILDCARD)
  public Response mutate(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength, InputStream body,
      @Context SecurityContext security) {
    if (!security.isSecure()) {
      // The injector issues identities and writes Secrets: only the TLS port serves it.
      return Response.status(403).type(MediaType.TEXT_PLAIN_TYPE)
          .entity("admission webhooks are served over HTTPS only\n").build();
    }
    return webhook.endpoint().handle(contentType, contentLength, body).toResponse();
  }
}
