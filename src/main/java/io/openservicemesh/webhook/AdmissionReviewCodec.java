package io.openservicemesh.webhook;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The AdmissionReview wire contract ({@code admission.k8s.io/v1}; v1beta1 has the same shape and is answered
 * in kind): reads {@code request} and writes {@code response}. The one class that knows the JSON field names.
 *
 * <p>Gson's tree model is used, not typed models: the object under review is kept as the API server sent it,
 * so fields this code does not know (newer Kubernetes versions) are neither refused nor lost, and the JSON
 * patch is computed against exactly what will be patched. The tree is built by {@link BoundedJsonTree}, which
 * refuses a body deeper or larger than {@link AdmissionBodyLimits} allows before building that much. Gson is already in the application through the
 * Kubernetes client, and behaves the same in unit tests as in the server.
 */
public final class AdmissionReviewCodec {

  static final String GROUP = "admission.k8s.io";
  private static final Set<String> API_VERSIONS = Set.of(GROUP + "/v1", GROUP + "/v1beta1");
  private static final Gson GSON = new Gson();
  private static final BoundedJsonTree TREE =
      new BoundedJsonTree(AdmissionBodyLimits.MAX_DEPTH, AdmissionBodyLimits.MAX_VALUES);

  private AdmissionReviewCodec() {}

  /** A parsed review: its apiVersion (answered in kind) and request. */
  public record Review(String apiVersion, AdmissionRequest request) {}

  /**
   * Parses the review within the limits of {@link AdmissionBodyLimits}.
   *
   * @throws JsonLimitExceededException before the tree grows past the depth or value limit
   */
  public static Review parse(Reader body) throws MalformedAdmissionReviewException, JsonLimitExceededException {
    JsonElement root;
    try {
      root = TREE.parse(body);
    } catch (IOException e) {
      throw new MalformedAdmissionReviewException("the body is not JSON (" + syntaxProblem(e) + ")");
    }
    if (!root.isJsonObject()) {
      throw new MalformedAdmissionReviewException("the body is not a JSON object");
    }
    JsonObject review = root.getAsJsonObject();
    String kind = string(review, "kind").orElse("");
    if (!"AdmissionReview".equals(kind)) {
      throw new MalformedAdmissionReviewException("kind must be AdmissionReview, got \"" + clip(kind) + "\"");
    }
    String apiVersion = string(review, "apiVersion").orElse("");
    if (!API_VERSIONS.contains(apiVersion)) {
      throw new MalformedAdmissionReviewException(
          "apiVersion must be " + GROUP + "/v1, got \"" + clip(apiVersion) + "\"");
    }
    JsonObject request = object(review, "request")
        .orElseThrow(() -> new MalformedAdmissionReviewException("the AdmissionReview has no request"));
    String uid = string(request, "uid").filter(u -> !u.isBlank())
        .orElseThrow(() -> new MalformedAdmissionReviewException("request.uid is missing"));
    String objectKind = object(request, "kind").flatMap(k -> string(k, "kind")).orElse("");
    boolean dryRun = request.has("dryRun") && request.get("dryRun").isJsonPrimitive()
        && request.get("dryRun").getAsJsonPrimitive().isBoolean() && request.get("dryRun").getAsBoolean();
    return new Review(apiVersion, new AdmissionRequest(
        uid,
        objectKind,
        string(request, "namespace").orElse(""),
        string(request, "name").orElse(""),
        string(request, "operation").orElse(""),
        dryRun,
        object(request, "object")));
  }

  /** The AdmissionReview answering request {@code uid}. */
  public static String write(String apiVersion, String uid, AdmissionResponse verdict) {
    JsonObject response = new JsonObject();
    response.addProperty("uid", uid);
    response.addProperty("allowed", verdict.allowed());
    if (!verdict.allowed()) {
      JsonObject status = new JsonObject();
      status.addProperty("code", verdict.code());
      verdict.message().ifPresent(m -> status.addProperty("message", m));
      response.add("status", status);
    }
    verdict.patch().ifPresent(patch -> {
      response.addProperty("patchType", "JSONPatch");
      response.addProperty("patch", Base64.getEncoder().encodeToString(
          GSON.toJson(patch).getBytes(StandardCharsets.UTF_8)));
    });
    JsonObject review = new JsonObject();
    review.addProperty("apiVersion", apiVersion);
    review.addProperty("kind", "AdmissionReview");
    review.add("response", response);
    return GSON.toJson(review);
  }

  static Optional<String> string(JsonObject object, String member) {
    JsonElement value = object.get(member);
    return value instanceof JsonPrimitive primitive && primitive.isString()
        ? Optional.of(primitive.getAsString()) : Optional.empty();
  }

  static Optional<JsonObject> object(JsonObject object, String member) {
    JsonElement value = object.get(member);
    return value != null && value.isJsonObject() ? Optional.of(value.getAsJsonObject()) : Optional.empty();
  }

  /** Gson's syntax messages give a position; they never quote more than a path. */
  private static String syntaxProblem(IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int seeHelp = message.indexOf("\nSee ");
    return clip(seeHelp < 0 ? message : message.substring(0, seeHelp));
  }

  /** Values from the request are echoed in messages only in part, so a hostile body cannot flood a log. */
  private static String clip(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "...";
  }
}
