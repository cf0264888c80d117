package io.openservicemesh.config;

import java.time.Duration;

/**
 * How SDS treats its clients.
 *
 * @param verifyProxyPod require the proxy's pod to exist with the certificate's service account
 * @param maxStreamAge streams are closed after this long (with jitter), so Envoy reconnects and the stream
 *     of a proxy that vanished without a word is released
 */
public record SdsSettings(boolean verifyProxyPod, Duration maxStreamAge) {}
