package io.openservicemesh.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Malformed input made from a valid seed, the way a coverage-blind fuzzer does it: a few bytes overwritten
 * (often with the format's own punctuation, so the parser goes deep before it fails), bytes inserted or deleted,
 * and now and then the message cut short. Deterministic for a given {@link Random}, so a failure can be replayed
 * from its seed and round.
 */
public final class ByteMutations {

  private final Random random;
  private final byte[] alphabet;

  /** @param alphabet the characters worth writing into this format ({@code {}[]":,} for JSON, say) */
  public ByteMutations(Random random, String alphabet) {
    this.random = random;
    this.alphabet = alphabet.getBytes(StandardCharsets.ISO_8859_1);
  }

  public byte[] mutate(byte[] seed) {
    byte[] mutated = seed.clone();
    int edits = 1 + random.nextInt(8);
    for (int e = 0; e < edits && mutated.length > 0; e++) {
      int at = random.nextInt(mutated.length);
      switch (random.nextInt(4)) {
        case 0 -> mutated[at] = alphabet[random.nextInt(alphabet.length)];
        case 1 -> mutated[at] = (byte) random.nextInt(256);
        case 2 -> mutated = insert(mutated, at, (byte) random.nextInt(256));
        default -> mutated = delete(mutated, at);
      }
    }
    if (random.nextInt(10) == 0 && mutated.length > 0) {
      mutated = Arrays.copyOf(mutated, random.nextInt(mutated.length));
    }
    return mutated;
  }

  private static byte[] insert(byte[] bytes, int at, byte value) {
    byte[] longer = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, longer, 0, at);
    longer[at] = value;
    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
    return longer;
  }

  private static byte[] delete(byte[] bytes, int at) {
    byte[] shorter = new byte[bytes.length - 1];
    System.arraycopy(bytes, 0, shorter, 0, at);
    System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
    return shorter;
  }
}
