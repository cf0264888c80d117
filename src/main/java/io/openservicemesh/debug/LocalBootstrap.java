package io.openservicemesh.debug;

import io.openservicemesh.bootstrap.BootstrapFiles;
import io.openservicemesh.certificate.BootstrapCertificates;
import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;

/**
 * A proxy's bootstrap for a person trying the control plane on their own machine (standalone mode): the same
 * files the injector puts in a pod's Secret, written to a directory of the server, with the bootstrap dialling SDS
 * on 127.0.0.1. The key stays in that directory (readable by the server's user only); the answer is the bootstrap,
 * which names the files and holds no key.
 */
final class LocalBootstrap {

  /** The files written and the bootstrap that names them. */
  record Made(ProxyIdentity proxy, Path directory, String bootstrapYaml) {}

  private final BootstrapCertificates certificates;
  private final String osmNamespace;
  private final int sdsPort;
  private final Path base;

  LocalBootstrap(BootstrapCertificates certificates, String osmNamespace, int sdsPort, Path base) {
    this.certificates = certificates;
    this.osmNamespace = osmNamespace;
    this.sdsPort = sdsPort;
    this.base = base;
  }

  /**
   * @param identity {@code <service-account>.<namespace>}, the form of an Envoy node cluster
   * @throws IllegalArgumentException naming the parameter and the form it takes
   */
  static ServiceIdentity parseIdentity(String identity) {
    if (identity == null || identity.isBlank()) {
      throw new IllegalArgumentException("query parameter identity is required: <service-account>.<namespace>,"
          + " e.g. identity=bookstore.bookstore");
    }
    int dot = identity.lastIndexOf('.');
    if (dot <= 0 || dot == identity.length() - 1) {
      throw new IllegalArgumentException("query parameter identity must be <service-account>.<namespace>, e.g."
          + " identity=bookstore.bookstore; got \"" + identity + "\"");
    }
    try {
      return new ServiceIdentity(identity.substring(0, dot), identity.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("query parameter identity: " + e.getMessage(), e);
    }
  }

  Made make(ServiceIdentity identity) throws IssuanceException, IOException {
    ProxyIdentity proxy = new ProxyIdentity(UUID.randomUUID(), identity);
    Certificate certificate = certificates.bootstrapCertificate(proxy);
    Path directory = base.resolve(identity.serviceAccount() + "." + identity.namespace()).toAbsolutePath();
    Files.createDirectories(directory);
    Map<String, byte[]> files = BootstrapFiles.forLocalProxy(proxy, osmNamespace, sdsPort, directory.toString(),
        BootstrapFiles.Credential.of(certificate));
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path target = directory.resolve(file.getKey());
      if (file.getKey().equals(BootstrapFiles.PRIVATE_KEY)
          && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        // Created private, not narrowed after writing: the key is never readable by others, even briefly.
        Files.deleteIfExists(target);
        Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.write(target, file.getValue());
    }
    return new Made(proxy, directory,
        new String(files.get(BootstrapFiles.BOOTSTRAP), java.nio.charset.StandardCharsets.UTF_8));
  }
}
