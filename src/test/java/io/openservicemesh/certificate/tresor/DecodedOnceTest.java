package io.openservicemesh.certificate.tresor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.certificate.store.StoredCaBundle;
import io.openservicemesh.testing.TestCa;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What is looked at every few seconds is decoded once per change, and a broken content stays refused. */
class DecodedOnceTest {

  private final Instant now = Instant.now();

  @Test
  void theCaSecretIsDecodedAgainOnlyWhenItChanged() throws Exception {
    CaBundleDecoding decoding = new CaBundleDecoding("memory osm-system/osm-ca-bundle");
    StoredCaBundle one = CaBundleCodec.encode(TestCa.fixedRoot());

    CaBundle first = decoding.decode(one, now);
    assertThat(decoding.decode(new StoredCaBundle(one.caCrt(), one.privateKey(), one.expiration()), now))
        .isSameAs(first);

    StoredCaBundle mismatched = new StoredCaBundle(one.caCrt(), CaBundleCodec.encode(TestCa.otherEcRoot()).privateKey(), null);
    assertThatThrownBy(() -> decoding.decode(mismatched, now)).isInstanceOf(BrokenCaBundleException.class)
        .hasMessageContaining("does not match");
    assertThatThrownBy(() -> decoding.decode(mismatched, now)).hasMessageContaining("does not match");
    assertThat(decoding.decode(one, now)).isNotSameAs(first).satisfies(again -> assertThat(again.sameAs(first)).isTrue());
  }

  @Test
  void theRotationStateIsDecodedAgainOnlyForANewVersion() throws Exception {
    RotationStoresInMemory stores = new RotationStoresInMemory(CaBundleCodec.encode(TestCa.fixedRoot()));
    stores.state.create(RootRotationCodec.encode(RootRotation.prepare(TestCa.fixedRoot(), TestCa.otherEcRoot(),
        "requested", now)));
    RotationStateReader reader = new RotationStateReader(stores.state);

    RootRotationCodec.State first = reader.read(now).orElseThrow().state();
    assertThat(reader.read(now).orElseThrow().state()).isSameAs(first);

    stores.state.replace(stores.state.load().orElseThrow(), stores.state.load().orElseThrow().data());
    assertThat(reader.read(now).orElseThrow().state()).isNotSameAs(first).isEqualTo(first);
  }
}
