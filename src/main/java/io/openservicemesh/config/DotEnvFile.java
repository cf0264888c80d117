package io.openservicemesh.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines of a {@code .env} file, read the way a shell reading it with {@code set -a; . ./.env} would
 * read simple assignments: {@code KEY=value} or {@code export KEY=value}, blank lines and {@code #} comments
 * skipped, a value in single or double quotes taken as it is inside them, an unquoted value ending at
 * {@code " #"}. Anything else is a problem naming its line, never its text (a line may hold a token).
 * Pure: no files, no logging.
 */
record DotEnvFile(Map<String, String> values, List<String> problems) {

  private static final Pattern ASSIGNMENT =
      Pattern.compile("(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.]*)=(.*)");

  DotEnvFile {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    problems = List.copyOf(problems);
  }

  static DotEnvFile parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher matcher = ASSIGNMENT.matcher(line);
      if (!matcher.matches()) {
        problems.add("line " + (i + 1) + " is not KEY=value (or export KEY=value) and is ignored");
        continue;
      }
      String value = value(matcher.group(2).strip());
      if (value == null) {
        problems.add("line " + (i + 1) + " (" + matcher.group(1) + ") has an unterminated quote and is ignored");
        continue;
      }
      values.put(matcher.group(1), value);
    }
    return new DotEnvFile(values, problems);
  }

  /** The value without its quotes or trailing comment; null when a quote is not closed. */
  private static String value(String raw) {
    if (raw.startsWith("\"") || raw.startsWith("'")) {
      int end = raw.indexOf(raw.charAt(0), 1);
      return end < 0 ? null : raw.substring(1, end);
    }
    int comment = raw.indexOf(" #");
    return (comment < 0 ? raw : raw.substring(0, comment)).strip();
  }
}
