package io.openservicemesh.debug;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One debug view as rows of named cells, rendered either as JSON (for tools) or as an aligned table (for a person
 * at a terminal). Cells are strings, numbers, booleans, lists of strings or absent; a view is built from public
 * facts only, so neither form can carry more than the view was given.
 */
final class DebugTable implements DebugDocument {

  private static final String ABSENT = "-";

  private final String title;
  private final List<String> columns;
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private final Map<String, Object> summary = new LinkedHashMap<>();

  DebugTable(String title, String... columns) {
    this.title = title;
    this.columns = List.of(columns);
  }

  /** @param cells one per column, in the columns' order; an empty Optional or null is an absent value */
  DebugTable row(Object... cells) {
    if (cells.length != columns.size()) {
      throw new IllegalArgumentException("view " + title + " has " + columns.size() + " columns, got " + cells.length);
    }
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < cells.length; i++) {
      row.put(columns.get(i), unwrap(cells[i]));
    }
    rows.add(row);
    return this;
  }

  /** A fact about the whole view (a count, the mode), shown above the table. */
  DebugTable summary(String name, Object value) {
    summary.put(name, unwrap(value));
    return this;
  }

  int size() {
    return rows.size();
  }

  @Override
  public JsonObject json() {
    JsonObjectBuilder view = Json.createObjectBuilder().add("view", title);
    summary.forEach((name, value) -> add(view, name, value));
    JsonArrayBuilder items = Json.createArrayBuilder();
    for (Map<String, Object> row : rows) {
      JsonObjectBuilder item = Json.createObjectBuilder();
      row.forEach((name, value) -> add(item, name, value));
      items.add(item);
    }
    return view.add("items", items).build();
  }

  @Override
  public String text() {
    StringBuilder out = new StringBuilder(title).append('\n');
    summary.forEach((name, value) -> out.append("  ").append(name).append(": ").append(cell(value)).append('\n'));
    if (rows.isEmpty()) {
      return out.append("  (none)\n").toString();
    }
    int[] widths = new int[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      widths[i] = columns.get(i).length();
      for (Map<String, Object> row : rows) {
        widths[i] = Math.max(widths[i], cell(row.get(columns.get(i))).length());
      }
    }
    out.append('\n');
    line(out, widths, columns);
    for (Map<String, Object> row : rows) {
      line(out, widths, columns.stream().map(column -> cell(row.get(column))).toList());
    }
    return out.toString();
  }

  private static void line(StringBuilder out, int[] widths, List<String> cells) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      line.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", cells.get(i)));
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  private static Object unwrap(Object value) {
    return value instanceof Optional<?> optional ? optional.orElse(null) : value;
  }

  private static String cell(Object value) {
    if (value == null) {
      return ABSENT;
    }
    if (value instanceof Collection<?> list) {
      return list.isEmpty() ? ABSENT : String.join(",", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }

  private static void add(JsonObjectBuilder object, String name, Object value) {
    if (value == null) {
      object.addNull(name);
    } else if (value instanceof Integer number) {
      object.add(name, number);
    } else if (value instanceof Long number) {
      object.add(name, number);
    } else if (value instanceof Boolean flag) {
      object.add(name, flag);
    } else if (value instanceof Collection<?> list) {
      JsonArrayBuilder array = Json.createArrayBuilder();
      list.forEach(element -> array.add(String.valueOf(element)));
      object.add(name, array);
    } else {
      object.add(name, String.valueOf(value));
    }
  }
}
