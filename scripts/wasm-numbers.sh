#!/usr/bin/env bash
# Measures the figures docs/wasm-engine.md quotes, so they are not typed by
# hand: the module's and the Helm plugin's size (raw, gzip -9), and the fuel
# (≈ WebAssembly instructions) a typical post-render and validate need, found
# by bisecting --wasm-fuel until the run just succeeds.
#
#   scripts/wasm-numbers.sh        # after scripts/build-wasm-module.sh --plugin
#
# Uses target/debug/mcp-chart (MCP_CHART_BIN to override) and Helm 4 from
# scripts/install-tools.sh helm. Prints Markdown table rows.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${MCP_CHART_BIN:-target/debug/mcp-chart}"
MODULE="${MCP_CHART_MODULE:-target/wasm-module/mcp-chart-module.wasm}"
PLUGIN=helm-plugin-wasm/mcp-chart-wasm/plugin.wasm
HELM="${MCP_CHART_CACHE:-.cache}/bin/helm4"
for f in "$BIN" "$MODULE" "$HELM"; do
  [[ -e $f ]] || { echo "wasm-numbers.sh: $f is missing (see the header)" >&2; exit 2; }
done

group() { sed ':a;s/\B[0-9]\{3\}\>/ &/;ta' <<<"$1"; } # 2865390 -> 2 865 390
size() { echo "$(group "$(stat -c %s "$1")") bytes raw, $(group "$(gzip -9 -c "$1" | wc -c)") bytes \`gzip -9\`"; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MCP_CHART_WASM_CACHE="$WORK/cache" HELM_DATA_HOME="$WORK/h" HELM_CONFIG_HOME="$WORK/h" HELM_CACHE_HOME="$WORK/h"
"$HELM" template t charts/mcp-server -f examples/stdio-gateway-named-servers.yaml >"$WORK/stream.yaml"

# fuel ARGS...: the least --wasm-fuel with which `mcp-chart ARGS --engine wasm` succeeds.
fuel() {
  local lo=1 hi=4000000000 mid
  "$BIN" "$@" --engine wasm --wasm-module "$MODULE" --wasm-fuel "$hi" >/dev/null 2>&1 \
    || { echo "wasm-numbers.sh: $* fails even with $hi fuel" >&2; exit 1; }
  while ((hi - lo > hi / 200)); do # to 0.5 %
    mid=$(((lo + hi) / 2))
    if "$BIN" "$@" --engine wasm --wasm-module "$MODULE" --wasm-fuel "$mid" >/dev/null 2>&1; then hi=$mid; else lo=$mid; fi
  done
  group "$hi"
}

echo "| module (\`mcp-chart-module.wasm\`) | $(size "$MODULE") |"
[[ -f $PLUGIN ]] && echo "| Helm plugin (\`plugin.wasm\`) | $(size "$PLUGIN") |"
echo "| fuel: post-render of the stdio gateway example through \`helm template\` ($(($(stat -c %s "$WORK/stream.yaml") / 1024)) KB) | $(fuel post-render --input "$WORK/stream.yaml") |"
echo "| fuel: \`validate\` of that example | $(fuel validate examples/stdio-gateway-named-servers.yaml) |"
