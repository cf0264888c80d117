package io.openservicemesh.certificate.store;

/** The CA store could not be read or written (API unreachable, forbidden, disk error). */
public class CaStoreException extends Exception {

  public CaStoreException(String message) {
    super(message);
  }

  public CaStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
