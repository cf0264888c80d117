package io.openservicemesh.certificate.vault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A role of the test PKI mount, with the parameters of Vault's {@code pki/roles/:name} that decide
 * issuance (names, URI SANs, TTLs, key). Defaults are Vault's: nothing allowed, ec-256 keys, TTLs from
 * the mount.
 */
public final class TestPkiRole {

  List<String> allowedDomains = new ArrayList<>();
  boolean allowBareDomains;
  boolean allowSubdomains;
  boolean allowGlobDomains;
  boolean allowAnyName;
  boolean allowLocalhost = true;
  boolean enforceHostnames = true;
  List<String> allowedUriSans = new ArrayList<>();
  Duration ttl = Duration.ZERO;
  Duration maxTtl = Duration.ZERO;
  String keyType = "ec";
  int keyBits = 0;

  public TestPkiRole allowedDomains(String... domains) {
    allowedDomains = List.of(domains);
    return this;
  }

  public TestPkiRole allowBareDomains(boolean allow) {
    allowBareDomains = allow;
    return this;
  }

  public TestPkiRole allowSubdomains(boolean allow) {
    allowSubdomains = allow;
    return this;
  }

  public TestPkiRole allowGlobDomains(boolean allow) {
    allowGlobDomains = allow;
    return this;
  }

  public TestPkiRole allowAnyName(boolean allow) {
    allowAnyName = allow;
    return this;
  }

  public TestPkiRole allowLocalhost(boolean allow) {
    allowLocalhost = allow;
    return this;
  }

  public TestPkiRole allowedUriSans(String... globs) {
    allowedUriSans = List.of(globs);
    return this;
  }

  public TestPkiRole ttl(Duration ttl) {
    this.ttl = ttl;
    return this;
  }

  public TestPkiRole maxTtl(Duration maxTtl) {
    this.maxTtl = maxTtl;
    return this;
  }

  /** {@code ec} (bits 224, 256, 384, 521; 0 means 256), {@code rsa} (0 means 2048) or {@code ed25519}. */
  public TestPkiRole key(String type, int bits) {
    keyType = type;
    keyBits = bits;
    return this;
  }

  /** The role the demo script creates: any name, the mesh's SPIFFE IDs, 24h at most. */
  public static TestPkiRole mesh() {
    return new TestPkiRole()
        .allowAnyName(true)
        .allowSubdomains(true)
        .allowBareDomains(true)
        .allowLocalhost(true)
        .allowedUriSans("spiffe://*")
        .maxTtl(Duration.ofHours(24));
  }
}
