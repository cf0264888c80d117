package io.openservicemesh.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shell script a user or the build runs from demo/, src/test/deploy/ and bench/ passes shellcheck (installed by
 * src/test/deploy/tools.sh when missing).
 */
class DemoScriptsTest {

  private static String shellcheck;

  @BeforeAll
  static void installShellcheck() throws Exception {
    Result found = run(List.of("bash", "src/test/deploy/tools.sh", "shellcheck"));
    assertThat(found.exit()).as("shellcheck available: %s", found.output()).isZero();
    String[] lines = found.output().strip().split("\n");
    shellcheck = lines[lines.length - 1];
  }

  static Stream<Path> scripts() throws IOException {
    List<Path> scripts = new ArrayList<>();
    for (Path root : List.of(Path.of("demo"), Path.of("src", "test", "deploy"), Path.of("bench"))) {
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(scripts::add);
      }
    }
    assertThat(scripts).isNotEmpty();
    return scripts.stream();
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void passesShellcheck(Path script) throws Exception {
    Result result = run(List.of(shellcheck, "--external-sources", script.toString()));

    assertThat(result.exit()).as(result.output()).isZero();
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish: " + output);
    }
    return new Result(process.exitValue(), output);
  }
}
