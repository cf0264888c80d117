package io.openservicemesh.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that can be made to fail the way a remote API fails: {@link #down()} cuts every
 * connection and refuses new ones (the process is gone, connect gets "connection refused"), {@link #up()} listens
 * again on the same port, and {@link #delay(Duration)} holds every byte sent towards the target for that long
 * before passing it on (a slow backend: each request answers that much later, while throughput is kept, as with a
 * slow etcd behind an API server). TLS passes through untouched, so the client still talks to the real server.
 */
public final class FaultProxy implements AutoCloseable {

  private record Chunk(long dueNanos, byte[] bytes) {}

  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong delayNanos = new AtomicLong();
  private volatile ServerSocket listener;

  private FaultProxy(InetSocketAddress target, ServerSocket listener) {
    this.target = target;
    this.listener = listener;
    this.port = listener.getLocalPort();
    accept(listener);
  }

  /** Listens on a free loopback port and passes everything to {@code target}. */
  public static FaultProxy to(InetSocketAddress target) throws IOException {
    return new FaultProxy(target, listen(0));
  }

  public int port() {
    return port;
  }

  /** Every byte towards the target held this long from now on ({@link Duration#ZERO}: none). */
  public void delay(Duration latency) {
    delayNanos.set(latency.toNanos());
  }

  /** Cuts every connection and stops listening. */
  public synchronized void down() throws IOException {
    ServerSocket closing = listener;
    listener = null;
    if (closing != null) {
      closing.close();
    }
    for (Socket socket : open) {
      closeQuietly(socket);
    }
  }

  /** Listens again, on the same port. */
  public synchronized void up() throws IOException {
    if (listener == null) {
      listener = listen(port);
      accept(listener);
    }
  }

  @Override
  public void close() throws IOException {
    down();
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return socket;
  }

  private void accept(ServerSocket from) {
    daemon("fault-proxy-accept-" + port, () -> {
      while (!from.isClosed()) {
        try {
          Socket client = from.accept();
          Socket server = new Socket();
          try {
            server.connect(target, 5_000);
          } catch (IOException e) {
            closeQuietly(client);
            continue;
          }
          open.add(client);
          open.add(server);
          pipe(client, server, true);
          pipe(server, client, false);
        } catch (IOException e) {
          return; // the listener was closed
        }
      }
    });
  }

  /** One direction; towards the target through a delay line, so a delay postpones bytes without slowing them. */
  private void pipe(Socket from, Socket to, boolean towardsTarget) {
    BlockingQueue<Chunk> line = new LinkedBlockingQueue<>();
    daemon("fault-proxy-read", () -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          long delay = towardsTarget ? delayNanos.get() : 0;
          line.add(new Chunk(System.nanoTime() + delay, Arrays.copyOf(buffer, n)));
        }
      } catch (IOException e) {
        // The connection was cut, here or at the other end.
      } finally {
        line.add(new Chunk(0, null));
      }
    });
    daemon("fault-proxy-write", () -> {
      try (OutputStream out = to.getOutputStream()) {
        for (Chunk chunk = line.take(); chunk.bytes() != null; chunk = line.take()) {
          long wait = chunk.dueNanos() - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the latency being simulated
          }
          out.write(chunk.bytes());
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // The connection was cut.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    });
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is all that is wanted.
    }
  }
}
