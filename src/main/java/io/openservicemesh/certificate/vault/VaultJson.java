package io.openservicemesh.certificate.vault;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the JSON Vault answers with, strictly: one object, nothing after it, fields of the documented
 * types. Gson, because it is already in the application (the Kubernetes client is built on it) and
 * behaves the same in unit tests and in the server, where the Jakarta JSON API would be Liberty's
 * implementation in one and a different one in the other.
 */
final class VaultJson {

  private static final Gson GSON = new Gson();

  private VaultJson() {}

  /** The text as a JSON object; the message of a failure says what was wrong, never the text. */
  static JsonObject parseObject(String text) throws JsonParseException {
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      reader.setStrictness(Strictness.STRICT);
      JsonElement element = GSON.getAdapter(JsonElement.class).read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new JsonParseException("text follows the JSON value");
      }
      if (element == null || !element.isJsonObject()) {
        throw new JsonParseException("expected a JSON object");
      }
      return element.getAsJsonObject();
    } catch (IOException | IllegalStateException e) {
      throw new JsonParseException("not valid JSON", e);
    }
  }

  /** A member that must be an object. */
  static JsonObject object(JsonObject parent, String name) throws JsonParseException {
    JsonElement value = parent.get(name);
    if (value == null || !value.isJsonObject()) {
      throw new JsonParseException(describe(name, value, "an object"));
    }
    return value.getAsJsonObject();
  }

  /** A member that must be a non-empty string. */
  static String string(JsonObject parent, String name) throws JsonParseException {
    return optionalString(parent, name)
        .filter(s -> !s.isEmpty())
        .orElseThrow(() -> new JsonParseException(describe(name, parent.get(name), "a non-empty string")));
  }

  static Optional<String> optionalString(JsonObject parent, String name) throws JsonParseException {
    JsonElement value = parent.get(name);
    if (value == null || value.isJsonNull()) {
      return Optional.empty();
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw new JsonParseException(describe(name, value, "a string"));
    }
    return Optional.of(value.getAsString());
  }

  /** A whole number of seconds, as Vault writes TTLs. */
  static long seconds(JsonObject parent, String name) throws JsonParseException {
    JsonElement value = parent.get(name);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
      throw new JsonParseException(describe(name, value, "a number of seconds"));
    }
    try {
      long seconds = value.getAsBigDecimal().longValueExact();
      if (seconds < 0) {
        throw new JsonParseException(describe(name, value, "a non-negative number of seconds"));
      }
      return seconds;
    } catch (ArithmeticException e) {
      throw new JsonParseException(describe(name, value, "a whole number of seconds"));
    }
  }

  static boolean bool(JsonObject parent, String name) throws JsonParseException {
    JsonElement value = parent.get(name);
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
      throw new JsonParseException(describe(name, value, "true or false"));
    }
    return value.getAsBoolean();
  }

  /**
   * A list of strings that Vault may leave out, send as null, as a single string, or as an array
   * (its documentation shows {@code "warnings": ""} as well as arrays).
   */
  static List<String> strings(JsonObject parent, String name) throws JsonParseException {
    JsonElement value = parent.get(name);
    List<String> out = new ArrayList<>();
    if (value == null || value.isJsonNull()) {
      return out;
    }
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
      if (!value.getAsString().isEmpty()) {
        out.add(value.getAsString());
      }
      return out;
    }
    if (!value.isJsonArray()) {
      throw new JsonParseException(describe(name, value, "a list of strings"));
    }
    JsonArray array = value.getAsJsonArray();
    for (JsonElement item : array) {
      if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
        throw new JsonParseException(describe(name, item, "a list of strings"));
      }
      out.add(item.getAsString());
    }
    return out;
  }

  /** Says what was found by its JSON type only: values may be secrets (keys, tokens). */
  private static String describe(String name, JsonElement found, String expected) {
    String kind;
    if (found == null) {
      kind = "missing";
    } else if (found.isJsonNull()) {
      kind = "null";
    } else if (found.isJsonObject()) {
      kind = "an object";
    } else if (found.isJsonArray()) {
      kind = "an array";
    } else if (found.getAsJsonPrimitive().isString()) {
      kind = "a string";
    } else if (found.getAsJsonPrimitive().isNumber()) {
      kind = "a number";
    } else {
      kind = "a boolean";
    }
    return "\"" + name + "\" should be " + expected + " but is " + kind;
  }
}
