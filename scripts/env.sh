# Source this file (bash or zsh) after scripts/install-tools.sh:
#
#   . scripts/env.sh
#
# Exports MCP_CHART_CACHE, puts $MCP_CHART_CACHE/bin (helm4, helm3.18, helm3.17)
# and $MCP_CHART_CACHE/venv/bin (mcp-proxy, kubernetes-validate, ...) first on
# PATH, and points HELM4 / HELM3_18 / HELM3_17 at the helm binaries.
# HELM_DATA_HOME / HELM_CONFIG_HOME / HELM_CACHE_HOME are deliberately NOT set
# here: each test gives each helm version its own roots.
# No `set -e` and no exit here: this runs in the caller's shell.

if [ -n "${BASH_SOURCE:-}" ]; then
  _mcp_chart_env_src="${BASH_SOURCE[0]}"
elif [ -n "${ZSH_VERSION:-}" ]; then
  _mcp_chart_env_src="${(%):-%x}"
else
  _mcp_chart_env_src="$0"
fi
_mcp_chart_repo="$(cd "$(dirname "$_mcp_chart_env_src")/.." 2>/dev/null && pwd)"
if [ ! -f "$_mcp_chart_repo/scripts/env.sh" ]; then
  # POSIX sh cannot tell which file is being sourced: use the enclosing checkout.
  _mcp_chart_repo="$(git rev-parse --show-toplevel 2>/dev/null || pwd)"
fi

MCP_CHART_CACHE="${MCP_CHART_CACHE:-$_mcp_chart_repo/.cache}"
if [ -d "$MCP_CHART_CACHE" ]; then
  MCP_CHART_CACHE="$(cd "$MCP_CHART_CACHE" && pwd)"
else
  echo "scripts/env.sh: $MCP_CHART_CACHE does not exist yet; run scripts/install-tools.sh" >&2
fi
export MCP_CHART_CACHE

# Prepend each directory once, even when sourced repeatedly.
for _mcp_chart_dir in "$MCP_CHART_CACHE/venv/bin" "$MCP_CHART_CACHE/bin"; do
  case ":$PATH:" in
    *":$_mcp_chart_dir:"*) ;;
    *) PATH="$_mcp_chart_dir:$PATH" ;;
  esac
done
export PATH

export HELM4="$MCP_CHART_CACHE/bin/helm4"
export HELM3_18="$MCP_CHART_CACHE/bin/helm3.18"
export HELM3_17="$MCP_CHART_CACHE/bin/helm3.17"

unset _mcp_chart_env_src _mcp_chart_repo _mcp_chart_dir
