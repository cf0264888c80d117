#!/usr/bin/env bash
# The benchmark suite, in one command:
#   bash bench/run.sh [all|smoke|limit|issuance|server|rotation|webhook|faults|identities|rootchange|injector]
#
# 1. the machine and its physical limit (OpenSSL sign and key-generation rates),
# 2. issuance in process (JMH: EC/RSA roots and leaves, each crypto provider, 1 and 2 threads, cache hit; and
#    IssuanceCpuRate: the same per CPU-second, as openssl speed counts),
# 3. a control plane started for the benchmark: start-up to ready, idle heap, then the SDS load driver
#    (streams held, heap per stream, push of a renewed certificate to every stream).
# `rotation` (not part of `all`) runs the rotation measurements of docs/rotation.md; `webhook` (not part of
# `all`) posts oversized and over-complex admission bodies (BENCH_BODIES per kind, 50; BENCH_BODY_MIB, 10;
# BENCH_BODY_CONCURRENCY, 10) and reads the server's heap. `faults` (not part of `all`) runs the fault campaign's
# ITs at full scale (see faults() below); `identities` (not part of `all`) holds streams at a mesh's shape and
# reads the heap after the identities have left (see identities() below); `rootchange` (not part of `all`) rotates
# the root while the streams are held (see rootchange() below); `injector` (not part of `all`) admits pods at a
# sustained rate, each bootstrap Secret written to a Kubernetes API (see injector() below).
# Results: target/bench/ (raw output) and a summary on stdout, to be copied into docs/benchmarks.md.
#
# Ports (loopback): BENCH_HTTP_PORT (9080), BENCH_HTTPS_PORT (9443), BENCH_SDS_PORT (15128),
# BENCH_DEBUG_PORT (9091), BENCH_VALIDATOR_PORT (9444).
# CPU-time issuance: BENCH_CPU_SECONDS (3, CPU seconds per thread and case).
# Profiling: BENCH_SERVER_JVM_OPTS, extra server JVM options (e.g. -XX:StartFlightRecording=filename=...).
# Scale: BENCH_STREAMS (10000), BENCH_CONNECTIONS (100; at most 100 streams per connection), BENCH_STALLED (0:
#        clients beside them that never read, each behind a 1 KiB window),
#        BENCH_SERVER_HEAP (1g), BENCH_PUSH_WAIT (300 s). JMH length: BENCH_JMH ("-f 1 -wi 3 -w 2s -i 5 -r 3s").
set -euo pipefail
cd "$(dirname "$0")/.."

WHAT=${1:-all}
OUT=target/bench
mkdir -p "$OUT"
HTTP_PORT=${BENCH_HTTP_PORT:-9080}
HTTPS_PORT=${BENCH_HTTPS_PORT:-9443}
SDS_PORT=${BENCH_SDS_PORT:-15128}
DEBUG_PORT=${BENCH_DEBUG_PORT:-9091}
VALIDATOR_PORT=${BENCH_VALIDATOR_PORT:-9444}
STREAMS=${BENCH_STREAMS:-10000}
ID_STREAMS=${BENCH_ID_STREAMS:-10000}
ID_IDENTITIES=${BENCH_IDENTITIES:-10000}
# The identities' release grace is 10 min from the moment the server sees a stream end, which for a client that
# closed its connection is the next write to the stream: the next renewal push (at most 72 % of the 4-minute
# certificates, 2.9 min) or the stream's maximum age.
LEAVE_WAIT=${BENCH_LEAVE_WAIT:-840}
CONNECTIONS=${BENCH_CONNECTIONS:-100}
SERVER_HEAP=${BENCH_SERVER_HEAP:-1g}
PUSH_WAIT=${BENCH_PUSH_WAIT:-300}
JMH_ARGS=${BENCH_JMH:--f 1 -wi 3 -w 2s -i 5 -r 3s}
LIMIT_SECONDS=3       # per openssl speed test and EC key generation
KEYGEN_RSA_SECONDS=10
CPU_RATE_KEYS=        # "ec": EC leaves only
SERVER=osm-bench
WLP=target/liberty/wlp
SERVER_DIR=$WLP/usr/servers/$SERVER

say() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }

# What the suite runs besides Java and Maven, each with the Debian package that brings it.
require_tools() {
  local missing=()
  command -v gcc > /dev/null || missing+=("gcc (package gcc)")
  command -v openssl > /dev/null || missing+=("openssl (package openssl)")
  command -v jcmd > /dev/null || missing+=("jcmd (a full JDK, e.g. package openjdk-17-jdk-headless)")
  command -v curl > /dev/null || missing+=("curl (package curl)")
  if command -v gcc > /dev/null && ! echo '#include <openssl/evp.h>' | gcc -E - > /dev/null 2>&1; then
    missing+=("OpenSSL headers for bench/keygen.c (package libssl-dev)")
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'bench: missing on this machine:\n' >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
  fi
}

machine() {
  : > "$OUT/summary.txt"
  say "## Machine"
  say "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  say "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), nproc $(nproc)"
  say "memory: $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
  say "jdk: $(java -version 2>&1 | head -2 | tail -1)"
  say "openssl: $(openssl version)"
  say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Key generation per second with the machine's libcrypto (bench/keygen.c; `openssl speed` of OpenSSL 3.0 has
# no key-generation test).
keygen_rate() { # ec|rsa seconds label
  gcc -O2 -o "$OUT/keygen" bench/keygen.c -lcrypto
  printf 'OPENSSL | %s keygen/s (1 thread, libcrypto) | %s\n' "$3" "$("$OUT/keygen" "$1" "$2")"
}

limit() {
  say "## OpenSSL limit (same machine, same run)"
  openssl speed -seconds "$LIMIT_SECONDS" ecdsap256 rsa2048 > "$OUT/openssl-speed-1.txt" 2>/dev/null
  openssl speed -seconds "$LIMIT_SECONDS" -multi 2 ecdsap256 rsa2048 > "$OUT/openssl-speed-2.txt" 2>/dev/null
  for threads in 1 2; do
    awk -v t="$threads" '
      /^rsa 2048 bits/ { printf "OPENSSL | RSA-2048 sign/s, verify/s (%s processes) | %s %s\n", t, $6, $7 }
      /^ *256 bits ecdsa \(nistp256\)/ { printf "OPENSSL | ECDSA P-256 sign/s, verify/s (%s processes) | %s %s\n", t, $7, $8 }
    ' "$OUT/openssl-speed-$threads.txt" | tee -a "$OUT/summary.txt"
  done
  keygen_rate ec "$LIMIT_SECONDS" "EC P-256" | tee -a "$OUT/summary.txt"
  keygen_rate rsa "$KEYGEN_RSA_SECONDS" "RSA-2048" | tee -a "$OUT/summary.txt"
}

# Maven, fetching whatever the suite needs that this machine does not have yet; on failure the run stops and
# says why, with the end of the build log.
maven() {
  if ! mvn -q -B "$@" >> "$OUT/build.log" 2>&1; then
    echo "bench: the build failed (mvn $*); the end of $OUT/build.log:" >&2
    tail -n 40 "$OUT/build.log" >&2
    exit 1
  fi
}

classpath() {
  maven -Pbench test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$OUT/classpath.txt"
  echo "target/test-classes:target/classes:$(cat "$OUT/classpath.txt")"
}

issuance() {
  say "## Issuance (JMH, ops/s)"
  local cp; cp=$(classpath)
  for threads in 1 2; do
    # shellcheck disable=SC2086 # JMH_ARGS is a list of options
    java -cp "$cp" org.openjdk.jmh.Main 'IssuanceBenchmark|CacheHitBenchmark' -t "$threads" $JMH_ARGS \
      -rf text -rff "$OUT/jmh-$threads-threads.txt" > "$OUT/jmh-$threads-threads.log" 2>&1 \
      || { echo "bench: JMH failed; the end of $OUT/jmh-$threads-threads.log:" >&2
           tail -n 40 "$OUT/jmh-$threads-threads.log" >&2; exit 1; }
    # A row ends "Score ± Error Units", or "Score Units" when there was one iteration only.
    awk -v t="$threads" '
      function score() { return $(NF - 2) == "±" ? $(NF - 3) " ± " $(NF - 1) : $(NF - 1) }
      /^IssuanceBenchmark/ { printf "JMH | %s provider=%s root=%s leaf=%s threads=%s | %s\n", $1, $3, $4, $2, t, score() }
      /^CacheHitBenchmark/ { printf "JMH | %s threads=%s | %s\n", $1, t, score() }' \
      "$OUT/jmh-$threads-threads.txt" | tee -a "$OUT/summary.txt"
  done
  java -cp "$cp" io.openservicemesh.bench.IssuanceCpuRate "${BENCH_CPU_SECONDS:-3}" ${CPU_RATE_KEYS:+"$CPU_RATE_KEYS"} 2> "$OUT/cpu-rate.err" \
    | tee -a "$OUT/summary.txt"
}

