#!/usr/bin/env bash
# Prepares cert-manager to sign the mesh's certificates, as the mission describes ("Using cert-manager"):
#   1. a SelfSigned ClusterIssuer, osm-selfsigned, that makes the mesh's root CA;
#   2. the root CA as a cert-manager Certificate, osm-ca, stored in the Secret osm-ca-root of the OSM namespace;
#   3. an Issuer, osm-ca, in the OSM namespace, signing with that root;
#   4. the root certificate (not its key) in ca.crt of the CA bundle Secret:
#        kubectl create secret -n osm-system generic osm-ca-bundle --from-file ca.crt
# Then install osm-controller with --set OpenServiceMesh.certificateManager=cert-manager.
#
# Needs kubectl pointed at a cluster where cert-manager runs. Settings, from the environment:
#   OSM_NAMESPACE       the OSM namespace (default osm-system; OpenServiceMesh.osmNamespace)
#   CA_BUNDLE_SECRET    the CA bundle Secret (default osm-ca-bundle; OpenServiceMesh.caBundleSecretName)
#   WAIT_TIMEOUT        how long to wait for cert-manager at each step (default 120s)
# With --dry-run, the manifests are only validated by the API server (kubectl apply --dry-run=server); that needs
# cert-manager's CRDs installed, since the API server validates against them.
set -euo pipefail

OSM_NAMESPACE=${OSM_NAMESPACE:-osm-system}
CA_BUNDLE_SECRET=${CA_BUNDLE_SECRET:-osm-ca-bundle}
WAIT_TIMEOUT=${WAIT_TIMEOUT:-120s}
here=$(cd "$(dirname "$0")" && pwd)

die() {
  echo "setup.sh: $*" >&2
  exit 1
}

dry_run=false
case "${1:-}" in
  "") ;;
  --dry-run) dry_run=true ;;
  *) die "usage: setup.sh [--dry-run]" ;;
esac

command -v kubectl >/dev/null || die "kubectl is not installed"
for crd in certificates issuers clusterissuers certificaterequests; do
  kubectl get crd "$crd.cert-manager.io" >/dev/null 2>&1 \
    || die "the cluster has no $crd.cert-manager.io CRD: install cert-manager first (https://cert-manager.io/docs/installation/)"
done

if $dry_run; then
  kubectl apply --dry-run=server -f "$here/selfsigned-clusterissuer.yaml"
  kubectl apply --dry-run=server -n "$OSM_NAMESPACE" -f "$here/ca-certificate.yaml" -f "$here/ca-issuer.yaml"
  echo "the manifests are valid for this cluster (nothing was changed)"
  exit 0
fi

kubectl get namespace "$OSM_NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$OSM_NAMESPACE"

echo "1. SelfSigned ClusterIssuer osm-selfsigned"
kubectl apply -f "$here/selfsigned-clusterissuer.yaml"
kubectl wait --for=condition=Ready clusterissuer/osm-selfsigned --timeout="$WAIT_TIMEOUT"

echo "2. root CA certificate osm-ca in $OSM_NAMESPACE (Secret osm-ca-root)"
kubectl apply -n "$OSM_NAMESPACE" -f "$here/ca-certificate.yaml"
kubectl wait -n "$OSM_NAMESPACE" --for=condition=Ready certificate/osm-ca --timeout="$WAIT_TIMEOUT"

echo "3. CA Issuer osm-ca in $OSM_NAMESPACE"
kubectl apply -n "$OSM_NAMESPACE" -f "$here/ca-issuer.yaml"
kubectl wait -n "$OSM_NAMESPACE" --for=condition=Ready issuer/osm-ca --timeout="$WAIT_TIMEOUT"

echo "4. the root certificate into ca.crt of Secret $OSM_NAMESPACE/$CA_BUNDLE_SECRET"
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
kubectl get secret -n "$OSM_NAMESPACE" osm-ca-root -o jsonpath='{.data.ca\.crt}' | base64 -d > "$workdir/ca.crt"
grep -q "BEGIN CERTIFICATE" "$workdir/ca.crt" || die "Secret $OSM_NAMESPACE/osm-ca-root has no ca.crt yet"
if kubectl get secret -n "$OSM_NAMESPACE" "$CA_BUNDLE_SECRET" >/dev/null 2>&1; then
  existing=$(kubectl get secret -n "$OSM_NAMESPACE" "$CA_BUNDLE_SECRET" -o jsonpath='{.data.ca\.crt}' | base64 -d)
  if [ "$existing" = "$(cat "$workdir/ca.crt")" ]; then
    echo "Secret $OSM_NAMESPACE/$CA_BUNDLE_SECRET already holds this root"
  else
    die "Secret $OSM_NAMESPACE/$CA_BUNDLE_SECRET exists with another ca.crt; to replace it, run
  kubectl delete secret -n $OSM_NAMESPACE $CA_BUNDLE_SECRET
and this script again (every mesh certificate then chains to the new root)"
  fi
else
  # The mission's command, run where the file is called ca.crt, so that the Secret's key is ca.crt.
  (cd "$workdir" && kubectl create secret -n "$OSM_NAMESPACE" generic "$CA_BUNDLE_SECRET" --from-file ca.crt)
fi

cat <<DONE
cert-manager is ready to sign mesh certificates. Install osm-controller into $OSM_NAMESPACE with
  helm install osm-controller kubernetes/osm-controller -n $OSM_NAMESPACE \\
    --set OpenServiceMesh.certificateManager=cert-manager \\
    --set OpenServiceMesh.caBundleSecretName=$CA_BUNDLE_SECRET
(issuerName osm-ca, issuerKind Issuer and issuerGroup cert-manager.io are the defaults). Its requests:
  kubectl get certificaterequests -n $OSM_NAMESPACE -l app.kubernetes.io/name=openservicemesh.io
DONE
