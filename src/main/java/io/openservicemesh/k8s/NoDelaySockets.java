package io.openservicemesh.k8s;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain sockets with Nagle's algorithm off, for the API client. The client (OkHttp) leaves it on, so a request
 * written in two segments (an HTTP/2 HEADERS frame, then DATA) holds its second segment until the API server
 * acknowledges the first, and the server delays that acknowledgement by up to 40 ms on Linux: every Secret the
 * injector creates waited for it, at low load most of all, where no other traffic carries the acknowledgement.
 * TLS is layered on these sockets by the client, so the setting holds for the encrypted connection too.
 */
final class NoDelaySockets extends SocketFactory {

  private final SocketFactory plain = SocketFactory.getDefault();

  @Override
  public Socket createSocket() throws IOException {
    return noDelay(plain.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return noDelay(plain.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
    return noDelay(plain.createSocket(host, port, localAddress, localPort));
  }

  @Override
  public Socket createSocket(InetAddress address, int port) throws IOException {
    return noDelay(plain.createSocket(address, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return noDelay(plain.createSocket(address, port, localAddress, localPort));
  }

  private static Socket noDelay(Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    return socket;
  }
}
