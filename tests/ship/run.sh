#!/usr/bin/env bash
# What ships, tested end to end on this machine (docs/shipping.md), with the
# real Helm 3.18 and 4.3.1, a real OCI registry (Debian's docker-registry) and
# a release directory served on 127.0.0.1:
#
#   1. the release workflow passes actionlint; the crates pass cargo publish --dry-run
#   2. scripts/release.sh builds the linux x86_64 archive (from the `dev`
#      build CI already has: --profile dev), the plugin tarballs, SHA256SUMS
#      and signatures with a throwaway GPG key; a second run gives the same bytes
#   3. the archive, unpacked into an empty directory, runs the README's commands
#   4. both Helm plugins install from their tarball URLs (Helm 4 with --verify),
#      their hook downloads and checks the archive, and the chart renders
#      through them with no mcp-chart on PATH; tampering is refused; Helm 3
#      and Helm 4 keep separate plugin directories
#   5. the Helm 4 plugin installs from the OCI registry (--verify); the chart
#      round-trips through the registry and a classic repo, and
#      `helm template oci://…` post-renders with the plugin
#   6. the images are built (umoci), unpacked and their entrypoints run
#   7. the npm package of the wasm bindings installs from its tarball into a
#      scratch project and works from node, types included
#
#   tests/ship/run.sh          (scripts/check.sh runs it as the stage "ship")
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD

scripts/install-tools.sh helm ship
# shellcheck source=scripts/env.sh
. scripts/env.sh
for tool in "$HELM4" "$HELM3_18" actionlint umoci docker-registry gpg curl chroot npm node; do
  command -v "$tool" >/dev/null || { echo "ship: $tool is missing" >&2; exit 1; }
done

