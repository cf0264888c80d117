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
 */
public final class LocalDirectoryCaBundleStore implements CaBundleStore {

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
