#!/usr/bin/env bash
# Packs the wasm bindings (crates/mcp-chart-wasm, as wasm/build.sh builds them
# into wasm/pkg/) as the npm package `@mcp-chart/wasm` (docs/shipping.md):
# the ES module, the .wasm, the TypeScript types, README and LICENSE.
#
#   scripts/build-npm.sh [--out DIR]     (after bash wasm/build.sh)
#   -> DIR/mcp-chart-wasm-VERSION.tgz    (npm pack; default DIR: out/npm)
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=out/npm
while (($#)); do
  case $1 in
    --out) OUT=$2; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "build-npm.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
for f in mcp_chart_wasm.js mcp_chart_wasm.d.ts mcp_chart_wasm_bg.wasm mcp_chart_wasm_bg.wasm.d.ts; do
  [[ -f wasm/pkg/$f ]] || { echo "build-npm.sh: wasm/pkg/$f is missing: run bash wasm/build.sh" >&2; exit 1; }
done
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp wasm/pkg/mcp_chart_wasm.js wasm/pkg/mcp_chart_wasm.d.ts wasm/pkg/mcp_chart_wasm_bg.wasm \
  wasm/pkg/mcp_chart_wasm_bg.wasm.d.ts LICENSE "$stage/"
cat >"$stage/README.md" <<EOF
# @mcp-chart/wasm

The [mcp-chart](https://github.com/mcp-chart/mcp-chart) core as WebAssembly: validate
values of the \`mcp-server\` Helm chart the way Helm reads them, print its values
schema, and post-render Helm manifests (stdio gateway, timeouts), in browsers and
Node.js. TypeScript types included.

\`\`\`js
import { readFileSync } from "node:fs";
import { initSync, validate } from "@mcp-chart/wasm";

initSync({ module: readFileSync(new URL(import.meta.resolve("@mcp-chart/wasm/mcp_chart_wasm_bg.wasm"))) });
const report = validate({ files: [{ name: "values.yaml", text: "replicaCount: 2\n" }] });
console.log(report.valid, report.diagnostics);
\`\`\`

In a browser: \`await init()\` (the default export) fetches the \`.wasm\` next to the
module. The API (\`valuesSchema\`, \`validate\`, \`postRender\`, \`explainInjection\`) is
described in the repository's wasm/README.md.
EOF
cat >"$stage/package.json" <<EOF
{
  "name": "@mcp-chart/wasm",
  "version": "$VERSION",
  "description": "mcp-chart core as WebAssembly: validate values and post-render manifests of the mcp-server Helm chart",
  "license": "MIT",
  "repository": { "type": "git", "url": "git+https://github.com/mcp-chart/mcp-chart.git" },
  "homepage": "https://github.com/mcp-chart/mcp-chart",
  "keywords": ["helm", "kubernetes", "mcp", "json-schema", "webassembly"],
  "type": "module",
  "main": "./mcp_chart_wasm.js",
  "types": "./mcp_chart_wasm.d.ts",
  "exports": {
    ".": { "types": "./mcp_chart_wasm.d.ts", "default": "./mcp_chart_wasm.js" },
    "./mcp_chart_wasm_bg.wasm": "./mcp_chart_wasm_bg.wasm",
    "./package.json": "./package.json"
  },
  "files": ["mcp_chart_wasm.js", "mcp_chart_wasm.d.ts", "mcp_chart_wasm_bg.wasm", "mcp_chart_wasm_bg.wasm.d.ts", "README.md", "LICENSE"],
  "sideEffects": false,
  "engines": { "node": ">=20" }
}
EOF
(cd "$stage" && npm pack --silent --pack-destination "$OUT" >/dev/null)
echo "build-npm.sh: $OUT/mcp-chart-wasm-$VERSION.tgz ($(wc -c <"$OUT/mcp-chart-wasm-$VERSION.tgz") bytes)" >&2
