package io.openservicemesh.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The endpoint faces the network: whatever bytes arrive, it answers with 200 (an AdmissionReview echoing a uid)
 * or a 4xx with a reason, and never lets an exception escape. Mutations of the documentation's example review
 * reach deep into the parser; the seed is fixed so a failure can be replayed.
 */
class AdmissionReviewFuzzTest {

  @Test
  void mutatedReviewsAreAnsweredNeverThrown() {
    AdmissionEndpoint endpoint = new AdmissionEndpoint("fuzz", request -> AdmissionResponse.allow());
    byte[] seed = AdmissionEndpointTest.REVIEW.getBytes(StandardCharsets.UTF_8);
    Random random = new Random(20261128L);
    byte[] alphabet = "{}[]\":,\\ 0123456789abcdefuntrl-".getBytes(StandardCharsets.US_ASCII);
    for (int round = 0; round < 3_000; round++) {
      byte[] mutated = seed.clone();
      int edits = 1 + random.nextInt(8);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(mutated.length);
        mutated[at] = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
      }
      int length = random.nextInt(10) == 0 ? random.nextInt(mutated.length) : mutated.length;
      HttpAnswer answer = endpoint.handle("application/json", new ByteArrayInputStream(mutated, 0, length));

      assertThat(answer.status()).as("round %d", round).isIn(200, 400);
      if (answer.status() == 200) {
        assertThat(answer.body()).contains("\"uid\"");
      }
    }
  }

  @Test
  void deeplyNestedJsonIsRefusedNotAStackOverflow() {
    String nested = "[".repeat(100_000) + "]".repeat(100_000);
    HttpAnswer answer = new AdmissionEndpoint("fuzz", request -> AdmissionResponse.allow())
        .handle("application/json", new ByteArrayInputStream(nested.getBytes(StandardCharsets.US_ASCII)));

    assertThat(answer.status()).isEqualTo(400);
  }
}
