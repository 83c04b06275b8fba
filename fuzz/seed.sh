#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the project's fixtures and examples (the
# corpus itself is not committed: .gitignore).
#   fuzz/seed.sh
set -euo pipefail
FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$FUZZ")"
mkdir -p "$FUZZ/corpus/split" "$FUZZ/corpus/post_render" "$FUZZ/corpus/values_reader" "$FUZZ/corpus/emitter"
n=0
for f in "$REPO"/tests/fixtures/post-render/*/input.yaml; do
  name="$(basename "$(dirname "$f")")"
  cp "$f" "$FUZZ/corpus/post_render/$name.yaml"
  cp "$f" "$FUZZ/corpus/split/$name.yaml"
  n=$((n + 1))
done
for f in "$REPO"/examples/*.yaml "$REPO"/crates/mcp-chart/tests/fixtures/validate/*.yaml \
         "$REPO"/tests/fixtures/post-render/*/chart-values.yaml "$REPO"/tests/fixtures/post-render/*/values.yaml \
         "$REPO"/charts/mcp-server/values.yaml; do
  [[ -f "$f" ]] || continue
  cp "$f" "$FUZZ/corpus/values_reader/$(basename "$(dirname "$f")")-$(basename "$f")"
  # The emitter target reads bytes as choices, not YAML; any bytes seed it.
  cp "$f" "$FUZZ/corpus/emitter/$(basename "$(dirname "$f")")-$(basename "$f")"
  n=$((n + 1))
done
# A values file with a --set argument after a NUL byte.
printf 'mode: node\x00transport.type=stdio,transport.stdioGateway.servers.a.args[1]=x' \
  >"$FUZZ/corpus/values_reader/with-set"
echo "seeded $n files into $FUZZ/corpus" >&2
