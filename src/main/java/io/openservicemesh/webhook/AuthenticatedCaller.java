package io.openservicemesh.webhook;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an admission webhook resource whose callers {@link WebhookCallerFilter} authenticates when
 * {@code OpenServiceMesh.webhook.clientCaFile} is set.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface AuthenticatedCaller {}
