package io.openservicemesh.sds;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Bytes that are not the protobuf message a method takes are the caller's error, and are answered as one:
 * INVALID_ARGUMENT naming the message type and what protobuf found wrong. gRPC's own handling is wrong for a
 * server facing the network: the generated marshaller throws while the request is decoded, the call ends as
 * UNKNOWN ("Application error processing RPC"), and the server logs a stack trace at error level for every such
 * request, so a flood of garbage becomes a flood of log.
 *
 * <p>The service is rebound with marshallers that do not throw: a request that cannot be decoded becomes the
 * message type's empty instance carrying the reason in an unknown field no Envoy sends, and the service refuses
 * it through {@link #check}, on the path every other bad request takes (so a stream is released as usual).
 */
final class UndecodableRequests {

  /** The highest field number protobuf allows; no xDS message defines it. */
  private static final int REASON_FIELD = 536_870_911;

  private UndecodableRequests() {}

  /** The same service, whose requests reach it decoded or marked for {@link #check}. */
  static ServerServiceDefinition tolerated(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder tolerant =
        ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      tolerant.addMethod(tolerant(method));
    }
    return tolerant.build();
  }

  /** Throws INVALID_ARGUMENT with protobuf's reason when the request arrived as bytes that did not decode. */
  static void check(Message request) throws SdsException {
    if (request.getUnknownFields().hasField(REASON_FIELD)) {
      throw new SdsException(Status.Code.INVALID_ARGUMENT, request.getUnknownFields().getField(REASON_FIELD)
          .getLengthDelimitedList().get(0).toString(StandardCharsets.UTF_8));
    }
  }

  private static <Q, R> ServerMethodDefinition<Q, R> tolerant(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> strict = method.getMethodDescriptor();
    MethodDescriptor<Q, R> descriptor = strict.toBuilder(
        new TolerantMarshaller<>(strict.getRequestMarshaller()), strict.getResponseMarshaller()).build();
    return ServerMethodDefinition.create(descriptor, method.getServerCallHandler());
  }

  /** The generated marshaller, except that bytes it cannot decode become a marked empty message. */
  private static final class TolerantMarshaller<Q> implements MethodDescriptor.Marshaller<Q> {
    private final MethodDescriptor.Marshaller<Q> strict;
    private final Message empty;

    TolerantMarshaller(MethodDescriptor.Marshaller<Q> strict) {
      this.strict = strict;
      if (!(strict instanceof MethodDescriptor.PrototypeMarshaller<Q> prototyped)
          || !(prototyped.getMessagePrototype() instanceof Message prototype)) {
        throw new IllegalArgumentException("not a protobuf marshaller: " + strict);
      }
      this.empty = prototype;
    }

    @Override
    public InputStream stream(Q value) {
      return strict.stream(value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Q parse(InputStream stream) {
      try {
        return strict.parse(stream);
      } catch (StatusRuntimeException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        String reason = "the request is not a valid " + empty.getDescriptorForType().getFullName()
            + " (protobuf: " + cause.getMessage() + "); send the message as Envoy encodes it";
        return (Q) empty.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder().addField(REASON_FIELD,
            UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(reason)).build())
            .build()).build();
      }
    }
  }
}
