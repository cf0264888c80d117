package io.openservicemesh.rotation;

import java.util.Collection;
import java.util.function.Consumer;

/** Where a consumer hears of renewed certificates: the subscribing side of {@link RotationAnnouncer}. */
public interface RotationAnnouncements {

  /** Every rotation announced from now on. */
  Subscription subscribe(String subscriberName, Consumer<CertificateRotated> listener);

  /** The rotations of these common names only, so the subscriber never queues events it would discard. */
  Subscription subscribe(String subscriberName, Collection<String> commonNames, Consumer<CertificateRotated> listener);
}