T=$(mktemp -d /tmp/mcp-chart-ship.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  [[ -d $T/gnupg ]] && GNUPGHOME=$T/gnupg gpgconf --kill gpg-agent 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

FAILED=0
PASSED=0
ok() { PASSED=$((PASSED + 1)); echo "ok   $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*" >&2; }
# expect NAME CMD...: CMD must succeed
expect() { local name=$1; shift; if "$@" >"$T/last.out" 2>"$T/last.err"; then ok "$name"; else fail "$name"; tail -n 20 "$T/last.err" "$T/last.out" >&2; fi; }
# refuse NAME PATTERN CMD...: CMD must fail and say PATTERN on stdout/stderr
refuse() {
  local name=$1 pattern=$2; shift 2
  if "$@" >"$T/last.out" 2>"$T/last.err"; then fail "$name (it succeeded)"; return; fi
  if grep -qE "$pattern" "$T/last.out" "$T/last.err"; then ok "$name"; else fail "$name (no '$pattern')"; tail -n 20 "$T/last.err" >&2; fi
}
# contains NAME FILE PATTERN
contains() { if grep -qE -- "$3" "$2"; then ok "$1"; else fail "$1 (no '$3' in $2)"; head -n 20 "$2" >&2; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { # PORT
  local i
  for i in $(seq 100); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "ship: nothing listens on 127.0.0.1:$1" >&2; return 1
}
# A PATH with the system tools but no mcp-chart (and no helm).
BARE_PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin
PATH=$BARE_PATH command -v mcp-chart >/dev/null && { echo "ship: an mcp-chart is in $BARE_PATH" >&2; exit 1; }

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
EXAMPLE=examples/stdio-gateway-named-servers.yaml

# --- 1. workflow lint, crates ----------------------------------------------
expect "actionlint .github/workflows" actionlint .github/workflows/*.yml
# --allow-dirty: a check of what would be packaged, also before a commit.
# The dry run verifies: it builds each packaged crate on its own (the
# unpublished parser, core and module stand in for crates.io), so a file the
# core embeds from outside its crate, or a missing path-dependency version,
# fails here. About 1 CPU-minute (debug, default features).
expect "cargo publish --dry-run (YAML parser, core, module, CLI)" \
  cargo publish --dry-run --locked --allow-dirty -p mcp-chart-yaml-parser -p mcp-chart-core -p mcp-chart-module -p mcp-chart
# The dry run leaves no .crate behind; package (seconds) to look inside.
expect "cargo package (YAML parser, core, module, CLI) --no-verify" \
  cargo package --locked --no-verify --allow-dirty -p mcp-chart-yaml-parser -p mcp-chart-core -p mcp-chart-module -p mcp-chart
expect "the core's .crate holds the chart files it embeds" \
  bash -c "tar -tzf target/package/mcp-chart-core-$VERSION.crate | grep -qx mcp-chart-core-$VERSION/chart/values.schema.json"
expect "the core's source embeds nothing outside its crate" \
  bash -c '! grep -rn "include_str!(\"\.\./\.\./" crates/mcp-chart-core/src crates/mcp-chart-module/src crates/mcp-chart/src'

# --- 2. release assets -----------------------------------------------------
export GNUPGHOME=$T/gnupg
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'mcp-chart test release <release@example.invalid>' rsa2048 sign never
export SOURCE_DATE_EPOCH=1764460800
REL=$T/release
expect "release.sh all --profile dev" scripts/release.sh all --profile dev --out "$REL" --sign release@example.invalid
ARCHIVE=mcp-chart-$VERSION-linux-x86_64.tar.gz
for f in "$ARCHIVE" "mcp-chart-$VERSION.tar.gz" "mcp-chart-$VERSION.tgz" "mcp-chart-$VERSION.tgz.prov" \
  values.schema.json SHA256SUMS SHA256SUMS.asc mcp-chart-release-key.asc; do
  [[ -s $REL/$f ]] && ok "asset $f" || fail "asset $f"
done
expect "SHA256SUMS covers every asset" bash -c "cd '$REL' && sha256sum -c --strict SHA256SUMS && [[ \$(wc -l <SHA256SUMS) == \$(ls | grep -vc '^SHA256SUMS') ]]"
expect "SHA256SUMS.asc verifies" gpg --batch --verify "$REL/SHA256SUMS.asc" "$REL/SHA256SUMS"
# The keyring users make from the published key (docs/shipping.md).
gpg --dearmor <"$REL/mcp-chart-release-key.asc" >"$T/release-key.gpg"
tar -tvzf "$REL/$ARCHIVE" >"$T/listing"
contains "archive: binary" "$T/listing" "^-rwxr-xr-x 0/0 .* mcp-chart-$VERSION-linux-x86_64/mcp-chart$"
contains "archive: wasm module" "$T/listing" " mcp-chart-$VERSION-linux-x86_64/mcp-chart-module.wasm$"
contains "archive: Helm 3 plugin" "$T/listing" " mcp-chart-$VERSION-linux-x86_64/helm-plugin/helm3/mcp-chart/plugin.yaml$"
contains "archive: Helm 4 plugin" "$T/listing" " mcp-chart-$VERSION-linux-x86_64/helm-plugin/helm4/mcp-chart/plugin.yaml$"
contains "archive: LICENSE" "$T/listing" " mcp-chart-$VERSION-linux-x86_64/LICENSE$"
contains "archive: README" "$T/listing" " mcp-chart-$VERSION-linux-x86_64/README.md$"
contains "archive: fixed mtimes" "$T/listing" " 2025-11-30 00:00 mcp-chart-$VERSION-linux-x86_64/mcp-chart$"
REL2=$T/release2
scripts/release.sh all --profile dev --out "$REL2" >/dev/null 2>&1
expect "reproducible: a second build gives the same archive and plugin tarballs" \
  bash -c "cd '$REL' && for f in $ARCHIVE mcp-chart-$VERSION.tar.gz mcp-chart-$VERSION.tgz; do cmp \$f '$REL2'/\$f; done"

# --- 3. the archive alone runs the README's commands -----------------------
mkdir "$T/unpacked"
tar -xzf "$REL/$ARCHIVE" -C "$T/unpacked"
U=$T/unpacked/mcp-chart-$VERSION-linux-x86_64
# The README's block between the e2e:ship-first-screen markers, with mcp-chart
# and helm from the archive and the cache only.
mkdir "$T/helm-bin" && ln -s "$HELM4" "$T/helm-bin/helm"
sed -n '/<!-- e2e:ship-first-screen:begin -->/,/<!-- e2e:ship-first-screen:end -->/p' README.md |
  sed -n '/^```sh$/,/^```$/p' | grep -v '^```' | grep -v '^#' >"$T/first-screen.sh"
[[ -s $T/first-screen.sh ]] && ok "README first-screen block found" || fail "README first-screen block found"
expect "README's commands run from the unpacked archive" \
  env -C "$U" PATH="$U:$T/helm-bin:$BARE_PATH" HELM_DATA_HOME="$T/h-readme" HELM_CONFIG_HOME="$T/h-readme" HELM_CACHE_HOME="$T/h-readme" \
  bash -euo pipefail "$T/first-screen.sh"
contains "README's post-render command explains the gateway" "$T/last.out" "mcp-gateway"
expect "the archive's binary has the wasm engine" env -C "$U" ./mcp-chart schema --engine wasm

# The README's pre-commit snippet, against a local clone tagged v$VERSION
# (the hook is `language: system`: the archive's mcp-chart on PATH).
git clone --quiet --no-hardlinks "$REPO" "$T/hook-repo"
git -C "$T/hook-repo" tag "v$VERSION"
mkdir "$T/project" && git -C "$T/project" init --quiet
sed -n '/<!-- ship:pre-commit:begin -->/,/<!-- ship:pre-commit:end -->/p' README.md | sed -n '/^```yaml$/,/^```$/p' |
  grep -v '^```' | sed "s|repo: https://github.com/mcp-chart/mcp-chart|repo: $T/hook-repo|" >"$T/project/.pre-commit-config.yaml"
contains "README's pre-commit snippet names rev v$VERSION" "$T/project/.pre-commit-config.yaml" "rev: v$VERSION$"
cp "$EXAMPLE" "$T/project/values-gateway.yaml"
git -C "$T/project" add -A
precommit() { env -C "$T/project" PATH="$U:$BARE_PATH" PRE_COMMIT_HOME="$T/pre-commit-home" "$MCP_CHART_CACHE/ship-venv/bin/pre-commit" "$@"; }
expect "pre-commit (rev v$VERSION) passes a valid values file" precommit run --all-files
printf 'replicaCount: many\n' >"$T/project/values-broken.yaml"
git -C "$T/project" add -A
refuse "pre-commit (rev v$VERSION) fails a broken values file" "values-broken.yaml:1:15" precommit run --all-files

# --- 4. Helm plugins from tarball URLs -------------------------------------
PORT=$(free_port)
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$REL" >"$T/http.log" 2>&1 &
PIDS+=($!)
wait_port "$PORT"
BASE=http://127.0.0.1:$PORT
export MCP_CHART_RELEASE_URL=$BASE

h4() { env PATH="$BARE_PATH" HELM_DATA_HOME="$T/h4/data" HELM_CONFIG_HOME="$T/h4/config" HELM_CACHE_HOME="$T/h4/cache" "$HELM4" "$@"; }
h3() { env PATH="$BARE_PATH" HELM_DATA_HOME="$T/h3/data" HELM_CONFIG_HOME="$T/h3/config" HELM_CACHE_HOME="$T/h3/cache" "$HELM3_18" "$@"; }

expect "Helm 4: plugin install --verify from $BASE" h4 plugin install "$BASE/mcp-chart-$VERSION.tgz" --verify --keyring "$T/release-key.gpg"
contains "Helm 4: the hook downloaded the archive" "$T/last.err" "installed mcp-chart $VERSION \\(linux-x86_64"
expect "Helm 4: plugin list" h4 plugin list
contains "Helm 4: plugin listed as signed postrenderer/v1" "$T/last.out" "mcp-chart[[:space:]]+$VERSION[[:space:]]+postrenderer/v1[[:space:]]+v1[[:space:]]+signed"
expect "Helm 4: helm template --post-renderer mcp-chart (nothing on PATH)" \
  h4 template my-mcp charts/mcp-server -f "$EXAMPLE" --post-renderer mcp-chart
contains "Helm 4: the gateway is injected" "$T/last.out" "name: mcp-gateway"

expect "Helm 3: plugin install from $BASE" h3 plugin install "$BASE/mcp-chart-$VERSION.tar.gz"
H3BIN=$T/h3/data/plugins/mcp-chart/bin/mcp-chart
[[ -x $H3BIN ]] && ok "Helm 3: the hook put the binary in the plugin" || fail "Helm 3: the hook put the binary in the plugin"
expect "Helm 3: helm template --post-renderer <plugin binary>" \
  h3 template my-mcp charts/mcp-server -f "$EXAMPLE" --post-renderer "$H3BIN" --post-renderer-args post-render
contains "Helm 3: the gateway is injected" "$T/last.out" "name: mcp-gateway"
expect "Helm 3: helm mcp-chart validate" h3 mcp-chart validate "$EXAMPLE"
expect "Helm 3 and 4 side by side: Helm 3 loads its plugins without errors" h3 plugin list
if grep -q "failed to load plugins" "$T/last.err"; then fail "Helm 3 plugin list is clean"; else ok "Helm 3 plugin list is clean"; fi
expect "Helm 3 and 4 side by side: Helm 4 still renders" h4 template my-mcp charts/mcp-server -f "$EXAMPLE" --post-renderer mcp-chart
# Why the directories must differ: Helm 3 cannot read a Helm 4 plugin.
env PATH="$BARE_PATH" HELM_PLUGINS="$T/h4/data/plugins" HELM_CONFIG_HOME="$T/h3/config" HELM_CACHE_HOME="$T/h3/cache" \
  "$HELM3_18" plugin list >"$T/shared.out" 2>&1 || true
contains "a shared plugins directory breaks Helm 3 (the documented reason)" "$T/shared.out" "failed to load plugins|apiVersion"

# Tampering: a plugin tarball that does not match its .prov; an archive that
# does not match the checksums the plugin carries.
BAD=$T/bad
mkdir "$BAD" && cp "$REL"/* "$BAD/"
printf 'x' >>"$BAD/mcp-chart-$VERSION.tgz"
BADPORT=$(free_port)
python3 -m http.server "$BADPORT" --bind 127.0.0.1 --directory "$BAD" >"$T/http-bad.log" 2>&1 &
PIDS+=($!)
wait_port "$BADPORT"
refuse "Helm 4 --verify refuses a tampered plugin tarball" "sha256|verif|hash" \
  env HELM_DATA_HOME="$T/h4bad/data" HELM_CONFIG_HOME="$T/h4bad/config" HELM_CACHE_HOME="$T/h4bad/cache" \
  "$HELM4" plugin install "http://127.0.0.1:$BADPORT/mcp-chart-$VERSION.tgz" --verify --keyring "$T/release-key.gpg"
cp "$REL/mcp-chart-$VERSION.tgz" "$BAD/"
printf 'x' >>"$BAD/$ARCHIVE"
refuse "the install hook refuses an archive whose SHA-256 differs" "SHA-256 mismatch" \
  env MCP_CHART_RELEASE_URL="http://127.0.0.1:$BADPORT" PATH="$BARE_PATH" \
  HELM_DATA_HOME="$T/h3bad/data" HELM_CONFIG_HOME="$T/h3bad/config" HELM_CACHE_HOME="$T/h3bad/cache" \
  "$HELM3_18" plugin install "http://127.0.0.1:$BADPORT/mcp-chart-$VERSION.tar.gz"
[[ ! -e $T/h3bad/data/plugins/mcp-chart/bin/mcp-chart ]] && ok "no binary after a refused download" || fail "no binary after a refused download"

# The plugin directories in the archive install without any download.
expect "Helm 4: plugin install from the unpacked archive (no network)" \
  env MCP_CHART_RELEASE_URL=http://127.0.0.1:9/ PATH="$BARE_PATH" HELM_DATA_HOME="$T/h4local/data" HELM_CONFIG_HOME="$T/h4local/config" HELM_CACHE_HOME="$T/h4local/cache" \
  "$HELM4" plugin install "$U/helm-plugin/helm4/mcp-chart"
expect "Helm 4: the archive's plugin renders" \
  env PATH="$BARE_PATH" HELM_DATA_HOME="$T/h4local/data" HELM_CONFIG_HOME="$T/h4local/config" HELM_CACHE_HOME="$T/h4local/cache" \
  "$HELM4" template my-mcp charts/mcp-server -f "$EXAMPLE" --post-renderer mcp-chart
contains "Helm 4: the archive's plugin injects the gateway" "$T/last.out" "name: mcp-gateway"

# --- 5. the plugin and the chart from registries ----------------------------
REGPORT=$(free_port)
cat >"$T/registry.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $T/registry
http:
  addr: 127.0.0.1:$REGPORT
EOF
docker-registry serve "$T/registry.yml" >"$T/registry.log" 2>&1 &
PIDS+=($!)
wait_port "$REGPORT"
# The Helm 4 plugin as an OCI artifact (scripts/push-plugin-oci.py; Helm 4
# has no push for plugins), installed from there with --verify.
expect "push the Helm 4 plugin to oci://127.0.0.1:$REGPORT/plugins" \
  python3 scripts/push-plugin-oci.py --plain-http "127.0.0.1:$REGPORT/plugins/mcp-chart:$VERSION" \
  "$REL/mcp-chart-$VERSION.tgz" "$REL/mcp-chart-$VERSION.tgz.prov"
h4oci() { env PATH="$BARE_PATH" HELM_DATA_HOME="$T/h4oci/data" HELM_CONFIG_HOME="$T/h4oci/config" HELM_CACHE_HOME="$T/h4oci/cache" "$HELM4" "$@"; }
expect "Helm 4: plugin install oci://… --verify" \
  h4oci plugin install "oci://127.0.0.1:$REGPORT/plugins/mcp-chart:$VERSION" --plain-http --verify --keyring "$T/release-key.gpg"
cat "$T/last.out" "$T/last.err" >"$T/oci-install.log"
contains "Helm 4 (OCI): the signature was checked" "$T/oci-install.log" "Plugin Hash Verified"
contains "Helm 4 (OCI): the hook downloaded the archive" "$T/oci-install.log" "installed mcp-chart $VERSION \\(linux-x86_64"
expect "Helm 4 (OCI): plugin list" h4oci plugin list
contains "Helm 4 (OCI): plugin listed as signed" "$T/last.out" "mcp-chart[[:space:]]+$VERSION[[:space:]]+postrenderer/v1[[:space:]]+v1[[:space:]]+signed"
expect "Helm 4 (OCI): helm template --post-renderer mcp-chart (nothing on PATH)" \
  h4oci template my-mcp charts/mcp-server -f "$EXAMPLE" --post-renderer mcp-chart
contains "Helm 4 (OCI): the gateway is injected" "$T/last.out" "name: mcp-gateway"
CHART_VERSION=$(sed -n 's/^version: *//p' charts/mcp-server/Chart.yaml)
expect "helm package charts/mcp-server" h4 package charts/mcp-server -d "$T/chart"
CHART_TGZ=$T/chart/mcp-server-$CHART_VERSION.tgz
expect "helm push oci://127.0.0.1:$REGPORT/charts" h4 push "$CHART_TGZ" "oci://127.0.0.1:$REGPORT/charts" --plain-http
mkdir "$T/pulled"
expect "Helm 3 pulls it back" h3 pull "oci://127.0.0.1:$REGPORT/charts/mcp-server" --version "$CHART_VERSION" --plain-http -d "$T/pulled"
expect "the pulled chart is the pushed one" cmp "$CHART_TGZ" "$T/pulled/mcp-server-$CHART_VERSION.tgz"
expect "Helm 4: helm template oci://… --post-renderer mcp-chart" \
  h4 template my-mcp "oci://127.0.0.1:$REGPORT/charts/mcp-server" --version "$CHART_VERSION" --plain-http -f "$EXAMPLE" --post-renderer mcp-chart
contains "Helm 4: the OCI chart gets the gateway" "$T/last.out" "name: mcp-gateway"
expect "Helm 3: helm template oci://… --post-renderer <plugin binary>" \
  h3 template my-mcp "oci://127.0.0.1:$REGPORT/charts/mcp-server" --version "$CHART_VERSION" --plain-http -f "$EXAMPLE" \
  --post-renderer "$H3BIN" --post-renderer-args post-render
contains "Helm 3: the OCI chart gets the gateway" "$T/last.out" "name: mcp-gateway"
# A classic repository: index.yaml next to the package.
mkdir "$T/repo" && cp "$CHART_TGZ" "$T/repo/"
REPOPORT=$(free_port)
expect "helm repo index" h4 repo index "$T/repo" --url "http://127.0.0.1:$REPOPORT"
python3 -m http.server "$REPOPORT" --bind 127.0.0.1 --directory "$T/repo" >"$T/http-repo.log" 2>&1 &
PIDS+=($!)
wait_port "$REPOPORT"
expect "helm repo add (classic index.yaml)" h3 repo add mcp-chart "http://127.0.0.1:$REPOPORT"
expect "helm template mcp-chart/mcp-server from the classic repo" \
  h3 template my-mcp mcp-chart/mcp-server --version "$CHART_VERSION" -f "$EXAMPLE" --post-renderer "$H3BIN" --post-renderer-args post-render
contains "classic repo: the gateway is injected" "$T/last.out" "name: mcp-gateway"

# --- 6. container images ---------------------------------------------------
expect "build-image.sh (plain and helm)" scripts/build-image.sh --archive "$REL/$ARCHIVE" --out "$T/image"
CHROOT=$(command -v chroot)
# run_image TAG ARGS...: unpack TAG and run ARGS as the image config says
# (user, env, workdir), chrooted into its rootfs.
run_image() {
  local tag=$1 bundle="$T/bundle-$1"; shift
  [[ -d $bundle ]] || umoci unpack --image "$T/image:$tag" "$bundle" >/dev/null
  cp "$REPO/$EXAMPLE" "$bundle/rootfs/work/values.yaml"
  # The config's user and environment; chroot starts in / (paths are absolute).
  python3 - "$bundle/config.json" >"$T/run-env" <<'PY'
import json, sys
cfg = json.load(open(sys.argv[1]))["process"]
print("\0".join(["%d:%d" % (cfg["user"]["uid"], cfg["user"]["gid"])] + cfg["env"]), end="")
PY
  local env=() user
  mapfile -d '' env <"$T/run-env"
  user=${env[0]}
  env=("${env[@]:1}")
  if env -i "${env[@]}" "$CHROOT" --userspec="$user" "$bundle/rootfs" sh -c true 2>/dev/null; then
    echo "ship: the $tag image has a shell" >&2
    return 1
  fi
  env -i "${env[@]}" "$CHROOT" --userspec="$user" "$bundle/rootfs" "$@"
}
expect "image plain: entrypoint validates an example" run_image plain /usr/local/bin/mcp-chart validate /work/values.yaml
expect "image plain: the wasm engine finds its module" run_image plain /usr/local/bin/mcp-chart schema --engine wasm
expect "image helm: Helm 4 renders with the preinstalled plugin" \
  run_image helm /usr/local/bin/helm template my-mcp "oci://127.0.0.1:$REGPORT/charts/mcp-server" --version "$CHART_VERSION" --plain-http \
  -f /work/values.yaml --post-renderer mcp-chart
contains "image helm: the gateway is injected" "$T/last.out" "name: mcp-gateway"
expect "image helm: Helm 3 is there too" run_image helm /usr/local/bin/helm3 version --short
contains "image helm: Helm 3.18" "$T/last.out" "^v3\\.18"

# --- 7. the npm package of the wasm bindings ------------------------------
# wasm/pkg comes from bash wasm/build.sh (check.sh's playground stage).
expect "build-npm.sh" scripts/build-npm.sh --out "$T/npm"
NPM_TGZ=$T/npm/mcp-chart-wasm-$VERSION.tgz
tar -tzf "$NPM_TGZ" >"$T/npm-listing"
contains "npm package: types" "$T/npm-listing" "^package/mcp_chart_wasm.d.ts$"
contains "npm package: wasm" "$T/npm-listing" "^package/mcp_chart_wasm_bg.wasm$"
mkdir "$T/npm-project"
printf '{"name":"scratch","version":"1.0.0","private":true,"type":"module"}\n' >"$T/npm-project/package.json"
expect "npm install from the tarball" \
  npm install --prefix "$T/npm-project" --offline --no-audit --no-fund --loglevel=error "$NPM_TGZ"
cp "$REPO/tests/fixtures/post-render/gateway-both/input.yaml" "$T/npm-project/rendered.yaml"
cat >"$T/npm-project/use.mjs" <<'JS'
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { initSync, validate, valuesSchema, postRender } from "@mcp-chart/wasm";

initSync({ module: readFileSync(new URL(import.meta.resolve("@mcp-chart/wasm/mcp_chart_wasm_bg.wasm"))) });
const schema = JSON.parse(valuesSchema());
assert.equal(schema.type, "object");
const bad = validate({ files: [{ name: "values.yaml", text: "replicaCount: many\n" }] });
assert.equal(bad.valid, false);
assert.equal(bad.diagnostics[0].file, "values.yaml");
assert.equal(bad.diagnostics[0].line, 1);
const out = postRender({ manifests: readFileSync("rendered.yaml", "utf8") });
assert.equal(out.ok, true, out.error);
assert.match(out.output, /name: mcp-gateway/);
console.log("npm package works");
JS
expect "node uses the installed package (validate, valuesSchema, postRender)" env -C "$T/npm-project" node use.mjs
cat >"$T/npm-project/use.ts" <<'TS'
import { validate, type ValidateResult } from "@mcp-chart/wasm";
const result: ValidateResult = validate({ files: [{ name: "v.yaml", text: "" }] });
const count: number = result.errors;
export { count };
TS
printf '{"compilerOptions":{"strict":true,"noEmit":true,"module":"nodenext","moduleResolution":"nodenext","target":"es2022","skipLibCheck":false},"files":["use.ts"]}\n' >"$T/npm-project/tsconfig.json"
expect "the package's types check under tsc --strict" env -C "$T/npm-project" "$REPO/wasm/node_modules/.bin/tsc" -p tsconfig.json

echo "ship: $PASSED passed, $FAILED failed"
# The summary lines scripts/sum-test-logs.py counts.
printf '# pass %d\n# fail %d\n' "$PASSED" "$FAILED"
((FAILED == 0))
