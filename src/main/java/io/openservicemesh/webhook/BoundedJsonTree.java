package io.openservicemesh.webhook;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.internal.LazilyParsedNumber;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Builds Gson's tree from a streaming reader, one token at a time, and stops as soon as the JSON nests deeper
 * or holds more values than allowed: the limits are checked before the node that would break them exists, so
 * a hostile body costs at most the limits, never the tree it describes. No recursion, so no stack to exhaust.
 *
 * <p>Gson's own streaming reader is used rather than JSON-P's: the rest of the webhook works on Gson's tree
 * (see {@link AdmissionReviewCodec}), so the tree is built directly, without a second model to convert from.
 */
final class BoundedJsonTree {

  private final int maxDepth;
  private final int maxValues;

  BoundedJsonTree(int maxDepth, int maxValues) {
    this.maxDepth = maxDepth;
    this.maxValues = maxValues;
  }

  /**
   * @throws IOException when the text is not JSON (Gson's {@code MalformedJsonException} says where), or the
   *     reader fails
   */
  JsonElement parse(Reader text) throws IOException, JsonLimitExceededException {
    JsonReader reader = new JsonReader(text);
    reader.setStrictness(Strictness.STRICT);
    // Gson's own nesting guard stays as a backstop above ours; ours fires first, with a message that names it.
    reader.setNestingLimit(maxDepth + 1);
    Deque<JsonElement> open = new ArrayDeque<>();
    Deque<String> names = new ArrayDeque<>();
    JsonElement root = null;
    int values = 0;
    while (true) {
      JsonToken token = reader.peek();
      if (token == JsonToken.END_DOCUMENT) {
        break;
      }
      if (token == JsonToken.NAME) {
        names.push(reader.nextName());
        continue;
      }
      if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
        if (token == JsonToken.END_OBJECT) {
          reader.endObject();
        } else {
          reader.endArray();
        }
        open.pop();
        continue;
      }
      if (++values > maxValues) {
        throw new JsonLimitExceededException("the JSON has more than " + maxValues
            + " values, the limit for an AdmissionReview (stopped at " + clip(reader.getPath()) + ")");
      }
      JsonElement value = switch (token) {
        case BEGIN_OBJECT -> {
          checkDepth(open.size() + 1, reader);
          reader.beginObject();
          yield new JsonObject();
        }
        case BEGIN_ARRAY -> {
          checkDepth(open.size() + 1, reader);
          reader.beginArray();
          yield new JsonArray();
        }
        case STRING -> new JsonPrimitive(reader.nextString());
        // The number type Gson's own tree parser uses: it keeps the text exactly as sent and parses it only
        // when asked, so the tree is the same as JsonParser would give, without a parse per number.
        case NUMBER -> new JsonPrimitive(new LazilyParsedNumber(reader.nextString()));
        case BOOLEAN -> new JsonPrimitive(reader.nextBoolean());
        case NULL -> {
          reader.nextNull();
          yield JsonNull.INSTANCE;
        }
        default -> throw new IllegalStateException("unexpected JSON token " + token);
      };
      if (open.isEmpty()) {
        root = value;
      } else if (open.peek() instanceof JsonObject object) {
        object.add(names.pop(), value);
      } else {
        open.peek().getAsJsonArray().add(value);
      }
      if (value.isJsonObject() || value.isJsonArray()) {
        open.push(value);
      }
    }
    if (root == null) {
      throw new EOFException("no JSON value");
    }
    return root;
  }

  private void checkDepth(int depth, JsonReader reader) throws JsonLimitExceededException {
    if (depth > maxDepth) {
      throw new JsonLimitExceededException("the JSON nests deeper than " + maxDepth
          + " levels, the limit for an AdmissionReview (at " + clip(reader.getPath()) + ")");
    }
  }

  /** A path names keys from the body: only its start is echoed. */
  private static String clip(String path) {
    return path.length() <= 120 ? path : path.substring(0, 120) + "...";
  }
}
