package io.openservicemesh.validator;

import io.kubernetes.client.openapi.models.AdmissionregistrationV1ServiceReference;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1RuleWithOperations;
import io.kubernetes.client.openapi.models.V1ValidatingWebhook;
import io.kubernetes.client.openapi.models.V1ValidatingWebhookConfiguration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The ValidatingWebhookConfiguration {@code <webhookConfigNamePrefix>-validator-<osm-ns>} the control plane creates when the
 * installation did not: ConfigMap CREATE and UPDATE in the OSM namespace (selected by the namespace's
 * {@code kubernetes.io/metadata.name} label) go to the validator through the {@code osm-config-validator} Service.
 * The webhook itself lets every object but {@code osm-config} through.
 */
public final class ValidatorWebhookConfiguration {

  public static final String WEBHOOK_NAME = "config-validator.openservicemesh.io";
  public static final String PATH = "/validate-webhook";
  static final int SERVICE_PORT = 9443;

  private ValidatorWebhookConfiguration() {}

  public static V1ValidatingWebhookConfiguration template(String name, String osmNamespace, String rootsPem) {
    V1ValidatingWebhook webhook = new V1ValidatingWebhook()
        .name(WEBHOOK_NAME)
        .clientConfig(new AdmissionregistrationV1WebhookClientConfig()
            .service(new AdmissionregistrationV1ServiceReference()
                .name("osm-config-validator").namespace(osmNamespace).path(PATH).port(SERVICE_PORT))
            .caBundle(rootsPem.getBytes(StandardCharsets.UTF_8)))
        .rules(List.of(new V1RuleWithOperations()
            .operations(List.of("CREATE", "UPDATE")).apiGroups(List.of("")).apiVersions(List.of("v1"))
            .resources(List.of("configmaps")).scope("Namespaced")))
        .namespaceSelector(new V1LabelSelector().matchExpressions(List.of(new V1LabelSelectorRequirement()
            .key("kubernetes.io/metadata.name").operator("In").values(List.of(osmNamespace)))))
        .failurePolicy("Fail")
        .sideEffects("None")
        .admissionReviewVersions(List.of("v1"))
        .timeoutSeconds(10);
    return new V1ValidatingWebhookConfiguration()
        .metadata(new V1ObjectMeta().name(name).labels(Map.of("app.kubernetes.io/name", "openservicemesh.io")))
        .webhooks(List.of(webhook));
  }
}
