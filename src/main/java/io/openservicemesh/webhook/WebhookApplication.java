package io.openservicemesh.webhook;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The admission webhooks' JAX-RS application, at the root so the API server's configured paths
 * ({@code /mutate-pod-creation}, {@code /validate-webhook}) are the resources' paths. Health stays at
 * {@code /health} (a separate application) and gRPC services at their own servlet paths.
 */
@ApplicationPath("/")
public class WebhookApplication extends Application {}
