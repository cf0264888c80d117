package io.openservicemesh.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real {@code openssl} binary, as an independent judge of what the control plane makes and as
 * the tool operators make their own CA material with. Every call works in its own temporary
 * directory, waits a bounded time, and fails the test with openssl's output when openssl fails.
 */
public final class OpenSsl {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** What a Tresor-like CA carries; operators pass the same with -addext. */
  public static final List<String> CA_EXTENSIONS =
      List.of("basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign");

  /**
   * A configuration of our own instead of the system's openssl.cnf, so the certificates made do not
   * depend on the distribution: only the key identifiers come from here, everything else from
   * -addext.
   */
  private static final String REQ_CONFIG =
      String.join(
          "\n",
          "[req]",
          "distinguished_name = dn",
          "prompt = no",
          "[dn]",
          "[ext]",
          "subjectKeyIdentifier = hash",
          "authorityKeyIdentifier = keyid:always",
          "");

  private OpenSsl() {}

  /** Key types for {@link #selfSigned}. */
  public enum KeyType {
    RSA_2048("-newkey", "rsa:2048"),
    EC_P256("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
    EC_P384("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1");

    private final List<String> reqArgs;

    KeyType(String... reqArgs) {
      this.reqArgs = List.of(reqArgs);
    }
  }

