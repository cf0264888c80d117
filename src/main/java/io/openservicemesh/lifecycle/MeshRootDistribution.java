package io.openservicemesh.lifecycle;

import io.openservicemesh.certificate.RootDistribution;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Several consumers' evidence as one: what any of them still waits for. */
final class MeshRootDistribution implements RootDistribution {

  private final List<RootDistribution> parts;

  private MeshRootDistribution(List<RootDistribution> parts) {
    this.parts = List.copyOf(parts);
  }

  static RootDistribution of(RootDistribution... parts) {
    return new MeshRootDistribution(List.of(parts));
  }

  @Override
  public List<String> notHolding(String trustBundlePem) {
    List<String> waiting = new ArrayList<>();
    parts.forEach(part -> waiting.addAll(part.notHolding(trustBundlePem)));
    return waiting;
  }

  @Override
  public List<String> notIssuedBy(X509Certificate root) {
    List<String> waiting = new ArrayList<>();
    parts.forEach(part -> waiting.addAll(part.notIssuedBy(root)));
    return waiting;
  }
}
