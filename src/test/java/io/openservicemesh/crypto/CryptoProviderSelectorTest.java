package io.openservicemesh.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.config.CryptoProviderChoice;
import io.openservicemesh.testing.LogCapture;
import io.openservicemesh.testing.NativeCrypto;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class CryptoProviderSelectorTest {

  /** What a platform without the native library reports, simulated: the machine itself is left alone. */
  private static final NativeProviderLoader CANNOT_LOAD = () -> {
    throw new NativeProviderUnavailableException(
        "Amazon Corretto Crypto Provider does not load on Linux/riscv64: no native library for this platform", null);
  };

  @Test
  void autoUsesTheNativeProviderWhereItLoadsAndSaysSoOnce() throws Exception {
    NativeCrypto.assumeShippedForThisPlatform();
    try (LogCapture log = LogCapture.of(CryptoProviderSelector.class)) {
      CryptoProviderSelection selection =
          new CryptoProviderSelector(new CorrettoProviderLoader()).select(CryptoProviderChoice.AUTO);

      assertThat(selection.provider().name()).isEqualTo("accp");
      assertThat(selection.fallbackReason()).isEmpty();
      assertThat(selection.details())
          .containsEntry("cryptoProvider", "accp")
          .containsEntry("cryptoProviderImplementation", "AmazonCorrettoCryptoProvider 2.4.1")
          .containsEntry("cryptoProviderSetting", "auto")
          .doesNotContainKey("cryptoProviderFallback");
      assertThat(log.records()).singleElement().satisfies(record -> {
        assertThat(record.getLevel()).isEqualTo(Level.INFO);
        assertThat(record.getMessage()).contains("use accp (AmazonCorrettoCryptoProvider 2.4.1)",
            "OpenServiceMesh.cryptoProvider=auto");
      });
    }
  }

  @Test
  void autoFallsBackToBouncyCastleWhenTheNativeProviderCannotLoadAndLogsWhy() throws Exception {
    try (LogCapture log = LogCapture.of(CryptoProviderSelector.class)) {
      CryptoProviderSelection selection = new CryptoProviderSelector(CANNOT_LOAD).select(CryptoProviderChoice.AUTO);

      assertThat(selection.provider()).isSameAs(CryptoProviders.BOUNCYCASTLE);
      assertThat(selection.fallbackReason()).hasValueSatisfying(reason -> assertThat(reason).contains("riscv64"));
      assertThat(selection.details())
          .containsEntry("cryptoProvider", "bouncycastle")
          .containsEntry("cryptoProviderSetting", "auto")
          .hasEntrySatisfying("cryptoProviderFallback", reason -> assertThat(reason).contains("riscv64"));
      List<LogRecord> records = log.records();
      assertThat(records).singleElement().satisfies(record -> {
        assertThat(record.getLevel()).isEqualTo(Level.WARNING);
        assertThat(record.getMessage()).contains("use bouncycastle", "OpenServiceMesh.cryptoProvider=auto",
            "falling back", "no native library for this platform");
      });
    }
  }

  @Test
  void accpThatCannotLoadIsAStartUpErrorNamingTheSettingAndTheFix() {
    assertThatThrownBy(() -> new CryptoProviderSelector(CANNOT_LOAD).select(CryptoProviderChoice.ACCP))
        .isInstanceOf(CryptoProviderUnavailableException.class)
        .hasMessageStartingWith("OpenServiceMesh.cryptoProvider is accp, but Amazon Corretto Crypto Provider does"
            + " not load on Linux/riscv64")
        .hasMessageContaining("set OpenServiceMesh.cryptoProvider to auto")
        .hasMessageContaining("or bouncycastle");
  }

  @Test
  void bouncyCastleIsChosenWithoutTryingTheNativeProvider() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    NativeProviderLoader counting = () -> {
      loads.incrementAndGet();
      return new CorrettoProviderLoader().load();
    };

    CryptoProviderSelection selection =
        new CryptoProviderSelector(counting).select(CryptoProviderChoice.BOUNCYCASTLE);

    assertThat(selection.provider()).isSameAs(CryptoProviders.BOUNCYCASTLE);
    assertThat(selection.fallbackReason()).isEmpty();
    assertThat(selection.details())
        .hasEntrySatisfying("cryptoProviderImplementation", name -> assertThat(name).startsWith("BC "))
        .containsEntry("cryptoProviderSetting", "bouncycastle");
    assertThat(loads).hasValue(0);
  }

}