server_pid() { cat "$WLP/usr/servers/.pid/$SERVER.pid"; }

# CPU seconds the server has used so far (user + system, from /proc).
server_cpu() {
  awk -v tck="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / tck }' "/proc/$(server_pid)/stat"
}

# Builds, configures and starts the benchmark server, then records start-up and idle figures.
start_server() {
  maven -Pbench package -DskipTests liberty:create@bench-server liberty:deploy@bench-server
  cat > "$SERVER_DIR/bootstrap.properties" <<PROPS
default.http.port=$HTTP_PORT
default.https.port=$HTTPS_PORT
sds.port=$SDS_PORT
debug.port=$DEBUG_PORT
validator.https.port=$VALIDATOR_PORT
PROPS
  # shellcheck disable=SC2086 # a list of JVM options, one per line
  printf '%s\n' "-Xmx$SERVER_HEAP" ${BENCH_SERVER_JVM_OPTS:-} > "$SERVER_DIR/jvm.options"
  # Standalone (no Kubernetes API, unless SERVER_KUBECONFIG names one), a fresh root, service certificates
  # short-lived enough that one is renewed while the streams are held (CERT_VALIDITY, 4m), and the webhook port's
  # certificate valid for localhost.
  grep -v '^OpenServiceMesh_' "$SERVER_DIR/server.env" > "$SERVER_DIR/server.env.new" || true
  cat >> "$SERVER_DIR/server.env.new" <<ENV
OpenServiceMesh_sds_verifyProxyPod=false
OpenServiceMesh_allowShortCertValidity=true
OpenServiceMesh_serviceCertValidityDuration=${CERT_VALIDITY:-4m}
OpenServiceMesh_webhook_extraServingNames=localhost
ENV
  grep -v '^KUBECONFIG=' "$SERVER_DIR/server.env.new" > "$SERVER_DIR/server.env" || true
  rm "$SERVER_DIR/server.env.new"
  if [ -n "${SERVER_KUBECONFIG:-}" ]; then
    echo "KUBECONFIG=$SERVER_KUBECONFIG" >> "$SERVER_DIR/server.env" # the root lives in that API's CA Secret
  fi
  rm -rf "$SERVER_DIR/osm-ca-bundle" "$SERVER_DIR/tls"
  "$WLP/bin/server" stop "$SERVER" > /dev/null 2>&1 || true

  local started ready
  started=$(date +%s%N)
  env -u KUBECONFIG "$WLP/bin/server" start "$SERVER" > "$OUT/server-start.log"
  for _ in $(seq 600); do
    if curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" > /dev/null; then break; fi
    sleep 0.1 # bounded poll of an external server
  done
  ready=$(date +%s%N)
  curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" > "$OUT/ready.json"
  say "SERVER | start to /health/ready UP (s) | $(awk -v d=$((ready - started)) 'BEGIN { printf "%.1f", d / 1e9 }')"
  for _ in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$SDS_PORT") 2> /dev/null; then break; fi
    sleep 0.1
  done
  sleep 5 # let start-up's last work settle before the idle heap is read
  jcmd "$(server_pid)" GC.run > /dev/null
  jcmd "$(server_pid)" GC.heap_info > "$OUT/idle-heap.txt"
  say "SERVER | idle heap used after full GC (MiB) | $(grep -oE 'total [0-9]+K, used [0-9]+K' "$OUT/idle-heap.txt" | head -1 | awk '{print int($4 / 1024)}')"
  say "SERVER | resident set size (MiB) | $(($(awk '/VmRSS/ {print $2}' "/proc/$(server_pid)/status") / 1024))"
}

