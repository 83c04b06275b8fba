// The URL fragment round-trips the values text exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeState, decodeState } from '../src/url-state.js';

test('values and --set survive the fragment', async () => {
  const values = 'mode: node\n# ünïcode 😀\nnode:\n  package: "a&b=c#d"\n'.repeat(20);
  const sets = ['replicaCount=2', 'image.tag=a&b,c=d'];
  const hash = await encodeState({ values, sets });
  assert.match(hash, /^#v=[A-Za-z0-9_-]+&set=/);
  assert.ok(hash.length < values.length, 'compressed');
  assert.deepEqual(await decodeState(hash), { example: null, values, sets });
});

test('an unmodified example is named, not copied', async () => {
  const hash = await encodeState({ example: 'node-mcp-remote', values: 'x', sets: [] });
  assert.equal(hash, '#ex=node-mcp-remote');
  assert.deepEqual(await decodeState(hash), { example: 'node-mcp-remote', values: null, sets: [] });
});

test('no state in an empty fragment; a damaged one throws', async () => {
  assert.equal(await decodeState(''), null);
  await assert.rejects(decodeState('#v=AAAA'));
});
