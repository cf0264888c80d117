package io.openservicemesh.demo;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.openservicemesh.bootstrap.BootstrapFiles;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.identity.CertificateNames;
import io.openservicemesh.identity.SdsSecretName;
import io.openservicemesh.identity.ServiceIdentity;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.Yaml;

/**
 * The second of the first five minutes: with the files {@code /debug/bootstrap} wrote for a proxy, asks the
 * control plane's SDS for that proxy's service certificate exactly as Envoy would (mutual TLS with the bootstrap
 * credential, the control plane's name required in its certificate, the node id on the request) and shows what
 * came back: the certificate's names, serial, validity, issuer and whether it chains to the mesh roots, then the
 * certificate itself. The private key SDS sends along is named, never shown.
 *
 * <p>Run through {@code demo/sds-fetch.sh}; arguments: the directory of the proxy's files.
 */
public final class SdsFetch {

  private SdsFetch() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: SdsFetch <directory of the proxy's bootstrap files, as /debug/bootstrap printed>");
      System.exit(2);
    }
    int exit = run(Path.of(args[0]), System.out, System.err);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  static int run(Path directory, PrintStream out, PrintStream err) throws Exception {
    Path bootstrap = directory.resolve(BootstrapFiles.BOOTSTRAP);
    if (!Files.isReadable(bootstrap)) {
      err.println(bootstrap + " is not readable: fetch a bootstrap first, e.g."
          + " curl 'localhost:9091/debug/bootstrap?identity=bookstore.bookstore'");
      return 2;
    }
    ControlPlane target = ControlPlane.of(new Yaml().load(Files.readString(bootstrap)));
    String chain = Files.readString(directory.resolve(BootstrapFiles.CERTIFICATE_CHAIN));
    String key = Files.readString(directory.resolve(BootstrapFiles.PRIVATE_KEY));
    String roots = Files.readString(directory.resolve(BootstrapFiles.TRUSTED_ROOTS));
    X509Certificate own = Pem.decodeCertificate(chain);
    String nodeId = CertificateNames.commonName(own);
    // <uuid>.<service account>.<namespace>: a UUID and a namespace have no dots, a service account may.
    ServiceIdentity identity = new ServiceIdentity(
        nodeId.substring(nodeId.indexOf('.') + 1, nodeId.lastIndexOf('.')), nodeId.substring(nodeId.lastIndexOf('.') + 1));
    String secretName = SdsSecretName.serviceCertificate(identity).toString();

    ManagedChannel channel = NettyChannelBuilder.forAddress(target.address(), target.port())
        .overrideAuthority(target.name())
        .sslContext(GrpcSslContexts.forClient().trustManager(stream(roots)).keyManager(stream(chain), stream(key))
            .build())
        .build();
    try {
      out.println("SDS FetchSecrets from " + target.address() + ":" + target.port() + " (" + target.name()
          + ") as proxy " + nodeId);
      DiscoveryResponse response = SecretDiscoveryServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(15, TimeUnit.SECONDS)
          .fetchSecrets(DiscoveryRequest.newBuilder()
              .setTypeUrl("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret")
              .setNode(Node.newBuilder().setId(nodeId).setCluster(identity.serviceAccount() + "."
                  + identity.namespace()))
              .addResourceNames(secretName).build());
      Secret secret = response.getResources(0).unpack(Secret.class);
      show(out, secret, response.getVersionInfo(), roots);
      return 0;
    } catch (StatusRuntimeException e) {
      err.println("SDS refused: " + e.getStatus().getCode() + " " + e.getStatus().getDescription());
      return 1;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void show(PrintStream out, Secret secret, String version, String rootsPem) throws Exception {
    String chainPem = text(secret.getTlsCertificate().getCertificateChain());
    List<X509Certificate> chain = Pem.decodeCertificates(chainPem);
    X509Certificate leaf = chain.get(0);
    boolean keyReceived = !text(secret.getTlsCertificate().getPrivateKey()).isEmpty();
    out.println("secret " + secret.getName() + " (version " + version + ")");
    out.println("  subject:     " + leaf.getSubjectX500Principal().getName());
    out.println("  DNS names:   " + String.join(", ", CertificateNames.subjectAltNames(leaf, CertificateNames.DNS_NAME)));
    out.println("  URIs:        " + String.join(", ", CertificateNames.subjectAltNames(leaf, CertificateNames.URI)));
    out.println("  serial:      " + leaf.getSerialNumber().toString(16));
    out.println("  valid:       " + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant());
    out.println("  issuer:      " + leaf.getIssuerX500Principal().getName());
    out.println("  chains to the mesh roots: " + (chainsTo(chain, Pem.decodeCertificates(rootsPem)) ? "yes" : "NO"));
    out.println("  private key: " + (keyReceived ? "received with it, not shown" : "missing"));
    out.print(Pem.encode(leaf));
  }

  /** Each certificate signed by the next, the last by one of the roots. */
  private static boolean chainsTo(List<X509Certificate> chain, List<X509Certificate> roots) {
    for (int i = 0; i + 1 < chain.size(); i++) {
      if (!signedBy(chain.get(i), chain.get(i + 1))) {
        return false;
      }
    }
    X509Certificate last = chain.get(chain.size() - 1);
    return roots.stream().anyMatch(root -> signedBy(last, root));
  }

  private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static ByteArrayInputStream stream(String pem) {
    return new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8));
  }

  /** Where the bootstrap's control-plane cluster points: the address dialled and the name its certificate bears. */
  record ControlPlane(String address, int port, String name) {

    @SuppressWarnings("unchecked")
    static ControlPlane of(Map<String, Object> bootstrap) {
      Map<String, Object> resources = (Map<String, Object>) bootstrap.get("static_resources");
      for (Object entry : (List<Object>) resources.get("clusters")) {
        Map<String, Object> cluster = (Map<String, Object>) entry;
        if (!"osm-controller".equals(cluster.get("name"))) {
          continue;
        }
        Map<String, Object> socket = (Map<String, Object>) dig(cluster, "load_assignment", "endpoints", 0,
            "lb_endpoints", 0, "endpoint", "address", "socket_address");
        String sni = (String) dig(cluster, "transport_socket", "typed_config", "sni");
        return new ControlPlane((String) socket.get("address"), ((Number) socket.get("port_value")).intValue(), sni);
      }
      throw new IllegalArgumentException("the bootstrap has no osm-controller cluster");
    }

    @SuppressWarnings("unchecked")
    private static Object dig(Object tree, Object... path) {
      Object current = tree;
      for (Object step : path) {
        current = step instanceof Integer index ? ((List<Object>) current).get(index)
            : ((Map<String, Object>) current).get(step);
      }
      return current;
    }
  }

  /** SDS may carry PEM as inline_string (this control plane does) or inline_bytes (others do): either is read. */
  private static String text(io.envoyproxy.envoy.config.core.v3.DataSource source) {
    return source.hasInlineBytes() ? source.getInlineBytes().toStringUtf8() : source.getInlineString();
  }
}
