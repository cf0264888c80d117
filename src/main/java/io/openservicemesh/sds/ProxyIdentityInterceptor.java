package io.openservicemesh.sds;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.schedule.LogThrottle;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Establishes who is calling before any SDS method runs: the proxy named by the verified client certificate
 * that {@link VerifiedClientCertificateFilter} passed on. No certificate (no TLS, no client certificate, a
 * plaintext port) or one that is not an xDS bootstrap certificate ends the call with UNAUTHENTICATED.
 */
final class ProxyIdentityInterceptor implements ServerInterceptor {

  private static final Logger LOG = Logger.getLogger(ProxyIdentityInterceptor.class.getName());

  static final Context.Key<ProxyIdentity> PROXY = Context.key("osm-proxy-identity");
  private static final Metadata.Key<String> CERTIFICATE =
      Metadata.Key.of(VerifiedClientCertificateFilter.HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private final Function<X509Certificate, ProxyIdentity> identify;

  /**
   * @param identify reads the proxy identity from a verified certificate; throws IllegalArgumentException when
   *     the certificate is not an xDS bootstrap certificate of this mesh
   */
  ProxyIdentityInterceptor(Function<X509Certificate, ProxyIdentity> identify) {
    this.identify = identify;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String encoded = headers.get(CERTIFICATE);
    if (encoded == null) {
      return refuse(call, "no verified client certificate: SDS requires mutual TLS with an xDS bootstrap certificate");
    }
    ProxyIdentity proxy;
    try {
      proxy = identify.apply(decode(encoded));
    } catch (IllegalArgumentException | CertificateException e) {
      return refuse(call, e.getMessage());
    }
    return Contexts.interceptCall(Context.current().withValue(PROXY, proxy), call, headers, next);
  }

  /**
   * Anyone who can reach the port can make these calls: a few warnings per window say it happens, the rest are
   * counted, so a flood of them cannot flood the log.
   */
  private static final LogThrottle REFUSALS = new LogThrottle(Duration.ofSeconds(10), 5);

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String why) {
    long suppressed = REFUSALS.permit();
    if (suppressed >= 0) {
      LOG.warning(() -> "refused an SDS call (" + call.getMethodDescriptor().getFullMethodName() + "): " + why
          + LogThrottle.suppressedNote(suppressed));
    }
    call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static X509Certificate decode(String encoded) throws CertificateException {
    try {
      byte[] der = Base64.getDecoder().decode(encoded);
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (IllegalArgumentException e) {
      throw new CertificateException("malformed client certificate header");
    }
  }
}
