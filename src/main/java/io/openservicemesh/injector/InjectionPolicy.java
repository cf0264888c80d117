package io.openservicemesh.injector;

import io.openservicemesh.identity.ProxyIdentity;
import io.openservicemesh.injector.InjectionDecision.Inject;
import io.openservicemesh.injector.InjectionDecision.Refuse;
import io.openservicemesh.injector.InjectionDecision.Skip;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The decision table of the injector, in this order:
 * <ol>
 *   <li>pods of kube-system, kube-public and the OSM namespace are never injected (the control plane must not
 *       depend on its own sidecars; the system namespaces are not the mesh's);</li>
 *   <li>host-network pods are skipped: redirecting the node's traffic through one pod's Envoy would capture
 *       every process on the node;</li>
 *   <li>a pod already injected (label {@code osm-proxy-uuid} or a container named {@code envoy}) is admitted
 *       unchanged, so a re-sent admission never adds a second sidecar;</li>
 *   <li>a namespace that is not part of the mesh (its Namespace object, read from the API server, lacks the
 *       label {@code openservicemesh.io/monitored-by}) is skipped whatever the request says: the webhook
 *       configuration's selector keeps the API server from sending such pods, so one arriving is a request
 *       from someone else, and must not get a credential or a Secret written;</li>
 *   <li>the pod's own annotation, else its namespace's, else the configured default decides. A value outside
 *       the accepted words refuses the pod rather than guessing what the operator meant.</li>
 * </ol>
 * The namespace is read for every pod (and cached briefly): membership is never taken from the request.
 */
public final class InjectionPolicy {

  public static final String SIDECAR_CONTAINER = "envoy";
  static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public");

  private final String osmNamespace;
  private final boolean injectByDefault;

  public InjectionPolicy(String osmNamespace, boolean injectByDefault) {
    this.osmNamespace = osmNamespace;
    this.injectByDefault = injectByDefault;
  }

  /** Reads the pod's namespace from the API server. */
  @FunctionalInterface
  public interface NamespaceLookup {
    NamespaceFacts facts(String namespace) throws InjectionException;
  }

  /**
   * @throws InjectionException when the namespace could not be read
   */
  public InjectionDecision decide(AdmittedPod pod, NamespaceLookup namespaces) throws InjectionException {
    String namespace = pod.namespace();
    if (SYSTEM_NAMESPACES.contains(namespace)) {
      return new Skip("namespace " + namespace + " is a Kubernetes system namespace");
    }
    if (namespace.equals(osmNamespace)) {
      return new Skip("namespace " + namespace + " is the control plane's own");
    }
    if (pod.hostNetwork()) {
      return new Skip("the pod uses the host's network");
    }
    if (!pod.hasSpecArray("containers")) {
      // Not a valid pod: the API server's validation, which runs after the webhooks, will say so.
      return new Skip("the pod has no containers");
    }
    if (pod.labels().containsKey(ProxyIdentity.POD_LABEL) || pod.hasContainerNamed(SIDECAR_CONTAINER)) {
      return new Skip("the pod already has a sidecar");
    }
    NamespaceFacts facts = namespaces.facts(namespace);
    if (!facts.inMesh()) {
      return new Skip("namespace " + namespace + " is not part of the mesh: its Namespace object has no label "
          + NamespaceFacts.MONITORED_BY);
    }
    Optional<String> onPod = Optional.ofNullable(pod.annotations().get(InjectionAnnotation.NAME));
    if (onPod.isPresent()) {
      return fromAnnotation(onPod.get(), "pod " + namespace + "/" + pod.displayName());
    }
    Optional<String> onNamespace = Optional.ofNullable(facts.annotations().get(InjectionAnnotation.NAME));
    if (onNamespace.isPresent()) {
      return fromAnnotation(onNamespace.get(), "namespace " + namespace);
    }
    return injectByDefault
        ? new Inject("no annotation on the pod or its namespace, and injection is enabled by default")
        : new Skip("no annotation on the pod or its namespace, and injection is disabled by default");
  }

  private static InjectionDecision fromAnnotation(String value, String where) {
    Optional<Boolean> inject = InjectionAnnotation.parse(value);
    if (inject.isEmpty()) {
      return new Refuse("annotation " + InjectionAnnotation.NAME + " on " + where + " must be one of "
          + InjectionAnnotation.ACCEPTED + ", got \"" + clip(value) + "\"");
    }
    return inject.get()
        ? new Inject("annotation " + InjectionAnnotation.NAME + "=" + value + " on " + where)
        : new Skip("annotation " + InjectionAnnotation.NAME + "=" + value + " on " + where);
  }

  private static String clip(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }
}
