package io.openservicemesh.rotation;

import io.openservicemesh.certificate.Certificate;
import io.openservicemesh.certificate.RenewalTiming;
import io.openservicemesh.certificate.RenewalWindow;
import java.util.function.DoubleSupplier;

/**
 * The certificate manager's renewal timing: the {@link RenewalPolicy} in force, with a fresh jitter draw
 * per issued certificate. The policy can be replaced while running (a changed setting); it applies to
 * certificates issued from then on.
 */
public final class JitteredRenewalTiming implements RenewalTiming {

  private final DoubleSupplier jitterSource;
  private volatile RenewalPolicy policy;

  /**
   * @param jitterSource uniform numbers in [0, 1), e.g. {@code () -> ThreadLocalRandom.current().nextDouble()}
   */
  public JitteredRenewalTiming(RenewalPolicy policy, DoubleSupplier jitterSource) {
    this.policy = policy;
    this.jitterSource = jitterSource;
  }

  @Override
  public RenewalWindow windowFor(Certificate certificate) {
    return policy.window(certificate.notBefore(), certificate.notAfter(), jitterSource.getAsDouble());
  }

  public RenewalPolicy policy() {
    return policy;
  }

  public void setPolicy(RenewalPolicy policy) {
    this.policy = policy;
  }
}
