# Install/update hook of the mcp-chart Helm 4 plugin on Windows: the same steps
# as install-binary.sh (binary already there / from the unpacked archive /
# download, SHA-256 check against archives.sha256). Not run in CI (no Windows
# there); see docs/shipping.md.
param([switch]$Force)
$ErrorActionPreference = 'Stop'
$dir = $env:HELM_PLUGIN_DIR
if (-not $dir) { throw 'HELM_PLUGIN_DIR is not set: run through helm plugin install' }
$version = (Select-String -Path "$dir\plugin.yaml" -Pattern '^version:\s*(\S+)').Matches[0].Groups[1].Value
$bin = Join-Path $dir 'bin'
if (-not $Force -and (Test-Path "$bin\mcp-chart.exe")) { exit 0 }
New-Item -ItemType Directory -Force -Path $bin | Out-Null

$root = (Get-Item $dir).Target
if (-not $root) { $root = $dir }
$root = Resolve-Path (Join-Path $root '..\..\..') -ErrorAction SilentlyContinue
if ($root -and (Test-Path "$root\helm-plugin") -and (Test-Path "$root\mcp-chart.exe")) {
  Copy-Item "$root\mcp-chart.exe", "$root\mcp-chart-module.wasm" $bin
  exit 0
}

$name = "mcp-chart-$version-windows-x86_64"
$archive = "$name.zip"
$base = $env:MCP_CHART_RELEASE_URL
if (-not $base) { $base = "https://github.com/mcp-chart/mcp-chart/releases/download/v$version" }
$line = Get-Content "$dir\archives.sha256" | Where-Object { ($_ -split '\s+')[1] -eq $archive }
if (-not $line) { throw "$archive is not listed in $dir\archives.sha256" }
$expected = ($line -split '\s+')[0]
$tmp = Join-Path ([IO.Path]::GetTempPath()) ([Guid]::NewGuid())
New-Item -ItemType Directory -Path $tmp | Out-Null
try {
  Invoke-WebRequest -UseBasicParsing -Uri "$($base.TrimEnd('/'))/$archive" -OutFile "$tmp\$archive"
  $actual = (Get-FileHash -Algorithm SHA256 "$tmp\$archive").Hash.ToLower()
  if ($actual -ne $expected) { throw "SHA-256 mismatch for ${archive}: expected $expected, got $actual" }
  Expand-Archive "$tmp\$archive" -DestinationPath $tmp
  Copy-Item "$tmp\$name\mcp-chart.exe", "$tmp\$name\mcp-chart-module.wasm" $bin
} finally {
  Remove-Item -Recurse -Force $tmp
}
