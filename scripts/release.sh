#!/usr/bin/env bash
# Builds mcp-chart's release assets (docs/shipping.md). One script for CI and
# the release workflow (.github/workflows/release.yml):
#
#   scripts/release.sh archive [--profile P] [--target TRIPLE] [--cargo CMD] [--out DIR]
#       one archive per target: mcp-chart-VERSION-PLATFORM.tar.gz (.zip for
#       Windows) holding the binary (built with the wasm-engine feature), the
#       wasm module, the Helm 3 and Helm 4 plugin directories, LICENSE,
#       README.md, CHANGELOG.md, the chart (charts/mcp-server) and examples/.
#   scripts/release.sh finish [--out DIR] [--sign KEY]
#       after all archives are in DIR: the Helm plugin tarballs (Helm 3:
#       mcp-chart-VERSION.tar.gz; Helm 4: mcp-chart-VERSION.tgz and, with
#       --sign, its .prov), values.schema.json, SHA256SUMS and, with --sign,
#       SHA256SUMS.asc (a detached armored signature) and the public key
#       mcp-chart-release-key.asc.
#   scripts/release.sh all ...   archive then finish (the host target only).
#
#   --profile P   cargo profile (default: release; CI packages its `dev` build)
#   --target T    target triple (default: the host's)
#   --cargo CMD   cargo command building the binary (default: cargo, which
#                 runs `cargo build`; `cargo zigbuild` for the static musl
#                 targets, from scripts/install-tools.sh cross)
#   --out DIR     default: out/release
#   --module F    the wasm module to ship (default: built here by
#                 scripts/build-wasm-module.sh; the workflow builds it once)
#   --sign KEY    gpg key (id or e-mail) in the default keyring ($GNUPGHOME)
#   $PYTHON       python 3 (default: python3)
#
# Reproducible: entries sorted, owner 0:0, modes 0755/0644, every mtime and
# the gzip header set to $SOURCE_DATE_EPOCH (default: the last commit's time).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

die() { echo "release.sh: $*" >&2; exit 1; }

(($#)) || { sed -n '2,31p' "$0"; exit 2; }
MODE=$1; shift
PROFILE=release
TARGET=
CARGO=cargo
OUT=out/release
SIGN=
MODULE=
PYTHON=${PYTHON:-python3}
while (($#)); do
  case $1 in
    --profile) PROFILE=$2; shift ;;
    --target) TARGET=$2; shift ;;
    --cargo) CARGO=$2; shift ;;
    --out) OUT=$2; shift ;;
    --sign) SIGN=$2; shift ;;
    --module) MODULE=$2; shift ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done
case $MODE in archive|finish|all) ;; *) die "unknown mode $MODE (archive, finish or all)" ;; esac

VERSION=$(cargo metadata --format-version 1 --no-deps --locked |
  "$PYTHON" -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "mcp-chart"))')
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
HOST=$(rustc -vV | sed -n 's/^host: //p')
TARGET=${TARGET:-$HOST}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# The plugins must say the version they download.
for plugin in helm-plugin/release/helm3/plugin.yaml helm-plugin/release/helm4/plugin.yaml; do
  got=$(sed -n 's/^version: *//p' "$plugin")
  [[ $got == "$VERSION" ]] || die "$plugin has version $got, the crates $VERSION"
done

platform_of() { # TRIPLE -> the platform part of archive names
  case $1 in
    x86_64-unknown-linux-*) echo linux-x86_64 ;;
    aarch64-unknown-linux-*) echo linux-aarch64 ;;
    x86_64-apple-darwin) echo macos-x86_64 ;;
    aarch64-apple-darwin) echo macos-aarch64 ;;
    x86_64-pc-windows-*) echo windows-x86_64 ;;
    *) die "no platform name for target $1" ;;
  esac
}

