// The wasm package's TypeScript declarations (wasm/pkg/mcp_chart_wasm.d.ts,
// from crates/mcp-chart-wasm/src/types.d.ts) compile under tsc --strict for a
// typical consumer, and reject misuse (test/types/consumer.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

test('a strict TypeScript consumer compiles against the wasm package', () => {
  const tsc = join(here, '..', 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['-p', join(here, 'types', 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
