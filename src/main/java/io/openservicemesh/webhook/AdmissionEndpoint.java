package io.openservicemesh.webhook;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP side of an admission webhook, shared by all of them: checks the media type (415), reads a bounded
 * body (413 when over {@link AdmissionBodyLimits#MAX_BODY_BYTES}, checked before a tree is built; 400 when
 * empty, not an AdmissionReview, or nested or numerous beyond the JSON limits), runs the handler, and always answers a
 * parsed review with its uid. A handler that throws is answered {@code allowed: false} with a reference to the
 * log entry that holds the details: stack traces stay in the log.
 */
public final class AdmissionEndpoint {

  private static final Logger LOG = Logger.getLogger(AdmissionEndpoint.class.getName());

  private final String webhookName;
  private final AdmissionHandler handler;
  private final String meterName;
  private final AdmissionMeter meter;

  /** @param webhookName how messages and logs name this webhook, e.g. "sidecar injector" */
  public AdmissionEndpoint(String webhookName, AdmissionHandler handler) {
    this(webhookName, handler, "unnamed", AdmissionMeter.NONE);
  }

  /**
   * @param meterName the webhook's short name in metrics, from a fixed set (e.g. {@code injector})
   * @param meter told how each request was answered and how long it took
   */
  public AdmissionEndpoint(String webhookName, AdmissionHandler handler, String meterName, AdmissionMeter meter) {
    this.webhookName = webhookName;
    this.handler = handler;
    this.meterName = meterName;
    this.meter = meter;
  }

  /** For callers without a Content-Length header: the body is counted as it is read. */
  HttpAnswer handle(String contentType, InputStream body) {
    return handle(contentType, null, body);
  }

  /**
   * @param contentLength the Content-Length header as received, or null (chunked): a declared length over
   *     {@link AdmissionBodyLimits#MAX_BODY_BYTES} is refused without reading the body
   */
  public HttpAnswer handle(String contentType, String contentLength, InputStream body) {
    long started = System.nanoTime();
    Answered answered = answer(contentType, contentLength, body);
    try {
      meter.answered(meterName, answered.outcome(), Duration.ofNanos(System.nanoTime() - started));
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the admission meter failed", e);
    }
    return answered.http();
  }

  private record Answered(HttpAnswer http, AdmissionMeter.Outcome outcome) {

    static Answered malformed(HttpAnswer problem) {
      return new Answered(problem, AdmissionMeter.Outcome.MALFORMED);
    }
  }

  private Answered answer(String contentType, String contentLength, InputStream body) {
    if (!isJson(contentType)) {
      return Answered.malformed(HttpAnswer.problem(415, "Content-Type must be application/json, got "
          + (contentType == null || contentType.isBlank() ? "none" : "\"" + clip(contentType) + "\"")));
    }
    byte[] bytes;
    try {
      bytes = BoundedBody.read(contentLength, body, AdmissionBodyLimits.MAX_BODY_BYTES);
    } catch (BodyTooLargeException e) {
      return Answered.malformed(HttpAnswer.problem(413, e.getMessage()));
    } catch (IOException e) {
      return Answered.malformed(HttpAnswer.problem(400, "cannot read the request body: " + e.getMessage()));
    }
    if (isBlank(bytes)) {
      return Answered.malformed(
          HttpAnswer.problem(400, "empty body: expected an AdmissionReview (admission.k8s.io/v1)"));
    }
    AdmissionReviewCodec.Review review;
    try {
      // Decoded as it is parsed: no String copy of the body (twice its size in UTF-16) is ever made.
      review = AdmissionReviewCodec.parse(
          new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
    } catch (MalformedAdmissionReviewException e) {
      return Answered.malformed(HttpAnswer.problem(400, "not an AdmissionReview: " + e.getMessage()));
    } catch (JsonLimitExceededException e) {
      return Answered.malformed(HttpAnswer.problem(400, "refused: " + e.getMessage()));
    }
    AdmissionResponse response = admit(review.request());
    return new Answered(HttpAnswer.json(AdmissionReviewCodec.write(
        review.apiVersion(), review.request().uid(), response)), outcomeOf(response));
  }

  private AdmissionResponse admit(AdmissionRequest request) {
    try {
      return handler.admit(request);
    } catch (RuntimeException | Error e) {
      String reference = UUID.randomUUID().toString();
      LOG.log(Level.SEVERE, webhookName + " failed on " + request.describeObject() + " (request " + request.uid()
          + ", reference " + reference + ")", e);
      return AdmissionResponse.fail(webhookName + " failed unexpectedly on " + request.describeObject()
          + "; the control plane's log has the details under reference " + reference);
    }
  }

  /** JSON's whitespace only, or nothing. */
  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  static AdmissionMeter.Outcome outcomeOf(AdmissionResponse response) {
    if (response.allowed()) {
      return AdmissionMeter.Outcome.ALLOWED;
    }
    return response.code() >= 500 ? AdmissionMeter.Outcome.ERROR : AdmissionMeter.Outcome.DENIED;
  }

  /** application/json with any parameters (charset), in any case, as RFC 9110 allows. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return mediaType.equals("application/json");
  }

  private static String clip(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
  }
}
