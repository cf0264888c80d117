#!/usr/bin/env bash
# Shows what the control plane gave an injected pod, and checks it against the mesh root:
#
#   ./demo/check-injection.sh NAMESPACE LABEL_SELECTOR        e.g. ./demo/check-injection.sh bookstore app=bookstore
#
#   1. the pod has the Envoy sidecar (container envoy) and the traffic redirection init container (osm-init);
#   2. its label osm-proxy-uuid names its bootstrap Secret, envoy-bootstrap-config-<uuid>, in the pod's namespace;
#   3. the xDS bootstrap certificate in that Secret is for <uuid>.<service account>.<namespace>, and chains to the
#      mesh root: ca.crt of the CA bundle Secret (openssl verify). Its subject, SANs and validity are printed.
#
# Optional: OSM_NAMESPACE (default osm-system) and CA_BUNDLE_SECRET (default osm-ca-bundle) locate the CA bundle.
# Needs kubectl, openssl and base64. Exits non-zero, naming the check, when one fails.
set -euo pipefail

OSM_NAMESPACE=${OSM_NAMESPACE:-osm-system}
CA_BUNDLE_SECRET=${CA_BUNDLE_SECRET:-osm-ca-bundle}

die() {
  echo "check-injection.sh: $*" >&2
  exit 1
}

[ $# -eq 2 ] || die "usage: check-injection.sh NAMESPACE LABEL_SELECTOR (e.g. bookstore app=bookstore)"
namespace=$1
selector=$2

pod=$(kubectl get pods -n "$namespace" -l "$selector" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)
[ -n "$pod" ] || die "no pod labelled $selector in namespace $namespace"
field() {
  kubectl get pod -n "$namespace" "$pod" -o jsonpath="$1"
}

containers=" $(field '{.spec.containers[*].name}') "
init_containers=" $(field '{.spec.initContainers[*].name}') "
case "$containers" in
  *" envoy "*) ;;
  *) die "pod $namespace/$pod has no envoy container (containers:$containers). Was it created before its namespace
joined the mesh, or is the injector down? kubectl get mutatingwebhookconfigurations; then
kubectl rollout restart deployment -n $namespace" ;;
esac
case "$init_containers" in
  *" osm-init "*) ;;
  *) die "pod $namespace/$pod has no osm-init init container (init containers:$init_containers)" ;;
esac
echo "pod $namespace/$pod: containers$containers| init containers$init_containers"

uuid=$(field '{.metadata.labels.osm-proxy-uuid}')
[ -n "$uuid" ] || die "pod $namespace/$pod has no osm-proxy-uuid label"
account=$(field '{.spec.serviceAccountName}')
account=${account:-default}
secret="envoy-bootstrap-config-$uuid"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The Secret holds the bootstrap certificate chain, leaf first, as the file Envoy loads (xds-client.crt).
kubectl get secret -n "$namespace" "$secret" -o jsonpath='{.data.xds-client\.crt}' | base64 -d > "$work/chain.pem" \
  || die "cannot read the bootstrap Secret $namespace/$secret"
grep -q 'BEGIN CERTIFICATE' "$work/chain.pem" || die "Secret $namespace/$secret holds no xds-client.crt"

echo "xDS bootstrap certificate (Secret $namespace/$secret):"
openssl x509 -in "$work/chain.pem" -noout -subject -issuer -dates -ext subjectAltName | sed 's/^/  /'
subject=$(openssl x509 -in "$work/chain.pem" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= *//p')
[ "$subject" = "$uuid.$account.$namespace" ] \
  || die "the certificate is for '$subject', not for this pod ($uuid.$account.$namespace)"

kubectl get secret -n "$OSM_NAMESPACE" "$CA_BUNDLE_SECRET" -o jsonpath='{.data.ca\.crt}' | base64 -d > "$work/ca.crt" \
  || die "cannot read ca.crt of Secret $OSM_NAMESPACE/$CA_BUNDLE_SECRET"
echo "mesh root (Secret $OSM_NAMESPACE/$CA_BUNDLE_SECRET):"
openssl x509 -in "$work/ca.crt" -noout -subject -enddate | sed 's/^/  /'
openssl verify -CAfile "$work/ca.crt" -untrusted "$work/chain.pem" "$work/chain.pem" >/dev/null \
  || die "the bootstrap certificate of $namespace/$pod does not chain to the mesh root"
echo "OK: the bootstrap certificate of $namespace/$pod is for $uuid.$account.$namespace and chains to the mesh root"
