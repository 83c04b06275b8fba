#!/usr/bin/env bash
# Builds mcp-chart's container images offline, as an OCI image layout, with
# umoci (docs/shipping.md). Two tags in one layout:
#
#   plain  FROM-scratch style: /usr/local/bin/mcp-chart and its wasm module,
#          entrypoint mcp-chart, user 65532, workdir /work
#   helm   plain + Helm 4 as /usr/local/bin/helm (with the mcp-chart
#          post-renderer plugin preinstalled in its own plugins directory) and
#          Helm 3 as /usr/local/bin/helm3, for CI jobs and GitOps sidecars
#
#   scripts/build-image.sh --archive mcp-chart-VERSION-linux-ARCH.tar.gz [--arch x86_64|aarch64]
#                          [--out DIR] [--helm4 BIN] [--helm3 BIN]
#
# The release archives for Linux are static (musl) and need nothing else. A
# dynamically linked binary (CI packages its glibc debug build) gets the
# shared libraries `ldd` names copied next to it, distroless-style.
# Helm defaults: $HELM4 / $HELM3_18 from scripts/env.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "build-image.sh: $*" >&2; exit 1; }
ARCHIVE=
ARCH=x86_64
OUT=out/image
HELM4_BIN=${HELM4:-}
HELM3_BIN=${HELM3_18:-}
while (($#)); do
  case $1 in
    --archive) ARCHIVE=$2; shift ;;
    --arch) ARCH=$2; shift ;;
    --out) OUT=$2; shift ;;
    --helm4) HELM4_BIN=$2; shift ;;
    --helm3) HELM3_BIN=$2; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done
[[ -f $ARCHIVE ]] || die "--archive FILE is required (a linux release archive)"
command -v umoci >/dev/null || die "umoci is not installed (scripts/install-tools.sh ship)"
case $ARCH in x86_64) GOARCH=amd64 ;; aarch64) GOARCH=arm64 ;; *) die "unknown --arch $ARCH" ;; esac
[[ -x $HELM4_BIN && -x $HELM3_BIN ]] || die "need Helm 4 and Helm 3 binaries (--helm4/--helm3 or . scripts/env.sh)"

VERSION=$(basename "$ARCHIVE" | sed -E 's/^mcp-chart-([^-]+)-linux-.*/\1/')
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
CREATED=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tar -xzf "$ARCHIVE" -C "$work"
src=$(echo "$work"/mcp-chart-*)
[[ -x $src/mcp-chart ]] || die "no mcp-chart in $ARCHIVE"

rm -rf "$OUT"
umoci init --layout "$OUT"

# rootfs_add ROOTFS: the plain image's files.
rootfs_add() {
  local root=$1
  mkdir -p "$root/usr/local/bin" "$root/work" "$root/tmp" "$root/etc"
  chmod 1777 "$root/tmp"
  install -m 0755 "$src/mcp-chart" "$root/usr/local/bin/mcp-chart"
  install -m 0644 "$src/mcp-chart-module.wasm" "$root/usr/local/bin/mcp-chart-module.wasm"
  install -D -m 0644 "$src/LICENSE" "$root/usr/local/share/doc/mcp-chart/LICENSE"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
  mkdir -p "$root/home/nonroot" && chown 65532:65532 "$root/home/nonroot" "$root/work"
  # A dynamically linked binary brings its libraries (the musl release build has none).
  local lib
  if ldd "$src/mcp-chart" >/dev/null 2>&1; then
    for lib in $(ldd "$src/mcp-chart" | grep -o '/[^ ]*'); do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  fi
}

# build TAG EXTRA_FN: one image from scratch.
build() {
  local tag=$1 extra=$2 bundle="$work/bundle-$1"
  umoci new --image "$OUT:$tag"
  umoci unpack --image "$OUT:$tag" "$bundle" >/dev/null
  rootfs_add "$bundle/rootfs"
  [[ -z $extra ]] || "$extra" "$bundle/rootfs"
  umoci repack --image "$OUT:$tag" --history.created "$CREATED" "$bundle" >/dev/null
  umoci config --image "$OUT:$tag" --created "$CREATED" --history.created "$CREATED" \
    --os linux --architecture "$GOARCH" \
    --config.entrypoint /usr/local/bin/mcp-chart \
    --config.user 65532:65532 --config.workingdir /work \
    --config.env PATH=/usr/local/bin \
    --config.env HOME=/home/nonroot \
    --config.env MCP_CHART_WASM_CACHE=off \
    --config.env MCP_CHART_MODULE=/usr/local/bin/mcp-chart-module.wasm \
    "${@:3}" \
    --config.label org.opencontainers.image.source=https://github.com/mcp-chart/mcp-chart \
    --config.label org.opencontainers.image.version="$VERSION" \
    --config.label org.opencontainers.image.licenses=MIT
  umoci gc --layout "$OUT"
}

# The helm variant: Helm 4 as `helm` with the Helm 4 plugin in a plugins
# directory of its own (HELM_PLUGINS), Helm 3 as `helm3` (whose plugins
# directory must not be that one: docs/shipping.md).
helm_add() {
  local root=$1 plugin="$1/usr/local/share/helm4/plugins/mcp-chart"
  install -m 0755 "$HELM4_BIN" "$root/usr/local/bin/helm"
  install -m 0755 "$HELM3_BIN" "$root/usr/local/bin/helm3"
  mkdir -p "$plugin/bin" "$root/usr/local/share/helm3/plugins"
  install -m 0644 "$src/helm-plugin/helm4/mcp-chart/plugin.yaml" "$plugin/plugin.yaml"
  install -m 0644 "$src/helm-plugin/helm4/mcp-chart/install-binary.sh" "$plugin/install-binary.sh"
  ln -s /usr/local/bin/mcp-chart "$plugin/bin/mcp-chart"
  # The post-renderer's error report goes to the plugin directory.
  chown 65532:65532 "$plugin"
}

build plain ""
build helm helm_add \
  --config.env HELM_PLUGINS=/usr/local/share/helm4/plugins \
  --config.env HELM_CACHE_HOME=/tmp/helm/cache \
  --config.env HELM_CONFIG_HOME=/tmp/helm/config \
  --config.env HELM_DATA_HOME=/tmp/helm/data
echo "build-image.sh: $OUT (tags plain, helm; $ARCH; mcp-chart $VERSION)" >&2
