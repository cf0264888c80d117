#!/usr/bin/env bash
# Deploys HashiCorp Vault in dev mode into $K8S_NAMESPACE and sets it up as the mesh's CA, for
# demonstrations and CI only (dev mode keeps everything in memory: a restarted pod has a new, empty Vault).
#
#   export K8S_NAMESPACE=osm-system-ns   # where Vault runs (created if missing)
#   export VAULT_TOKEN=xyz               # the dev server's root token
#   ./demo/deploy-vault.sh
#
# Optional:
#   VAULT_ROLE=openservicemesh           the PKI role that issues mesh certificates
#   VAULT_ALLOWED_URI_SANS=spiffe://cluster.local/*
#                                        also let the role put the mesh's SPIFFE IDs into certificates
#                                        (not in OSM's documented role; without it peers match by DNS name)
#   OSM_NAMESPACE=osm-system             with VAULT_KUBERNETES_AUTH=true: where the control plane runs
#   VAULT_KUBERNETES_AUTH=true           also enable Kubernetes auth for the osm-controller service account
#   DRY_RUN=server                       validate every object with the API server, change nothing
# A .env file in the current directory is read first, if there is one.
#
# What it does, as in OSM's documentation: a Vault dev server (Deployment + Service), the PKI secrets
# engine at pki/ with a ten-year max lease TTL, its URLs, the role, and a ten-year root "osm.root".
set -euo pipefail

if [ -f .env ]; then
  set -a
  # shellcheck source=/dev/null
  . ./.env
  set +a
fi

: "${K8S_NAMESPACE:?set K8S_NAMESPACE to the namespace Vault is deployed into, e.g. osm-system-ns}"
: "${VAULT_TOKEN:?set VAULT_TOKEN to the root token the dev Vault starts with}"
VAULT_ROLE=${VAULT_ROLE:-openservicemesh}
VAULT_ALLOWED_URI_SANS=${VAULT_ALLOWED_URI_SANS:-}
OSM_NAMESPACE=${OSM_NAMESPACE:-osm-system}
VAULT_KUBERNETES_AUTH=${VAULT_KUBERNETES_AUTH:-false}
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

# Runs the vault CLI inside the Vault pod, where VAULT_ADDR and VAULT_TOKEN are already set: the token
# never appears on a command line of this machine.
vault_cli() {
  if [ -n "$DRY_RUN" ]; then
    printf '    (dry run) vault %s\n' "$*"
    return 0
  fi
  kubectl exec -n "$K8S_NAMESPACE" deploy/vault -- vault "$@"
}

log "namespace $K8S_NAMESPACE"
if ! kubectl get namespace "$K8S_NAMESPACE" >/dev/null 2>&1; then
  kubectl create namespace "$K8S_NAMESPACE" "${dry_run_args[@]}"
fi

log "root token Secret vault-dev-root-token (from stdin, never on a command line)"
printf '%s' "$VAULT_TOKEN" \
  | kubectl create secret generic vault-dev-root-token -n "$K8S_NAMESPACE" --from-file=token=/dev/stdin \
      --dry-run=client -o yaml \
  | kubectl apply -n "$K8S_NAMESPACE" "${dry_run_args[@]}" -f -

log "Vault dev server (Deployment and Service vault)"
kubectl apply -n "$K8S_NAMESPACE" "${dry_run_args[@]}" -f "$here/vault/"

if [ -z "$DRY_RUN" ]; then
  log "waiting for Vault to be ready"
  kubectl rollout status deployment/vault -n "$K8S_NAMESPACE" --timeout=180s
fi

log "PKI secrets engine at pki/, max lease TTL ten years"
if [ -n "$DRY_RUN" ] || ! kubectl exec -n "$K8S_NAMESPACE" deploy/vault -- vault secrets list \
    | grep -q '^pki/'; then
  vault_cli secrets enable pki
fi
vault_cli secrets tune -max-lease-ttl=87600h pki

log "issuing and CRL URLs"
vault_url="http://vault.$K8S_NAMESPACE.svc:8200"
vault_cli write pki/config/urls \
  issuing_certificates="$vault_url/v1/pki/ca" crl_distribution_points="$vault_url/v1/pki/crl"