# pack FORMAT SRC_DIR ARCHIVE [PREFIX]: a reproducible tar.gz or zip of SRC_DIR
# (entries under PREFIX/, or at the root without PREFIX).
pack() {
  "$PYTHON" - "$@" <<'PY'
import gzip, io, os, sys, tarfile, time, zipfile
fmt, src, dest = sys.argv[1:4]
prefix = sys.argv[4] if len(sys.argv) > 4 else ""
epoch = int(os.environ["SOURCE_DATE_EPOCH"])
entries = []
for root, dirs, files in os.walk(src):
    dirs.sort()
    rel = os.path.relpath(root, src)
    rel = "" if rel == "." else rel.replace(os.sep, "/")
    if rel:
        entries.append((rel, None))
    for f in sorted(files):
        entries.append(((rel + "/" if rel else "") + f, os.path.join(root, f)))
if prefix:
    entries = [(prefix, None)] + [(prefix + "/" + n, p) for n, p in entries]
entries.sort(key=lambda e: e[0])
def mode(path):
    return 0o755 if path is None or os.access(path, os.X_OK) else 0o644
tmp = dest + ".tmp"
if fmt == "tar.gz":
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for name, path in entries:
            info = tarfile.TarInfo(name + ("/" if path is None else ""))
            info.mtime, info.uid, info.gid, info.uname, info.gname = epoch, 0, 0, "", ""
            info.mode = mode(path)
            if path is None:
                info.type = tarfile.DIRTYPE
                tf.addfile(info)
            else:
                with open(path, "rb") as fh:
                    data = fh.read()
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
    with open(tmp, "wb") as out:
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=epoch, compresslevel=9) as gz:
            gz.write(buf.getvalue())
elif fmt == "zip":
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip cannot go before 1980
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, path in entries:
            info = zipfile.ZipInfo(name + ("/" if path is None else ""), stamp)
            info.create_system = 3
            info.external_attr = ((0o40000 if path is None else 0o100000) | mode(path)) << 16
            if path is None:
                zf.writestr(info, b"")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as fh:
                    zf.writestr(info, fh.read())
else:
    sys.exit(f"unknown format {fmt}")
os.replace(tmp, dest)
PY
}

if command -v sha256sum >/dev/null; then sha256() { sha256sum "$@"; }; else sha256() { shasum -a 256 "$@"; }; fi

