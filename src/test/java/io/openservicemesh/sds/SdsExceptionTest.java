package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class SdsExceptionTest {

  @Test
  void aReasonQuotingAHugeResourceNameIsCutToFitATrailer() {
    String name = "service-cert:" + "a/".repeat(5_000);

    SdsException e = new SdsException(Status.Code.NOT_FOUND, "unknown SDS resource " + name);

    assertThat(e.getMessage()).hasSizeLessThan(SdsException.MESSAGE_LIMIT + 40)
        .startsWith("unknown SDS resource service-cert:a/a/").endsWith("... (9034 more characters)");
    assertThat(e.status().getDescription()).isEqualTo(e.getMessage());
  }

  @Test
  void anOrdinaryReasonIsKeptWhole() {
    SdsException e = new SdsException(Status.Code.INVALID_ARGUMENT, "type_url must be the Secret type");

    assertThat(e.status().getDescription()).isEqualTo("type_url must be the Secret type");
  }
}
