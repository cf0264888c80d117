package io.openservicemesh.certificate.vault;

import io.openservicemesh.config.GoDuration;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * One PKI secrets engine mount of the Vault test server: its issuing CA (a root, or an intermediate
 * below a root of its own), its tuned TTLs and its roles. Issuance follows Vault's documented rules: the
 * role's name checks, URI SAN globs, the TTL ladder (request, role ttl, mount default; capped by role
 * max_ttl or the mount's max with a warning), a leaf that cannot outlive its CA, NotBefore 30 s back, and
 * a key the role's key_type decides. It signs for real, with BouncyCastle, independently of the code under
 * test.
 */
public final class TestPkiMount {

  /** Vault's system default and max lease TTL (32 days) unless the mount is tuned. */
  static final Duration SYSTEM_DEFAULT_TTL = Duration.ofHours(768);

  private static final Provider BC = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern HOSTNAME =
      Pattern.compile("^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])\\.)*"
          + "([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\\-]*[A-Za-z0-9])$");

  final String path;
  final Map<String, TestPkiRole> roles = new LinkedHashMap<>();
  Duration maxLeaseTtl = SYSTEM_DEFAULT_TTL;
  Duration defaultLeaseTtl = SYSTEM_DEFAULT_TTL;
  private boolean ignorePrivateKeyFormat;
  private X509Certificate issuingCa;
  private PrivateKey issuingKey;
  /** The issuing CA first, then the CAs above it that the mount knows. */
  private List<X509Certificate> chain = List.of();
  /** An intermediate mount's root, kept by the test (as an operator would keep it offline). */
  private X509Certificate externalRoot;
  /** The mount's issuers by id (Vault 1.11+); the fields above are the default one's. */
  private final Map<String, IssuerEntry> issuers = new LinkedHashMap<>();
  private String defaultIssuerId;
  private int generatedRoots;

  /** One issuer of the mount: its certificate and key, and the chain from it up as far as the mount knows. */
  public record IssuerEntry(String id, String name, X509Certificate certificate, PrivateKey key,
      List<X509Certificate> chain, X509Certificate externalRoot) {}

  TestPkiMount(String path) {
    this.path = path;
  }

  /** {@code vault secrets tune -max-lease-ttl=...}. */
  public TestPkiMount tuneMaxLeaseTtl(Duration ttl) {
    maxLeaseTtl = ttl;
    return this;
  }

  /** Acts like a Vault from before private_key_format: keys come in their own format (SEC 1, PKCS#1). */
  public TestPkiMount ignorePrivateKeyFormat() {
    ignorePrivateKeyFormat = true;
    return this;
  }

  /** {@code vault write <mount>/roles/<name> ...}. */
  public TestPkiMount role(String name, TestPkiRole role) {
    roles.put(name, role);
    return this;
  }

  /**
   * {@code vault write <mount>/root/generate/internal common_name=... ttl=... key_type=ec} on a mount that held
   * no other issuer (or after they were deleted): the new root is the mount's only and default issuer.
   */
  public synchronized TestPkiMount generateRoot(String commonName, Duration ttl, Instant now) {
    issuers.clear();
    defaultIssuerId = null;
    String name = generateIssuer("root-" + (++generatedRoots), commonName, ttl, now);
    return makeDefault(name);
  }

  /**
   * An intermediate signed by a root outside the mount, as when an offline root signs Vault's CSR.
   *
   * @param chainIncludesRoot whether the root was imported into the mount, so ca_chain includes it
   */
  public synchronized TestPkiMount intermediate(String commonName, Instant now, boolean chainIncludesRoot) {
    KeyPair rootKey = keyPair("ec", 384);
    X509Certificate root = caCertificate(commonName + " Root", now, Duration.ofDays(3650), rootKey, null, null);
    KeyPair key = keyPair("ec", 256);
    X509Certificate intermediate =
        caCertificate(commonName, now, Duration.ofDays(1825), key, root, rootKey.getPrivate());
    issuers.clear();
    defaultIssuerId = null;
    IssuerEntry entry = new IssuerEntry(newIssuerId(), "intermediate", intermediate, key.getPrivate(),
        chainIncludesRoot ? List.of(intermediate, root) : List.of(intermediate), root);
    issuers.put(entry.id(), entry);
    return makeDefault(entry.name());
  }

