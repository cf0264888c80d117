package io.openservicemesh.config;

import java.time.Duration;
import java.util.List;

/**
 * What the sidecar injector puts into a pod.
 *
 * @param envoyLogLevel one of {@link EnvoyLogLevel#names()}, lowercase
 * @param outboundPortExclusions destination ports whose traffic is not redirected to Envoy
 * @param outboundIpRangeExclusions destination CIDR ranges whose traffic is not redirected, as written
 * @param injectByDefault whether a pod is injected when neither it nor its namespace says
 * @param bootstrapSecretGracePeriod how old a bootstrap Secret without a pod must be before it is deleted
 */
public record InjectorSettings(
    String sidecarImage,
    String initContainerImage,
    String envoyLogLevel,
    List<Integer> outboundPortExclusions,
    List<String> outboundIpRangeExclusions,
    boolean prometheusScraping,
    boolean injectByDefault,
    Duration bootstrapSecretGracePeriod) {

  public InjectorSettings {
    outboundPortExclusions = List.copyOf(outboundPortExclusions);
    outboundIpRangeExclusions = List.copyOf(outboundIpRangeExclusions);
  }
}
