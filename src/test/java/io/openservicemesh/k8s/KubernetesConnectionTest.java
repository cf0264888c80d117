package io.openservicemesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standalone only where there is no cluster: inside a pod a missing token is an error, not a new CA. */
class KubernetesConnectionTest {

  @Test
  void noClusterAnywhereIsStandalone() throws Exception {
    assertThat(KubernetesConnection.from(Map.of(), false)).isEmpty();
  }

  @Test
  void aPodWithoutItsServiceAccountTokenFailsInsteadOfRunningStandalone() {
    assertThatThrownBy(() -> KubernetesConnection.from(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("service account token")
        .hasMessageContaining("does not run standalone inside a cluster");
  }

  @Test
  void theApiClientsSocketsSendWithoutWaitingForAcknowledgements(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """);
    var connected = KubernetesConnection.from(Map.of("KUBECONFIG", kubeconfig.toString()), false).orElseThrow();
    var sockets = connected.client().getHttpClient().socketFactory();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket unconnected = sockets.createSocket();
        Socket connectedSocket = sockets.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      assertThat(unconnected.getTcpNoDelay()).isTrue();
      assertThat(connectedSocket.getTcpNoDelay()).isTrue();
    }
  }
}
