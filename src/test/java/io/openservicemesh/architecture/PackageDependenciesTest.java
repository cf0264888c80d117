package io.openservicemesh.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between the packages run one way, as docs/architecture.md draws them: every package stands on a
 * floor and may use only packages on lower floors. Read from the sources' own import lines and qualified names,
 * so a change that sends an arrow back up fails here, naming the file.
 */
class PackageDependenciesTest {

  private static final Path SOURCES = Path.of("src/main/java/io/openservicemesh");
  private static final String ROOT = "io.openservicemesh.";

  /** Each package's floor; the same as the table in docs/architecture.md. */
  static final Map<String, Integer> FLOORS = Map.ofEntries(
      Map.entry("config", 0),
      Map.entry("identity", 0),
      Map.entry("schedule", 0),
      Map.entry("k8s", 0),
      Map.entry("events", 0),
      Map.entry("events.kubernetes", 1),
      Map.entry("status", 1),
      Map.entry("crypto", 1),
      Map.entry("certificate.store", 1),
      Map.entry("pods", 2),
      Map.entry("certificate", 2),
      Map.entry("certificate.rootchange", 3),
      Map.entry("certificate.tresor", 4),
      Map.entry("certificate.vault", 4),
      Map.entry("certificate.certmanager", 4),
      Map.entry("rotation", 5),
      Map.entry("webhook", 6),
      Map.entry("sds", 6),
      Map.entry("tls", 6),
      Map.entry("bootstrap", 6),
      Map.entry("injector", 7),
      Map.entry("validator", 7),
      Map.entry("health", 7),
      Map.entry("debug", 7),
      Map.entry("metrics", 7),
      Map.entry("lifecycle", 8));

  private static final Pattern PACKAGE = Pattern.compile("^package io\\.openservicemesh\\.([a-z0-9.]+);", Pattern.MULTILINE);
  private static final Pattern REFERENCE = Pattern.compile("io\\.openservicemesh\\.((?:[a-z0-9]+\\.)+)[A-Z]");

  /** A use of one package by a file of another. */
  record Use(Path file, String from, String to) {
    @Override
    public String toString() {
      return file + ": " + from + " (floor " + FLOORS.get(from) + ") uses " + to + " (floor " + FLOORS.get(to) + ")";
    }
  }

  @Test
  void everyPackageHasAFloor() {
    assertThat(FLOORS.keySet()).containsAll(packages());
  }

  @Test
  void everyArrowRunsDown() {
    List<Use> upward = uses().stream()
        .filter(use -> FLOORS.containsKey(use.from()) && FLOORS.containsKey(use.to()))
        .filter(use -> FLOORS.get(use.to()) >= FLOORS.get(use.from()))
        .toList();

    assertThat(upward).as("uses of a package on the same or a higher floor").isEmpty();
  }

  @Test
  void nothingUsesTheWiringLayer() {
    assertThat(uses()).filteredOn(use -> use.to().equals("lifecycle")).isEmpty();
  }

  @Test
  void noTwoPackagesUseEachOther() {
    Map<String, Set<String>> graph = new TreeMap<>();
    uses().forEach(use -> graph.computeIfAbsent(use.from(), key -> new TreeSet<>()).add(use.to()));
    List<String> pairs = new ArrayList<>();
    graph.forEach((from, tos) -> tos.stream()
        .filter(to -> graph.getOrDefault(to, Set.of()).contains(from) && from.compareTo(to) < 0)
        .forEach(to -> pairs.add(from + " <-> " + to)));

    assertThat(pairs).isEmpty();
  }

  @Test
  void theCheckSeesImportsAndQualifiedNames() {
    // Guards the reader itself: these arrows exist, so a reader that found none would pass everything.
    assertThat(uses()).extracting(use -> use.from() + " -> " + use.to())
        .contains("lifecycle -> certificate", "sds -> identity", "injector -> webhook", "certificate.vault -> k8s");
  }

  private static Set<String> packages() {
    Set<String> packages = new TreeSet<>();
    forEachSource((file, text) -> packageOf(text).ifPresent(packages::add));
    return packages;
  }

  private static List<Use> uses() {
    List<Use> uses = new ArrayList<>();
    forEachSource((file, text) -> packageOf(text).ifPresent(from -> {
      for (String line : code(text)) {
        Matcher reference = REFERENCE.matcher(line);
        while (reference.find()) {
          String to = reference.group(1).substring(0, reference.group(1).length() - 1);
          if (!to.equals(from)) {
            uses.add(new Use(SOURCES.relativize(file), from, to));
          }
        }
      }
    }));
    return uses.stream().distinct().toList();
  }

  /** Lines that are code: javadoc and comments may name any package without depending on it. */
  private static List<String> code(String text) {
    List<String> lines = new ArrayList<>();
    boolean inComment = false;
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (inComment) {
        inComment = !trimmed.contains("*/");
        continue;
      }
      if (trimmed.startsWith("/*")) {
        inComment = !trimmed.contains("*/");
        continue;
      }
      if (trimmed.startsWith("//") || trimmed.startsWith("package ")) {
        continue;
      }
      lines.add(line);
    }
    return lines;
  }

  private static java.util.Optional<String> packageOf(String text) {
    Matcher matcher = PACKAGE.matcher(text);
    return matcher.find() ? java.util.Optional.of(matcher.group(1)) : java.util.Optional.empty();
  }

  private interface SourceVisitor {
    void visit(Path file, String text);
  }

  private static void forEachSource(SourceVisitor visitor) {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
        visitor.visit(file, Files.readString(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
