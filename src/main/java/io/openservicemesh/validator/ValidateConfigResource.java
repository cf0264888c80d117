package io.openservicemesh.validator;

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
 * {@code POST /validate-webhook}: the config validator's AdmissionReview endpoint, HTTPS only, and with a client
 * CA configured only for the API server ({@link AuthenticatedCaller}).
 */
@AuthenticatedCaller
@Path(ValidatorWebhookConfiguration.PATH)
public class ValidateConfigResource {

  @Inject ConfigValidatorWebhook webhook;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.WILDCARD)
  public Response validate(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength, InputStream body,
      @Context SecurityContext security) {
    if (!security.isSecure()) {
      return Response.status(403).type(MediaType.TEXT_PLAIN_TYPE)
          .entity("admission webhooks are served over HTTPS only\n").build();
    }
    return webhook.endpoint().handle(contentType, contentLength, body).toResponse();
  }
}
