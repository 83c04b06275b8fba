#!/usr/bin/env bash
# The gateway end-to-end tests (issue 6): installs what they need, builds the
# post-renderer, runs pytest with per-test and global time limits.
#   tests/gateway_e2e/run.sh [pytest args...]     e.g. -k prestart -x -s
set -euo pipefail
cd "$(dirname "$0")/../.."

bash scripts/install-tools.sh helm python node
cargo build -q -p mcp-chart --locked
# shellcheck source=../../scripts/env.sh
. scripts/env.sh
export MCP_CHART_BIN="${MCP_CHART_BIN:-$PWD/target/debug/mcp-chart}"
export PYTHONDONTWRITEBYTECODE=1

# SIGINT first: pytest then runs the fixtures' teardown, which kills every
# process the tests started (by PID); SIGKILL only 20 s later.
exec timeout -s INT -k 20 "${MCP_CHART_E2E_TIMEOUT:-300}" \
  "$MCP_CHART_CACHE/venv/bin/python" -m pytest tests/gateway_e2e \
  -p no:cacheprovider --timeout 120 -ra "$@"
