package io.openservicemesh.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scrapes a running control plane's {@code /metrics} and reads the Prometheus text exposition. */
public final class ServerMetrics {

  /**
   * HTTP/1.1, as Prometheus scrapes. The JDK client's default offers an h2c upgrade on its first request; that
   * first scrape was seen answered with the base and vendor metrics only (and an FFDC in Liberty's metrics
   * handler), the later ones in full.
   */
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final int httpPort;

  public ServerMetrics(int httpPort) {
    this.httpPort = httpPort;
  }

  public static ServerMetrics ofProperty(String portProperty) {
    return new ServerMetrics(Integer.parseInt(System.getProperty(portProperty)));
  }

  /** One sample line: a name, its labels and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** One scrape: the families its {@code # TYPE} lines declare and every sample. */
  public record Scrape(String text, Map<String, String> types, List<Sample> samples) {

    /** Families declared, by name, with the prefix given. */
    public Set<String> familiesStartingWith(String prefix) {
      Set<String> names = new TreeSet<>();
      types.keySet().stream().filter(name -> name.startsWith(prefix)).forEach(names::add);
      return names;
    }

    /** The one sample of that name whose labels include all of {@code labels}. */
    public double value(String name, Map<String, String> labels) {
      List<Sample> matching = samples.stream()
          .filter(sample -> sample.name().equals(name))
          .filter(sample -> sample.labels().entrySet().containsAll(labels.entrySet()))
          .toList();
      if (matching.size() != 1) {
        throw new AssertionError("expected one sample " + name + labels + ", found " + matching + "; the scrape's"
            + " osm_ families: " + familiesStartingWith("osm_") + "; its lines of " + name + ":\n" + linesOf(name));
      }
      return matching.get(0).value();
    }

    public double value(String name) {
      return value(name, Map.of());
    }

    private String linesOf(String name) {
      return String.join("\n", text.lines().filter(line -> line.contains(name)).toList());
    }
  }

  public Scrape scrape() throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/metrics"))
            .header("Accept", "text/plain").timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("GET /metrics answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  static Scrape parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    List<Sample> samples = new ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring("# TYPE ".length()).trim().split("\\s+");
        types.put(parts[0], parts.length > 1 ? parts[1] : "");
        continue;
      }
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.trim());
      if (!sample.matches()) {
        throw new AssertionError("not a Prometheus sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(sample.group(1), labels, parseValue(sample.group(3))));
    }
    return new Scrape(text, types, samples);
  }

  private static double parseValue(String value) {
    return switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(value);
    };
  }
}
