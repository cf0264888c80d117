package io.openservicemesh.certificate.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.openservicemesh.certificate.CertificateKind;
import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.config.KeySpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IssueRequestTest {

  private static CertificateSpec spec(Duration validity, List<String> dns, List<URI> uris) {
    return new CertificateSpec(CertificateKind.SERVICE, "a.b.cluster.local", dns, uris, validity, KeySpec.ECDSA_P256);
  }

  @Test
  void theTtlIsExactSecondsNeverTruncatedToHours() {
    assertThat(IssueRequest.of(spec(Duration.ofMinutes(90), List.of(), List.of())).ttl()).isEqualTo("5400s");
    assertThat(IssueRequest.of(spec(Duration.ofMinutes(30), List.of(), List.of())).ttl()).isEqualTo("1800s");
    assertThat(IssueRequest.of(spec(Duration.ofMillis(1500), List.of(), List.of())).ttl())
        .as("rounded up: never shorter than asked").isEqualTo("2s");
  }

  @Test
  void theCommonNameIsNotRepeatedInAltNames() {
    IssueRequest request = IssueRequest.of(spec(Duration.ofHours(1),
        List.of("a.b.cluster.local", "a.b.svc", "a.b.svc"), List.of(URI.create("spiffe://cluster.local/ns/b/sa/a"))));

    JsonObject body = request.toJson();

    assertThat(body.get("alt_names").getAsString()).isEqualTo("a.b.svc");
    assertThat(body.get("uri_sans").getAsString()).isEqualTo("spiffe://cluster.local/ns/b/sa/a");
    assertThat(body.get("common_name").getAsString()).isEqualTo("a.b.cluster.local");
  }

  @Test
  void aNameWithACommaCannotBeAskedFor() {
    assertThatThrownBy(() -> IssueRequest.of(spec(Duration.ofHours(1), List.of(),
        List.of(URI.create("spiffe://cluster.local/a,b")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contains a comma");
  }
}
