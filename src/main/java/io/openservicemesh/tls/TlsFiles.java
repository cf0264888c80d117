package io.openservicemesh.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The key and trust stores Liberty's TLS endpoints read, in the server's {@code tls} directory. Liberty polls
 * them and reloads a changed file, which is how a renewed serving certificate or a changed mesh root takes
 * effect without a restart. Files are replaced by an atomic rename so Liberty never reads half a store.
 *
 * <p>This directory is the one place besides the CA store where a private key (the control plane's own
 * serving key, never the CA's) is written: Liberty's TLS cannot take keys from memory. In a pod it is an
 * in-memory volume.
 */
public final class TlsFiles {

  public static final String SERVING_KEY_STORE = "serving.p12";
  public static final String VALIDATOR_KEY_STORE = "validator.p12";
  public static final String MESH_TRUST_STORE = "mesh-roots.p12";
  /** The CAs of the API server's client certificate, when the webhooks authenticate their callers. */
  public static final String WEBHOOK_CLIENT_TRUST_STORE = "webhook-clients.p12";

  private final Path directory;

  public TlsFiles(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  public void replace(String name, byte[] content) throws IOException {
    Files.createDirectories(directory);
    Path staging = Files.createTempFile(directory, "." + name + "-", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(staging, content);
      Files.move(staging, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(staging);
    }
  }
}
