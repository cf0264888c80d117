package io.openservicemesh.lifecycle;

import io.openservicemesh.config.MeshSettings;
import io.openservicemesh.config.RotationSettings;
import io.openservicemesh.config.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The settings a running control plane cannot follow: they choose the CA, where its root lives, or the
 * names in certificates, or the timer's period; SDS reads its settings from those it started with; the webhook
 * configuration names and serving names are fixed with the serving certificate. A change to them is reported
 * and waits for a restart;
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
      new Watched(Setting.ROTATION_CHECK_INTERVAL, s -> s.rotation().checkInterval()),
      new Watched(Setting.WEBHOOK_CONFIG_NAME_PREFIX, s -> s.webhooks().configNamePrefix()),
      new Watched(Setting.WEBHOOK_EXTRA_SERVING_NAMES, s -> s.webhooks().extraServingNames()));

  private RestartOnlySettings() {}

  /**
   * The settings a running control plane works with: every restart-only value as it started (listed above),
   * every other one as now configured. Kept in step with {@link #WATCHED}.
   */
  static MeshSettings inForce(MeshSettings startup, MeshSettings current) {
    return new MeshSettings(
        startup.certificateManager(),
        startup.caBundleSecretName(),
        startup.osmNamespace(),
        startup.trustDomain(),
        current.serviceCertValidity(),
        startup.caValidity(),
        current.certKey(),
        startup.caKey(),
        startup.clockSkewAllowance(),
        startup.localCaBundleDirectory(),
        startup.vault(),
        startup.certManager(),
        startup.sds(),
        current.internalCertValidity(),
        new RotationSettings(
            startup.rotation().checkInterval(),
            current.rotation().renewBeforeFraction(),
            current.rotation().jitterFraction(),
            current.rotation().allowShortValidity()),
        current.injector(),
        startup.webhooks());
  }

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
