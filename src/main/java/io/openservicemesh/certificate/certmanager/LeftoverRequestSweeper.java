package io.openservicemesh.certificate.certmanager;

import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Deletes the mesh's CertificateRequests that an earlier process left behind (it crashed between create and
 * delete, or the API server was away for every delete attempt). Only requests older than any issuance can
 * last are touched, so replicas issuing right now are not disturbed; each delete is conditional on the uid
 * that was listed.
 */
final class LeftoverRequestSweeper {

  private LeftoverRequestSweeper() {}

  /**
   * @param olderThan requests created more than this long before {@code now} are leftovers
   * @return how many were deleted
   */
  static int sweep(CertificateRequestClient requests, Instant now, Duration olderThan, Duration callLimit)
      throws ApiException {
    Instant cutoff = now.minus(olderThan);
    List<CertificateRequestResource> leftovers = requests.list(CertManagerIssuer.MESH_REQUESTS, callLimit).stream()
        .filter(r -> isOlderThan(r, cutoff))
        .toList();
    for (CertificateRequestResource leftover : leftovers) {
      requests.delete(leftover.name(), leftover.metadata().getUid(), callLimit);
    }
    return leftovers.size();
  }

  private static boolean isOlderThan(CertificateRequestResource request, Instant cutoff) {
    OffsetDateTime created = request.metadata() == null ? null : request.metadata().getCreationTimestamp();
    return created != null && created.toInstant().isBefore(cutoff);
  }
}
