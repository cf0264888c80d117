package io.openservicemesh.testing;

import static org.assertj.core.api.Assertions.fail;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Checks that text shown to people (messages, logs, toString) carries nothing of a private key. */
public final class KeyMaterial {

  /**
   * Long enough not to occur by chance in an English message, short enough to catch a quoted
   * fragment.
   */
  private static final int WINDOW = 16;

  private KeyMaterial() {}

  /**
   * Fails when {@code text} contains a line of the key's PEM body, a {@value #WINDOW}-character
   * stretch of its base64 (in case a message joins the lines), or a stretch of the DER in hex.
   */
  public static void assertNoneIn(String text, String privateKeyPem) {
    List<String> bodyLines =
        privateKeyPem
            .lines()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("-----") && !line.contains(":"))
            .toList();
    for (String line : bodyLines) {
      if (line.length() >= 8 && text.contains(line)) {
        fail("text contains the private key line \"" + line + "\":\n" + text);
      }
    }
    String base64 = String.join("", bodyLines);
    assertNoWindowIn(text, base64, "base64");
    try {
      String hex = HexFormat.of().formatHex(Base64.getMimeDecoder().decode(base64));
      String lowerText = text.toLowerCase(Locale.ROOT).replace(":", "");
      assertNoWindowIn(lowerText, hex, "hex");
    } catch (IllegalArgumentException notBase64) {
      // A deliberately corrupted key: the base64 checks above are what counts.
    }
  }

  private static void assertNoWindowIn(String text, String material, String form) {
    for (int i = 0; i + WINDOW <= material.length(); i++) {
      String window = material.substring(i, i + WINDOW);
      if (text.contains(window)) {
        fail("text contains private key material (" + form + " \"" + window + "\"):\n" + text);
      }
    }
  }
}
