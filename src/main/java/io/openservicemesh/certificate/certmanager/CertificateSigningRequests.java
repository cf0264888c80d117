package io.openservicemesh.certificate.certmanager;

import io.openservicemesh.certificate.CertificateSpec;
import io.openservicemesh.certificate.X509Builders;
import io.openservicemesh.crypto.CryptoProvider;
import io.openservicemesh.crypto.CryptoProviders;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Builds the PKCS#10 certificate signing request a CertificateRequest carries: subject {@code CN=<cn>,
 * O=Open Service Mesh} (as Tresor's leaves), and an extensionRequest with the DNS and URI SANs and the key
 * usages the request lists. cert-manager requires a CSR's KeyUsage and ExtKeyUsage, when present, to equal the
 * request's {@code spec.usages}; stating them in both places keeps what the issuer signs and what the mesh asked
 * for the same, whichever one an issuer reads.
 */
public final class CertificateSigningRequests {

  /** {@code spec.usages}, in cert-manager's spelling; the CSR's extensions below say the same. */
  static final List<String> USAGES = List.of("digital signature", "key encipherment", "server auth", "client auth");

  private CertificateSigningRequests() {}

  /** The CSR for the spec, signed with the pair's private key, as PEM ("CERTIFICATE REQUEST"). */
  public static String pem(CertificateSpec spec, KeyPair keys) {
    return pem(spec, keys, CryptoProviders.BOUNCYCASTLE);
  }

  /** The same, signed through {@code crypto}. */
  public static String pem(CertificateSpec spec, KeyPair keys, CryptoProvider crypto) {
    return toPem(build(spec, keys, crypto));
  }

  static PKCS10CertificationRequest build(CertificateSpec spec, KeyPair keys) {
    return build(spec, keys, CryptoProviders.BOUNCYCASTLE);
  }

  static PKCS10CertificationRequest build(CertificateSpec spec, KeyPair keys, CryptoProvider crypto) {
    try {
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      GeneralNames sans = subjectAlternativeNames(spec);
      if (sans.getNames().length > 0) {
        extensions.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      extensions.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      extensions.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      ContentSigner signer = crypto.contentSigner(keys.getPrivate());
      return new JcaPKCS10CertificationRequestBuilder(X509Builders.subject(spec.commonName()), keys.getPublic())
          .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
          .build(signer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the extensions of a certificate signing request", e);
    }
  }

  private static GeneralNames subjectAlternativeNames(CertificateSpec spec) {
    List<GeneralName> names = new ArrayList<>();
    for (String dns : spec.dnsNames()) {
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (URI uri : spec.uris()) {
      names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri.toString()));
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static String toPem(PKCS10CertificationRequest csr) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(csr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
