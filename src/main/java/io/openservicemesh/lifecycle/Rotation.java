package io.openservicemesh.lifecycle;

import io.openservicemesh.rotation.CertificateRotator;
import io.openservicemesh.rotation.JitteredRenewalTiming;
import io.openservicemesh.rotation.RotationJournal;

/**
 * The running rotation of a ready control plane: the rotator the timer drives, the renewal timing whose
 * policy follows the settings, and the journal of announced rotations that readiness reports.
 */
public record Rotation(CertificateRotator rotator, JitteredRenewalTiming timing, RotationJournal journal) {}