  /**
   * {@code vault write <mount>/root/generate/internal common_name=... issuer_name=<name>} on a Vault with
   * several issuers per mount (1.11+): a new root beside the others, made the default only when the mount has
   * none, as Vault does.
   *
   * @return the issuer's name
   */
  public synchronized String generateIssuer(String name, String commonName, Duration ttl, Instant now) {
    KeyPair key = keyPair("ec", 256);
    X509Certificate root = caCertificate(commonName, now, ttl, key, null, null);
    IssuerEntry entry = new IssuerEntry(newIssuerId(), name, root, key.getPrivate(), List.of(root), null);
    issuers.put(entry.id(), entry);
    if (defaultIssuerId == null) {
      makeDefault(name);
    }
    return name;
  }

  /** {@code vault write <mount>/config/issuers default=<name>}: later issuance is signed by that issuer. */
  public synchronized TestPkiMount makeDefault(String name) {
    IssuerEntry entry = issuer(name);
    if (entry == null) {
      throw new IllegalArgumentException("no issuer " + name);
    }
    defaultIssuerId = entry.id();
    issuingCa = entry.certificate();
    issuingKey = entry.key();
    chain = entry.chain();
    externalRoot = entry.externalRoot();
    return this;
  }

  /** {@code vault delete <mount>/issuer/<name>}; deleting the default leaves the mount without one. */
  public synchronized void deleteIssuer(String name) {
    IssuerEntry entry = issuer(name);
    if (entry == null) {
      return;
    }
    issuers.remove(entry.id());
    if (entry.id().equals(defaultIssuerId)) {
      defaultIssuerId = null;
      issuingCa = null;
      issuingKey = null;
      chain = List.of();
      externalRoot = null;
    }
  }

  /** The issuers, in the order they were made. */
  public synchronized List<IssuerEntry> issuers() {
    return List.copyOf(issuers.values());
  }

  /** An issuer by id, by name, or {@code default}; null when there is none. */
  public synchronized IssuerEntry issuer(String reference) {
    if (reference.equals("default")) {
      return defaultIssuerId == null ? null : issuers.get(defaultIssuerId);
    }
    IssuerEntry byId = issuers.get(reference);
    if (byId != null) {
      return byId;
    }
    return issuers.values().stream().filter(entry -> entry.name().equals(reference)).findFirst().orElse(null);
  }

  private static String newIssuerId() {
    return java.util.UUID.randomUUID().toString();
  }

  public synchronized X509Certificate issuingCa() {
    return issuingCa;
  }

  /** The self-signed root of the mount's chain, in or outside the mount. */
  public synchronized X509Certificate root() {
    return externalRoot != null ? externalRoot : issuingCa;
  }

  synchronized List<X509Certificate> chain() {
    return chain;
  }

  synchronized boolean hasCa() {
    return issuingCa != null;
  }

  /** The result of {@code <mount>/issue/<role>}: the response data and any warnings. */
  record Issued(Map<String, Object> data, List<String> warnings) {}

  /** A refusal, as Vault's HTTP layer answers it. */
  static final class Refusal extends Exception {
    final int status;

    Refusal(int status, String error) {
      super(error);
      this.status = status;
    }
  }

