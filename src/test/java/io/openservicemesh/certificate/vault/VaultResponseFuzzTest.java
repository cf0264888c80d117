package io.openservicemesh.certificate.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers mangled on their way from the network (truncated, bytes changed, fields of the wrong type)
 * end as a classified {@link VaultException} or a parsed answer, never as another exception.
 */
class VaultResponseFuzzTest {

  private static final String VALID_LOOKUP = "{\"request_id\":\"r\",\"lease_id\":\"\",\"renewable\":false,"
      + "\"lease_duration\":0,\"data\":{\"accessor\":\"a\",\"policies\":[\"default\"],\"renewable\":true,"
      + "\"ttl\":3600,\"expire_time\":\"2030-01-01T00:00:00Z\"},\"wrap_info\":null,\"warnings\":null,\"auth\":null}";
  private static final String VALID_RENEW = "{\"auth\":{\"client_token\":\"hvs.x\",\"policies\":[\"default\"],"
      + "\"metadata\":{},\"lease_duration\":3600,\"renewable\":true},\"warnings\":[\"w\"]}";

  @TempDir Path temp;

  @Test
  void mangledAnswersAreClassifiedFailures() throws Exception {
    Random random = new Random(20261128L);
    try (VaultFixture vault = new VaultFixture(temp)) {
      VaultClient client = vault.client(new RetryPolicy(1, RetryPolicy.DEFAULT.backoff()), Duration.ofSeconds(5));
      VaultToken token = new VaultToken("hvs.fuzz");
      int parsed = 0;
      for (int i = 0; i < 300; i++) {
        boolean lookup = i % 2 == 0;
        String body = mangle(lookup ? VALID_LOOKUP : VALID_RENEW, random);
        String path = lookup ? "auth/token/lookup-self" : "auth/token/renew-self";
        vault.server.respondNext(path, 200, body);
        try {
          TokenGrant grant = lookup ? client.lookupSelf(token) : client.renewSelf(token);
          assertThat(grant.ttl().isNegative()).isFalse();
          parsed++;
        } catch (VaultException e) {
          assertThat(e.kind()).isEqualTo(VaultException.Kind.MALFORMED_RESPONSE);
          assertThat(e.getMessage()).doesNotContain("hvs.");
        }
      }
      assertThat(parsed).as("some mutations leave a valid answer").isPositive().isLessThan(300);
    }
  }

  private static String mangle(String valid, Random random) {
    StringBuilder text = new StringBuilder(valid);
    switch (random.nextInt(4)) {
      case 0 -> text.setLength(random.nextInt(text.length()));
      case 1 -> {
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          text.setCharAt(random.nextInt(text.length()), "{}[]\",:0 -ex".charAt(random.nextInt(12)));
        }
      }
      case 2 -> {
        List<String> swaps = List.of("3600", "true", "\"3600\"", "null", "[]", "{}", "-1", "1.5", "1e99");
        String from = random.nextBoolean() ? "3600" : "true";
        text = new StringBuilder(valid.replaceFirst(from, swaps.get(random.nextInt(swaps.size()))));
      }
      default -> { }
    }
    return text.toString();
  }
}
