package io.openservicemesh.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Each limit of {@link AdmissionBodyLimits}, at the limit (answered) and one past it (refused with the status and
 * message a caller sees), and that the refusals happen before the costly part: reading, or building the tree.
 */
class AdmissionBodyLimitsTest {

  private static final String TEXT = "text/plain; charset=utf-8";

  private final AtomicBoolean admitted = new AtomicBoolean();
  private final AdmissionEndpoint endpoint = new AdmissionEndpoint("the test webhook", request -> {
    admitted.set(true);
    return AdmissionResponse.allow();
  });

  /** The documentation's review with {@code data} in its object holding the given JSON. */
  private static String reviewWithData(String dataJson) {
    return AdmissionEndpointTest.REVIEW.replace("\"metadata\": {\"generateName\": \"web-\"}",
        "\"metadata\": {\"generateName\": \"web-\"}, \"data\": " + dataJson);
  }

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedWithoutReadingTheBody() {
    InputStream unreadable = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new AssertionError("the body must not be read");
      }
    };

    HttpAnswer answer = endpoint.handle("application/json", "10485760", unreadable);

    assertThat(answer).isEqualTo(new HttpAnswer(413, TEXT, "the request body is 10485760 bytes (Content-Length),"
        + " over the limit of 3211264 bytes (3 MiB + 64 KiB) for an AdmissionReview; it was not read\n"));
    assertThat(admitted).isFalse();
  }

  @Test
  void anUndeclaredBodyIsCountedAndReadingStopsOneBytePastTheLimit() {
    CountingEndlessStream endless = new CountingEndlessStream();

    HttpAnswer answer = endpoint.handle("application/json", null, endless);

    assertThat(answer).isEqualTo(new HttpAnswer(413, TEXT, "the request body exceeds the limit of 3211264 bytes"
        + " (3 MiB + 64 KiB) for an AdmissionReview: reading stopped after 3211265 bytes\n"));
    assertThat(endless.served).isEqualTo(AdmissionBodyLimits.MAX_BODY_BYTES + 1);
    assertThat(admitted).isFalse();
  }

  @Test
  void aDeclaredLengthThatLiesIsStillCounted() {
    HttpAnswer answer = endpoint.handle("application/json", "100", new CountingEndlessStream());

    assertThat(answer.status()).isEqualTo(413);
  }

  @Test
  void aReviewOfExactlyTheLimitIsAnswered() {
    String review = AdmissionEndpointTest.REVIEW;
    String padded = review + " ".repeat(AdmissionBodyLimits.MAX_BODY_BYTES - review.length());

    HttpAnswer answer = endpoint.handle("application/json", String.valueOf(padded.length()), bytes(padded));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(admitted).isTrue();
  }

  @Test
  void nestingBeyondTheDepthLimitIs400NamingTheLimitAndWhere() {
    // The review's object sits at depth 3 (review, request, object), "data" opens depth 4.
    int deepest = AdmissionBodyLimits.MAX_DEPTH - 3;
    String atLimit = reviewWithData("[".repeat(deepest) + "]".repeat(deepest));
    String pastLimit = reviewWithData("[".repeat(deepest + 1) + "]".repeat(deepest + 1));

    assertThat(endpoint.handle("application/json", bytes(atLimit)).status()).isEqualTo(200);
    admitted.set(false);
    HttpAnswer refused = endpoint.handle("application/json", bytes(pastLimit));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.contentType()).isEqualTo(TEXT);
    // The path is echoed clipped at 120 characters: it is made of the sender's keys.
    String path = ("$.request.object.data" + "[0]".repeat(deepest - 1)).substring(0, 120);
    assertThat(refused.body()).isEqualTo("refused: the JSON nests deeper than 64 levels, the limit for an"
        + " AdmissionReview (at " + path + "...)\n");
    assertThat(admitted).isFalse();
  }

  @Test
  void moreValuesThanTheLimitIs400NamingTheLimitAndWhere() {
    // The one value past the limit is the last in the text: the request's dryRun, after its object.
    int others = countValues(JsonParser.parseString(reviewWithData("[]")));
    int room = AdmissionBodyLimits.MAX_VALUES - others;
    String atLimit = reviewWithData("[" + "0,".repeat(room - 1) + "0]");
    String pastLimit = reviewWithData("[" + "0,".repeat(room) + "0]");

    assertThat(endpoint.handle("application/json", bytes(atLimit)).status()).isEqualTo(200);
    admitted.set(false);
    HttpAnswer refused = endpoint.handle("application/json", bytes(pastLimit));

    assertThat(refused).isEqualTo(new HttpAnswer(400, TEXT, "refused: the JSON has more than 100000 values, the"
        + " limit for an AdmissionReview (stopped at $.request.dryRun)\n"));
    assertThat(admitted).isFalse();
  }

  @Test
  void trailingContentAfterTheReviewIsNotJson() {
    HttpAnswer answer = endpoint.handle("application/json", bytes(AdmissionEndpointTest.REVIEW + " {}"));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).startsWith("not an AdmissionReview: the body is not JSON (");
  }

  @Test
  void numbersKeepTheirTextAndDuplicateKeysTheLastValue() {
    AdmissionEndpoint echo = new AdmissionEndpoint("echo", request -> AdmissionResponse.refuse(
        request.object().orElseThrow().get("data").toString()));

    HttpAnswer answer = echo.handle("application/json",
        bytes(reviewWithData("{\"n\": 1.50e3, \"big\": 123456789012345678901234567890, \"n\": 7}")));

    assertThat(answer.body()).contains("{\\\"n\\\":7,\\\"big\\\":123456789012345678901234567890}");
  }

  private static int countValues(JsonElement element) {
    if (element.isJsonObject()) {
      return 1 + element.getAsJsonObject().entrySet().stream().mapToInt(e -> countValues(e.getValue())).sum();
    }
    if (element.isJsonArray()) {
      int sum = 1;
      for (JsonElement item : element.getAsJsonArray()) {
        sum += countValues(item);
      }
      return sum;
    }
    return 1;
  }

  /** Spaces without end, as a sender that never stops would send them; counts what it served. */
  private static final class CountingEndlessStream extends InputStream {
    long served;

    @Override
    public int read() {
      served++;
      return ' ';
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      java.util.Arrays.fill(buffer, offset, offset + length, (byte) ' ');
      served += length;
      return length;
    }
  }
}
