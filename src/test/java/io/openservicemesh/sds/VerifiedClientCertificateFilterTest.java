package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.testing.ClientCertificates;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The certificate header SDS trusts holds the TLS layer's verified certificate only for requests on the SDS port:
 * the webhook ports may verify client certificates against another CA (the API server's), whose certificates
 * must not become proxy identities.
 */
class VerifiedClientCertificateFilterTest {

  private static final int SDS_PORT = 15128;
  private static X509Certificate verified;

  @BeforeAll
  static void certificate() throws Exception {
    Instant now = Instant.now();
    verified = ClientCertificates.newCa("some-ca", now).client("some-client", List.of(), now, Duration.ofHours(1))
        .certificate();
  }

  @Test
  void onTheSdsPortTheVerifiedCertificateIsPassedOn() throws Exception {
    assertThat(headerSeenBySds(SDS_PORT, "forged")).isNotNull().isNotEqualTo("forged");
  }

  @Test
  void onAnotherPortNothingIsPassedOnAndAForgedHeaderIsDropped() throws Exception {
    assertThat(headerSeenBySds(9443, "forged")).isNull();
  }

  private static String headerSeenBySds(int localPort, String sentHeader) throws Exception {
    HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
        VerifiedClientCertificateFilterTest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "isSecure" -> true;
          case "getLocalPort" -> localPort;
          case "getAttribute" -> "jakarta.servlet.request.X509Certificate".equals(args[0])
              ? new X509Certificate[] {verified} : null;
          case "getHeader" -> VerifiedClientCertificateFilter.HEADER.equalsIgnoreCase((String) args[0])
              ? sentHeader : null;
          case "getHeaderNames" -> Collections.enumeration(List.of(VerifiedClientCertificateFilter.HEADER));
          default -> null;
        });
    AtomicReference<ServletRequest> passed = new AtomicReference<>();
    FilterChain chain = (req, res) -> passed.set(req);

    new VerifiedClientCertificateFilter(() -> SDS_PORT).doFilter(request, null, chain);

    return ((HttpServletRequest) passed.get()).getHeader(VerifiedClientCertificateFilter.HEADER);
  }
}
