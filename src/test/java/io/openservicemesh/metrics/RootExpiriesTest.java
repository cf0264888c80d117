package io.openservicemesh.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.IssuanceException;
import io.openservicemesh.certificate.Pem;
import io.openservicemesh.testing.TestCa;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the root expiry gauges read from the trust bundle. */
class RootExpiriesTest {

  private final AtomicReference<String> bundle = new AtomicReference<>();
  private final RootExpiries roots = new RootExpiries(() -> {
    String pem = bundle.get();
    if (pem == null) {
      throw new IssuanceException("the control plane is not ready: starting", true);
    }
    return pem;
  });

  @Test
  void beforeTheCaIsUpThereAreNoRoots() {
    assertThat(roots.notAfters()).isEmpty();
    assertThat(roots.soonest()).isEmpty();
  }

  @Test
  void theSoonestOfSeveralRootsAndEachNotAfter() {
    Instant fixed = TestCa.fixedRoot().notAfter();
    Instant shared = TestCa.ecRoot().notAfter();
    bundle.set(Pem.encode(List.of(TestCa.ecRoot().certificate(), TestCa.fixedRoot().certificate())));

    assertThat(roots.notAfters()).containsExactly(shared, fixed);
    assertThat(roots.soonest()).contains(fixed.isBefore(shared) ? fixed : shared);
  }

  @Test
  void aChangedBundleIsReadAgain() {
    bundle.set(TestCa.ecRootPem());
    assertThat(roots.notAfters()).containsExactly(TestCa.ecRoot().notAfter());

    bundle.set(Pem.encode(TestCa.fixedRoot().certificate()));
    assertThat(roots.notAfters()).containsExactly(TestCa.fixedRoot().notAfter());
  }

  @Test
  void anUnreadableBundleShowsNoRoots() {
    bundle.set("not a certificate");

    assertThat(roots.notAfters()).isEmpty();
  }
}
