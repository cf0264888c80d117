package io.openservicemesh.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One more control plane under test, configured the way a user configures one: environment variables only. It
 * is the {@code osm-it} server as the build created and deployed it (same Liberty, same application), copied
 * under another name with its own ports and {@code server.env}, and started and stopped with Liberty's own
 * {@code server} script. Tests that need a backend other than the shared server's use it, one at a time.
 */
public final class ExtraControlPlane implements AutoCloseable {

  private static final Path WLP = Path.of("target", "liberty", "wlp");
  private static final Path TEMPLATE = WLP.resolve("usr/servers/osm-it");
  /** What the copy takes from the template: configuration and the deployed application, no state. */
  private static final List<String> COPIED = List.of("server.xml", "jvm.options", "apps");
  private static final Duration COMMAND_LIMIT = Duration.ofMinutes(3);

  private final String name;
  private final int httpPort;
  private final int sdsPort;

  private ExtraControlPlane(String name, int httpPort, int sdsPort) {
    this.name = name;
    this.httpPort = httpPort;
    this.sdsPort = sdsPort;
  }

  /**
   * Creates and starts the server; returns once Liberty reports it started (readiness is for the test to
   * await). Ports are {@code it.extra.port} and the four after it.
   *
   * @param environment its settings, as MicroProfile Config environment variables; KUBECONFIG is added unless
   *     given
   */
  public static ExtraControlPlane start(String name, Map<String, String> environment) throws Exception {
    return start(name, environment, Integer.getInteger("it.extra.port", 9480));
  }

  /** A second replica beside the first: its own four ports from {@code base}. */
  public static ExtraControlPlane start(String name, Map<String, String> environment, int base) throws Exception {
    Path server = WLP.resolve("usr/servers").resolve(name);
    deleteRecursively(server);
    Files.createDirectories(server);
    for (String entry : COPIED) {
      copyRecursively(TEMPLATE.resolve(entry), server.resolve(entry));
    }
    Files.writeString(server.resolve("bootstrap.properties"), String.join("\n",
        "default.http.port=" + base, "default.https.port=" + (base + 1), "sds.port=" + (base + 2),
        "validator.https.port=" + (base + 3), "debug.port=" + (base + 4)) + "\n");
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.putIfAbsent("KUBECONFIG", TestCluster.kubeconfig().toAbsolutePath().toString());
    Files.writeString(server.resolve("server.env"), env.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);
    ExtraControlPlane plane = new ExtraControlPlane(name, base, base + 2);
    plane.serverCommand("start");
    return plane;
  }

  public ServerHealth health() {
    return new ServerHealth(httpPort, httpPort + 4);
  }

  public int sdsPort() {
    return sdsPort;
  }

  /** The server's messages.log, for a failure message. */
  public String log() throws IOException {
    Path log = WLP.resolve("usr/servers").resolve(name).resolve("logs/messages.log");
    return Files.exists(log) ? Files.readString(log) : "(no messages.log)";
  }

  /**
   * Stops and starts the server in place, as a restarted container does: its output directory (the TLS stores and
   * their include of the run before) is kept. Returns once Liberty reports it started.
   */
  public void restart() throws Exception {
    serverCommand("stop");
    serverCommand("start");
  }

  @Override
  /** Stops the server and removes the webhook configurations it registered (named by its namespace). */
  public void close() throws Exception {
    serverCommand("stop");
    TestCluster.forgetWebhooks(TestCluster.client(), name);
  }

  private void serverCommand(String verb) throws Exception {
    Process process = new ProcessBuilder(WLP.resolve("bin/server").toString(), verb, name)
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("server " + verb + " " + name + " did not finish within " + COMMAND_LIMIT);
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("server " + verb + " " + name + " exited " + process.exitValue() + ": " + output);
    }
  }

  private static void copyRecursively(Path from, Path to) throws IOException {
    if (!Files.exists(from)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
