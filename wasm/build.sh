#!/usr/bin/env bash
# Builds the browser playground into wasm/dist/ (a static site):
#   1. the mcp-chart-wasm cdylib for wasm32-unknown-unknown, release profile
#      `wasm-release` (built as the cdylib alone, so LTO applies);
#   2. wasm-bindgen --target web into wasm/pkg/, with the wasm-bindgen-cli
#      whose version is the one Cargo.lock pins for the crate (installed once
#      into .cache/cargo if missing);
#   3. the front end (CodeMirror from npm, wasm/package-lock.json) bundled by
#      esbuild, with the examples embedded.
# Prints the raw and gzip size of the .wasm (wasm/dist/size.json). Nothing it
# writes is committed.
#
#   bash wasm/build.sh            # build
#   bash wasm/serve.sh            # build, then serve on http://127.0.0.1:8080/
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
CACHE="${MCP_CHART_CACHE:-$REPO/.cache}"
mkdir -p "$CACHE"
log() { printf '[wasm/build] %s\n' "$*" >&2; }
die() { printf '[wasm/build] ERROR: %s\n' "$*" >&2; exit 1; }

# --- wasm-bindgen-cli, pinned to the crate's wasm-bindgen ----------------------
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[[ -n "$WB_VERSION" ]] || die "no wasm-bindgen in Cargo.lock"
WB="$CACHE/cargo/bin/wasm-bindgen"
if [[ ! -x "$WB" || "$("$WB" --version 2>/dev/null)" != "wasm-bindgen $WB_VERSION" ]]; then
  log "installing wasm-bindgen-cli $WB_VERSION into $CACHE/cargo (once)"
  # Only the wasm-bindgen binary, without TLS (it downloads nothing), at
  # opt-level 1: a third less compile time, same output, same speed here.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install --quiet wasm-bindgen-cli --version "$WB_VERSION" \
    --no-default-features --bin wasm-bindgen --root "$CACHE/cargo" --force
fi

# --- the wasm module -----------------------------------------------------------
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown
# strip = "debuginfo" (not the profile's `true`) keeps the target_features
# section wasm-bindgen reads; wasm-bindgen removes the name section itself.
log "cargo rustc -p mcp-chart-wasm (wasm32, wasm-release, cdylib)"
cargo rustc --quiet --locked -p mcp-chart-wasm --target wasm32-unknown-unknown \
  --config 'profile.wasm-release.strip="debuginfo"' \
  --profile wasm-release --crate-type cdylib
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
RAW_WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm-release/mcp_chart_wasm.wasm"
[[ -f "$RAW_WASM" ]] || die "missing $RAW_WASM"

rm -rf wasm/pkg
"$WB" --target web --out-dir wasm/pkg --remove-name-section --remove-producers-section "$RAW_WASM"

# --- the front end -------------------------------------------------------------
STAMP="wasm/node_modules/.mcp-chart-stamp"
WANT="node$(node -p 'process.versions.node.split(".")[0]') $(cat wasm/package.json wasm/package-lock.json | sha256sum | cut -c1-16)"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$WANT" ]]; then
  log "npm ci (wasm/package-lock.json)"
  npm ci --prefix wasm --no-audit --no-fund --loglevel=error >/dev/null
  printf '%s\n' "$WANT" >"$STAMP"
fi
log "esbuild → wasm/dist"
node wasm/build.mjs # prints the sizes, writes wasm/dist/size.json

