package io.openservicemesh.certificate.store;

/**
 * A CA bundle store that can also publish a key-less bundle: the capability a CA whose private key lives
 * elsewhere (Vault) needs, kept out of {@link CaBundleStore} so that stores and test doubles that only
 * create-if-absent and load (the built-in CA's needs) stay as small as they are.
 */
public interface PublicCaBundleStore extends CaBundleStore {

  /** What {@link #putPublicBundle} did. */
  enum PublicBundleWrite { CREATED, REPLACED, UNCHANGED }

  /**
   * Makes the store hold exactly this key-less bundle ({@code ca.crt} and {@code expiration}): creates it
   * when absent, replaces it when it differs (the CA rotated), leaves it alone when it is the same.
   *
   * <p>A stored bundle holding a private key is never overwritten: it is some other CA's root (the built-in
   * one's, or one an operator brought), and destroying key material is not a side effect anything should
   * have.
   *
   * @throws IllegalArgumentException when the bundle has a private key
   * @throws CaStoreException when the store cannot be written, or holds a private key
   */
  PublicBundleWrite putPublicBundle(StoredCaBundle bundle) throws CaStoreException;
}
