package io.openservicemesh.sds;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.grpc.Status;
import io.openservicemesh.identity.ProxyIdentity;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SecretLookup} over a map the test changes: which secrets exist, what they contain, and which
 * names fail with which status. Unknown names fail with NOT_FOUND, as a real lookup must not omit them.
 */
final class FakeSecrets implements SecretLookup {

  private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
  private final Map<String, SdsException> failures = new ConcurrentHashMap<>();

  /** Sets the secret's content; any change of {@code content} is a change of the secret. */
  /** The secrets of proxy PROXY (bookbuyer in namespace bookstore) that the stream tests ask for. */
  static final String CERT = "service-cert:bookstore/bookbuyer";
  static final String INBOUND = "root-cert-for-mtls-inbound:bookstore/bookbuyer";
  static final String OUTBOUND = "root-cert-for-mtls-outbound:bookstore/bookstore";

  /** A lookup holding a first version of CERT, INBOUND and OUTBOUND. */
  static FakeSecrets ofBookbuyer() {
    return new FakeSecrets().put(CERT, "cert v1").put(INBOUND, "roots v1").put(OUTBOUND, "roots v1 + bookstore");
  }

  FakeSecrets put(String name, String content) {
    secrets.put(name, secret(name, content));
    return this;
  }

  /** Sets a secret as built by SecretBuilder, under its own name. */
  FakeSecrets put(Secret secret) {
    secrets.put(secret.getName(), secret);
    return this;
  }

  void failWith(String name, Status.Code code, String message) {
    failures.put(name, new SdsException(code, message));
  }

  Secret current(String name) {
    Secret secret = secrets.get(name);
    if (secret == null) {
      throw new AssertionError("the test never set secret " + name);
    }
    return secret;
  }

  List<Secret> current(List<String> names) {
    return names.stream().map(this::current).toList();
  }

  @Override
  public Secret resolve(ProxyIdentity proxy, String secretName) throws SdsException {
    SdsException failure = failures.get(secretName);
    if (failure != null) {
      throw failure;
    }
    Secret secret = secrets.get(secretName);
    if (secret == null) {
      throw new SdsException(Status.Code.NOT_FOUND, "no secret " + secretName);
    }
    return secret;
  }

  static Secret secret(String name, String content) {
    return Secret.newBuilder()
        .setName(name)
        .setValidationContext(CertificateValidationContext.newBuilder()
            .setTrustedCa(DataSource.newBuilder().setInlineString(content)))
        .build();
  }
}
