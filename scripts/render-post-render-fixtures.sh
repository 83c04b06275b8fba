#!/usr/bin/env bash
# Renders the post-render fixtures' input streams with the real chart and real
# Helm: for every tests/fixtures/post-render/<case>/chart-values.yaml,
#   helm template demo charts/mcp-server -f chart-values.yaml > input.yaml
# capturing the exact stream Helm hands a post-renderer: with Helm 3.18 through
# a capturing --post-renderer executable (`---` separators, `# Source:`
# comments, no hooks), or, when <case>/helm contains 4, with Helm 4 through a
# capturing postrenderer/v1 plugin (filename annotations, hooks included). Cases without chart-values.yaml have
# hand-written inputs and are left alone.
#
#   scripts/render-post-render-fixtures.sh [case...]
#
# Needs scripts/install-tools.sh helm (or MCP_CHART_CACHE pointing at an install).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MCP_CHART_CACHE:-$REPO/.cache}"
HELM3="$CACHE/bin/helm3.18"
HELM4="$CACHE/bin/helm4"
FIXTURES="$REPO/tests/fixtures/post-render"
[ -x "$HELM3" ] && [ -x "$HELM4" ] || { echo "helm not found under $CACHE/bin; run scripts/install-tools.sh helm" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/h3" "$WORK/h4" "$WORK/plugins/capture"
cat > "$WORK/plugins/capture/plugin.yaml" <<'YAML'
name: "capture"
version: "0.0.1"
type: postrenderer/v1
apiVersion: v1
runtime: subprocess
runtimeConfig:
  platformCommand:
  - command: "${HELM_PLUGIN_DIR}/capture.sh"
YAML
cat > "$WORK/plugins/capture/capture.sh" <<'SH'
#!/bin/sh
tee "$CAPTURE_FILE"
SH
chmod +x "$WORK/plugins/capture/capture.sh"

if [ "$#" -gt 0 ]; then cases=("$@"); else
  cases=(); for d in "$FIXTURES"/*/; do cases+=("$(basename "$d")"); done
fi
for case in "${cases[@]}"; do
  dir="$FIXTURES/$case"
  [ -f "$dir/chart-values.yaml" ] || continue
  if [ "$(cat "$dir/helm" 2>/dev/null || echo 3)" = "4" ]; then
    HELM_DATA_HOME="$WORK/h4/data" HELM_CONFIG_HOME="$WORK/h4/config" HELM_CACHE_HOME="$WORK/h4/cache" \
      HELM_PLUGINS="$WORK/plugins" CAPTURE_FILE="$dir/input.yaml" \
      "$HELM4" template demo "$REPO/charts/mcp-server" -f "$dir/chart-values.yaml" \
      --post-renderer capture >/dev/null
  else
    HELM_DATA_HOME="$WORK/h3/data" HELM_CONFIG_HOME="$WORK/h3/config" HELM_CACHE_HOME="$WORK/h3/cache" \
      CAPTURE_FILE="$dir/input.yaml" \
      "$HELM3" template demo "$REPO/charts/mcp-server" -f "$dir/chart-values.yaml" \
      --post-renderer "$WORK/plugins/capture/capture.sh" >/dev/null
  fi
  echo "rendered $case" >&2
done
