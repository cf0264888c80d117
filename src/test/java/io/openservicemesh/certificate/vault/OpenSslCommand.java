package io.openservicemesh.certificate.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The openssl command as an independent verifier of certificates and chains. */
final class OpenSslCommand {

  private final Path workDir;

  OpenSslCommand(Path workDir) {
    this.workDir = workDir;
  }

  /** {@code openssl verify -CAfile roots [-untrusted intermediates] leaf}; returns its output. */
  String verify(String rootsPem, String intermediatesPem, String leafPem) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl", "verify", "-CAfile", write("roots.pem", rootsPem)));
    if (!intermediatesPem.isEmpty()) {
      command.addAll(List.of("-untrusted", write("intermediates.pem", intermediatesPem)));
    }
    command.add(write("leaf.pem", leafPem));
    return run(command);
  }

  /** {@code openssl x509 -noout -text}. */
  String text(String certificatePem) throws Exception {
    return run(List.of("openssl", "x509", "-noout", "-text", "-in", write("cert.pem", certificatePem)));
  }

  private String write(String name, String content) throws IOException {
    Path file = workDir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file.toString();
  }

  private static String run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }
}
