package io.openservicemesh.injector;

import io.kubernetes.client.openapi.models.AdmissionregistrationV1ServiceReference;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1RuleWithOperations;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The MutatingWebhookConfiguration the control plane creates when the installation did not: pod creation in
 * namespaces labelled {@code openservicemesh.io/monitored-by} goes to the injector through the
 * {@code osm-controller} Service. failurePolicy Fail: a pod that should be meshed is refused rather than
 * started without its sidecar; the label keeps system namespaces out, so a down control plane cannot block
 * the cluster's own pods.
 */
public final class InjectorWebhookConfiguration {

  public static final String WEBHOOK_NAME = "sidecar-injector.openservicemesh.io";
  public static final String PATH = "/mutate-pod-creation";
  static final int SERVICE_PORT = 9443;
  static final int TIMEOUT_SECONDS = 10;

  private InjectorWebhookConfiguration() {}

  public static V1MutatingWebhookConfiguration template(String name, String osmNamespace, String rootsPem) {
    V1MutatingWebhook webhook = new V1MutatingWebhook()
        .name(WEBHOOK_NAME)
        .clientConfig(new AdmissionregistrationV1WebhookClientConfig()
            .service(new AdmissionregistrationV1ServiceReference()
                .name("osm-controller").namespace(osmNamespace).path(PATH).port(SERVICE_PORT))
            .caBundle(rootsPem.getBytes(StandardCharsets.UTF_8)))
        .rules(List.of(new V1RuleWithOperations()
            .operations(List.of("CREATE")).apiGroups(List.of("")).apiVersions(List.of("v1"))
            .resources(List.of("pods")).scope("Namespaced")))
        .namespaceSelector(new V1LabelSelector().matchExpressions(List.of(
            new V1LabelSelectorRequirement().key(NamespaceFacts.MONITORED_BY).operator("Exists"))))
        .failurePolicy("Fail")
        .sideEffects("NoneOnDryRun")
        .admissionReviewVersions(List.of("v1"))
        .timeoutSeconds(TIMEOUT_SECONDS)
        .reinvocationPolicy("Never");
    return new V1MutatingWebhookConfiguration()
        .metadata(new V1ObjectMeta().name(name).labels(Map.of("app.kubernetes.io/name", "openservicemesh.io")))
        .webhooks(List.of(webhook));
  }
}
