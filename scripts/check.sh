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
# The wasm engine is a cargo feature (off by default, on in release builds):
# linted with it, and the lean default once more (only mcp-chart changes).
stage "clippy (native)" cargo clippy --workspace --all-targets --features mcp-chart/wasm-engine --locked -- -D warnings
stage "clippy (lean default)" cargo clippy -p mcp-chart --all-targets --locked -- -D warnings
stage "clippy (wasm32)" cargo clippy -p mcp-chart-core -p mcp-chart-wasm --target wasm32-unknown-unknown --locked -- -D warnings
stage "clippy (wasm32 module)" cargo clippy -p mcp-chart-module -p mcp-chart-helm-plugin --features mcp-chart-module/abi,mcp-chart-module/test-ops --target wasm32-unknown-unknown --locked -- -D warnings
stage "core builds for wasm32-wasip1" cargo build -p mcp-chart-core --target wasm32-wasip1 --locked
stage "schema drift" cargo run -q -p mcp-chart --locked -- schema --write --check
# Some Rust tests run real tools (mcp-proxy's argument parser, kubernetes-validate):
# installed first, so that those tests run instead of failing.
stage "test tools" scripts/install-tools.sh helm python node
stage "rust tests" tests cargo cargo test --workspace --locked
# The fuzz targets (their own workspace, fuzz/) still compile against the core.
stage "fuzz targets build" cargo check --manifest-path fuzz/Cargo.toml --locked --bins
# Fixtures that claim to be what Helm renders are rendered again and compared.
rendered_fixtures() {
  scripts/install-tools.sh helm
  scripts/render-fixtures.sh --check
}
stage "rendered fixtures" rendered_fixtures
stage "chart e2e (helm 3.17/3.18/4)" tests chart-e2e bash tests/e2e/run.sh
stage "gateway e2e" tests gateway-e2e bash tests/gateway_e2e/run.sh

# Browser playground (wasm/): build the WASM package and the static site, then
# the node parity tests (wasm vs the native CLI) and the browser tests (headless
# Debian chromium; its rendered fixtures are checked by "rendered fixtures").
stage "playground: tools" scripts/install-tools.sh --serial chromium helm
stage "playground: build" bash wasm/build.sh
stage "playground: CLI" cargo build -q -p mcp-chart --locked
stage "playground: tests" tests playground node --test wasm/test/

# The wasm engine (docs/wasm-engine.md): builds the module, its test variant and
# the Helm 4 extism plugin, then runs the (otherwise ignored) parity, limit and
# plugin tests against them, with Helm 4 and the extism host from the tool venv.
# A subshell: env.sh puts the tool venv (which has no pip) first on PATH, and
# the later stages install with the system python3.
wasm_engine() (
  scripts/install-tools.sh helm python
  # shellcheck source=scripts/env.sh
  . scripts/env.sh
  scripts/build-wasm-module.sh --test --plugin
  cargo build -q -p mcp-chart --features wasm-engine --locked
  local out="$PWD/target/wasm-module"
  export MCP_CHART_MODULE="$out/mcp-chart-module.wasm"
  export MCP_CHART_TEST_MODULE="$out/mcp-chart-module-test.wasm"
  # A cache of compiled modules for this run only, warmed once per module so
  # that the parallel tests do not all compile them at the same time.
  rm -rf "$out/cache"
  export MCP_CHART_WASM_CACHE="$out/cache"
  target/debug/mcp-chart schema --engine wasm >/dev/null
  echo '{"op":"info"}' | target/debug/mcp-chart engine-request --engine wasm --wasm-module "$MCP_CHART_TEST_MODULE" >/dev/null
  tests wasm-engine cargo test -p mcp-chart --features wasm-engine --locked --no-fail-fast --test wasm_engine --test wasm_helm_plugin -- --ignored
)
stage "wasm engine" wasm_engine

# Every shell block of the Markdown runs as written, or says why not
# (scripts/README.md "Docs are tests"); after the wasm engine stage, whose
# module the docs' `scripts/build-wasm-module.sh --install` then reuses.
# MCP_CHART_BIN: that stage's build, with the wasm-engine feature the docs use.
stage "docs" tests docs env MCP_CHART_BIN="$PWD/target/debug/mcp-chart" bash tests/e2e/run.sh --docs

# What ships (docs/shipping.md): the release script on the dev build with the
# wasm engine (just built above), both Helm plugins from tarballs over
# 127.0.0.1, the OCI chart round trip, the images, the npm package (from the
# playground's wasm/pkg), actionlint and cargo package.
stage "ship" tests ship bash tests/ship/run.sh

# Every tool of the benchmark harness runs and agrees (timings never fail it).
stage "benchmarks (smoke)" bash benchmarks/run.sh --smoke

python3 scripts/sum-test-logs.py "$LOGS"
