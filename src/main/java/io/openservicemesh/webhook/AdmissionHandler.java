package io.openservicemesh.webhook;

/** What one webhook does with one admission request. */
@FunctionalInterface
public interface AdmissionHandler {

  /**
   * Decides on the request. An exception escaping here is a bug or an unexpected failure: the endpoint turns
   * it into a denial with a reference to the log entry, never into a stack trace on the wire.
   */
  AdmissionResponse admit(AdmissionRequest request);
}
