package io.openservicemesh.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.certificate.Pem;
import io.openservicemesh.testing.TestCa;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TrustedRootsTest {

  private final String rootPem = Pem.encode(TestCa.fixedRoot().certificate());
  private final TrustedRoots watch = new TrustedRoots(rootPem);
  private final Instant warnFrom = TrustedRoots.warningAt(
      TestCa.fixedRoot().certificate().getNotBefore().toInstant(), TestCa.fixedRoot().notAfter());

  @Test
  void theWarningStartsFourFifthsIntoTheLifetime() {
    Instant notBefore = Instant.parse("2026-01-01T00:00:00Z");

    assertThat(TrustedRoots.warningAt(notBefore, notBefore.plus(Duration.ofDays(3650))))
        .isEqualTo(notBefore.plus(Duration.ofDays(2920)));
    assertThat(TrustedRoots.warningAt(notBefore, notBefore)).isEqualTo(notBefore);
  }

  @Test
  void warnsFromThatInstantAndNamesTheRoot() {
    watch.check(rootPem, warnFrom.minusMillis(1));
    assertThat(watch.warning()).isEmpty();

    watch.check(rootPem, warnFrom);
    assertThat(watch.warning()).hasValueSatisfying(text -> assertThat(text)
        .contains(TestCa.fixedRoot().serialHex()).contains(TestCa.fixedRoot().notAfter().toString()));
  }

  @Test
  void unreadableRootsAreNotWatchedButDoNotBreakThePass() {
    TrustedRoots unreadable = new TrustedRoots("not a PEM");
    unreadable.check("not a PEM", Instant.parse("2099-01-01T00:00:00Z"));

    assertThat(unreadable.warning()).isEmpty();
  }

  @Test
  void aChangeOfTheIssuersRootsIsReportedOnceAndBecomesTheBundle() {
    String both = rootPem + Pem.encode(TestCa.otherEcRoot().certificate());
    Instant now = Instant.parse("2026-12-01T00:00:00Z");

    assertThat(watch.check(rootPem, now)).isEmpty();
    assertThat(watch.check(both, now)).hasValueSatisfying(change -> {
      assertThat(change.previousPem()).isEqualTo(rootPem);
      assertThat(change.currentPem()).isEqualTo(both);
    });
    assertThat(watch.pem()).isEqualTo(both);
    assertThat(watch.check(both, now)).isEmpty();
  }
}
