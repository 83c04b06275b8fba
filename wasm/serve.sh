#!/usr/bin/env bash
# Builds the playground and serves it on http://127.0.0.1:${PORT:-8080}/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/build.sh"
exec node "$here/serve.mjs" "$@"
