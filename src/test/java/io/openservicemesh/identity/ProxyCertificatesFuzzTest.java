package io.openservicemesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDS server learns who a proxy is from its client certificate alone, through
 * {@link ProxyCertificates#identityOf}; the subject's common name and the URI SANs are the text it reads. Whatever
 * they hold, it either returns a proxy or throws an IllegalArgumentException (which the server turns into a
 * refusal), and a proxy it returns is one the certificate names: its common name is a CN of the subject or its
 * SPIFFE id a URI SAN. Beyond that, a certificate that still carries the original proxy's exact name anywhere is
 * never read as another proxy: a certificate naming two proxies is refused rather than read as either.
 *
 * <p>Certificates are real: mutations of a bootstrap certificate's CN, URI SANs and DNS SANs (as the mesh issues
 * them), and of the subject's shape (no CN, two CNs, a CN sharing its RDN with another attribute), signed with one
 * key made once, then parsed both by the JDK (as TLS hands them over) and by BouncyCastle. The seed is fixed so a
 * failure can be replayed.
 */
class ProxyCertificatesFuzzTest {

  private static final String TRUST_DOMAIN = "cluster.local";
  private static final List<ProxyIdentity> SEEDS = List.of(
      new ProxyIdentity(UUID.fromString("3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41"),
          new ServiceIdentity("bookbuyer", "bookstore")),
      new ProxyIdentity(UUID.fromString("8d2b4a1f-0c3e-4f5a-b6c7-d8e9f0a1b2c3"),
          new ServiceIdentity("team.a.bookthief", "shop")));

  /**
   * What an edit may put in: the characters of valid names (so many mutations are other valid proxies, the
   * dangerous case), upper case, separators of URIs and names, characters X.500 strings escape, and non-ASCII
   * look-alikes (a dotless i and a Kelvin sign lower-case to ASCII letters; an emoji is two UTF-16 units).
   */
  private static final String[] ALPHABET = {
      "a", "f", "0", "9", "g", "-", ".", "/", ":", "A", "F", "%", "_", " ", ",", "+", "=", "\\", "#", "\"",
      "\u0131", "\u212A", "\uD83D\uDE00"};

  private static final X500Name ISSUER = new X500Name("CN=fuzz-issuer");
  private static KeyPair keys;
  private static ContentSigner signer;
  private static List<CertificateFactory> factories;