# The role of OSM's documentation. It lists "allow_baredomains"; Vault's parameter is allow_bare_domains.
# It allows no URI SANs: the control plane then issues without SPIFFE IDs and says so once; with
# VAULT_ALLOWED_URI_SANS the role allows them too.
log "role pki/roles/$VAULT_ROLE"
role=(allow_any_name=true allow_subdomains=true allow_bare_domains=true allow_localhost=true max_ttl=24h)
if [ -n "$VAULT_ALLOWED_URI_SANS" ]; then
  role+=("allowed_uri_sans=$VAULT_ALLOWED_URI_SANS")
fi
vault_cli write "pki/roles/$VAULT_ROLE" "${role[@]}"

log "root CA osm.root (ten years)"
if [ -n "$DRY_RUN" ] || ! kubectl exec -n "$K8S_NAMESPACE" deploy/vault -- vault read pki/cert/ca \
    >/dev/null 2>&1; then
  vault_cli write -field=serial_number pki/root/generate/internal common_name=osm.root ttl=87600h
fi

log "policy osm-issuer: may issue with the role, nothing else"
policy="path \"pki/issue/$VAULT_ROLE\" { capabilities = [\"update\"] }"
if [ -n "$DRY_RUN" ]; then
  printf '    (dry run) vault policy write osm-issuer - <<< %s\n' "$policy"
else
  printf '%s\n' "$policy" | kubectl exec -i -n "$K8S_NAMESPACE" deploy/vault -- vault policy write osm-issuer -
fi

if [ "$VAULT_KUBERNETES_AUTH" = "true" ]; then
  log "Kubernetes auth: role osm-controller for service account $OSM_NAMESPACE/osm-controller"
  # Vault reviews the control plane's service-account tokens with its own service account.
  kubectl create clusterrolebinding "vault-token-review-$K8S_NAMESPACE" --clusterrole=system:auth-delegator \
    --serviceaccount="$K8S_NAMESPACE:vault" --dry-run=client -o yaml \
    | kubectl apply "${dry_run_args[@]}" -f -
  if [ -n "$DRY_RUN" ] || ! kubectl exec -n "$K8S_NAMESPACE" deploy/vault -- vault auth list \
      | grep -q '^kubernetes/'; then
    vault_cli auth enable kubernetes
  fi
  vault_cli write auth/kubernetes/config kubernetes_host=https://kubernetes.default.svc
  vault_cli write auth/kubernetes/role/osm-controller bound_service_account_names=osm-controller \
    bound_service_account_namespaces="$OSM_NAMESPACE" token_policies=osm-issuer token_ttl=1h token_max_ttl=24h
fi

cat <<SETTINGS

Vault runs in dev mode in namespace $K8S_NAMESPACE${DRY_RUN:+ (dry run: nothing was changed)}.
Install the control plane with these settings:

  --set OpenServiceMesh.certificateManager=vault
  --set OpenServiceMesh.vault.host=vault.$K8S_NAMESPACE.svc.cluster.local
  --set OpenServiceMesh.vault.protocol=http
  --set OpenServiceMesh.vault.port=8200
  --set OpenServiceMesh.vault.token=\$VAULT_TOKEN
  --set OpenServiceMesh.vault.role=$VAULT_ROLE
  --set OpenServiceMesh.serviceCertValidityDuration=24h

For a control plane running on this workstation: kubectl port-forward -n $K8S_NAMESPACE svc/vault 8200:8200
and OpenServiceMesh.vault.host=localhost. Rather than the root token, a token limited to issuing:
  kubectl exec -n $K8S_NAMESPACE deploy/vault -- vault token create -policy=osm-issuer -period=24h
SETTINGS
if [ "$VAULT_KUBERNETES_AUTH" = "true" ]; then
  cat <<SETTINGS
Or, with no token to configure at all (Kubernetes auth):
  --set OpenServiceMesh.vault.authMethod=kubernetes
  --set OpenServiceMesh.vault.kubernetesRole=osm-controller
SETTINGS
fi
