#!/usr/bin/env bash
# A real Kubernetes API on loopback for integration tests: Debian's etcd 3.4 and a kube-apiserver v1.20.2
# built from Debian bookworm's own `kubernetes` source package (full vendored tree) with Debian's Go 1.19.
# No kubelet, scheduler or controllers: objects are stored and served, admission webhooks are called,
# watches, informers, leases, CRDs and the status subresource all behave as in a cluster.
#
#   test-cluster.sh build   # once per machine, ~4-5 min on 2 cores; cached in $TEST_K8S_HOME
#   test-cluster.sh start   # ~2 s; prints the kubeconfig path; idempotent
#   test-cluster.sh stop
#   test-cluster.sh status  # exit 0 when the API answers
#   test-cluster.sh env     # prints `export KUBECONFIG=...` for eval
# A second apiserver beside the first: set TEST_K8S_PORT, TEST_K8S_ETCD_PORT and TEST_K8S_RUN.
#
# Only Debian's package archive (as configured on the machine) is contacted; /etc/apt is left alone.
# Needs: apt-get with deb entries, dpkg-deb, curl, openssl (all on a stock Debian).
# Known quirks of 1.20 with a newer client: disable admission plugins ServiceAccount,RuntimeClass (done here:
# newer clients send Pod overhead fields); create CRDs from YAML (kubectl or a raw POST), not from client builders.
set -euo pipefail
H=${TEST_K8S_HOME:-$HOME/.cache/test-k8s}
PORT=${TEST_K8S_PORT:-16443}
ETCD_PORT=${TEST_K8S_ETCD_PORT:-22379}
TOKEN=test-admin-token
BIN="$H/bin"
RUN=${TEST_K8S_RUN:-$H/run}   # one run directory per apiserver: several can run side by side

