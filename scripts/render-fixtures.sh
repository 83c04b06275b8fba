#!/usr/bin/env bash
# Renders every fixture that claims to be what Helm renders, with the real
# chart and real Helm, and (with --check) fails when a committed one differs:
#
#   tests/fixtures/post-render/<case>/input.yaml  for each case with chart-values.yaml:
#       helm template demo charts/mcp-server -f chart-values.yaml, captured as
#       Helm hands it to a post-renderer: Helm 3.18 through a capturing
#       --post-renderer executable (`---` separators, `# Source:` comments, no
#       hooks), or, when <case>/helm holds 4, Helm 4 through a capturing
#       postrenderer/v1 plugin (filename annotations, hooks included). Cases
#       without chart-values.yaml have hand-written inputs and are left alone.
#   wasm/fixtures/rendered/<name>.yaml  for every values example (examples/*.yaml
#       that is not a manifest) and every wasm/fixtures/values/*.yaml:
#       helm template playground charts/mcp-server -f <values> (Helm 4).
#
#   scripts/render-fixtures.sh           # rewrite the files
#   scripts/render-fixtures.sh --check   # exit 1 when one is out of date (CI)
#
# After rewriting, review the post-render snapshots the new inputs change:
# INSTA_UPDATE=always cargo test -p mcp-chart --test post_render_fixtures, then
# git diff crates/mcp-chart/tests/snapshots/post-render.
# Needs scripts/install-tools.sh helm (or MCP_CHART_CACHE pointing at an install).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MCP_CHART_CACHE:-$REPO/.cache}"
HELM3="$CACHE/bin/helm3.18"
HELM4="$CACHE/bin/helm4"
CHECK=0
case "${1:-}" in
  --check) CHECK=1 ;;
  "") ;;
  *) echo "usage: scripts/render-fixtures.sh [--check]" >&2; exit 2 ;;
esac
[[ -x $HELM3 && -x $HELM4 ]] || { echo "render-fixtures.sh: helm not found under $CACHE/bin; run scripts/install-tools.sh helm" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/h3" "$WORK/h4" "$WORK/plugins/capture" "$WORK/out"
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

status=0
# emit RELATIVE_PATH RENDERED_FILE: compare (--check) or write.
emit() {
  local rel=$1 rendered=$2
  if ((CHECK)); then
    if ! cmp -s "$rendered" "$REPO/$rel"; then
      echo "$rel is not what Helm renders today: run scripts/render-fixtures.sh (and review the snapshots)" >&2
      diff -u "$REPO/$rel" "$rendered" | head -40 >&2 || true
      status=1
    fi
  else
    mkdir -p "$(dirname "$REPO/$rel")"
    cp "$rendered" "$REPO/$rel"
  fi
}

# -- post-render fixture inputs
for dir in "$REPO"/tests/fixtures/post-render/*/; do
  case=$(basename "$dir")
  [[ -f $dir/chart-values.yaml ]] || continue
  out="$WORK/out/post-render-$case.yaml"
  if [[ "$(cat "$dir/helm" 2>/dev/null || echo 3)" == 4 ]]; then
    HELM_DATA_HOME="$WORK/h4/data" HELM_CONFIG_HOME="$WORK/h4/config" HELM_CACHE_HOME="$WORK/h4/cache" \
      HELM_PLUGINS="$WORK/plugins" CAPTURE_FILE="$out" \
      "$HELM4" template demo "$REPO/charts/mcp-server" -f "$dir/chart-values.yaml" \
      --post-renderer capture >/dev/null
  else
    HELM_DATA_HOME="$WORK/h3/data" HELM_CONFIG_HOME="$WORK/h3/config" HELM_CACHE_HOME="$WORK/h3/cache" \
      HELM_PLUGINS="$WORK/h3/plugins" CAPTURE_FILE="$out" \
      "$HELM3" template demo "$REPO/charts/mcp-server" -f "$dir/chart-values.yaml" \
      --post-renderer "$WORK/plugins/capture/capture.sh" >/dev/null
  fi
  emit "tests/fixtures/post-render/$case/input.yaml" "$out"
done

# -- the playground's rendered examples
for values in "$REPO"/examples/*.yaml "$REPO"/wasm/fixtures/values/*.yaml; do
  grep -qE '^(apiVersion|kind):' "$values" && continue # a manifest, not values
  name="$(basename "$values")"
  HELM_DATA_HOME="$WORK/h4/data" HELM_CONFIG_HOME="$WORK/h4/config" HELM_CACHE_HOME="$WORK/h4/cache" \
    "$HELM4" template playground "$REPO/charts/mcp-server" -f "$values" >"$WORK/out/wasm-$name"
  emit "wasm/fixtures/rendered/$name" "$WORK/out/wasm-$name"
done
for file in "$REPO"/wasm/fixtures/rendered/*.yaml; do
  name="$(basename "$file")"
  [[ -f "$REPO/examples/$name" || -f "$REPO/wasm/fixtures/values/$name" ]] && continue
  if ((CHECK)); then
    echo "wasm/fixtures/rendered/$name has no values file: remove it" >&2
    status=1
  else
    rm "$file"
  fi
done
exit $status
