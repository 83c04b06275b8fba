#!/usr/bin/env bash
# End-to-end tests of the chart with real Helm 3.17 / 3.18 / 4, the real
# `mcp-chart post-render`, kubernetes-validate and the Gateway API schemas.
#
#   tests/e2e/run.sh [pytest args...]     e.g. tests/e2e/run.sh -k regression
#   tests/e2e/run.sh --docs [pytest args...]   only the docs' commands (test_docs.py)
#
# Installs the tools (scripts/install-tools.sh helm python node: a few seconds
# when already installed), builds mcp-chart once (cargo build -p mcp-chart), and
# runs pytest from the project's tool venv. A missing tool fails the run.
# MCP_CHART_BIN=/path/to/mcp-chart tests another build (no cargo build then).
set -euo pipefail
cd "$(dirname "$0")/../.."

start=$SECONDS
bash scripts/install-tools.sh helm python node
if [[ -z "${MCP_CHART_BIN:-}" ]]; then
  cargo build -q -p mcp-chart --locked
  export MCP_CHART_BIN="$PWD/target/debug/mcp-chart"
fi
# shellcheck source=scripts/env.sh
. scripts/env.sh
echo "tests/e2e: tools ready in $((SECONDS - start))s; mcp-chart: $MCP_CHART_BIN" >&2
export PYTHONDONTWRITEBYTECODE=1
# The docs' commands are their own check.sh stage (after the wasm engine's).
tests=(tests/e2e --ignore=tests/e2e/test_docs.py)
if [[ ${1:-} == --docs ]]; then
  shift
  tests=(tests/e2e/test_docs.py)
fi
exec "$MCP_CHART_CACHE/venv/bin/python" -m pytest "${tests[@]}" -p no:cacheprovider "$@"
