#!/usr/bin/env bash
# Deploys the bookstore demo into a cluster where osm-controller runs: namespaces bookstore and bookbuyer, joined to
# the mesh (label openservicemesh.io/monitored-by, annotation openservicemesh.io/sidecar-injection: enabled), with a
# bookstore server and a bookbuyer client. Their pods get an Envoy sidecar and an xDS bootstrap certificate from the
# control plane; check-injection.sh then shows each pod's certificate and checks it against the mesh root.
#
#   ./demo/deploy-bookstore.sh
#
# Optional:
#   OSM_NAMESPACE=osm-system      where the control plane runs (its CA bundle Secret is read for the check)
#   CA_BUNDLE_SECRET=osm-ca-bundle
#   WAIT_TIMEOUT=180s             how long to wait for each Deployment
#   DRY_RUN=server                validate every object with the API server, change nothing
set -euo pipefail

OSM_NAMESPACE=${OSM_NAMESPACE:-osm-system}
CA_BUNDLE_SECRET=${CA_BUNDLE_SECRET:-osm-ca-bundle}
WAIT_TIMEOUT=${WAIT_TIMEOUT:-180s}
DRY_RUN=${DRY_RUN:-}
here=$(cd "$(dirname "$0")" && pwd)

case "$DRY_RUN" in
  "" | server) ;;
  *) echo "DRY_RUN must be empty or 'server', got '$DRY_RUN'" >&2; exit 2 ;;
esac
dry_run_args=()
if [ -n "$DRY_RUN" ]; then
  dry_run_args=(--dry-run=server)
fi

log() { printf '==> %s\n' "$*"; }

command -v kubectl >/dev/null || { echo "kubectl is not installed" >&2; exit 1; }

log "namespaces bookstore and bookbuyer, joined to the mesh"
kubectl apply "${dry_run_args[@]}" -f "$here/bookstore/namespaces.yaml"

log "bookstore (server) and bookbuyer (client)"
kubectl apply "${dry_run_args[@]}" -f "$here/bookstore/bookstore.yaml" -f "$here/bookstore/bookbuyer.yaml"

if [ -n "$DRY_RUN" ]; then
  echo "dry run: every object is valid for this cluster; nothing was changed"
  exit 0
fi

for app in bookstore bookbuyer; do
  log "waiting for deployment/$app in namespace $app"
  kubectl rollout status "deployment/$app" -n "$app" --timeout="$WAIT_TIMEOUT"
done

for app in bookstore bookbuyer; do
  log "what the control plane gave $app"
  OSM_NAMESPACE=$OSM_NAMESPACE CA_BUNDLE_SECRET=$CA_BUNDLE_SECRET bash "$here/check-injection.sh" "$app" "app=$app"
done
