package io.openservicemesh.certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.config.KeySpec;
import io.openservicemesh.events.EventReason;
import io.openservicemesh.events.MeshEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureReportingIssuerTest {

  private static final CertificateSpec SPEC = new CertificateSpec(CertificateKind.SERVICE,
      "bookstore.bookstore.cluster.local", List.of("bookstore.bookstore.cluster.local"), List.of(),
      Duration.ofHours(24), KeySpec.ECDSA_P256);

  private final List<MeshEvent> events = new ArrayList<>();

  @Test
  void aFailedIssuanceIsAnEventOnTheControlPlaneNamingBackendAndCertificate() {
    Issuer failing = new Issuer() {
      @Override
      public Certificate issue(CertificateSpec spec) throws IssuanceException {
        throw new IssuanceException("Vault answered HTTP 503 (sealed)", true);
      }

      @Override
      public String trustedCasPem() {
        return "";
      }
    };

    assertThatThrownBy(() -> new FailureReportingIssuer(failing, "vault", events::add).issue(SPEC))
        .isInstanceOf(IssuanceException.class).hasMessageContaining("503");
    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.subject()).isEmpty();
      assertThat(event.reason()).isEqualTo(EventReason.ISSUANCE_FAILED);
      assertThat(event.message()).isEqualTo("vault could not issue the service certificate"
          + " bookstore.bookstore.cluster.local (will be retried): Vault answered HTTP 503 (sealed)");
    });
  }

  @Test
  void aSuccessfulIssuanceRecordsNothing() throws Exception {
    Certificate issued = io.openservicemesh.testing.TestCa.issuer().issue(SPEC);
    Issuer working = new Issuer() {
      @Override
      public Certificate issue(CertificateSpec spec) {
        return issued;
      }

      @Override
      public String trustedCasPem() {
        return "";
      }
    };

    assertThat(new FailureReportingIssuer(working, "tresor", events::add).issue(SPEC)).isSameAs(issued);
    assertThat(events).isEmpty();
  }
}
