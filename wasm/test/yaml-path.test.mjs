// Unit tests of the cursor-path reader behind hover and completion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locate, ITEM } from '../src/yaml-path.js';

function at(doc) {
  // `doc` marks the cursor with `|`.
  const lines = doc.split('\n');
  const line = lines.findIndex((l) => l.includes('|'));
  const ch = lines[line].indexOf('|');
  lines[line] = lines[line].replace('|', '');
  return locate(lines, line, ch);
}

test('top-level key', () => {
  assert.deepEqual(at('mo|de: node').path, ['mode']);
  assert.equal(at('mo|de: node').role, 'key');
});

test('nested key and value', () => {
  const doc = 'transport:\n  type: stdio\n  stdioGateway:\n    enabled: tr|ue\n';
  const r = at(doc);
  assert.deepEqual(r.path, ['transport', 'stdioGateway', 'enabled']);
  assert.equal(r.role, 'value');
  assert.equal(r.word, 'true');
});

test('blank line inside a map proposes its keys', () => {
  const r = at('transport:\n  type: stdio\n  |\n');
  assert.deepEqual(r.path, ['transport']);
  assert.equal(r.role, 'new');
});

test('a key being typed', () => {
  const r = at('transport:\n  stdioG|\n');
  assert.deepEqual(r.path, ['transport']);
  assert.equal(r.role, 'new');
  assert.equal(r.word, 'stdioG');
});

test('sequence items, indented and not', () => {
  const doc = 'transport:\n  stdioGateway:\n    server:\n      env:\n        - name: A\n          val|ue: b\n';
  assert.deepEqual(at(doc).path, ['transport', 'stdioGateway', 'server', 'env', ITEM, 'value']);
  const compact = 'container:\n  env:\n  - name: A\n    value: b\n  - na|me: C\n';
  assert.deepEqual(at(compact).path, ['container', 'env', ITEM, 'name']);
  const after = 'container:\n  env:\n  - name: A\n  po|rt: 1\n';
  assert.deepEqual(at(after).path, ['container', 'port']);
});

test('scalar sequence items are values of ITEM', () => {
  const r = at('node:\n  args:\n    - --po|rt\n');
  assert.deepEqual(r.path, ['node', 'args', ITEM]);
  assert.equal(r.role, 'new');
});

test('map keys of named servers', () => {
  const doc = 'transport:\n  stdioGateway:\n    servers:\n      docs:\n        comm|and: uvx\n';
  assert.deepEqual(at(doc).path, ['transport', 'stdioGateway', 'servers', 'docs', 'command']);
});

test('comments and blank lines are skipped', () => {
  const doc = 'service:\n  # the port\n\n  po|rt: 80\n';
  assert.deepEqual(at(doc).path, ['service', 'port']);
});

test('columns are UTF-16 code units', () => {
  const r = at('image:\n  tag: "😀x|"\n');
  assert.equal(r.role, 'value');
  assert.equal(r.from, 7);
  assert.equal(r.to, 12);
});

test('indentation of a new line', async () => {
  const { indentAfter } = await import('../src/yaml-path.js');
  assert.equal(indentAfter('service:'), 2);
  assert.equal(indentAfter('service:   # comment'), 2);
  assert.equal(indentAfter('  port: 3000'), 2);
  assert.equal(indentAfter('  env:'), 4);
  assert.equal(indentAfter('  - name: A'), 4);
  assert.equal(indentAfter('  - name:'), 6);
  assert.equal(indentAfter('    - --port'), 4);
  assert.equal(indentAfter('  preStart: |'), 4);
  assert.equal(indentAfter('  # note'), 2);
});
