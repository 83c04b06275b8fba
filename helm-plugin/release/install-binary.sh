#!/bin/sh
# Install/update hook of the mcp-chart Helm plugins (Helm 3 and Helm 4): puts
# the mcp-chart binary and its wasm module into $HELM_PLUGIN_DIR/bin.
#
#   1. $HELM_PLUGIN_DIR/bin/mcp-chart already there (and no --force): done.
#   2. The plugin directory sits in an unpacked release archive
#      (<archive>/helm-plugin/helm{3,4}/mcp-chart): copy the archive's binary.
#   3. Otherwise download the release archive for this OS/arch from
#      $MCP_CHART_RELEASE_URL (default: the GitHub release of this version),
#      check its SHA-256 against the plugin's own archives.sha256 (which the
#      signed plugin tarball carries), and unpack the binary.
#
# Environment: MCP_CHART_RELEASE_URL (base URL of the release assets),
# MCP_CHART_PLUGIN_ARCHIVE (a local archive to use instead of downloading).
set -eu

die() { echo "mcp-chart plugin: $*" >&2; exit 1; }

dir=${HELM_PLUGIN_DIR:?HELM_PLUGIN_DIR is not set: run through helm plugin install}
force=0
[ "${1:-}" = --force ] && force=1
version=$(sed -n 's/^version: *//p' "$dir/plugin.yaml" | head -n 1)
[ -n "$version" ] || die "no version in $dir/plugin.yaml"

if [ "$force" = 0 ] && [ -x "$dir/bin/mcp-chart" ]; then
  exit 0
fi

# 2. Inside an unpacked archive: the binary is three directories up.
root=$(cd -P "$dir/../../.." 2>/dev/null && pwd) || root=
if [ -n "$root" ] && [ -d "$root/helm-plugin" ] && [ -x "$root/mcp-chart" ] && [ -f "$root/mcp-chart-module.wasm" ]; then
  mkdir -p "$dir/bin"
  cp "$root/mcp-chart" "$root/mcp-chart-module.wasm" "$dir/bin/"
  echo "mcp-chart plugin: using $root/mcp-chart" >&2
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64 | Linux-amd64) platform=linux-x86_64 ;;
  Linux-aarch64 | Linux-arm64) platform=linux-aarch64 ;;
  Darwin-x86_64) platform=macos-x86_64 ;;
  Darwin-arm64 | Darwin-aarch64) platform=macos-aarch64 ;;
  *) die "no release archive for $(uname -s) $(uname -m): build it with cargo install --locked mcp-chart --features wasm-engine" ;;
esac
name=mcp-chart-$version-$platform
archive=$name.tar.gz
base=${MCP_CHART_RELEASE_URL:-https://github.com/mcp-chart/mcp-chart/releases/download/v$version}
base=${base%/}

[ -f "$dir/archives.sha256" ] || die "$dir/archives.sha256 is missing: install the plugin from its release tarball"
expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$dir/archives.sha256")
[ -n "$expected" ] || die "$archive is not listed in $dir/archives.sha256"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ -n "${MCP_CHART_PLUGIN_ARCHIVE:-}" ]; then
  cp "$MCP_CHART_PLUGIN_ARCHIVE" "$tmp/$archive"
else
  echo "mcp-chart plugin: downloading $base/$archive" >&2
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 -o "$tmp/$archive" "$base/$archive" || die "download of $base/$archive failed"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$tmp/$archive" "$base/$archive" || die "download of $base/$archive failed"
  else
    die "need curl or wget to download $base/$archive"
  fi
fi

if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$tmp/$archive" | cut -d' ' -f1)
else
  actual=$(shasum -a 256 "$tmp/$archive" | cut -d' ' -f1)
fi
[ "$actual" = "$expected" ] || die "SHA-256 mismatch for $archive: expected $expected, got $actual"

tar -xzf "$tmp/$archive" -C "$tmp" "$name/mcp-chart" "$name/mcp-chart-module.wasm"
mkdir -p "$dir/bin"
mv "$tmp/$name/mcp-chart" "$tmp/$name/mcp-chart-module.wasm" "$dir/bin/"
echo "mcp-chart plugin: installed mcp-chart $version ($platform, sha256 $actual)" >&2
