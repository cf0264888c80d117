package io.openservicemesh.sds;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.IntSupplier;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Hands the TLS layer's verified client certificate to the SDS gRPC service. Liberty's gRPC transport does not
 * expose the peer certificate to gRPC, but the servlet request does (with application security enabled): this
 * filter puts the verified leaf into a request header that {@link ProxyIdentityInterceptor} reads.
 *
 * <p>Any copy of that header sent by the client is removed first, so a client can never claim an identity by
 * sending it: the header holds the TLS layer's word or nothing.
 *
 * <p>Only a request that arrived on the SDS port carries it: that port alone verifies client certificates against
 * the mesh roots. The webhook ports may verify them against another CA, the API server's client CA
 * ({@code OpenServiceMesh.webhook.clientCaFile}), whose certificates must never pass for proxies.
 */
@WebFilter(urlPatterns = "/" + SecretDiscoveryService.SERVICE_NAME + "/*", asyncSupported = true)
public class VerifiedClientCertificateFilter implements Filter {

  /** Lower case: HTTP/2 header names are. */
  static final String HEADER = "x-osm-verified-client-certificate";
  private static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
  /** The server variable of the SDS endpoint's port (server.xml), as MicroProfile Config sees it. */
  static final String SDS_PORT_VARIABLE = "sds.port";
  static final int DEFAULT_SDS_PORT = 15128;

  private final IntSupplier sdsPort;

  public VerifiedClientCertificateFilter() {
    this(() -> ConfigProvider.getConfig().getOptionalValue(SDS_PORT_VARIABLE, Integer.class).orElse(DEFAULT_SDS_PORT));
  }

  VerifiedClientCertificateFilter(IntSupplier sdsPort) {
    this.sdsPort = sdsPort;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    X509Certificate[] verified = (X509Certificate[]) request.getAttribute(CERTIFICATE_ATTRIBUTE);
    String value = null;
    if (request.isSecure() && request.getLocalPort() == sdsPort.getAsInt() && verified != null
        && verified.length > 0) {
      try {
        value = Base64.getEncoder().encodeToString(verified[0].getEncoded());
      } catch (CertificateEncodingException e) {
        value = null;
      }
    }
    chain.doFilter(new CertificateHeaderRequest(http, value), response);
  }

  /** The request with the certificate header replaced: the verified value, or absent. */
  private static final class CertificateHeaderRequest extends HttpServletRequestWrapper {

    private final String certificate;

    CertificateHeaderRequest(HttpServletRequest request, String certificate) {
      super(request);
      this.certificate = certificate;
    }

    @Override
    public String getHeader(String name) {
      return HEADER.equalsIgnoreCase(name) ? certificate : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      if (HEADER.equalsIgnoreCase(name)) {
        return certificate == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(certificate));
      }
      return super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      List<String> names = new ArrayList<>();
      for (String name : Collections.list(super.getHeaderNames())) {
        if (!HEADER.equalsIgnoreCase(name)) {
          names.add(name);
        }
      }
      if (certificate != null) {
        names.add(HEADER);
      }
      return Collections.enumeration(names);
    }
  }
}