  @BeforeAll
  static void oneKeyForAllCertificates() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    keys = generator.generateKeyPair();
    signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
    factories = List.of(
        CertificateFactory.getInstance("X.509"),
        CertificateFactory.getInstance("X.509", new BouncyCastleProvider()));
  }

  @Test
  void mutatedBootstrapCertificatesAreReadAsTheProxyTheyNameOrRefused() throws Exception {
    Random random = new Random(20261130L);
    int[] outcomes = new int[2]; // refused, read
    for (int round = 0; round < 2_000; round++) {
      ProxyIdentity seed = SEEDS.get(random.nextInt(SEEDS.size()));
      ProxyIdentity other = SEEDS.get(1 - SEEDS.indexOf(seed));
      byte[] der = certificate(subject(seed, other, random), sans(seed, random));
      Names names = namesIn(der);
      for (CertificateFactory factory : factories) {
        X509Certificate certificate =
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        String described = "round " + round + " (" + factory.getProvider().getName() + "): " + names;
        outcomes[check(certificate, names, seed, described)]++;
      }
    }
    // Both outcomes must be common, or the rounds tested less than they seem to.
    assertThat(outcomes[0]).as("refused").isGreaterThan(400);
    assertThat(outcomes[1]).as("read").isGreaterThan(400);
  }

  /**
   * Cases the rounds above found, each once by name: before they were fixed, each certificate was read as a
   * proxy other than the one it names (or as one of two it names).
   */
  @Test
  void certificatesTheFuzzingFoundMisreadAreRefused() throws Exception {
    ProxyIdentity seed = SEEDS.get(0);
    ProxyIdentity other = SEEDS.get(1);
    // A CN sharing its RDN with an OU naming another proxy: DER sorts the shorter attribute first, here the OU,
    // and the RDN's first attribute was read as its CN.
    X500Name cnBesideAnOu = new X500NameBuilder(BCStyle.INSTANCE).addMultiValuedRDN(new AttributeTypeAndValue[] {
        new AttributeTypeAndValue(BCStyle.CN, utf8("an-operator-chosen-name-longer-than-the-proxy-name.example.com")),
        new AttributeTypeAndValue(BCStyle.OU, utf8(other.commonName()))}).build();
    // Two CNs naming different proxies: only the first was read (and compared with the URI, if any).
    X500Name twoCns = commonNames(other.commonName(), seed.commonName());
    List<byte[]> certificates = List.of(
        certificate(cnBesideAnOu, null),
        certificate(twoCns, null),
        certificate(twoCns, uris(seed.spiffeId("other.mesh"))),
        // Two SPIFFE URIs of different proxies, and a CN naming none: the first URI was read.
        certificate(commonNames("not-a-proxy"), uris(other.spiffeId(TRUST_DOMAIN), seed.spiffeId(TRUST_DOMAIN))),
        // A URI the JDK cannot parse hides every SAN, the SPIFFE URI too, so the CN of another proxy was read.
        certificate(commonNames(other.commonName()), uris("s\"p", seed.spiffeId(TRUST_DOMAIN))));
    for (byte[] der : certificates) {
      Names names = namesIn(der);
      for (CertificateFactory factory : factories) {
        X509Certificate certificate =
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        String described = factory.getProvider().getName() + ": " + names;
        assertThat(check(certificate, names, seed, described)).as("%s: read, not refused", described).isZero();
      }
    }
    // The unchanged certificate is still read.
    X509Certificate valid = (X509Certificate) factories.get(0).generateCertificate(
        new ByteArrayInputStream(certificate(commonNames(seed.commonName()), uris(seed.spiffeId(TRUST_DOMAIN)))));
    assertThat(ProxyCertificates.identityOf(valid, TRUST_DOMAIN)).isEqualTo(seed);
  }

  /**
   * Checks the contract for one certificate, against the names read from its encoding.
   *
   * @return 1 when a proxy was read, 0 when the certificate was refused
   */
  private static int check(X509Certificate certificate, Names names, ProxyIdentity seed, String described) {
    List<String> commonNames = names.commonNames();
    List<String> uris = names.uris();
    ProxyIdentity read;
    try {
      read = ProxyCertificates.identityOf(certificate, TRUST_DOMAIN);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).as(described).isNotBlank();
      return 0;
    } catch (RuntimeException other) {
      fail(described + ": " + other + " escaped", other);
      return 0;
    }
    assertThat(read).as(described).isNotNull();
    assertThat(commonNames.contains(read.commonName()) || uris.contains(read.spiffeId(TRUST_DOMAIN)))
        .as("%s: read as %s, which the certificate does not name", described, read.commonName())
        .isTrue();
    if (commonNames.contains(seed.commonName()) || uris.contains(seed.spiffeId(TRUST_DOMAIN))) {
      assertThat(read).as("%s: names %s, read as another proxy", described, seed.commonName()).isEqualTo(seed);
    }
    return 1;
  }

  /**
   * {@code O=Open Service Mesh, CN=<cn>} as the mesh writes it, usually with the CN mutated; sometimes with no
   * CN, with a second CN, or with the CN sharing a multi-valued RDN with an attribute naming another proxy.
   */
  private static X500Name subject(ProxyIdentity seed, ProxyIdentity other, Random random) {
    String cn = random.nextInt(4) == 0 ? seed.commonName() : mutate(seed.commonName(), seed, random);
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, utf8("Open Service Mesh"));
    switch (random.nextInt(8)) {
      case 0 -> { } // no CN at all
      case 1 -> { // two CNs, one of them possibly the seed's, in either order
        List<String> both = new ArrayList<>(List.of(cn, mutate(seed.commonName(), seed, random)));
        Collections.shuffle(both, random);
        builder.addRDN(BCStyle.CN, utf8(both.get(0))).addRDN(BCStyle.CN, utf8(both.get(1)));
      }
      case 2 -> builder.addMultiValuedRDN(new AttributeTypeAndValue[] {
          new AttributeTypeAndValue(BCStyle.CN, utf8(cn)),
          new AttributeTypeAndValue(BCStyle.OU, utf8(other.commonName()))});
      default -> builder.addRDN(BCStyle.CN, utf8(cn));
    }
    return builder.build();
  }

  /**
   * The SANs the mesh writes: a DNS name like the CN and the SPIFFE URI. Usually the URI is mutated; sometimes it
   * is dropped, given twice (mutated beside the seed's or beside another mutation), given after a URI of another
   * trust domain, or replaced by a mutated service URI.
   */
  private static GeneralNames sans(ProxyIdentity seed, Random random) {
    String uri = seed.spiffeId(TRUST_DOMAIN);
    List<GeneralName> names = new ArrayList<>();
    if (random.nextBoolean()) {
      String dns = random.nextInt(3) == 0 ? mutate(seed.commonName(), seed, random) : seed.commonName();
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    switch (random.nextInt(8)) {
      case 0 -> { } // no URI
      case 1 -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
      case 2 -> { // two URIs, one of them possibly the seed's, in either order
        List<String> both = new ArrayList<>(List.of(
            mutate(uri, seed, random), random.nextBoolean() ? uri : mutate(uri, seed, random)));
        Collections.shuffle(both, random);
        both.forEach(each -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, each)));
      }
      case 3 -> {
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, seed.spiffeId("other.mesh")));
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, mutate(uri, seed, random)));
      }
      case 4 -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier,
          mutate(seed.service().spiffeId(TRUST_DOMAIN), seed, random)));
      default -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, mutate(uri, seed, random)));
    }
    return names.isEmpty() ? null : new GeneralNames(names.toArray(GeneralName[]::new));
  }

  /**
   * One to three edits: a character replaced, inserted or deleted, the text cut short, the UUID swapped for
   * another, a dot or slash doubled, or two dot-separated parts swapped (which may name another valid proxy).
   */
  private static String mutate(String text, ProxyIdentity seed, Random random) {
    StringBuilder mutated = new StringBuilder(text);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = mutated.length() == 0 ? 0 : random.nextInt(mutated.length());
      switch (random.nextInt(8)) {
        case 0, 1 -> {
          if (mutated.length() > 0) {
            mutated.replace(at, at + 1, ALPHABET[random.nextInt(ALPHABET.length)]);
          }
        }
        case 2 -> mutated.insert(at, ALPHABET[random.nextInt(ALPHABET.length)]);
        case 3 -> {
          if (mutated.length() > 0) {
            mutated.deleteCharAt(at);
          }
        }
        case 4 -> mutated.setLength(at);
        case 5 -> {
          String uuid = seed.uuid().toString();
          int from = mutated.indexOf(uuid);
          if (from >= 0) {
            mutated.replace(from, from + uuid.length(), new UUID(random.nextLong(), random.nextLong()).toString());
          }
        }
        case 6 -> {
          int separator = mutated.indexOf(random.nextBoolean() ? "." : "/", at);
          if (separator >= 0) {
            mutated.insert(separator, mutated.charAt(separator));
          }
        }
        default -> {
          String[] parts = mutated.toString().split("\\.", -1);
          if (parts.length >= 3) {
            int i = 1 + random.nextInt(parts.length - 1);
            int j = 1 + random.nextInt(parts.length - 1);
            String swapped = parts[i];
            parts[i] = parts[j];
            parts[j] = swapped;
            mutated.replace(0, mutated.length(), String.join(".", parts));
          }
        }
      }
    }
    return mutated.toString();
  }

  private static byte[] certificate(X500Name subject, GeneralNames sans) throws Exception {
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(ISSUER, BigInteger.ONE,
        new Date(0), new Date(4_102_444_800_000L), subject,
        SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
    if (sans != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, sans);
    }
    return builder.build(signer).getEncoded();
  }

  /** The names a certificate holds: every CN attribute of its subject and every URI SAN. */
  private record Names(List<String> commonNames, List<String> uris) {
    @Override
    public String toString() {
      return "CN " + commonNames + ", URIs " + uris;
    }
  }

  /** Reads the names from the encoding with BouncyCastle's ASN.1 classes, not through the code under test. */
  private static Names namesIn(byte[] der) throws Exception {
    X509CertificateHolder holder = new X509CertificateHolder(der);
    List<String> commonNames = new ArrayList<>();
    for (RDN rdn : holder.getSubject().getRDNs()) {
      for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
        if (attribute.getType().equals(BCStyle.CN) && attribute.getValue() instanceof ASN1String value) {
          commonNames.add(value.getString());
        }
      }
    }
    Extensions extensions = holder.getExtensions();
    GeneralNames sans =
        extensions == null ? null : GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
    List<String> uris = new ArrayList<>();
    if (sans != null) {
      for (GeneralName name : sans.getNames()) {
        if (name.getTagNo() == GeneralName.uniformResourceIdentifier) {
          uris.add(ASN1IA5String.getInstance(name.getName()).getString());
        }
      }
    }
    return new Names(commonNames, uris);
  }

  private static X500Name commonNames(String... commonNames) {
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
    Arrays.stream(commonNames).forEach(cn -> builder.addRDN(BCStyle.CN, utf8(cn)));
    return builder.build();
  }

  private static GeneralNames uris(String... uris) {
    return new GeneralNames(Arrays.stream(uris)
        .map(uri -> new GeneralName(GeneralName.uniformResourceIdentifier, uri))
        .toArray(GeneralName[]::new));
  }

  private static ASN1Encodable utf8(String value) {
    return new DERUTF8String(value);
  }
}
