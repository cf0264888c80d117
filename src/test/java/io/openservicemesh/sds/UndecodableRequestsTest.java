package io.openservicemesh.sds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class UndecodableRequestsTest {

  private final ServerServiceDefinition service =
      UndecodableRequests.tolerated(SecretDiscoveryServiceGrpc.bindService(new SecretDiscoveryService()));

  @Test
  void bytesThatAreNoRequestBecomeARequestTheServiceRefusesNamingTheMessageAndProtobufsReason() {
    // Field 1 (version_info), length 5, but only two bytes follow: protobuf reports a truncated message.
    Object parsed = requestMarshaller("FetchSecrets").parse(new ByteArrayInputStream(new byte[] {0x0a, 5, 'a', 'b'}));

    assertThatThrownBy(() -> UndecodableRequests.check((DiscoveryRequest) parsed))
        .isInstanceOfSatisfying(SdsException.class,
            e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("not a valid envoy.service.discovery.v3.DiscoveryRequest")
        .hasMessageContaining("truncated")
        .hasMessageContaining("send the message as Envoy encodes it");
  }

  @Test
  void everyMethodOfTheServiceToleratesUndecodableBytes() {
    byte[] invalidTag = {0x00};
    for (String method : new String[] {"StreamSecrets", "FetchSecrets", "DeltaSecrets"}) {
      Object parsed = requestMarshaller(method).parse(new ByteArrayInputStream(invalidTag));
      assertThatThrownBy(() -> UndecodableRequests.check((com.google.protobuf.Message) parsed)).as(method)
          .isInstanceOf(SdsException.class);
    }
    assertThat(service.getMethods()).hasSize(3);
  }

  @Test
  void wellFormedRequestsPassUnchanged() throws Exception {
    DeltaDiscoveryRequest request = DeltaDiscoveryRequest.newBuilder().setTypeUrl(TypeUrls.SECRET)
        .addResourceNamesSubscribe("service-cert:ns/sa").build();

    Object parsed = requestMarshaller("DeltaSecrets").parse(new ByteArrayInputStream(request.toByteArray()));

    assertThat(parsed).isEqualTo(request);
    UndecodableRequests.check(request);
  }

  @SuppressWarnings("unchecked")
  private MethodDescriptor.Marshaller<Object> requestMarshaller(String method) {
    ServerMethodDefinition<?, ?> definition =
        service.getMethod(SecretDiscoveryService.SERVICE_NAME + "/" + method);
    return (MethodDescriptor.Marshaller<Object>) definition.getMethodDescriptor().getRequestMarshaller();
  }
}
