package io.openservicemesh.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * After the integration tests: reads every log the Liberty servers of the run wrote (messages, console, trace,
 * FFDC) and fails the build on a line that carries a secret: a PEM private key, a Vault token, a JWT (a
 * Kubernetes service account token) or one of the fixed tokens the tests hand to the control plane. The
 * finding names file and line and shows the secret redacted, so the build log does not leak it in turn.
 */
public final class LogSecretScan {

  /** What a secret looks like, each with the name a finding gives it. */
  private static final List<Kind> KINDS = List.of(
      new Kind("PEM private key", Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----")),
      new Kind("JWT", Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*")),
      new Kind("Vault token", Pattern.compile("\\bhvs\\.[A-Za-z0-9_-]{12,}")),
      // The test API server's bearer token (src/test/cluster) and the literal tokens the ITs configure.
      new Kind("test token", Pattern.compile(
          "test-admin-token|xyz-demo-root-token|chart-test-token|s\\.topsecret")));

  private LogSecretScan() {}

  /** @param args the servers directory of the run, {@code target/liberty/wlp/usr/servers} */
  public static void main(String[] args) throws IOException {
    Path servers = Path.of(args[0]);
    List<String> findings = scan(servers);
    if (!findings.isEmpty()) {
      throw new IllegalStateException("server logs of this run carry secrets (" + findings.size() + "):\n  "
          + String.join("\n  ", findings.subList(0, Math.min(findings.size(), 50))));
    }
    System.out.println("[log scan] no private key, token or JWT in the server logs under " + servers);
  }

  /** Every finding under {@code servers}: "file:line: kind: the line, redacted". */
  static List<String> scan(Path servers) throws IOException {
    if (!Files.isDirectory(servers)) {
      return List.of();
    }
    List<String> findings = new ArrayList<>();
    try (Stream<Path> files = Files.walk(servers)) {
      files.filter(Files::isRegularFile).filter(LogSecretScan::isLog)
          .forEach(file -> findings.addAll(scanFile(file)));
    }
    return findings;
  }

  static List<String> scanLines(String source, List<String> lines) {
    List<String> findings = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      for (Kind kind : KINDS) {
        Matcher matcher = kind.pattern().matcher(lines.get(i));
        if (matcher.find()) {
          findings.add(source + ":" + (i + 1) + ": " + kind.name() + ": " + redacted(lines.get(i)));
        }
      }
    }
    return findings;
  }

  /** The line with every secret replaced, clipped to a readable length. */
  static String redacted(String line) {
    String redacted = line;
    for (Kind kind : KINDS) {
      redacted = kind.pattern().matcher(redacted).replaceAll("<" + kind.name() + " redacted>");
    }
    return redacted.length() <= 200 ? redacted : redacted.substring(0, 200) + "...";
  }

  private static boolean isLog(Path file) {
    // Only what Liberty writes under a server's logs/ (messages, console, trace, ffdc): the servers' own
    // configuration and stores are not logs, and their tls/ directory holds keys by design.
    for (Path part : file) {
      if (part.toString().equals("logs")) {
        return true;
      }
    }
    return false;
  }

  private static List<String> scanFile(Path file) {
    try {
      // Logs may hold bytes of any encoding; a malformed one must not hide the line around it.
      String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      return scanLines(file.toString(), text.lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private record Kind(String name, Pattern pattern) {}
}
