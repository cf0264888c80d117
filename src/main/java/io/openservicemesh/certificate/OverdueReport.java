package io.openservicemesh.certificate;

import java.util.List;

/**
 * The overdue certificates at one instant.
 *
 * @param count how many are overdue
 * @param listed the first of them, soonest overdue first, at most as many as were asked for
 */
public record OverdueReport(int count, List<OverdueCertificate> listed) {

  public static final OverdueReport NONE = new OverdueReport(0, List.of());

  public OverdueReport {
    listed = List.copyOf(listed);
  }
}
