#!/usr/bin/env bash
# The second command of the first five minutes (README): with the control plane running on this machine
# (mvn liberty:run) and a bootstrap fetched from its debug port, asks SDS for that proxy's service certificate the
# way Envoy does, with the proxy's own credential, and shows it. The private key is received, never printed.
#   bash demo/sds-fetch.sh [IDENTITY]        IDENTITY as given to /debug/bootstrap, default bookstore.bookstore
# OSM_PROXY_DIR overrides where the proxy's files are (the directory /debug/bootstrap named).
set -euo pipefail
identity=${1:-bookstore.bookstore}
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${OSM_PROXY_DIR:-$repo/target/liberty/wlp/usr/servers/defaultServer/proxies/$identity}
cd "$repo"
exec mvn -q -B -Dstyle.color=never -Dslf4j.internal.verbosity=ERROR test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.openservicemesh.demo.SdsFetch -Dexec.args="$dir"
