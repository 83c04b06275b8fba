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
  assert.deepEqual(await decodeState(hash), { example: null, values, sets, preview: null, manifests: null });
});

test('an unmodified example is named, not copied', async () => {
  const hash = await encodeState({ example: 'node-mcp-remote', values: 'x', sets: [] });
  assert.equal(hash, '#ex=node-mcp-remote');
  assert.deepEqual(await decodeState(hash), { example: 'node-mcp-remote', values: null, sets: [], preview: null, manifests: null });
});

test('no state in an empty fragment; a damaged one throws', async () => {
  assert.equal(await decodeState(''), null);
  await assert.rejects(decodeState('#v=AAAA'));
});

test('the post-render preview input travels with the values', async () => {
  const withExample = await encodeState({ values: 'replicaCount: 2\n', sets: [], preview: 'node-mcp-remote' });
  assert.match(withExample, /^#v=[A-Za-z0-9_-]+&pr=node-mcp-remote$/);
  assert.equal((await decodeState(withExample)).preview, 'node-mcp-remote');
  // The example's own output is implied by #ex=.
  assert.equal(await encodeState({ example: 'a', values: '', sets: [], preview: 'a' }), '#ex=a');
  const manifests = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n';
  const pasted = await encodeState({ example: 'a', values: '', sets: [], manifests });
  assert.match(pasted, /^#ex=a&m=/);
  assert.equal((await decodeState(pasted)).manifests, manifests);
});
