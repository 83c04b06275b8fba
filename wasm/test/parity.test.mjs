// Parity of the WebAssembly package (wasm/pkg, the file the playground loads)
// with the native CLI on the native tests' own fixtures:
//   - validate: every crates/mcp-chart/tests/fixtures/validate/*.yaml (with its
//     `# args:` line) and every values example, through `mcp-chart validate
//     --format json` and wasm `validate`: the same validity and the same
//     diagnostics, field for field (columns converted from characters to UTF-16
//     code units, the one documented difference);
//   - post-render: every tests/fixtures/post-render/<case>/ through `mcp-chart
//     post-render` and wasm `postRender`: byte-identical output, or the same
//     refusal;
//   - the injection panel: for every case rendered from known values by the
//     real chart (post-render cases with chart-values.yaml, and the examples
//     rendered into wasm/fixtures/rendered), `explainInjection(values)` (which
//     post-renders the chart sketch) says what `postRender(real output)` says.
// Run after bash wasm/build.sh and cargo build -p mcp-chart:
//   node --test wasm/test/parity.test.mjs
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { initSync, validate, postRender, explainInjection, valuesSchema, chartValues } from '../pkg/mcp_chart_wasm.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
initSync({ module: readFileSync(join(here, '..', 'pkg', 'mcp_chart_wasm_bg.wasm')) });

const BIN = process.env.MCP_CHART_BIN || join(process.env.CARGO_TARGET_DIR || join(repo, 'target'), 'debug', 'mcp-chart');
const VALIDATE_DIRS = ['crates/mcp-chart/tests/fixtures/validate', 'tests/fixtures/validate'].map((d) => join(repo, d));
const POST_RENDER_DIR = join(repo, 'tests', 'fixtures', 'post-render');
const RENDERED_DIR = join(here, '..', 'fixtures', 'rendered');

function cli(args, { cwd = repo, input } = {}) {
  const r = spawnSync(BIN, args, { cwd, input, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** UTF-8 text, or null for bytes that are not (a JS string cannot carry them). */
function utf8(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The 1-based UTF-16 column of 1-based char column `column` on `line` of `text`. */
function utf16Column(text, line, column) {
  const lines = text.split('\n');
  const l = (lines[line - 1] ?? '').replace(/\r$/, '');
  const chars = Array.from(l);
  let units = 0;
  for (let i = 0; i < column - 1; i += 1) units += i < chars.length ? chars[i].length : 1;
  return units + 1;
}

/** Splits CLI-style arguments into a wasm ValuesInput (files read from `dir`). */
function valuesInput(args, dir) {
  const input = { files: [], sets: [], setStrings: [] };
  for (let i = 0; i < args.length; i += 1) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '-f' || flag === '--values') {
      const bytes = readFileSync(join(dir, value));
      input.files.push({ name: value, text: utf8(bytes) });
    } else if (flag === '--set') input.sets.push(value);
    else if (flag === '--set-string') input.setStrings.push(value);
    else throw new Error(`unsupported argument ${flag}`);
    i += 1;
  }
  return input;
}

function fixtureArgs(text) {
  const first = text.split('\n')[0];
  return first.startsWith('# args:') ? first.slice('# args:'.length).trim().split(/\s+/).filter(Boolean) : [];
}

// ---------------------------------------------------------------------------

function validateCases() {
  const cases = [];
  for (const dir of VALIDATE_DIRS.filter(existsSync)) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
      cases.push({ dir, name });
    }
  }
  const examples = join(repo, 'examples');
  for (const name of readdirSync(examples).filter((n) => n.endsWith('.yaml')).sort()) {
    cases.push({ dir: examples, name });
  }
  return cases;
}

describe('validate: wasm = native CLI', () => {
  const cases = validateCases();
  test('there are fixtures', () => assert.ok(cases.length >= 10, `${cases.length} fixtures`));
  for (const { dir, name } of cases) {
    const bytes = readFileSync(join(dir, name));
    const text = utf8(bytes);
    const label = `${dir.slice(repo.length + 1)}/${name}`;
    test(label, { skip: text === null ? 'not UTF-8: JavaScript strings cannot carry it' : false }, () => {
      const args = ['-f', name, ...fixtureArgs(text)];
      const native = cli(['validate', '--format', 'json', ...args], { cwd: dir });
      assert.equal(native.stderr, '', label);
      const want = JSON.parse(native.stdout.toString('utf8'));
      const input = valuesInput(args, dir);
      const got = validate(input);
      // Texts by source name, to convert columns.
      const texts = new Map(input.files.map((f) => [f.name, f.text]));
      for (const s of input.sets) texts.set(`--set ${s}`, s);
      for (const s of input.setStrings) texts.set(`--set-string ${s}`, s);
      const converted = want.diagnostics.map((d) => ({
        ...d,
        column: d.line !== null && d.column !== null ? utf16Column(texts.get(d.file) ?? '', d.line, d.column) : d.column,
      }));
      const mine = got.diagnostics.map(({ endLine, endColumn, ...rest }) => rest);
      assert.deepEqual(mine, converted, label);
      assert.equal(got.valid, want.valid, label);
      assert.equal(native.code, want.valid ? 0 : 1, label);
      assert.equal(got.errors, want.diagnostics.filter((d) => d.severity === 'error').length);
      assert.equal(got.warnings, want.diagnostics.filter((d) => d.severity === 'warning').length);
    });
  }

  test('the schema is the CLI schema', () => {
    assert.equal(valuesSchema(), cli(['schema']).stdout.toString('utf8'));
  });

  test("chartValues() is the chart's values.yaml", () => {
    assert.equal(chartValues(), readFileSync(join(repo, 'charts', 'mcp-server', 'values.yaml'), 'utf8'));
  });
});

