package io.openservicemesh.tls;

import io.openservicemesh.certificate.Crypto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The password of the TLS stores. PKCS#12 needs one, though it protects nothing the file permissions do not, so it
 * is random, known only to this process and the include it writes beside the stores. It outlives a restart:
 * Liberty polls the stores and the include separately and reads each store with the password the include names.
 * A restarted control plane with a new password would replace a store while the include of the run before still
 * named the old password, and for that moment Liberty would fail to load the store (CWPKI0033E) and refuse
 * handshakes. With the password kept, every order in which the files change is a consistent set.
 */
final class StorePassword {

  /** How the include names it (tls-endpoints.xml). */
  private static final Pattern IN_INCLUDE =
      Pattern.compile("<variable name=\"osm\\.tls\\.storePassword\" value=\"([A-Za-z0-9]{32})\"/>");
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private StorePassword() {}

  /** The password the include of an earlier run names, else a new one. */
  static char[] keptOrNew(Path include) {
    try {
      return inInclude(Files.readString(include, StandardCharsets.UTF_8)).orElseGet(StorePassword::random);
    } catch (NoSuchFileException firstStart) {
      return random();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + include + " to keep the TLS stores' password", e);
    }
  }

  static Optional<char[]> inInclude(String include) {
    Matcher matcher = IN_INCLUDE.matcher(include);
    return matcher.find() ? Optional.of(matcher.group(1).toCharArray()) : Optional.empty();
  }

  /** 32 characters from [A-Za-z0-9]: nothing that needs escaping in XML or in Liberty's variable syntax. */
  static char[] random() {
    char[] password = new char[32];
    for (int i = 0; i < password.length; i++) {
      password[i] = ALPHABET.charAt(Crypto.random().nextInt(ALPHABET.length()));
    }
    return password;
  }
}
