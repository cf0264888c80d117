package io.openservicemesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Envoy chooses the secret names it asks for over SDS, so {@link SdsSecretName#parse} reads text the network
 * controls. Whatever arrives, it either returns a name or throws an IllegalArgumentException that quotes the
 * input and says what was expected; nothing else may escape into the SDS stream. A returned name must be the one
 * asked for: rendered again it is the very same text (the answer names the secret as requested), it parses back
 * to an equal value, and its parts are non-empty and free of the separators, so no other secret can be meant.
 * Inputs are mutations of the three real forms; the seed is fixed so a failure can be replayed.
 */
class SdsSecretNameFuzzTest {

  private static final String PREFIX = "invalid certificate string resource format \"";
  private static final String FORMAT =
      "<service-cert|root-cert-for-mtls-inbound|root-cert-for-mtls-outbound>:<namespace>/<name>";

  private static final List<String> SEEDS = List.of(
      "service-cert:bookstore/bookbuyer",
      "root-cert-for-mtls-inbound:bookstore/bookbuyer",
      "root-cert-for-mtls-outbound:bookstore/bookstore-v2",
      "service-cert:shop/team.a.bookbuyer");

  /**
   * What an edit may put in: the separators and the characters of valid names (so mutations often stay valid and
   * reach the identity checks), characters valid names may not have, and look-alikes outside ASCII: a fullwidth
   * colon and solidus, a dotless i and a Kelvin sign (which lower-case to ASCII letters), a NUL, a line break, a
   * combining accent, an emoji (two UTF-16 units) and a lone surrogate.
   */
  private static final String[] ALPHABET = {
      ":", "/", ".", "-", "a", "z", "0", "9", "A", "Z", "_", " ", "\\", "%",
      "\uFF1A", "\uFF0F", "\u0131", "\u212A", "\u0000", "\n", "\u0301", "\uD83D\uDE00", "\uD800"};

  @Test
  void mutatedNamesAreParsedOrRefusedNeverMisread() {
    Random random = new Random(20261129L);
    int accepted = 0;
    for (int round = 0; round < 20_000; round++) {
      String input = mutate(SEEDS.get(random.nextInt(SEEDS.size())), random);
      if (checkContract(input, "round " + round)) {
        accepted++;
      }
    }
    // Mutations must reach both outcomes, or the rounds above tested less than they seem to.
    assertThat(accepted).as("accepted mutations").isBetween(500, 19_500);
  }

  @Test
  void theSeedsThemselvesAreAccepted() {
    for (String seed : SEEDS) {
      assertThat(checkContract(seed, seed)).as(seed).isTrue();
    }
  }

  @Test
  void emptyAndSeparatorOnlyNamesAreRefused() {
    for (String input : List.of("", ":", "/", ":/", "//", "::", ":/:/", "service-cert:", "service-cert:/")) {
      assertThat(checkContract(input, "\"" + input + "\"")).as(input).isFalse();
    }
  }

  /** A megabyte in each part, and of separators: refused, and quickly (no backtracking blow-up on long input). */
  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void megabyteNamesAreRefused() {
    String mega = "a".repeat(1 << 20);
    List<String> inputs = List.of(
        mega,
        "service-cert:" + mega + "/bookbuyer",
        "service-cert:bookstore/" + mega,
        "service-cert:bookstore/" + "a-".repeat(1 << 19) + "-",
        "service-cert:bookstore/" + "a.".repeat(1 << 19),
        mega + ":bookstore/bookbuyer",
        ":".repeat(1 << 20),
        "/".repeat(1 << 20),
        ":/".repeat(1 << 19));
    for (String input : inputs) {
      assertThat(checkContract(input, "a megabyte name starting " + input.substring(0, 40))).isFalse();
    }
  }

  /**
   * Parses {@code input} and checks the contract, whichever way it goes.
   *
   * @return whether the name was accepted
   */
  private static boolean checkContract(String input, String round) {
    SdsSecretName parsed;
    try {
      parsed = SdsSecretName.parse(input);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).as(round)
          .startsWith(PREFIX + input + "\": ")
          .satisfiesAnyOf(
              why -> assertThat(why).contains("expected " + FORMAT),
              why -> assertThat(why).contains(" must be a DNS "));
      return false;
    } catch (RuntimeException other) {
      fail(round + ": " + other + " escaped for input \"" + input + "\"", other);
      return false;
    }
    assertThat(parsed).as(round).isNotNull();
    assertThat(parsed.kind()).as(round).isNotNull();
    for (String part : List.of(parsed.namespace(), parsed.name())) {
      assertThat(part).as(round).isNotEmpty().doesNotContain(":").doesNotContain("/");
    }
    assertThat(parsed.toString()).as(round).isEqualTo(input);
    assertThat(SdsSecretName.parse(parsed.toString())).as(round).isEqualTo(parsed);
    assertThat(parsed.serviceAccount()).as(round)
        .isEqualTo(new ServiceIdentity(parsed.name(), parsed.namespace()));
    return true;
  }

  /** One to four edits: replace, insert or delete a character, repeat a separator, or cut the name short. */
  private static String mutate(String seed, Random random) {
    StringBuilder text = new StringBuilder(seed);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = text.length() == 0 ? 0 : random.nextInt(text.length());
      switch (random.nextInt(6)) {
        case 0 -> {
          if (text.length() > 0) {
            text.replace(at, at + 1, pick(random));
          }
        }
        case 1 -> text.insert(at, pick(random));
        case 2 -> {
          if (text.length() > 0) {
            text.deleteCharAt(at);
          }
        }
        case 3 -> {
          int separator = random.nextBoolean() ? text.indexOf(":") : text.indexOf("/");
          if (separator >= 0) {
            text.insert(separator, text.charAt(separator));
          }
        }
        case 4 -> text.setLength(at);
        default -> text.insert(at, text.substring(at)); // a part repeated, separators and all
      }
    }
    return text.toString();
  }

  private static String pick(Random random) {
    return ALPHABET[random.nextInt(ALPHABET.length)];
  }
}
