package io.openservicemesh.it;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads a running control plane's health: the status from MicroProfile Health on the HTTP port, as probes see it,
 * and each check's details from the loopback-only debug view {@code /debug/health}, which is where they are served.
 */
public final class ServerHealth {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int httpPort;
  private final int debugPort;

  public ServerHealth(int httpPort, int debugPort) {
    this.httpPort = httpPort;
    this.debugPort = debugPort;
  }

  /** @param httpPortProperty e.g. {@code it.http.port}; the debug port is the matching {@code ...debug.port} */
  public static ServerHealth ofProperty(String httpPortProperty) {
    return new ServerHealth(Integer.parseInt(System.getProperty(httpPortProperty)),
        Integer.parseInt(System.getProperty(httpPortProperty.replace("http.port", "debug.port"))));
  }

  /**
   * One health report: the public endpoint's HTTP status and body, and the details of the same checks.
   *
   * @param body the debug view's document: the public one's shape, with each check's data
   */
  public record Report(int httpStatus, JsonObject publicBody, JsonObject body) {

    public boolean up() {
      return httpStatus == 200 && "UP".equals(publicBody.get("status").getAsString());
    }

    public Optional<JsonObject> check(String name) {
      for (JsonElement check : body.getAsJsonArray("checks")) {
        if (name.equals(check.getAsJsonObject().get("name").getAsString())) {
          return Optional.of(check.getAsJsonObject());
        }
      }
      return Optional.empty();
    }

    public String data(String checkName, String key) {
      JsonObject check = check(checkName).orElseThrow(() -> new AssertionError("no check " + checkName + " in " + body));
      JsonElement value = check.getAsJsonObject("data").get(key);
      return value == null ? null : value.getAsString();
    }
  }

  public Report readiness() throws IOException, InterruptedException {
    return report("ready");
  }

  public Report liveness() throws IOException, InterruptedException {
    return report("live");
  }

  private Report report(String which) throws IOException, InterruptedException {
    HttpResponse<String> published = get(httpPort, "/health/" + which);
    HttpResponse<String> details = get(debugPort, "/debug/health/" + which);
    return new Report(published.statusCode(), JsonParser.parseString(published.body()).getAsJsonObject(),
        JsonParser.parseString(details.body()).getAsJsonObject());
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The first readiness report that satisfies the condition. The server under test starts its issuer on a
   * timer after the application starts, so readiness is a state to wait for, bounded by the deadline.
   */
  public Report awaitReadiness(java.util.function.Predicate<Report> condition, Duration deadline)
      throws IOException, InterruptedException {
    Instant giveUp = Instant.now().plus(deadline);
    Report last = null;
    while (Instant.now().isBefore(giveUp)) {
      try {
        last = readiness();
        if (condition.test(last)) {
          return last;
        }
      } catch (IOException | RuntimeException notYetServing) {
        // The health servlet answers 404/empty while the application is still starting.
      }
      Thread.sleep(250);
    }
    throw new AssertionError("readiness did not reach the expected state within " + deadline + "; last: "
        + (last == null ? "no answer" : last.body()));
  }
}