  synchronized Issued issue(String roleName, Map<String, Object> request, Instant now) throws Refusal {
    TestPkiRole role = roles.get(roleName);
    if (role == null) {
      throw new Refusal(400, "unknown role: " + roleName);
    }
    if (issuingCa == null) {
      throw new Refusal(400, "no default issuer currently configured");
    }
    String commonName = text(request, "common_name");
    if (commonName.isEmpty()) {
      throw new Refusal(400, "the common_name field is required, or must be provided in a CSR with"
          + " \"use_csr_common_name\" set to true, unless \"require_cn\" is set to false");
    }
    List<String> dnsNames = new ArrayList<>();
    if (HOSTNAME.matcher(commonName).matches()) {
      dnsNames.add(commonName);
    }
    for (String name : list(request, "alt_names")) {
      if (!name.contains("@")) {
        dnsNames.add(name);
      }
    }
    if (!nameAllowed(role, commonName)) {
      throw new Refusal(400, "common name " + commonName + " not allowed by this role");
    }
    for (String name : dnsNames) {
      if (!nameAllowed(role, name)) {
        throw new Refusal(400, "subject alternate name " + name + " not allowed by this role");
      }
    }
    List<String> uris = list(request, "uri_sans");
    if (!uris.isEmpty()) {
      if (role.allowedUriSans.isEmpty()) {
        throw new Refusal(400, "URI Subject Alternative Names are not allowed in this role, but were provided"
            + " via the API");
      }
      for (String uri : uris) {
        if (role.allowedUriSans.stream().noneMatch(glob -> globMatches(glob, uri))) {
          throw new Refusal(400, "URI Subject Alternative Names were provided via the API which are not valid"
              + " for this role");
        }
      }
    }

    List<String> warnings = new ArrayList<>();
    Duration ttl = ttl(request);
    if (ttl.isZero()) {
      ttl = role.ttl.isZero() ? defaultLeaseTtl : role.ttl;
    }
    Duration maxTtl = role.maxTtl.isZero() ? maxLeaseTtl : role.maxTtl;
    if (ttl.compareTo(maxTtl) > 0) {
      warnings.add("TTL \"" + GoDuration.format(ttl) + "\" is longer than permitted maxTTL \""
          + GoDuration.format(maxTtl) + "\", so maxTTL is being used");
      ttl = maxTtl;
    }
    Instant notAfter = now.plus(ttl);
    if (notAfter.isAfter(issuingCa.getNotAfter().toInstant())) {
      throw new Refusal(400, "cannot satisfy request, as TTL would result in notAfter of " + notAfter
          + " that is beyond the expiration of the CA certificate at " + issuingCa.getNotAfter().toInstant());
    }

    KeyPair key = keyPair(role.keyType, role.keyBits);
    BigInteger serial = new BigInteger(1, randomBytes(20));
    X509Certificate leaf = leaf(commonName, dnsNames, uris, now.minusSeconds(30), notAfter, key, serial);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("certificate", pem(leaf).strip());
    data.put("issuing_ca", pem(issuingCa).strip());
    data.put("ca_chain", chain.stream().map(c -> pem(c).strip()).toList());
    boolean pkcs8 = !ignorePrivateKeyFormat && "pkcs8".equals(text(request, "private_key_format"));
    data.put("private_key", privateKeyPem(key.getPrivate(), pkcs8 || role.keyType.equals("ed25519")).strip());
    data.put("private_key_type", role.keyType);
    data.put("serial_number", colonHex(serial));
    data.put("expiration", notAfter.getEpochSecond());
    return new Issued(data, warnings);
  }

  /** Vault's name checks for a role, for one DNS name or common name. */
  private static boolean nameAllowed(TestPkiRole role, String name) {
    if (role.enforceHostnames && !HOSTNAME.matcher(name).matches()) {
      return false;
    }
    if (role.allowAnyName) {
      return true;
    }
    if (role.allowLocalhost && (name.equals("localhost") || name.equals("localdomain")
        || (role.allowSubdomains && (name.endsWith(".localhost") || name.endsWith(".localdomain"))))) {
      return true;
    }
    for (String domain : role.allowedDomains) {
      if (domain.isEmpty()) {
        continue;
      }
      if (role.allowBareDomains && name.equals(domain)) {
        return true;
      }
      if (role.allowSubdomains && name.endsWith("." + domain)) {
        return true;
      }
      if (role.allowGlobDomains && domain.contains("*") && globMatches(domain, name)) {
        return true;
      }
    }
    return false;
  }

  /** Glob as Vault's go-glob: '*' matches any run of characters, everything else itself. */
  static boolean globMatches(String glob, String text) {
    String regex = java.util.Arrays.stream(glob.split("\\*", -1)).map(Pattern::quote)
        .collect(Collectors.joining(".*"));
    return Pattern.compile(regex, Pattern.DOTALL).matcher(text).matches();
  }

