package io.openservicemesh.debug;

import java.util.Optional;
import java.util.function.Function;

/**
 * The port the debug views answer on: Liberty's {@code debugEndpoint}, bound to 127.0.0.1 only (server.xml), so
 * they are reached from the machine itself or through {@code kubectl port-forward}, never from the network. A
 * request that arrived on any other port (health on 9080, the webhooks on 9443) is answered 404, as if the views
 * did not exist there.
 */
final class DebugPort {

  /** The server variable that sets the port, as server.xml names it. */
  static final String VARIABLE = "debug.port";
  static final int DEFAULT = 9091;

  private final int port;

  DebugPort(int port) {
    this.port = port;
  }

  /** @param variables the server's variables; a missing one means the default */
  static DebugPort configured(Function<String, Optional<String>> variables) {
    String value = variables.apply(VARIABLE).map(String::trim).orElse(String.valueOf(DEFAULT));
    try {
      return new DebugPort(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("server variable " + VARIABLE + " must be a port number from 1 to 65535,"
          + " got \"" + value + "\"; set it in bootstrap.properties or leave it unset for " + DEFAULT, e);
    }
  }

  boolean accepts(int localPort) {
    return localPort == port;
  }

  int port() {
    return port;
  }
}
