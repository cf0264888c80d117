package io.openservicemesh.debug;

import io.openservicemesh.certificate.BootstrapCertificates;
import io.openservicemesh.certificate.CertificateInventory;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.TrustBundle;
import io.openservicemesh.config.SettingOrigins;
import io.openservicemesh.config.SettingsInForce;
import io.openservicemesh.k8s.KubernetesApi;
import io.openservicemesh.sds.SdsStreams;
import io.openservicemesh.status.DetailedHealthCheck;
import io.openservicemesh.tls.TlsEndpoint;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code GET /debug/...}: the read-only debug views (cached certificates, SDS streams, trust bundle, configuration
 * in force), as JSON or, with {@code ?format=text} or {@code Accept: text/plain}, as a table a person reads at a
 * glance; and in standalone mode only, {@code /debug/bootstrap?identity=<sa>.<ns>}, an Envoy bootstrap for a proxy
 * of that identity. Served only on the loopback-bound debug port: on any other port every path here is 404.
 */
@Path("/debug")
public class DebugResource {

  private static final Logger LOG = Logger.getLogger(DebugResource.class.getName());
  static final MediaType YAML = new MediaType("text", "yaml");

  @Context HttpServletRequest request;
  @Inject CertificateInventory certificates;
  @Inject SdsStreams streams;
  @Inject TrustBundle trustBundle;
  @Inject SettingsInForce settings;
  @Inject BootstrapCertificates bootstrapCertificates;
  @Inject KubernetesApi kubernetes;
  @Inject Clock clock;
  @Inject @Any Instance<DetailedHealthCheck> healthChecks;

  @GET
  public Response index(@QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    if (!onDebugPort()) {
      return notFound();
    }
    boolean standalone = standalone();
    if (wantsText(format, accept)) {
      StringBuilder text = new StringBuilder("osm-controller debug views (read-only; add ?format=text for tables)\n")
          .append("  /debug/certificates   cached certificates\n")
          .append("  /debug/streams        connected SDS streams\n")
          .append("  /debug/trust-bundle   the mesh's roots\n")
          .append("  /debug/config         configuration in force and its source\n")
          .append("  /debug/health         readiness and liveness with each check's details (also /ready, /live)\n");
      if (standalone) {
        text.append("  /debug/bootstrap?identity=<sa>.<ns>   an Envoy bootstrap (standalone mode only)\n");
      }
      return Response.ok(text.toString(), MediaType.TEXT_PLAIN_TYPE).build();
    }
    var views = Json.createArrayBuilder().add("/debug/certificates").add("/debug/streams")
        .add("/debug/trust-bundle").add("/debug/config").add("/debug/health");
    if (standalone) {
      views.add("/debug/bootstrap?identity=<sa>.<ns>");
    }
    return Response.ok(Json.createObjectBuilder().add("views", views).add("standalone", standalone).build(),
        MediaType.APPLICATION_JSON_TYPE).build();
  }

  @GET
  @Path("certificates")
  public Response certificates(@QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    return view(format, accept, DebugViews::certificates);
  }

  @GET
  @Path("streams")
  public Response streams(@QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    return view(format, accept, DebugViews::streams);
  }

  @GET
  @Path("trust-bundle")
  public Response trustBundle(@QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    return view(format, accept, DebugViews::trustBundle);
  }

  @GET
  @Path("config")
  public Response configuration(@QueryParam("format") String format,
      @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    return view(format, accept, DebugViews::configuration);
  }

  /** Every readiness and liveness check with its details, which {@code /health} on the HTTP port leaves out. */
  @GET
  @Path("health")
  public Response health(@QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    return health(format, accept, healthChecks);
  }

  @GET
  @Path("health/ready")
  public Response readiness(@QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    return health(format, accept, healthChecks.select(Readiness.Literal.INSTANCE));
  }

  @GET
  @Path("health/live")
  public Response liveness(@QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    return health(format, accept, healthChecks.select(Liveness.Literal.INSTANCE));
  }

  private Response health(String format, String accept, Instance<DetailedHealthCheck> which) {
    return render(format, accept,
        () -> new HealthDetails(which.stream().map(DetailedHealthCheck::detailed).toList()));
  }

