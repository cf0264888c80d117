package io.openservicemesh.certificate.tresor;

import io.openservicemesh.certificate.store.StoredCaBundle;
import java.time.Instant;

/**
 * The CA Secret's content decoded, again only when it changed: the rotation's leader and the Secret's keeper look
 * at it every few seconds, and decoding parses the certificates and checks the key with a signature. A broken
 * content is remembered as broken, with its reason, until it changes.
 */
final class CaBundleDecoding {

  private final String location;
  private StoredCaBundle last;
  private CaBundle decoded;
  private BrokenCaBundleException broken;

  CaBundleDecoding(String location) {
    this.location = location;
  }

  synchronized CaBundle decode(StoredCaBundle stored, Instant now) throws BrokenCaBundleException {
    if (!stored.equals(last)) {
      last = stored;
      try {
        decoded = CaBundleCodec.decode(stored, location, now);
        broken = null;
      } catch (BrokenCaBundleException e) {
        decoded = null;
        broken = e;
      }
    }
    if (broken != null) {
      throw broken;
    }
    return decoded;
  }
}
