package io.openservicemesh.certificate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.store.PublicCaBundleStore.PublicBundleWrite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local store publishes a key-less bundle: created, replaced when it changes, never over a key. */
class LocalDirectoryPublicBundleTest {

  private static final StoredCaBundle FIRST =
      StoredCaBundle.publicBundle("-----BEGIN CERTIFICATE-----\nfirst\n", Instant.parse("2035-01-02T03:04:05.678Z"));
  private static final StoredCaBundle SECOND =
      StoredCaBundle.publicBundle("-----BEGIN CERTIFICATE-----\nsecond\n", Instant.parse("2036-01-01T00:00:00Z"));

  @TempDir Path temp;

  @Test
  void createsThenLeavesAloneThenReplaces() throws Exception {
    LocalDirectoryCaBundleStore store = new LocalDirectoryCaBundleStore(temp.resolve("bundle"));

    assertThat(store.putPublicBundle(FIRST)).isEqualTo(PublicBundleWrite.CREATED);
    assertThat(store.putPublicBundle(FIRST)).isEqualTo(PublicBundleWrite.UNCHANGED);
    assertThat(store.putPublicBundle(SECOND)).isEqualTo(PublicBundleWrite.REPLACED);

    assertThat(store.load()).contains(SECOND);
    assertThat(Files.readString(temp.resolve("bundle/expiration"))).isEqualTo("2036-01-01T00:00:00.000Z");
    try (var files = Files.list(temp.resolve("bundle"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ca.crt", "expiration");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("bundle/ca.crt"))))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void neverOverwritesABundleWithAPrivateKey() throws Exception {
    LocalDirectoryCaBundleStore store = new LocalDirectoryCaBundleStore(temp.resolve("bundle"));
    StoredCaBundle tresor = new StoredCaBundle("cert", "-----BEGIN PRIVATE KEY-----\nkey\n", "2035-01-01T00:00:00.000Z");
    store.createIfAbsent(tresor);

    assertThatThrownBy(() -> store.putPublicBundle(FIRST))
        .isInstanceOf(CaStoreException.class)
        .hasMessageContaining("holds a private.key")
        .hasMessageContaining("OpenServiceMesh.localCaBundleDirectory");
    assertThat(store.load()).contains(tresor);
  }

  @Test
  void refusesToPublishAKey() {
    LocalDirectoryCaBundleStore store = new LocalDirectoryCaBundleStore(temp.resolve("bundle"));

    assertThatThrownBy(() -> store.putPublicBundle(new StoredCaBundle("cert", "key", null)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
