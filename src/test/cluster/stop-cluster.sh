#!/usr/bin/env bash
# Stops the local Kubernetes API after the integration tests, if ensure-cluster.sh started it.
set -euo pipefail
target=${1:?usage: stop-cluster.sh KUBECONFIG_OUT}
here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$target.started-here" ]; then
  bash "$here/test-cluster.sh" stop
  rm -f "$target.started-here"
fi
