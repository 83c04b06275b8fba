#!/usr/bin/env bash
# The one command that runs every check and test of the project (CI runs it via
# .ci/run). Stages print their duration so slow ones are easy to spot; test
# stages log to out/test-logs/ and the last line sums them up.
set -euo pipefail
cd "$(dirname "$0")/.."

LOGS=out/test-logs
rm -rf "$LOGS" && mkdir -p "$LOGS"

stage() {
  local name=$1; shift
  local start=$SECONDS
  echo "::: $name" >&2
  "$@"
  echo "::: $name done in $((SECONDS - start))s" >&2
}

# Runs a test command, keeping its output in out/test-logs/NAME.log.
tests() {
  local name=$1; shift
  "$@" 2>&1 | tee "$LOGS/$name.log"
}

stage "rust targets" rustup target add wasm32-unknown-unknown wasm32-wasip1
stage "fmt" cargo fmt --all --check
stage "clippy (native)" cargo clippy --workspace --all-targets --locked -- -D warnings
stage "clippy (wasm32)" cargo clippy -p mcp-chart-core -p mcp-chart-wasm --target wasm32-unknown-unknown --locked -- -D warnings
stage "core builds for wasm32-wasip1" cargo build -p mcp-chart-core --target wasm32-wasip1 --locked
stage "schema drift" cargo run -q -p mcp-chart --locked -- schema --write --check
stage "rust tests" tests cargo cargo test --workspace --locked
# The fuzz targets (their own workspace, fuzz/) still compile against the core.
stage "fuzz targets build" cargo check --manifest-path fuzz/Cargo.toml --locked --bins
stage "chart e2e (helm 3.17/3.18/4)" tests chart-e2e bash tests/e2e/run.sh
stage "gateway e2e" tests gateway-e2e bash tests/gateway_e2e/run.sh

# Browser playground (wasm/): build the WASM package and the static site, check
# the rendered fixtures against the real chart, then the node parity tests
# (wasm vs the native CLI) and the browser tests (headless Debian chromium).
stage "playground: tools" scripts/install-tools.sh --serial chromium helm
stage "playground: build" bash wasm/build.sh
stage "playground: rendered fixtures" bash wasm/fixtures/render.sh --check
stage "playground: CLI" cargo build -q -p mcp-chart --locked
stage "playground: tests" tests playground node --test wasm/test/

# Every tool of the benchmark harness runs and agrees (timings never fail it).
stage "benchmarks (smoke)" bash benchmarks/run.sh --smoke

python3 scripts/sum-test-logs.py "$LOGS"