  /** How an openssl run ended, and everything it printed (stdout and stderr together). */
  public record Result(List<String> command, int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  /** A self-signed certificate and its key, as openssl wrote them (the key as PKCS#8). */
  public record CaMaterial(String certificatePem, String privateKeyPem) {}

  /**
   * {@code openssl verify -CAfile ca.pem leaf.pem}; fails the test unless openssl says OK. The files are
   * named relative to openssl's working directory, so a success reads exactly {@code leaf.pem: OK}.
   * Only the first certificate of {@code leafPem} is verified; openssl ignores the rest.
   */
  public static String verify(String caPem, String leafPem, String... options) {
    return verified(verifyResult(caPem, leafPem, options));
  }

  /** {@code openssl verify -CAfile ca.pem leaf.pem}, whatever the outcome. */
  public static Result verifyResult(String caPem, String leafPem, String... options) {
    return runVerify(caPem, null, leafPem, options);
  }

  /**
   * {@code openssl verify -CAfile ca.pem -untrusted intermediates.pem leaf.pem}: the leaf must chain to
   * the CA through the intermediates, which are not trusted themselves. Fails the test unless openssl
   * says OK.
   */
  public static String verifyWithIntermediates(String caPem, String intermediatesPem, String leafPem) {
    return verified(runVerify(caPem, intermediatesPem, leafPem));
  }

  /**
   * {@code openssl req -in csr.pem -noout -verify} followed by {@code options} (such as {@code -text}),
   * whatever the outcome: openssl checks the request's self-signature.
   */
  public static Result verifyRequestResult(String csrPem, String... options) {
    try (Workspace work = new Workspace()) {
      work.write("csr.pem", csrPem);
      List<String> args = new ArrayList<>(List.of("req", "-in", "csr.pem", "-noout", "-verify"));
      args.addAll(Arrays.asList(options));
      return work.tryRun(args);
    }
  }

  /** {@code openssl x509 -noout -text}. */
  public static String text(String certificatePem) {
    try (Workspace work = new Workspace()) {
      Path cert = work.write("cert.pem", certificatePem);
      return work.run("x509", "-in", cert.toString(), "-noout", "-text");
    }
  }

  /** The certificate's public key as openssl prints it ({@code x509 -pubkey -noout}). */
  public static String publicKeyOfCert(String certificatePem) {
    try (Workspace work = new Workspace()) {
      Path cert = work.write("cert.pem", certificatePem);
      return work.run("x509", "-in", cert.toString(), "-pubkey", "-noout");
    }
  }

  /** The public half of a private key as openssl prints it ({@code pkey -pubout}). */
  public static String publicKeyOfKey(String privateKeyPem) {
    try (Workspace work = new Workspace()) {
      Path key = work.write("key.pem", privateKeyPem);
      return work.run("pkey", "-in", key.toString(), "-pubout");
    }
  }

  /** A self-signed CA as an operator makes one: a new key, {@link #CA_EXTENSIONS}, 30 days. */
  public static CaMaterial selfSignedCa(KeyType keyType, String subject) {
    return selfSigned(keyType, subject, CA_EXTENSIONS);
  }

  /**
   * {@code openssl req -x509} with a new key.
   *
   * @param subject e.g. {@code /CN=byo-ca/O=Example}
   * @param extensions each passed as {@code -addext}
   */
  public static CaMaterial selfSigned(KeyType keyType, String subject, List<String> extensions) {
    try (Workspace work = new Workspace()) {
      List<String> args = new ArrayList<>(keyType.reqArgs);
      args.addAll(List.of("-nodes", "-keyout", work.path("key.pem").toString()));
      return work.selfSigned(subject, extensions, args);
    }
  }

  /** {@code openssl req -x509} for an existing private key (any format openssl reads). */
  public static CaMaterial selfSignedForKey(
      String privateKeyPem, String subject, List<String> extensions) {
    try (Workspace work = new Workspace()) {
      Path key = work.write("key.pem", privateKeyPem);
      return work.selfSigned(subject, extensions, List.of("-key", key.toString()));
    }
  }

  /** PKCS#1 "RSA PRIVATE KEY" via {@code openssl rsa -traditional}. */
  public static String toPkcs1(String rsaKeyPem) {
    return convertKey(rsaKeyPem, "rsa", "-traditional");
  }

  /** The algorithm's traditional form via {@code openssl pkey -traditional}. */
  public static String toTraditional(String keyPem) {
    return convertKey(keyPem, "pkey", "-traditional");
  }

  /** SEC 1 "EC PRIVATE KEY" via {@code openssl ec}. */
  public static String toSec1(String ecKeyPem) {
    return convertKey(ecKeyPem, "ec");
  }

  /** PKCS#8 "ENCRYPTED PRIVATE KEY" via {@code openssl pkey -aes256}. */
  public static String encryptPkcs8(String keyPem, String passphrase) {
    return convertKey(keyPem, "pkey", "-aes256", "-passout", "pass:" + passphrase);
  }

  /**
   * A legacy encrypted "EC PRIVATE KEY" (Proc-Type: 4,ENCRYPTED) via {@code openssl ec -aes256}.
   */
  public static String encryptSec1(String ecKeyPem, String passphrase) {
    return convertKey(ecKeyPem, "ec", "-aes256", "-passout", "pass:" + passphrase);
  }

  /**
   * {@code openssl ecparam -name prime256v1 -genkey}: an EC PARAMETERS block, then the EC PRIVATE
   * KEY.
   */
  public static String ecparamGenkey() {
    try (Workspace work = new Workspace()) {
      Path out = work.path("key.pem");
      work.run("ecparam", "-name", "prime256v1", "-genkey", "-out", out.toString());
      return work.read("key.pem");
    }
  }

  /** {@code intermediatesPem} may be null: no -untrusted file then. */
  private static Result runVerify(
      String caPem, String intermediatesPem, String leafPem, String... options) {
    try (Workspace work = new Workspace()) {
      work.write("ca.pem", caPem);
      work.write("leaf.pem", leafPem);
      List<String> args = new ArrayList<>(List.of("verify", "-CAfile", "ca.pem"));
      if (intermediatesPem != null) {
        work.write("intermediates.pem", intermediatesPem);
        args.addAll(List.of("-untrusted", "intermediates.pem"));
      }
      args.addAll(Arrays.asList(options));
      args.add("leaf.pem");
      return work.tryRun(args);
    }
  }

  private static String verified(Result result) {
    if (!result.succeeded() || !result.output().contains(": OK")) {
      fail("openssl did not verify the certificate: " + describe(result));
    }
    return result.output();
  }

  private static String convertKey(String keyPem, String command, String... options) {
    try (Workspace work = new Workspace()) {
      Path in = work.write("in.pem", keyPem);
      List<String> args = new ArrayList<>(List.of(command, "-in", in.toString()));
      args.addAll(Arrays.asList(options));
      args.addAll(List.of("-out", work.path("out.pem").toString()));
      work.run(args);
      return work.read("out.pem");
    }
  }

  private static String describe(Result result) {
    return "openssl "
        + String.join(" ", result.command().subList(1, result.command().size()))
        + " exited with "
        + result.exitCode()
        + ":\n"
        + result.output();
  }

  /** A temporary directory for one openssl run, deleted afterwards. */
  private static final class Workspace implements AutoCloseable {

    private final Path dir;

    Workspace() {
      try {
        dir = Files.createTempDirectory("openssl-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Path path(String name) {
      return dir.resolve(name);
    }

    Path write(String name, String content) {
      try {
        return Files.writeString(path(name), content, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String read(String name) {
      try {
        return new String(Files.readAllBytes(path(name)), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    CaMaterial selfSigned(String subject, List<String> extensions, List<String> keyArgs) {
      Path config = write("req.cnf", REQ_CONFIG);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "req",
                  "-x509",
                  "-config",
                  config.toString(),
                  "-extensions",
                  "ext",
                  "-subj",
                  subject,
                  "-days",
                  "30",
                  "-out",
                  path("cert.pem").toString()));
      args.addAll(keyArgs);
      for (String extension : extensions) {
        args.addAll(List.of("-addext", extension));
      }
      run(args);
      return new CaMaterial(read("cert.pem"), read("key.pem"));
    }

    String run(String... args) {
      return run(Arrays.asList(args));
    }

    String run(List<String> args) {
      Result result = tryRun(args);
      if (!result.succeeded()) {
        fail(describe(result));
      }
      return result.output();
    }

    Result tryRun(List<String> args) {
      List<String> command = new ArrayList<>();
      command.add("openssl");
      command.addAll(args);
      Path output = path("openssl.out");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new AssertionError("cannot run openssl (is it installed?): " + e.getMessage(), e);
      }
      try {
        process.getOutputStream().close();
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          fail(
              "openssl "
                  + String.join(" ", args)
                  + " did not finish within "
                  + TIMEOUT
                  + ":\n"
                  + read("openssl.out"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for openssl", e);
      }
      return new Result(List.copyOf(command), process.exitValue(), read("openssl.out"));
    }

    @Override
    public void close() {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // Only temporary files are left behind.
      }
    }
  }
}
