package io.openservicemesh.certificate.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The standalone CA store: a directory with one file per Secret key ({@code ca.crt}, {@code private.key}
 * with mode 0600, {@code expiration}). The bundle is written to a temporary sibling directory and renamed
 * into place, so a reader never sees half a bundle and two processes starting together end with one CA.
 * A key-less public bundle is replaced file by file, each by an atomic rename, so a reader sees an old or a
 * new certificate, never a torn one.
 */
public final class LocalDirectoryCaBundleStore implements PublicCaBundleStore {

  private final Path directory;

  public LocalDirectoryCaBundleStore(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  @Override
  public String location() {
    return "directory " + directory;
  }

  @Override
  public Optional<StoredCaBundle> load() throws CaStoreException {
    if (!Files.isDirectory(directory) || isEmpty(directory)) {
      return Optional.empty();
    }
    return Optional.of(new StoredCaBundle(
        read(StoredCaBundle.CA_CRT), read(StoredCaBundle.PRIVATE_KEY), read(StoredCaBundle.EXPIRATION)));
  }

  @Override
  public StoredCaBundle createIfAbsent(StoredCaBundle bundle) throws CaStoreException {
    Path staging = null;
    try {
      Files.createDirectories(directory.getParent());
      staging = Files.createTempDirectory(directory.getParent(), "." + directory.getFileName() + "-");
      write(staging, StoredCaBundle.CA_CRT, bundle.caCrt(), false);
      write(staging, StoredCaBundle.PRIVATE_KEY, bundle.privateKey(), true);
      write(staging, StoredCaBundle.EXPIRATION, bundle.expiration(), false);
      try {
        Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException e) {
        // Linux's rename(2) onto a directory holding a bundle fails with ENOTEMPTY, which the JDK reports as a
        // plain FileSystemException, not DirectoryNotEmptyException: a bundle there means another creator won.
        if (e instanceof AtomicMoveNotSupportedException || !Files.isDirectory(directory) || isEmpty(directory)) {
          throw e;
        }
        return load().orElseThrow(() -> new CaStoreException(location() + " appeared and vanished again"));
      }
      staging = null;
      return bundle;
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      return load().orElseThrow(() -> new CaStoreException(location() + " appeared and vanished again"));
    } catch (AtomicMoveNotSupportedException e) {
      throw new CaStoreException(location() + ": the file system cannot rename directories atomically", e);
    } catch (IOException e) {
      throw new CaStoreException("cannot write the CA bundle to " + location() + ": " + e, e);
    } finally {
      deleteQuietly(staging);
    }
  }

  @Override
  public PublicBundleWrite putPublicBundle(StoredCaBundle bundle) throws CaStoreException {
    if (bundle.privateKey() != null) {
      throw new IllegalArgumentException("a public bundle carries no private key");
    }
    Optional<StoredCaBundle> existing = load();
    if (existing.isPresent() && existing.get().privateKey() != null) {
      throw new CaStoreException(location() + " holds a " + StoredCaBundle.PRIVATE_KEY + ": it is the root of"
          + " another CA (the built-in one, or one brought by an operator), and this CA keeps its key elsewhere,"
          + " so the directory is left as it is. Remove it, or set OpenServiceMesh.localCaBundleDirectory to"
          + " another directory");
    }
    if (existing.isPresent() && existing.get().equals(bundle)) {
      return PublicBundleWrite.UNCHANGED;
    }
    try {
      Files.createDirectories(directory);
      // expiration first: it is informational, while ca.crt is what readers act on.
      replaceFile(StoredCaBundle.EXPIRATION, bundle.expiration());
      replaceFile(StoredCaBundle.CA_CRT, bundle.caCrt());
    } catch (IOException e) {
      throw new CaStoreException("cannot write the CA bundle to " + location() + ": " + e, e);
    }
    return existing.isPresent() ? PublicBundleWrite.REPLACED : PublicBundleWrite.CREATED;
  }

  private void replaceFile(String name, String content) throws IOException {
    Path target = directory.resolve(name);
    if (content == null) {
      Files.deleteIfExists(target);
      return;
    }
    Path staging = Files.createTempFile(directory, "." + name + "-", ".tmp");
    try {
      if (supportsPosix(staging)) {
        // Temporary files start 0600; these are public certificates, readable like the built-in CA's ca.crt.
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.writeString(staging, content, StandardCharsets.UTF_8);
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      staging = null;
    } finally {
      if (staging != null) {
        Files.deleteIfExists(staging);
      }
    }
  }

  private static boolean isEmpty(Path dir) throws CaStoreException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new CaStoreException("cannot list " + dir + ": " + e, e);
    }
  }

  private String read(String name) throws CaStoreException {
    try {
      return Files.readString(directory.resolve(name), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new CaStoreException("cannot read " + directory.resolve(name) + ": " + e, e);
    }
  }

  private static void write(Path dir, String name, String content, boolean secret) throws IOException {
    if (content == null) {
      return;
    }
    Path file = dir.resolve(name);
    if (secret && supportsPosix(dir)) {
      // Created 0600 from the start: the key is never readable by others, not even for a moment.
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static boolean supportsPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A leftover staging directory is harmless: it is hidden and never read.
    }
  }
}