// ---------------------------------------------------------------------------

function postRenderCases() {
  if (!existsSync(POST_RENDER_DIR)) return [];
  return readdirSync(POST_RENDER_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(POST_RENDER_DIR, e.name, 'input.yaml')))
    .map((e) => join(POST_RENDER_DIR, e.name))
    .sort();
}

/** A post-render case as CLI arguments and the matching wasm input. */
function postRenderCase(dir) {
  const args = ['post-render'];
  const values = { files: [], sets: [], setStrings: [] };
  let hasValues = false;
  const wasmInput = {};
  if (existsSync(join(dir, 'values.yaml'))) {
    args.push('--values', join(dir, 'values.yaml'));
    values.files.push({ name: join(dir, 'values.yaml'), text: readFileSync(join(dir, 'values.yaml'), 'utf8') });
    hasValues = true;
  }
  let unsupported = null;
  if (existsSync(join(dir, 'args'))) {
    const extra = readFileSync(join(dir, 'args'), 'utf8').split('\n').filter(Boolean);
    args.push(...extra);
    for (let i = 0; i < extra.length; i += 1) {
      const [flag, value] = [extra[i], extra[i + 1]];
      if (flag === '--values' || flag === '-f') {
        values.files.push({ name: value, text: readFileSync(join(dir, value), 'utf8') });
        hasValues = true;
      } else if (flag === '--set') (values.sets.push(value), (hasValues = true));
      else if (flag === '--set-string') (values.setStrings.push(value), (hasValues = true));
      else if (flag === '--workload') wasmInput.workload = value;
      else if (flag === '--container') wasmInput.container = value;
      else {
        unsupported = flag;
        break;
      }
      i += 1;
    }
  }
  if (hasValues) wasmInput.values = values;
  return { args, wasmInput, unsupported };
}

describe('post-render: wasm = native CLI', () => {
  const cases = postRenderCases();
  test('there are fixtures', { skip: cases.length ? false : 'no tests/fixtures/post-render in this tree' }, () => {
    assert.ok(cases.length >= 5);
  });
  for (const dir of cases) {
    const name = dir.slice(repo.length + 1);
    const bytes = readFileSync(join(dir, 'input.yaml'));
    const manifests = utf8(bytes);
    const { args, wasmInput, unsupported } = postRenderCase(dir);
    const skip = manifests === null ? 'not UTF-8: JavaScript strings cannot carry it' : unsupported ? `CLI-only argument ${unsupported}` : false;
    test(name, { skip }, () => {
      const native = cli(args, { input: bytes });
      const got = postRender({ manifests, ...wasmInput });
      assert.equal(got.ok, native.code === 0, `${name}: exit ${native.code}, stderr ${native.stderr}`);
      if (native.code === 0) {
        assert.equal(got.output, native.stdout.toString('utf8'), name);
        assert.equal(Buffer.from(got.output, 'utf8').compare(native.stdout), 0, `${name}: byte for byte`);
      } else {
        assert.equal(native.stdout.length, 0, `${name}: no partial output`);
        assert.equal(got.output, '');
        assert.ok(native.stderr.includes(got.error.problem), `${name}: native stderr ${JSON.stringify(native.stderr)} lacks ${JSON.stringify(got.error.problem)}`);
      }
    });
  }
});

// ---------------------------------------------------------------------------

/** A summary without what depends on the stream's other documents. */
function normalize(summary) {
  const drop = ({ document, ...rest }) => rest;
  return {
    workloads: summary.workloads.map(drop),
    services: summary.services.map(drop),
    ingresses: summary.ingresses.map(drop),
    httpRoutes: summary.httpRoutes.map(drop),
    notes: summary.notes,
  };
}

