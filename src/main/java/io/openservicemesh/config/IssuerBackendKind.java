package io.openservicemesh.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which certificate authority signs the mesh's certificates. */
public enum IssuerBackendKind {
  /** The built-in CA, whose root lives in a Kubernetes Secret or a local directory. */
  TRESOR("tresor"),
  /** A HashiCorp Vault PKI secrets engine. */
  VAULT("vault"),
  /** A cert-manager Issuer or ClusterIssuer. */
  CERT_MANAGER("cert-manager");

  private final String configName;

  IssuerBackendKind(String configName) {
    this.configName = configName;
  }

  /** The spelling used in configuration, e.g. {@code cert-manager}. */
  public String configName() {
    return configName;
  }

  /** Case-insensitive, as OSM's CLI was. */
  public static Optional<IssuerBackendKind> fromConfigName(String value) {
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(k -> k.configName.equals(wanted)).findFirst();
  }
}
