package io.openservicemesh.certificate;

import java.time.Instant;

/**
 * When one certificate should be renewed, and from when its still missing successor is an emergency.
 *
 * @param renewAt the instant from which the certificate is due for renewal
 * @param overdueAt from this instant on, a certificate without a successor is reported as overdue
 */
public record RenewalWindow(Instant renewAt, Instant overdueAt) {

  public RenewalWindow {
    if (overdueAt.isBefore(renewAt)) {
      throw new IllegalArgumentException("overdueAt " + overdueAt + " is before renewAt " + renewAt);
    }
  }
}
