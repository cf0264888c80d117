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

/** Reads a running control plane's MicroProfile Health endpoints. */
public final class ServerHealth {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int httpPort;

  public ServerHealth(int httpPort) {
    this.httpPort = httpPort;
  }

  public static ServerHealth ofProperty(String portProperty) {
    return new ServerHealth(Integer.parseInt(System.getProperty(portProperty)));
  }

  /** One health report: the HTTP status and the parsed body. */
  public record Report(int httpStatus, JsonObject body) {

    public boolean up() {
      return httpStatus == 200 && "UP".equals(body.get("status").getAsString());
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
    return report("/health/ready");
  }

  public Report liveness() throws IOException, InterruptedException {
    return report("/health/live");
  }

  private Report report(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Report(response.statusCode(), JsonParser.parseString(response.body()).getAsJsonObject());
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