# A started server under the SDS load driver: title, driver heap, errors file, then the driver's arguments after
# the server's (streams connections pushWaitSeconds [identities leaveWaitSeconds]).
sds_load() {
  local title=$1 heap=$2 errors=$3 cp
  shift 3
  say "$title"
  cp=$(classpath)
  start_server
  java -Xmx"$heap" -Dbench.stalled="${BENCH_STALLED:-0}" -Dbench.metricsUrl="http://127.0.0.1:$HTTP_PORT/metrics" \
    -cp "$cp" io.openservicemesh.bench.SdsLoadDriver \
    "$SDS_PORT" "$SERVER_DIR/osm-ca-bundle" "$(server_pid)" "$@" 2> "$OUT/$errors" | tee -a "$OUT/summary.txt"
  say "SERVER | threads after the streams closed | $(find "/proc/$(server_pid)/task" -mindepth 1 -maxdepth 1 | wc -l)"
  "$WLP/bin/server" stop "$SERVER" > /dev/null
  say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
}

server() {
  sds_load "## Server: start-up, idle heap, SDS" 1g sds-driver.err "$STREAMS" "$CONNECTIONS" "$PUSH_WAIT"
}

# What hostile admission bodies cost the server's heap (docs/benchmarks.md, section 4).
webhook() {
  say "## Webhook bodies (WebhookBodyLoad)"
  local cp; cp=$(classpath)
  start_server
  java -Xmx1g -cp "$cp" io.openservicemesh.bench.WebhookBodyLoad \
    "https://localhost:$HTTPS_PORT/mutate-pod-creation" "$SERVER_DIR/osm-ca-bundle/ca.crt" "$(server_pid)" \
    "${BENCH_BODIES:-50}" "${BENCH_BODY_MIB:-10}" "${BENCH_BODY_CONCURRENCY:-10}" \
    2> "$OUT/webhook-driver.err" | tee -a "$OUT/summary.txt"
  "$WLP/bin/server" stop "$SERVER" > /dev/null
  say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# The rotation measurements of docs/rotation.md (pass cost over 10k/100k certificates, renewal storm).
rotation() {
  say "## Rotation (RotationBenchmark)"
  local cp; cp=$(classpath)
  java -Xmx2g -cp "$cp" io.openservicemesh.bench.RotationBenchmark | tee -a "$OUT/summary.txt"
}

# A root rotation of the built-in CA under load: BENCH_STREAMS (10000) streams, one proxy each, over
# BENCH_RC_IDENTITIES (1000) identities, held against a server that keeps its root in a Kubernetes API (the test
# cluster of src/test/cluster, on BENCH_K8S_PORT), and the rotation started with the documented annotation once
# they are held. Reported: when the server took each step (its log) and when the streams saw each one (the driver).
rootchange() {
  local namespace=osm-system cp log="$OUT/rootchange.txt" driver
  say "## Root rotation under load: $STREAMS streams over ${BENCH_RC_IDENTITIES:-1000} identities"
  start_cluster
  create_namespace "$namespace"
  cp=$(classpath)
  SERVER_KUBECONFIG="$K8S_RUN/kubeconfig" CERT_VALIDITY=1h SERVER_HEAP=${BENCH_SERVER_HEAP:-2g} start_server
  KUBECONFIG="$K8S_RUN/kubeconfig" java -Xmx3g -Dbench.rootChange=true -cp "$cp" io.openservicemesh.bench.SdsLoadDriver \
    "$SDS_PORT" "secret:$namespace/osm-ca-bundle" "$(server_pid)" "$STREAMS" "$STREAMS" "$PUSH_WAIT" \
    "${BENCH_RC_IDENTITIES:-1000}" > "$log" 2> "$OUT/rootchange.err" &
  driver=$!
  local cpu_idle cpu_held
  cpu_idle=$(server_cpu)
  for _ in $(seq 1800); do
    if grep -q "streams held" "$log" || ! kill -0 "$driver" 2> /dev/null; then break; fi
    sleep 1 # a bounded poll of the driver's progress
  done
  cpu_held=$(server_cpu)
  date -u +"rotation requested at %H:%M:%S.%3N" | tee -a "$OUT/summary.txt"
  kube -X PATCH -H 'Content-Type: application/merge-patch+json' "$K8S_API/$namespace/secrets/osm-ca-bundle" \
    -d '{"metadata":{"annotations":{"openservicemesh.io/rotate-root":"now"}}}' > /dev/null
  wait "$driver" || true
  tee -a "$OUT/summary.txt" < "$log"
  say "SERVER | CPU seconds: opening the streams (and two heap readings) | $(awk -v a="$cpu_idle" -v b="$cpu_held" 'BEGIN { printf "%.1f", b - a }')"
  say "SERVER | CPU seconds: the rotation, to the new root alone at every stream | $(awk -v a="$cpu_held" -v b="$(server_cpu)" 'BEGIN { printf "%.1f", b - a }')"
  say "server's steps (its log, UTC):"
  grep -E "root rotation|signing root changed" "$SERVER_DIR/logs/messages.log" | cut -c1-220 | tee -a "$OUT/summary.txt"
  "$WLP/bin/server" stop "$SERVER" > /dev/null
  bash src/test/cluster/test-cluster.sh stop > /dev/null
  say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# The injector at a sustained rate, against a server that writes each bootstrap Secret to a Kubernetes API (the
# test cluster of src/test/cluster, on BENCH_K8S_PORT, on the same cores): BENCH_ADMISSION_RATE (50) admissions
# per second for BENCH_ADMISSION_SECONDS (30) seconds, then the same as dry runs (no certificate, no Secret), then a
# closed loop of 20 in flight for the webhook's capacity (docs/injector.md). The pods go in turn to
# BENCH_ADMISSION_NAMESPACES (10) namespaces: the injector makes at most 10 bootstrap Secrets a second in one.
injector() {
  local cp rate=${BENCH_ADMISSION_RATE:-50} seconds=${BENCH_ADMISSION_SECONDS:-30} namespaces=() i
  say "## Injector: $rate admissions/s for $seconds s, each bootstrap Secret written to the Kubernetes API"
  start_cluster
  create_namespace osm-system
  for i in $(seq "${BENCH_ADMISSION_NAMESPACES:-10}"); do
    namespaces+=("bench-$i")
    create_namespace "bench-$i" ',"labels":{"openservicemesh.io/monitored-by":"osm"},
      "annotations":{"openservicemesh.io/sidecar-injection":"enabled"}'
  done
  cp=$(classpath)
  SERVER_KUBECONFIG="$K8S_RUN/kubeconfig" start_server
  kube "$K8S_API/osm-system/secrets/osm-ca-bundle" | sed -n 's/.*"ca.crt": *"\([^"]*\)".*/\1/p' | base64 -d \
    > "$OUT/injector-ca.pem"
  for mode in "rate $rate $seconds" "rate $rate $seconds dry-run" "closed 20 1000"; do
    # shellcheck disable=SC2086 # the mode is the driver's last arguments
    java -cp "$cp" io.openservicemesh.bench.AdmissionLoad "https://localhost:$HTTPS_PORT/mutate-pod-creation" \
      "$OUT/injector-ca.pem" "$(IFS=,; echo "${namespaces[*]}")" $mode 2>> "$OUT/injector.err" \
      | sed 's/^/INJECTOR | /' | tee -a "$OUT/summary.txt"
  done
  say "SERVER | bootstrap Secrets in the API | $(kube "https://127.0.0.1:$TEST_K8S_PORT/api/v1/secrets" \
    | grep -c '"name": "envoy-bootstrap-config-')"
  "$WLP/bin/server" stop "$SERVER" > /dev/null
  bash src/test/cluster/test-cluster.sh stop > /dev/null
  say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# A fresh test cluster (src/test/cluster) on BENCH_K8S_PORT (17443), so the server makes a fresh root; kube calls
# its API as the cluster's admin.
start_cluster() {
  K8S_RUN="$PWD/$OUT/k8s"
  export TEST_K8S_RUN="$K8S_RUN" TEST_K8S_PORT=${BENCH_K8S_PORT:-17443} TEST_K8S_ETCD_PORT=${BENCH_K8S_ETCD_PORT:-23379}
  bash src/test/cluster/test-cluster.sh build > "$OUT/k8s-build.log" 2>&1
  bash src/test/cluster/test-cluster.sh stop > /dev/null 2>&1 || true
  rm -rf "$K8S_RUN"
  bash src/test/cluster/test-cluster.sh start > "$OUT/k8s-start.log"
  K8S_API="https://127.0.0.1:$TEST_K8S_PORT/api/v1/namespaces"
}

kube() { curl -sf --cacert "$K8S_RUN/certs/apiserver.crt" -H "Authorization: Bearer test-admin-token" "$@"; }

create_namespace() { # name [more metadata fields: ,"labels":{...}]
  kube -X POST -H 'Content-Type: application/json' "$K8S_API" \
    -d "{\"metadata\":{\"name\":\"$1\"${2:-}}}" > /dev/null
}

# SDS at a mesh's shape: BENCH_ID_STREAMS (10000) streams over BENCH_IDENTITIES (10000) identities, one proxy
# (connection) per stream, so opening them is issuance plus delivery; the renewal of every identity while they are
# held; then every proxy leaves, and the heap is read again BENCH_LEAVE_WAIT (840) seconds later, after the
# identities' release grace (10 min) and a reaper pass: memory follows the live mesh.
identities() {
  sds_load "## SDS at a mesh's shape: $ID_STREAMS streams over $ID_IDENTITIES identities" 3g sds-identities.err \
    "$ID_STREAMS" "$ID_STREAMS" "$PUSH_WAIT" "$ID_IDENTITIES" "$LEAVE_WAIT"
}

# The fault campaign of docs/reliability.md at full scale: the ITs that mvn verify runs small (Kubernetes API
# gone while streams are held, a slow API during an admission burst, Vault sealed/failing/gone, the malformed-input
# flood), with BENCH_FAULT_STREAMS (1000) streams, a BENCH_FAULT_OUTAGE (60) second outage, BENCH_FLOOD_ROUNDS
# (10000) fuzzed requests of each kind (the flood's heap bound then catches a leak of 0.8 KiB a request). Needs what mvn verify needs (a Kubernetes API: the ITs start one).
faults() {
  say "## Fault campaign (ITs at scale)"
  local log="$OUT/faults.log"
  if ! mvn -B verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
      -Dit.test='TresorControlPlaneIT,VaultControlPlaneIT,MalformedInputFloodIT' \
      -Dit.fault.streams="${BENCH_FAULT_STREAMS:-1000}" -Dit.fault.outage.seconds="${BENCH_FAULT_OUTAGE:-60}" \
      -Dit.flood.rounds="${BENCH_FLOOD_ROUNDS:-10000}" > "$log" 2>&1; then
    echo "bench: the fault ITs failed; the end of $log:" >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
  grep -E '^(API outage|admission burst|Vault outage|flood):' "$log" | tee -a "$OUT/summary.txt"
  say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Seconds, tiny counts: that every part of the suite still runs on this machine, not what it measures.
smoke() {
  LIMIT_SECONDS=1
  KEYGEN_RSA_SECONDS=1
  JMH_ARGS="-f 1 -wi 0 -i 1 -r 200ms -p root=EC -p leaf=EC"
  BENCH_CPU_SECONDS=0.05
  CPU_RATE_KEYS=ec
  limit
  issuance
}

require_tools
: > "$OUT/build.log"
case $WHAT in
  all) machine; limit; issuance; server ;;
  smoke) machine; smoke ;;
  rotation) machine; rotation ;;
  webhook) machine; webhook ;;
  faults) machine; faults ;;
  identities) machine; limit; identities ;;
  rootchange) machine; limit; rootchange ;;
  injector) machine; injector ;;
  limit) machine; limit ;;
  issuance) machine; issuance ;;
  server) machine; server ;;
  *) echo "usage: bash bench/run.sh [all|smoke|limit|issuance|server|rotation|webhook|faults|identities|rootchange|injector]" >&2; exit 2 ;;
esac
