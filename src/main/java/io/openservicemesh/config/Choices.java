package io.openservicemesh.config;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Writes a closed set of accepted values the same way in every message and in the docs. */
final class Choices {

  private Choices() {}

  /** E.g. {@code one of [http, https]}. */
  static String oneOf(List<String> names) {
    return "one of [" + String.join(", ", names) + "]";
  }

  static <E extends Enum<E>> String oneOf(E[] values, Function<E, String> configName) {
    return oneOf(Arrays.stream(values).map(configName).collect(Collectors.toList()));
  }
}
