package io.openservicemesh.config;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome of reading the configuration: settings when every value was accepted, otherwise
 * every problem found, never both.
 */
public record ParseResult(Optional<MeshSettings> settings, List<ConfigProblem> problems) {

  public ParseResult {
    problems = List.copyOf(problems);
    if (settings.isPresent() != problems.isEmpty()) {
      throw new IllegalArgumentException(
          "settings must be present exactly when there are no problems");
    }
  }

  public static ParseResult valid(MeshSettings settings) {
    return new ParseResult(Optional.of(settings), List.of());
  }

  public static ParseResult invalid(List<ConfigProblem> problems) {
    return new ParseResult(Optional.empty(), problems);
  }

  public boolean isValid() {
    return settings.isPresent();
  }

  /**
   * The settings, for code that cannot run without them.
   *
   * @throws IllegalStateException listing every problem when the configuration is invalid
   */
  public MeshSettings orElseThrow() {
    return settings.orElseThrow(
        () -> new IllegalStateException("The configuration is invalid: " + allMessages()));
  }

  private String allMessages() {
    return problems.stream().map(ConfigProblem::message).collect(Collectors.joining("; "));
  }
}