  /**
   * Standalone mode only: in a cluster, proxies get their bootstrap from the injector, and a bootstrap credential
   * made here would belong to no pod.
   */
  @GET
  @Path("bootstrap")
  public Response bootstrap(@QueryParam("identity") String identity) {
    if (!onDebugPort() || !standalone()) {
      return notFound();
    }
    io.openservicemesh.identity.ServiceIdentity service;
    try {
      service = LocalBootstrap.parseIdentity(identity);
    } catch (IllegalArgumentException e) {
      return plain(Response.Status.BAD_REQUEST, e.getMessage());
    }
    Optional<io.openservicemesh.config.MeshSettings> inForce = settings.current();
    if (inForce.isEmpty()) {
      return plain(Response.Status.SERVICE_UNAVAILABLE, "the certificate authority has not started yet;"
          + " see /health/ready and try again");
    }
    int sdsPort = TlsEndpoint.configured(DebugResource::serverVariable).stream()
        .filter(endpoint -> endpoint.name().equals("sds")).findFirst().orElseThrow().port();
    LocalBootstrap local = new LocalBootstrap(bootstrapCertificates, inForce.get().osmNamespace(), sdsPort,
        Paths.get("proxies"));
    try {
      LocalBootstrap.Made made = local.make(service);
      LOG.info(() -> "debug: wrote a local bootstrap for proxy " + made.proxy().commonName() + " in "
          + made.directory());
      String header = "# Envoy bootstrap for proxy " + made.proxy().commonName() + " (identity " + identity + ").\n"
          + "# Its credential files (certificate, key, roots) are in " + made.directory() + "\n"
          + "# Run: envoy -c " + made.directory().resolve("bootstrap.yaml") + "\n";
      return Response.ok(header + made.bootstrapYaml(), YAML).build();
    } catch (IssuanceException e) {
      return plain(Response.Status.SERVICE_UNAVAILABLE, "cannot issue the bootstrap certificate: " + e.getMessage());
    } catch (IOException e) {
      return plain(Response.Status.INTERNAL_SERVER_ERROR, "cannot write the bootstrap files: " + e.getMessage());
    }
  }

  private Response view(String format, String accept, Function<DebugViews, DebugTable> which) {
    return render(format, accept, () -> which.apply(views()));
  }

  /** Made only for a request on the debug port, and answered in the form it asks for. */
  private Response render(String format, String accept, Supplier<DebugDocument> document) {
    if (!onDebugPort()) {
      return notFound();
    }
    DebugDocument made = document.get();
    return wantsText(format, accept)
        ? Response.ok(made.text(), MediaType.TEXT_PLAIN_TYPE).build()
        : Response.ok(made.json(), MediaType.APPLICATION_JSON_TYPE).build();
  }

  private DebugViews views() {
    SettingOrigins origins = new SettingOrigins(ConfigProvider.getConfig());
    return new DebugViews(certificates::cachedCertificates, streams::views, trustBundle, settings::current,
        origins::of, clock);
  }

  /** {@code ?format=text} or {@code json} decides; else an Accept header asking for text/plain before JSON. */
  static boolean wantsText(String format, String accept) {
    if (format != null && !format.isBlank()) {
      return format.trim().equalsIgnoreCase("text");
    }
    if (accept == null) {
      return false;
    }
    int text = accept.indexOf(MediaType.TEXT_PLAIN);
    int json = accept.indexOf(MediaType.APPLICATION_JSON);
    return text >= 0 && (json < 0 || text < json);
  }

  private boolean onDebugPort() {
    return DebugPort.configured(DebugResource::serverVariable).accepts(request.getLocalPort());
  }

  private boolean standalone() {
    try {
      return kubernetes.connection().isEmpty();
    } catch (java.io.UncheckedIOException e) {
      return false;
    }
  }

  private static Optional<String> serverVariable(String name) {
    return ConfigProvider.getConfig().getOptionalValue(name, String.class);
  }

  private static Response notFound() {
    return Response.status(Response.Status.NOT_FOUND).build();
  }

  private static Response plain(Response.Status status, String message) {
    return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE).entity(message + "\n").build();
  }
}
