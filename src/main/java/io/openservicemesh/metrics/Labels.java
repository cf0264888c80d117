package io.openservicemesh.metrics;

import io.openservicemesh.certificate.CertificateKind;
import java.util.Locale;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Label values, each from a closed set: never a pod, identity or common name, so the number of series stays
 * bounded whatever the mesh's size.
 */
final class Labels {

  private Labels() {}

  /** {@code service}, {@code xds_bootstrap}, {@code mutating_webhook}, {@code validating_webhook}. */
  static Tag type(CertificateKind kind) {
    return new Tag("type", kind.name().toLowerCase(Locale.ROOT));
  }

  static Tag result(boolean succeeded) {
    return new Tag("result", succeeded ? "success" : "failure");
  }
}
