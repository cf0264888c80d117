package io.openservicemesh.lifecycle;

import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The settings a running control plane cannot follow: they choose the CA, where its root lives, or the
 * names in certificates, or the timer's period; SDS reads its settings from those it started with. A change to them is reported and waits for a restart;
 * validity, key algorithm and the renewal policy apply at each certificate's next renewal.
 */
final class RestartOnlySettings {

  /** @param name a key, or a group of keys such as {@code OpenServiceMesh.vault.*} */
  private record Watched(String name, Function<MeshSettings, Object> value) {

    Watched(Setting setting, Function<MeshSettings, Object> value) {
      this(setting.key(), value);
    }
  }

  private static final List<Watched> WATCHED = List.of(
      new Watched(Setting.CERTIFICATE_MANAGER, MeshSettings::certificateManager),
      new Watched(Setting.CA_BUNDLE_SECRET_NAME, MeshSettings::caBundleSecretName),
      new Watched(Setting.OSM_NAMESPACE, MeshSettings::osmNamespace),
      new Watched(Setting.TRUST_DOMAIN, MeshSettings::trustDomain),
      new Watched(Setting.CA_VALIDITY_DURATION, MeshSettings::caValidity),
      new Watched(Setting.CA_KEY_ALGORITHM, MeshSettings::caKey),
      new Watched(Setting.CERT_CLOCK_SKEW_ALLOWANCE, MeshSettings::clockSkewAllowance),
      new Watched(Setting.LOCAL_CA_BUNDLE_DIRECTORY, MeshSettings::localCaBundleDirectory),
      new Watched("OpenServiceMesh.vault.*", MeshSettings::vault),
      new Watched("OpenServiceMesh.certmanager.*", MeshSettings::certManager),
      new Watched("OpenServiceMesh.sds.*", MeshSettings::sds),
      new Watched(Setting.ROTATION_CHECK_INTERVAL, s -> s.rotation().checkInterval()));

  private RestartOnlySettings() {}

  /** The keys (Vault, cert-manager and SDS settings as groups) whose values differ. */
  static List<String> changed(MeshSettings running, MeshSettings fresh) {
    List<String> keys = new ArrayList<>();
    for (Watched watched : WATCHED) {
      if (!Objects.equals(watched.value().apply(running), watched.value().apply(fresh))) {
        keys.add(watched.name());
      }
    }
    return keys;
  }
}
