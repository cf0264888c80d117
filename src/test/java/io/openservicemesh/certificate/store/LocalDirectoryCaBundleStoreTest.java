package io.openservicemesh.certificate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectoryCaBundleStoreTest {

  @TempDir Path parent;

  /** The store does not parse what it keeps, so any text will do; multi-line, like PEM. */
  private static StoredCaBundle bundle(String name) {
    return new StoredCaBundle(
        "-----BEGIN CERTIFICATE-----\n" + name + "-cert\n-----END CERTIFICATE-----\n",
        "-----BEGIN PRIVATE KEY-----\n" + name + "-key\n-----END PRIVATE KEY-----\n",
        "2031-01-11T23:15:09.299Z");
  }

  private Path directory() {
    return parent.resolve("osm-ca-bundle");
  }

  private LocalDirectoryCaBundleStore store() {
    return new LocalDirectoryCaBundleStore(directory());
  }

  private List<String> parentEntries() throws Exception {
    try (Stream<Path> entries = Files.list(parent)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void absentDirectoryHoldsNoBundle() throws Exception {
    assertThat(store().load()).isEmpty();
    assertThat(store().location())
        .isEqualTo("directory " + directory().toAbsolutePath().normalize());
    assertThat(directory()).doesNotExist();
  }

  @Test
  void createWritesOneFilePerSecretKey() throws Exception {
    StoredCaBundle mine = bundle("first");

    StoredCaBundle stored = store().createIfAbsent(mine);

    assertThat(stored).isEqualTo(mine);
    assertThat(directory().resolve("ca.crt")).hasContent(mine.caCrt());
    assertThat(directory().resolve("private.key")).hasContent(mine.privateKey());
    assertThat(directory().resolve("expiration")).hasContent(mine.expiration());
    try (Stream<Path> files = Files.list(directory())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("ca.crt", "private.key", "expiration");
    }
    assertThat(Files.readString(directory().resolve("ca.crt"), StandardCharsets.UTF_8))
        .isEqualTo(mine.caCrt());
  }

  @Test
  void privateKeyIsReadableByTheOwnerOnly() throws Exception {
    assumeTrue(parent.getFileSystem().supportedFileAttributeViews().contains("posix"));

    store().createIfAbsent(bundle("first"));

    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(directory().resolve("private.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  void loadReturnsWhatWasCreated() throws Exception {
    store().createIfAbsent(bundle("first"));

    assertThat(store().load()).contains(bundle("first"));
  }

  @Test
  void bundleWithoutKeyOrExpirationLeavesThoseFilesOut() throws Exception {
    StoredCaBundle certificateOnly = new StoredCaBundle("cert-only\n", null, null);

    store().createIfAbsent(certificateOnly);

    assertThat(directory().resolve("private.key")).doesNotExist();
    assertThat(directory().resolve("expiration")).doesNotExist();
    assertThat(store().load()).contains(certificateOnly);
  }

  @Test
  void existingBundleIsNeverOverwritten() throws Exception {
    store().createIfAbsent(bundle("first"));

    StoredCaBundle stored = store().createIfAbsent(bundle("second"));

    assertThat(stored).isEqualTo(bundle("first"));
    assertThat(directory().resolve("ca.crt")).hasContent(bundle("first").caCrt());
    assertThat(directory().resolve("private.key")).hasContent(bundle("first").privateKey());
    assertThat(store().load()).contains(bundle("first"));
    assertThat(parentEntries()).containsExactly("osm-ca-bundle");
  }

  @Test
  void emptyExistingDirectoryCountsAsAbsent() throws Exception {
    Files.createDirectories(directory());

    assertThat(store().load()).isEmpty();
    StoredCaBundle stored = store().createIfAbsent(bundle("first"));

    assertThat(stored).isEqualTo(bundle("first"));
    assertThat(store().load()).contains(bundle("first"));
    assertThat(parentEntries()).containsExactly("osm-ca-bundle");
  }

  @Test
  void missingParentDirectoriesAreCreated() throws Exception {
    LocalDirectoryCaBundleStore nested =
        new LocalDirectoryCaBundleStore(parent.resolve("a/b/osm-ca-bundle"));

    nested.createIfAbsent(bundle("first"));

    assertThat(nested.load()).contains(bundle("first"));
  }

  @Test
  void unwritableLocationIsReportedWithTheLocation() throws Exception {
    Path file = Files.writeString(parent.resolve("not-a-directory"), "x");
    LocalDirectoryCaBundleStore store =
        new LocalDirectoryCaBundleStore(file.resolve("osm-ca-bundle"));

    assertThatThrownBy(() -> store.createIfAbsent(bundle("first")))
        .isInstanceOf(CaStoreException.class)
        .hasMessageContaining(store.location());
  }

  @Test
  void concurrentCreatorsEndWithExactlyOneBundle() throws Exception {
    int creators = 8;
    CyclicBarrier start = new CyclicBarrier(creators);
    ExecutorService pool = Executors.newFixedThreadPool(creators);
    try {
      List<Future<StoredCaBundle>> results = new ArrayList<>();
      for (int i = 0; i < creators; i++) {
        StoredCaBundle mine = bundle("creator-" + i);
        results.add(
            pool.submit(
                () -> {
                  LocalDirectoryCaBundleStore store = store();
                  start.await(10, TimeUnit.SECONDS);
                  return store.createIfAbsent(mine);
                }));
      }
      List<StoredCaBundle> stored = new ArrayList<>();
      for (Future<StoredCaBundle> result : results) {
        stored.add(result.get(20, TimeUnit.SECONDS));
      }

      assertThat(stored).hasSize(creators).allMatch(s -> s.equals(stored.get(0)));
      assertThat(stored.get(0).caCrt()).matches("(?s).*creator-\\d-cert.*");
      assertThat(store().load()).contains(stored.get(0));
      assertThat(parentEntries())
          .as("no staging directory is left behind")
          .containsExactly("osm-ca-bundle");
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
