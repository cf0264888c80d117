package io.openservicemesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openservicemesh.identity.SdsSecretName.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SdsSecretNameTest {

  @Test
  void serviceCertificateNamesANamespaceAndServiceAccount() {
    SdsSecretName name = SdsSecretName.parse("service-cert:bookstore/bookbuyer");

    assertThat(name.kind()).isEqualTo(Kind.SERVICE_CERT);
    assertThat(name.namespace()).isEqualTo("bookstore");
    assertThat(name.name()).isEqualTo("bookbuyer");
    assertThat(name.serviceAccount()).isEqualTo(new ServiceIdentity("bookbuyer", "bookstore"));
  }

  @Test
  void inboundRootsNameANamespaceAndServiceAccount() {
    SdsSecretName name = SdsSecretName.parse("root-cert-for-mtls-inbound:bookstore/bookbuyer");

    assertThat(name).isEqualTo(new SdsSecretName(Kind.ROOT_CERT_FOR_MTLS_INBOUND, "bookstore", "bookbuyer"));
  }

  @Test
  void outboundRootsNameANamespaceAndService() {
    SdsSecretName name = SdsSecretName.parse("root-cert-for-mtls-outbound:bookstore/bookstore-v2");

    assertThat(name).isEqualTo(new SdsSecretName(Kind.ROOT_CERT_FOR_MTLS_OUTBOUND, "bookstore", "bookstore-v2"));
  }

  @Test
  void serviceAccountMayContainDots() {
    SdsSecretName name = SdsSecretName.parse("service-cert:shop/team.a.bookbuyer");

    assertThat(name.name()).isEqualTo("team.a.bookbuyer");
    assertThat(name.serviceAccount()).isEqualTo(new ServiceIdentity("team.a.bookbuyer", "shop"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "service-cert:bookstore/bookbuyer",
      "root-cert-for-mtls-inbound:bookstore/bookbuyer",
      "root-cert-for-mtls-outbound:bookstore/bookstore",
      "service-cert:shop/team.a.bookbuyer"})
  void toStringIsTheNameEnvoyAskedFor(String secretName) {
    assertThat(SdsSecretName.parse(secretName).toString()).isEqualTo(secretName);
    assertThat(SdsSecretName.parse(SdsSecretName.parse(secretName).toString()))
        .isEqualTo(SdsSecretName.parse(secretName));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "service-cert",
      "service-certbookstore/bookbuyer", // no colon
      "service-cert:bookstore", // no slash
      "service-cert:bookstore/bookbuyer/extra", // two slashes
      "service-cert:bookstore//bookbuyer",
      "client-cert:bookstore/bookbuyer", // unknown prefix
      "Service-Cert:bookstore/bookbuyer",
      ":bookstore/bookbuyer",
      "service-cert:/bookbuyer", // empty namespace
      "service-cert:bookstore/", // empty name
      "service-cert:/",
      "service-cert:Bookstore/bookbuyer", // uppercase
      "service-cert:bookstore/BookBuyer",
      "service-cert:book_store/bookbuyer", // not a DNS label
      "service-cert:book.store/bookbuyer", // a namespace has no dots
      "service-cert:bookstore/-bookbuyer",
      "service-cert:bookstore/bookbuyer-",
      "service-cert:bookstore/book buyer",
      "service-cert: bookstore/bookbuyer",
      "service-cert:bookstore/bookbuyer:x",
      "root-cert-for-mtls-outbound:bookstore/bookstore.",
  })
  void malformedNameIsRefusedQuotingIt(String secretName) {
    assertThatThrownBy(() -> SdsSecretName.parse(secretName))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid certificate string resource format \"" + secretName + "\": ");
  }

  @Test
  void unknownPrefixIsNamedAndTheFormatShown() {
    assertThatThrownBy(() -> SdsSecretName.parse("client-cert:bookstore/bookbuyer"))
        .hasMessageContaining("unknown kind \"client-cert\"")
        .hasMessageContaining("service-cert|root-cert-for-mtls-inbound|root-cert-for-mtls-outbound");
  }

  @Test
  void namespaceTooLongForADnsLabelIsRefused() {
    String name = "service-cert:" + "n".repeat(64) + "/bookbuyer";

    assertThatThrownBy(() -> SdsSecretName.parse(name))
        .hasMessageContaining("invalid certificate string resource format")
        .hasMessageContaining("namespace must be a DNS label");
  }

  @Test
  void longestValidNamespaceIsAccepted() {
    String namespace = "n".repeat(63);

    assertThat(SdsSecretName.parse("service-cert:" + namespace + "/bookbuyer").namespace()).isEqualTo(namespace);
  }
}