function sketchCases() {
  const cases = [];
  for (const dir of postRenderCases()) {
    if (existsSync(join(dir, 'chart-values.yaml')) && !existsSync(join(dir, 'values.yaml')) && !existsSync(join(dir, 'args'))) {
      cases.push({ name: dir.slice(repo.length + 1), values: join(dir, 'chart-values.yaml'), rendered: join(dir, 'input.yaml'), drift: false });
    }
  }
  if (existsSync(RENDERED_DIR)) {
    for (const file of readdirSync(RENDERED_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
      const values = existsSync(join(repo, 'examples', file)) ? join(repo, 'examples', file) : join(here, '..', 'fixtures', 'values', file);
      cases.push({ name: `wasm/fixtures/rendered/${file}`, values, rendered: join(RENDERED_DIR, file), drift: true });
    }
  }
  return cases;
}

/** What the post-renderer reads of a stream, by `Kind/name` (the chart sketch must match it). */
function readByPostRenderer(text) {
  const out = {};
  for (const doc of parseAllDocuments(text)) {
    const o = doc.toJS();
    if (!o || typeof o !== 'object' || !o.kind) continue;
    if (o.metadata?.annotations?.['helm.sh/hook']) continue;
    const key = `${o.kind}/${o.metadata?.name}`;
    const ann = { ...(o.metadata?.annotations ?? {}) };
    delete ann['postrenderer.helm.sh/postrender-filename']; // Helm 4's, not the chart's
    if (ann['mcp-chart/transport']) ann['mcp-chart/transport'] = JSON.parse(ann['mcp-chart/transport']);
    if (o.kind === 'Deployment') {
      const c = o.spec.template.spec.containers.find((x) => x.name === 'mcp-server');
      const pick = (keys) => Object.fromEntries(keys.filter((k) => c[k] !== undefined).map((k) => [k, c[k]]));
      out[key] = {
        annotations: ann,
        selector: o.spec.selector,
        podLabels: o.spec.template.metadata.labels,
        replicas: o.spec.replicas,
        container: pick(['image', 'imagePullPolicy', 'command', 'args', 'workingDir', 'ports', 'env', 'envFrom', 'livenessProbe', 'readinessProbe', 'resources', 'securityContext']),
      };
    } else if (o.kind === 'Service') {
      out[key] = { annotations: ann, spec: o.spec };
    } else if (o.kind === 'Ingress' || o.kind === 'HTTPRoute') {
      out[key] = { annotations: ann, spec: o.spec };
    }
  }
  return out;
}

describe('injection panel: explainInjection(values) = postRender(real chart output)', () => {
  const cases = sketchCases();
  test('there are rendered cases', () => assert.ok(cases.length >= 6, `${cases.length} cases`));
  for (const c of cases) {
    test(c.name, () => {
      const rendered = readFileSync(c.rendered, 'utf8');
      const release = /app\.kubernetes\.io\/instance: "?([^"\n]+)"?/.exec(rendered)?.[1];
      assert.ok(release, 'release name in the rendered output');
      const real = postRender({ manifests: rendered });
      const sketch = explainInjection({ files: [{ name: 'values.yaml', text: readFileSync(c.values, 'utf8') }], release });
      assert.equal(sketch.ok, real.ok, `${c.name}: ${JSON.stringify(sketch.error ?? real.error)}`);
      if (real.ok) {
        assert.deepEqual(normalize(sketch.summary), normalize(real.summary), c.name);
        // And the sketch renders what the post-renderer reads as the chart
        // does today (for the streams scripts/render-fixtures.sh --check keeps current).
        if (c.drift) assert.deepEqual(readByPostRenderer(sketch.manifests), readByPostRenderer(rendered), `${c.name}: sketch vs chart`);
      } else {
        assert.equal(sketch.error.problem, real.error.problem, c.name);
      }
    });
  }
});

// ---------------------------------------------------------------------------

describe('API contract', () => {
  test('misuse throws; problems in documents are data', () => {
    assert.throws(() => validate({ files: 'values.yaml' }), /validate: invalid argument/);
    assert.throws(() => validate({ files: [], bogus: 1 }), /unknown field/);
    assert.throws(() => postRender({}), /postRender: invalid argument/);
    const r = validate({ files: [{ name: 'v.yaml', text: 'a: [' }] });
    assert.equal(r.valid, false);
    assert.equal(r.diagnostics[0].code, 'yaml-syntax');
    // A broken document the post-renderer needs (it carries the annotation)
    // is a located error with no output; another chart's broken document
    // passes through untouched.
    const p = postRender({
      manifests: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x, annotations: {mcp-chart/transport: x}\n',
    });
    assert.equal(p.ok, false);
    assert.equal(p.output, '');
    assert.equal(p.error.document, 1);
    const foreign = 'kind: [\n';
    const q = postRender({ manifests: foreign });
    assert.equal(q.ok, true);
    assert.equal(q.output, foreign);
  });

  test('columns count UTF-16 code units, like JavaScript strings', () => {
    const text = 'podLabels: {"😀": x}\nimage: {tag: "😀", reposit: x}\n';
    const d = validate({ files: [{ name: 'v.yaml', text }] }).diagnostics.find((x) => x.code === 'unknown-key');
    const line = text.split('\n')[d.line - 1];
    assert.equal(line.slice(d.column - 1, d.endColumn - 1), 'reposit');
  });
});