build() {
  if [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/etcd" ]; then echo "already built: $BIN"; return; fi
  mkdir -p "$H"/{apt/lists/partial,src,debs,bin}
  cd "$H"
  # deb-src entries mirroring the machine's own deb entries (deb822 or one-line format)
  : > apt/sources.list; : > apt/debsrc.sources
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed -e 's/^Types: *deb$/Types: deb-src/' "$f" >> apt/debsrc.sources
    printf '\n' >> apt/debsrc.sources
  done
  if [ -f /etc/apt/sources.list ]; then
    grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' >> apt/sources.list || true
  fi
  mkdir -p apt/parts; cp apt/debsrc.sources apt/parts/debsrc.sources
  APTO=(-o Dir::Etc::SourceList="$H/apt/sources.list" -o Dir::Etc::SourceParts="$H/apt/parts" -o Dir::State::Lists="$H/apt/lists")
  apt-get "${APTO[@]}" update -qq || echo "apt update reported errors (other repositories); continuing" >&2
  (cd src && apt-get "${APTO[@]}" source --download-only -qq kubernetes)
  (cd debs && apt-get download -qq golang-1.19-go golang-1.19-src etcd-server golang-github-modern-go-reflect2-dev)
  for d in debs/*.deb; do dpkg-deb -x "$d" root; done
  cp root/usr/bin/etcd bin/
  export GOROOT="$H/root/usr/lib/go-1.19" PATH="$H/root/usr/lib/go-1.19/bin:$PATH"
  export GOCACHE="$H/gocache" GOPROXY=off GO111MODULE=off CGO_ENABLED=0 GOFLAGS=
  tar -C src -xzf src/kubernetes_*.orig.tar.gz
  K=$(ls -d "$H"/src/kubernetes-*/ | head -1); K=${K%/}
  # the vendored reflect2 1.0.1 segfaults under Go >= 1.18 (first custom-resource create): use Debian's 1.0.2
  rm -f "$K"/vendor/github.com/modern-go/reflect2/*.go "$K"/vendor/github.com/modern-go/reflect2/*.s
  cp root/usr/share/gocode/src/github.com/modern-go/reflect2/*.{go,s} "$K"/vendor/github.com/modern-go/reflect2/
  export GOPATH="$K/.go"; mkdir -p "$GOPATH/src/k8s.io"; ln -sfn ../../.. "$GOPATH/src/k8s.io/kubernetes"
  cd "$GOPATH/src/k8s.io/kubernetes"
  # the source tarball lacks pkg/generated/openapi/zz_generated.openapi.go: generate it
  go build -o "$BIN/openapi-gen" k8s.io/kubernetes/vendor/k8s.io/kube-openapi/cmd/openapi-gen
  set +o pipefail
  IN=$(find -L pkg cmd plugin vendor -name '*.go' -not -path '*/testdata/*' 2>/dev/null | xargs grep -l '^// *+k8s:openapi-gen=' \
    | xargs -n1 dirname | LC_ALL=C sort -u | grep -v -e '^vendor/k8s.io/code-generator/' -e '^vendor/k8s.io/sample-apiserver/' \
    | sed 's#^#k8s.io/kubernetes/#' | paste -sd, -)
  set -o pipefail
  "$BIN/openapi-gen" -i "$IN" -p k8s.io/kubernetes/pkg/generated/openapi -O zz_generated.openapi \
    -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt -r "$H/openapi-violations.report" 2>"$H/openapi-gen.log"
  LD="-s -w"
  for p in pkg/version vendor/k8s.io/client-go/pkg/version vendor/k8s.io/component-base/version; do
    LD="$LD -X k8s.io/kubernetes/$p.gitVersion=v1.20.2 -X k8s.io/kubernetes/$p.gitMajor=1 -X k8s.io/kubernetes/$p.gitMinor=20 -X k8s.io/kubernetes/$p.gitTreeState=clean"
  done
  go build -p 2 -tags providerless -ldflags "$LD" -o "$BIN/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  cd "$H"; rm -rf "$H/gocache" "$H/src" "$H/debs" "$H/root" "$H/apt" 2>/dev/null || true
  "$BIN/kube-apiserver" --version
}

ready() { curl -sfk -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$PORT/readyz" 2>/dev/null | grep -q ok; }

start() {
  [ -x "$BIN/kube-apiserver" ] || build
  if ready; then echo "$RUN/kubeconfig"; return; fi
  mkdir -p "$RUN"; rm -rf "$RUN/etcd-data"; mkdir -p "$RUN/certs"
  openssl genrsa -out "$RUN/certs/sa.key" 2048 2>/dev/null
  openssl rsa -in "$RUN/certs/sa.key" -pubout -out "$RUN/certs/sa.pub" 2>/dev/null
  echo "$TOKEN,admin,admin,system:masters" > "$RUN/certs/tokens.csv"
  nohup "$BIN/etcd" --data-dir "$RUN/etcd-data" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT+1))" \
    > "$RUN/etcd.log" 2>&1 &
  echo $! > "$RUN/etcd.pid"
  nohup "$BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$PORT" --cert-dir="$RUN/certs" \
    --token-auth-file="$RUN/certs/tokens.csv" --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$RUN/certs/sa.pub" \
    --service-account-signing-key-file="$RUN/certs/sa.key" --service-cluster-ip-range=10.96.0.0/24 \
    --disable-admission-plugins=ServiceAccount,RuntimeClass --insecure-port=0 > "$RUN/apiserver.log" 2>&1 &
  echo $! > "$RUN/apiserver.pid"
  cat > "$RUN/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "https://127.0.0.1:$PORT", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: $TOKEN}}]
contexts: [{name: test, context: {cluster: test, user: admin}}]
current-context: test
KC
  for _ in $(seq 1 90); do if ready; then echo "$RUN/kubeconfig"; return; fi; sleep 1; done
  echo "kube-apiserver not ready; see $RUN/apiserver.log" >&2; tail -20 "$RUN/apiserver.log" >&2; exit 1
}

stop() {
  for p in apiserver etcd; do
    if [ -f "$RUN/$p.pid" ]; then kill "$(cat "$RUN/$p.pid")" 2>/dev/null || true; rm -f "$RUN/$p.pid"; fi
  done
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  status) ready ;;
  env) echo "export KUBECONFIG=$RUN/kubeconfig" ;;
  *) echo "usage: $0 build|start|stop|env" >&2; exit 2 ;;
esac
