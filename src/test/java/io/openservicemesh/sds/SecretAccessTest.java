package io.openservicemesh.sds;

import io.openservicemesh.identity.SdsSecretName;
import static org.assertj.core.api.Assertions.assertThat;

import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.identity.ServiceIdentity;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretAccessTest {

  private static final ProxyIdentity BOOKBUYER =
      new ProxyIdentity(UUID.fromString("3c1a3f0e-6f5e-4c1b-9a8e-2b7d5f0c9e41"),
          new ServiceIdentity("bookbuyer", "bookstore"));

  @ParameterizedTest
  @ValueSource(strings = {"service-cert:bookstore/bookbuyer", "root-cert-for-mtls-inbound:bookstore/bookbuyer"})
  void proxyMayHaveItsOwnIdentitysSecrets(String secret) {
    assertThat(SecretAccess.denial(BOOKBUYER, SdsSecretName.parse(secret))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "service-cert:bookstore/bookthief", // same namespace, other account
      "service-cert:other/bookbuyer", // same account name, other namespace
      "root-cert-for-mtls-inbound:bookstore/bookthief",
      "root-cert-for-mtls-inbound:other/bookbuyer"})
  void anotherIdentitysSecretsAreDeniedNamingBothIdentities(String secret) {
    SdsSecretName name = SdsSecretName.parse(secret);

    assertThat(SecretAccess.denial(BOOKBUYER, name)).hasValueSatisfying(message -> assertThat(message)
        .contains(BOOKBUYER.commonName())
        .contains("service account bookstore/bookbuyer")
        .contains(secret)
        .contains("belongs to service account " + name.namespace() + "/" + name.name()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "root-cert-for-mtls-outbound:bookstore/bookstore",
      "root-cert-for-mtls-outbound:bookstore/bookbuyer",
      "root-cert-for-mtls-outbound:other/payments"})
  void outboundRootsOfAnyServiceAreAllowed(String secret) {
    assertThat(SecretAccess.denial(BOOKBUYER, SdsSecretName.parse(secret))).isEmpty();
  }
}
