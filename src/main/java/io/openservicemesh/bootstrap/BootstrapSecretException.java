package io.openservicemesh.bootstrap;

/** A bootstrap Secret could not be read or written; the message says which, and why, never what it holds. */
public final class BootstrapSecretException extends Exception {

  private final boolean conflict;

  public BootstrapSecretException(String message, boolean conflict) {
    super(message);
    this.conflict = conflict;
  }

  /** The Secret exists already (create), or changed or went away since it was read (rewrite). */
  public boolean conflict() {
    return conflict;
  }
}
