#!/usr/bin/env bash
# Builds the mcp-chart WebAssembly module (crates/mcp-chart-module) for the
# CLI's wasm engine, and optionally its test variant and the Helm 4 extism
# plugin. See docs/wasm-engine.md.
#
#   scripts/build-wasm-module.sh [--test] [--plugin] [--out DIR] [--install]
#
#   (default)  DIR/mcp-chart-module.wasm              the shipped module
#   --test     DIR/mcp-chart-module-test.wasm         + the test-only ops (spin, grow)
#   --plugin   helm-plugin-wasm/mcp-chart-wasm/plugin.wasm   the extism/v1 plugin
#   --install  also copies the module next to every mcp-chart binary it knows
#              (where the CLI looks for it): target/{debug,release}/mcp-chart,
#              the one `cargo install` put in ${CARGO_INSTALL_ROOT:-${CARGO_HOME:-~/.cargo}}/bin,
#              and the one on PATH
#   --out DIR  default: target/wasm-module
#
# The crates are rlibs; `cargo rustc --crate-type cdylib` builds the cdylib
# alone, which is what gets LTO (a crate with both crate types silently loses
# it). The workspace's `wasm-release` profile strips symbols and names.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/wasm-module
TEST=0
PLUGIN=0
INSTALL=0
while (($#)); do
  case $1 in
    --test) TEST=1 ;;
    --plugin) PLUGIN=1 ;;
    --install) INSTALL=1 ;;
    --out) OUT=$2; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "build-wasm-module.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$OUT"

TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
# A target dir of its own, so that this build and the playground's
# wasm-release build (other features of the same crates) do not invalidate
# each other. Nothing in the module's graph needs randomness (getrandom left
# with the jsonschema crate), so the module imports nothing.
export CARGO_TARGET_DIR="$TARGET_DIR/wasm-engine"
BUILT="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release"

build() { # PACKAGE FEATURES ARTIFACT DEST
  cargo rustc -q -p "$1" --lib --crate-type cdylib --target wasm32-unknown-unknown \
    --profile wasm-release --locked --features "$2"
  cp "$BUILT/$3" "$4.tmp" && mv "$4.tmp" "$4"
  echo "built $4 ($(stat -c %s "$4") bytes)" >&2
}

if ((TEST)); then
  build mcp-chart-module abi,test-ops mcp_chart_module.wasm "$OUT/mcp-chart-module-test.wasm"
fi
# The shipped module last, so that the target dir's artifact is the real one.
build mcp-chart-module abi mcp_chart_module.wasm "$OUT/mcp-chart-module.wasm"
if ((PLUGIN)); then
  build mcp-chart-helm-plugin "" mcp_chart_helm_plugin.wasm helm-plugin-wasm/mcp-chart-wasm/plugin.wasm
fi
if ((INSTALL)); then
  # The CLI looks next to its real file (symlinks resolved), so follow them.
  found=0
  for bin in "$TARGET_DIR/debug/mcp-chart" "$TARGET_DIR/release/mcp-chart" \
    "${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin/mcp-chart" "$(command -v mcp-chart || true)"; do
    [[ -n $bin && -x $bin ]] || continue
    found=1
    dest="$(dirname "$(readlink -f "$bin")")/mcp-chart-module.wasm"
    cmp -s "$OUT/mcp-chart-module.wasm" "$dest" && continue
    cp "$OUT/mcp-chart-module.wasm" "$dest.tmp" && mv "$dest.tmp" "$dest"
    echo "installed $dest" >&2
  done
  ((found)) || { echo "build-wasm-module.sh --install: no mcp-chart binary to put the module next to (cargo install or cargo build it first)" >&2; exit 1; }
fi
