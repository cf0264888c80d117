#!/usr/bin/env bash
# Gives the integration tests a real Kubernetes API and writes its kubeconfig to the path in $1.
#   - KUBECONFIG set: that cluster is used as it is (kind, k3s, a cloud cluster, ...).
#   - otherwise: a local etcd + kube-apiserver on loopback (test-cluster.sh, built once per machine).
# A marker beside the kubeconfig records that the local API was started here, so stop-cluster.sh stops only
# what this build started.
set -euo pipefail
target=${1:?usage: ensure-cluster.sh KUBECONFIG_OUT}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$(dirname "$target")"
rm -f "$target.started-here"

if [ -n "${KUBECONFIG:-}" ]; then
  first=${KUBECONFIG%%:*}
  [ -r "$first" ] || { echo "KUBECONFIG=$KUBECONFIG is not readable" >&2; exit 1; }
  cp "$first" "$target"
  echo "integration tests use the cluster of KUBECONFIG ($first)"
  exit 0
fi

if ! bash "$here/test-cluster.sh" status >/dev/null 2>&1; then
  touch "$target.started-here"
fi
config=$(bash "$here/test-cluster.sh" start | tail -n 1)
cp "$config" "$target"
echo "integration tests use the local Kubernetes API ($config)"
