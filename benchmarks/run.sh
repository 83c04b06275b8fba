#!/usr/bin/env bash
# Benchmarks mcp-chart against its peers, side by side in one run (see
# benchmarks/README.md):
#   validate     mcp-chart validate  vs check-jsonschema (generated schema) vs helm lint
#   post-render  mcp-chart post-render vs kubectl kustomize (equivalent patches) vs cat
#
#   benchmarks/run.sh            full run: release build, streams of 100/1,000/10,000
#                                documents, writes benchmarks/RESULTS.md (+ .json)
#   benchmarks/run.sh --smoke    CI: debug build, tiny streams, 1-2 runs, kustomize only
#                                on the smallest; writes out/bench-smoke/RESULTS.md and
#                                fails if any tool fails (never on timings)
#
# Extra arguments go to bench.py (e.g. --sizes 100,1000 --kustomize-timeout 60).
# MCP_CHART_BIN=/path/to/mcp-chart benchmarks another build.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

SMOKE=0
EXTRA=()
for arg in "$@"; do
  case "$arg" in
    --smoke) SMOKE=1 ;;
    *) EXTRA+=("$arg") ;;
  esac
done

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

bash scripts/install-tools.sh helm python
# Peak memory is read with GNU time (Debian package `time`).
if [[ ! -x /usr/bin/time ]]; then
  log "installing Debian's time package"
  sudo=(); [[ $(id -u) == 0 ]] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 \
    || { "${sudo[@]}" apt-get update -qq >/dev/null && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; } \
    || die "could not install /usr/bin/time"
fi
# shellcheck source=scripts/env.sh
. scripts/env.sh
# kubectl comes from install-tools.sh (the machine may have none); KUBECTL=... picks another.
KUBECTL="${KUBECTL:-$MCP_CHART_CACHE/bin/kubectl}"
[[ -x "$KUBECTL" ]] || die "no kubectl at $KUBECTL (for 'kubectl kustomize'; scripts/install-tools.sh helm installs one)"
"$KUBECTL" kustomize --help >/dev/null 2>&1 || die "'$KUBECTL kustomize' does not work"

if [[ -z "${MCP_CHART_BIN:-}" ]]; then
  if [[ $SMOKE == 1 ]]; then
    cargo build -q -p mcp-chart --locked
    MCP_CHART_BIN="$REPO/target/debug/mcp-chart"
  else
    log "cargo build --release -p mcp-chart"
    cargo build -q --release -p mcp-chart --locked
    MCP_CHART_BIN="$REPO/target/release/mcp-chart"
  fi
fi

if [[ $SMOKE == 1 ]]; then
  WORK="$REPO/out/bench-smoke"
  OUT="$WORK/RESULTS.md"
  ARGS=(--smoke --sizes 20,100 --kustomize-timeout 60 --mixed-mb 1)
else
  WORK="$REPO/out/bench"
  OUT="$REPO/benchmarks/RESULTS.md"
  ARGS=()
fi
rm -rf "$WORK" && mkdir -p "$WORK"

# One release of the chart, exactly as Helm 3 hands it to a post-renderer
# (`helm template` without hooks: `---` separators and `# Source:` comments).
BASE="$WORK/base.yaml"
HELM_DATA_HOME="$WORK/helm/data" HELM_CONFIG_HOME="$WORK/helm/config" HELM_CACHE_HOME="$WORK/helm/cache" \
  "$HELM3_18" template demo charts/mcp-server \
  -f examples/stdio-gateway-named-servers.yaml -f benchmarks/values-routes.yaml --no-hooks >"$BASE"

log "mcp-chart: $MCP_CHART_BIN; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
HELM_DATA_HOME="$WORK/helm/data" HELM_CONFIG_HOME="$WORK/helm/config" HELM_CACHE_HOME="$WORK/helm/cache" \
  "$MCP_CHART_CACHE/venv/bin/python" benchmarks/bench.py \
  --mcp-chart "$MCP_CHART_BIN" --helm "$HELM4" \
  --check-jsonschema "$MCP_CHART_CACHE/venv/bin/check-jsonschema" --kubectl "$KUBECTL" \
  --base "$BASE" --out "$OUT" --work "$WORK" --command "benchmarks/run.sh${*:+ $*}" \
  "${ARGS[@]+"${ARGS[@]}"}" "${EXTRA[@]+"${EXTRA[@]}"}"
