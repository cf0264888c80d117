package io.openservicemesh.webhook;

import jakarta.ws.rs.core.Response;

/** An HTTP answer, kept free of JAX-RS so the webhook contract can be tested without a server. */
public record HttpAnswer(int status, String contentType, String body) {

  static HttpAnswer json(String body) {
    return new HttpAnswer(200, "application/json", body);
  }

  static HttpAnswer problem(int status, String message) {
    return new HttpAnswer(status, "text/plain; charset=utf-8", message + "\n");
  }

  public Response toResponse() {
    return Response.status(status).type(contentType).entity(body).build();
  }
}