  /** Vault reads TTLs as Go durations or bare seconds. */
  private static Duration ttl(Map<String, Object> request) throws Refusal {
    Object value = request.get("ttl");
    if (value == null || value.toString().isEmpty()) {
      return Duration.ZERO;
    }
    String text = value.toString();
    try {
      if (text.matches("\\d+")) {
        return Duration.ofSeconds(Long.parseLong(text));
      }
      if (value instanceof Number number) {
        return Duration.ofSeconds(number.longValue());
      }
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new Refusal(400, "error converting input " + text + " for field \"ttl\": time: invalid duration \""
          + text + "\"");
    }
  }

  private static String text(Map<String, Object> request, String name) {
    Object value = request.get(name);
    return value == null ? "" : value.toString();
  }

  /** Vault's comma-delimited list parameters (a JSON array works too). */
  private static List<String> list(Map<String, Object> request, String name) {
    Object value = request.get(name);
    if (value == null) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    if (value instanceof List<?> array) {
      array.forEach(v -> items.add(String.valueOf(v).trim()));
    } else {
      for (String item : value.toString().split(",")) {
        items.add(item.trim());
      }
    }
    items.removeIf(String::isEmpty);
    return items;
  }

  private X509Certificate leaf(String commonName, List<String> dnsNames, List<String> uris, Instant notBefore,
      Instant notAfter, KeyPair key, BigInteger serial) {
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuingCa, serial, Date.from(notBefore),
          Date.from(notAfter), name(commonName), key.getPublic());
      Set<GeneralName> sans = new LinkedHashSet<>();
      dnsNames.forEach(n -> sans.add(new GeneralName(GeneralName.dNSName, n)));
      uris.forEach(u -> sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
      if (!sans.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(sans.toArray(new GeneralName[0])));
      }
      builder
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              extensions.createAuthorityKeyIdentifier(issuingCa));
      return sign(builder, issuingKey);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate caCertificate(String commonName, Instant now, Duration ttl, KeyPair key,
      X509Certificate parent, PrivateKey parentKey) {
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X500Name subject = name(commonName);
      X509v3CertificateBuilder builder = parent == null
          ? new JcaX509v3CertificateBuilder(subject, new BigInteger(1, randomBytes(20)), Date.from(now.minusSeconds(30)),
              Date.from(now.plus(ttl)), subject, key.getPublic())
          : new JcaX509v3CertificateBuilder(parent, new BigInteger(1, randomBytes(20)), Date.from(now.minusSeconds(30)),
              Date.from(now.plus(ttl)), subject, key.getPublic());
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, parent == null
              ? extensions.createAuthorityKeyIdentifier(key.getPublic())
              : extensions.createAuthorityKeyIdentifier(parent));
      return sign(builder, parent == null ? key.getPrivate() : parentKey);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> "SHA256withECDSA";
    };
    try {
      return new JcaX509CertificateConverter().setProvider(BC)
          .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).setProvider(BC).build(key)));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  static KeyPair keyPair(String type, int bits) {
    try {
      switch (type.toLowerCase(Locale.ROOT)) {
        case "rsa" -> {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", BC);
          generator.initialize(bits == 0 ? 2048 : bits, RANDOM);
          return generator.generateKeyPair();
        }
        case "ed25519" -> {
          return KeyPairGenerator.getInstance("Ed25519", BC).generateKeyPair();
        }
        default -> {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
          int size = bits == 0 ? 256 : bits;
          generator.initialize(new ECGenParameterSpec(size == 224 ? "secp224r1" : size == 384 ? "secp384r1"
              : size == 521 ? "secp521r1" : "secp256r1"), RANDOM);
          return generator.generateKeyPair();
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** private_key_format "der" (the default) gives the key's own format: SEC 1 or PKCS#1; "pkcs8" gives PKCS#8. */
  private static String privateKeyPem(PrivateKey key, boolean pkcs8) {
    if (!pkcs8) {
      return pem(key);
    }
    try {
      return pem(new JcaPKCS8Generator(key, null).generate());
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    bytes[0] &= 0x7f;
    return bytes;
  }

  /** E.g. {@code 39:dd:2e:90}, as Vault writes serials. */
  static String colonHex(BigInteger serial) {
    byte[] bytes = serial.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return HexFormat.ofDelimiter(":").formatHex(bytes);
  }
}