# plugin_dir KIND DEST: the Helm KIND (helm3/helm4) plugin directory.
plugin_dir() {
  mkdir -p "$2"
  cp "helm-plugin/release/$1/plugin.yaml" helm-plugin/release/install-binary.sh \
    helm-plugin/release/install-binary.ps1 LICENSE "$2/"
  chmod 0644 "$2"/*
}

archive() {
  local platform exe="" format=tar.gz profile_dir=$PROFILE target_args=()
  platform=$(platform_of "$TARGET")
  [[ $TARGET == *windows* ]] && { exe=.exe; format=zip; }
  [[ $PROFILE == dev ]] && profile_dir=debug
  [[ $TARGET == "$HOST" ]] || target_args=(--target "$TARGET")
  local target_dir
  target_dir=$(cargo metadata --format-version 1 --no-deps --locked | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  local bin_dir=$target_dir
  [[ $TARGET == "$HOST" ]] || bin_dir+="/$TARGET"
  local bin="$bin_dir/$profile_dir/mcp-chart$exe"

  echo "release.sh: building mcp-chart $VERSION ($TARGET, profile $PROFILE)" >&2
  if [[ $PROFILE == release ]]; then
    # No build paths in the release binary.
    export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$PWD=/mcp-chart --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
  fi
  # SOURCE_DATE_EPOCH reruns the build scripts of zstd-sys and wasmtime, so
  # the dev build CI already has is built without it (no rebuild of wasmtime).
  local build_env=()
  [[ $PROFILE == release ]] || build_env=(-u SOURCE_DATE_EPOCH)
  # `cargo zigbuild` is itself the build command; plain cargo needs `build`.
  local build_cmd
  read -r -a build_cmd <<<"$CARGO"
  [[ ${build_cmd[-1]} == zigbuild ]] || build_cmd+=(build)
  env "${build_env[@]}" "${build_cmd[@]}" -q -p mcp-chart --features wasm-engine --profile "$PROFILE" --locked "${target_args[@]}"
  [[ -x $bin ]] || die "no binary at $bin"
  if [[ -z $MODULE ]]; then
    env "${build_env[@]}" scripts/build-wasm-module.sh --out target/wasm-module
    MODULE=target/wasm-module/mcp-chart-module.wasm
  fi

  local name="mcp-chart-$VERSION-$platform" stage
  stage=$(mktemp -d)
  local root="$stage/$name"
  mkdir -p "$root"
  cp "$bin" "$root/mcp-chart$exe"
  cp "$MODULE" "$root/mcp-chart-module.wasm"
  cp LICENSE README.md CHANGELOG.md "$root/"
  # The chart and the examples, so that the README's commands run in the
  # unpacked archive.
  local f
  git ls-files charts/mcp-server examples | while read -r f; do
    mkdir -p "$root/$(dirname "$f")" && cp "$f" "$root/$f"
  done
  chmod 0755 "$root/mcp-chart$exe"
  # CI's dev build carries 300 MB of debug info: packed without it (the
  # release profile strips it itself).
  if [[ $PROFILE == dev ]] && command -v strip >/dev/null; then
    strip --strip-debug "$root/mcp-chart$exe"
  fi
  chmod 0644 "$root/mcp-chart-module.wasm" "$root/LICENSE" "$root/README.md" "$root/CHANGELOG.md"
  plugin_dir helm3 "$root/helm-plugin/helm3/mcp-chart"
  plugin_dir helm4 "$root/helm-plugin/helm4/mcp-chart"
  pack "$format" "$stage" "$OUT/$name.$format"
  rm -rf "$stage"
  echo "release.sh: $OUT/$name.$format ($(wc -c <"$OUT/$name.$format") bytes)" >&2
}

finish() {
  local archives=() f
  for f in "$OUT/mcp-chart-$VERSION"-*.tar.gz "$OUT/mcp-chart-$VERSION"-*.zip; do
    [[ -f $f ]] && archives+=("${f##*/}")
  done
  ((${#archives[@]})) || die "no archives of $VERSION in $OUT"
  local stage
  stage=$(mktemp -d)
  # The checksums of the archives, inside each plugin: the hook checks the
  # archive it downloads against them (and Helm 4 --verify checks the plugin).
  (cd "$OUT" && sha256 "${archives[@]}") | sed 's/ \*/  /' >"$stage/archives.sha256"
  local kind
  for kind in helm3 helm4; do
    plugin_dir "$kind" "$stage/$kind/mcp-chart"
    cp "$stage/archives.sha256" "$stage/$kind/mcp-chart/"
  done
  chmod 0644 "$stage"/*/mcp-chart/*
  # Helm 3 installs a tarball with plugin.yaml at its root, and names the
  # directory after the URL without version and extension (mcp-chart).
  pack tar.gz "$stage/helm3/mcp-chart" "$OUT/mcp-chart-$VERSION.tar.gz"
  # Helm 4 expects one top directory, named like the plugin (what
  # `helm plugin package` writes), and a .prov next to it for --verify.
  pack tar.gz "$stage/helm4" "$OUT/mcp-chart-$VERSION.tgz"
  cp schema/values.schema.json "$OUT/values.schema.json"
  rm -f "$OUT/SHA256SUMS" "$OUT/SHA256SUMS.asc" "$OUT/mcp-chart-$VERSION.tgz.prov" "$OUT/mcp-chart-release-key.asc"
  if [[ -n $SIGN ]]; then
    gpg --batch --armor --export "$SIGN" >"$OUT/mcp-chart-release-key.asc"
    # Helm's provenance format: the plugin metadata, `...`, the files' hashes,
    # clear-signed (what `helm plugin package --sign` writes).
    local digest
    digest=$(cd "$OUT" && sha256 "mcp-chart-$VERSION.tgz" | cut -d' ' -f1)
    { cat helm-plugin/release/helm4/plugin.yaml
      printf '\n...\nfiles:\n  mcp-chart-%s.tgz: sha256:%s\n' "$VERSION" "$digest"
    } >"$stage/prov-body"
    gpg --batch --yes --local-user "$SIGN" --digest-algo SHA512 --clearsign \
      -o "$OUT/mcp-chart-$VERSION.tgz.prov" "$stage/prov-body"
  fi
  (cd "$OUT" && for f in *; do # the glob is sorted (LC_ALL=C below)
    if [[ -f $f && $f != SHA256SUMS* && $f != *.tmp ]]; then sha256 "$f"; fi
  done) | sed 's/ \*/  /' >"$OUT/SHA256SUMS"
  if [[ -n $SIGN ]]; then
    gpg --batch --yes --local-user "$SIGN" --armor --detach-sign -o "$OUT/SHA256SUMS.asc" "$OUT/SHA256SUMS"
  fi
  rm -rf "$stage"
  echo "release.sh: $(wc -l <"$OUT/SHA256SUMS") assets in $OUT" >&2
}

case $MODE in
  archive) archive ;;
  finish) finish ;;
  all) archive; finish ;;
esac
