// The mcp-chart playground: a values editor validated as you type by the
// WebAssembly core, with schema help, the diagnostics, what the post-renderer
// will inject, and a post-render preview.
import { StateEffect, StateField, RangeSetBuilder } from '@codemirror/state';
import { Decoration, hoverTooltip } from '@codemirror/view';
import { indentService } from '@codemirror/language';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { autocompletion } from '@codemirror/autocomplete';

import init, * as core from '../pkg/mcp_chart_wasm.js';
import { locate, indentAfter, ITEM } from './yaml-path.js';
import { helpFor, keysAt, valuesAt, schemaAt, shapeOf } from './schema-help.js';
import { encodeState, decodeState } from './url-state.js';
import { EditorState, EditorView, editorSetup } from './editor-setup.js';

const VALUES_NAME = 'values.yaml';
const CHART_DEFAULTS = 'charts/mcp-server/values.yaml';
const DEFAULT_EXAMPLE = 'stdio-gateway-named-servers';
const $ = (sel) => document.querySelector(sel);

// Loaded by start(): the values examples and their `helm template` output
// (examples.json, data next to the bundle rather than in it), and the chart's
// default values.yaml (from the core, which embeds it).
let examples = [];
let exampleManifests = {};
let chartValues = '';

const app = {
  schema: null,
  example: null, // the example whose text is in the editor, unmodified
  generation: 0, // bumps after every validation (tests wait on it)
  last: null, // the last validate result
  injection: null,
  valuesView: null,
  manifestsView: null,
  outputView: null,
};
window.playground = app;

// ---------------------------------------------------------------------------
// Helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

function debounce(fn, ms) {
  let timer = null;
  const run = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  run.now = (...args) => {
    clearTimeout(timer);
    fn(...args);
  };
  return run;
}

/** The document offset of a 1-based line and 1-based UTF-16 column, clamped. */
function offsetOf(doc, line, column) {
  if (line < 1) return 0;
  if (line > doc.lines) return doc.length;
  const l = doc.line(line);
  return Math.min(l.from + Math.max(column - 1, 0), l.to);
}

function setArgs() {
  return $('#sets')
    .value.split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

// ---------------------------------------------------------------------------
// Validation

function validateNow() {
  const text = app.valuesView.state.doc.toString();
  const input = { files: [{ name: VALUES_NAME, text }], sets: setArgs() };
  const result = core.validate(input);
  app.last = result;
  showDiagnostics(result);
  showInjection(input);
  app.generation += 1;
  document.body.dataset.generation = String(app.generation);
  saveState();
}
const validateSoon = debounce(validateNow, 150);

/**
 * The source text a diagnostic outside the editor points at (the chart's
 * default values.yaml, a --set line), with a caret under the column, as the
 * CLI prints it.
 */
function snippet(d) {
  if (d.line === null || d.file === null) return null;
  let lines;
  if (d.file === CHART_DEFAULTS) lines = chartValues.split('\n');
  else if (/^--set(-string)? /.test(d.file)) lines = [d.file.replace(/^--set(-string)? /, '')];
  else return null;
  const text = lines[d.line - 1];
  if (text === undefined) return null;
  const width = String(d.line).length;
  const shown = [];
  const gutter = (n) => `${String(n).padStart(width)} | `;
  if (d.line > 1 && d.file === CHART_DEFAULTS) shown.push(gutter(d.line - 1) + lines[d.line - 2]);
  shown.push(gutter(d.line) + text);
  shown.push(' '.repeat(width) + ' | ' + ' '.repeat(Math.max((d.column ?? 1) - 1, 0)) + '^');
  return el('pre', { class: 'snippet', text: shown.join('\n') });
}

function showDiagnostics(result) {
  const view = app.valuesView;
  const doc = view.state.doc;
  const inEditor = result.diagnostics.filter((d) => d.file === VALUES_NAME && d.line !== null);
  const cm = inEditor.map((d) => {
    const from = offsetOf(doc, d.line, d.column ?? 1);
    let to = d.endLine !== null ? offsetOf(doc, d.endLine, d.endColumn ?? 1) : from;
    if (to <= from) {
      // A point: mark the rest of the word, or one character.
      const line = doc.lineAt(from);
      const rest = line.text.slice(from - line.from);
      const word = /^[^\s:,\]}]+/.exec(rest);
      to = Math.min(from + (word ? word[0].length : 1), line.to);
    }
    return {
      from,
      to,
      severity: d.severity,
      source: d.code,
      message: d.message + (d.help ? `\nhelp: ${d.help}` : ''),
    };
  });
  view.dispatch(setDiagnostics(view.state, cm));

  const list = $('#diagnostics');
  list.replaceChildren();
  for (const d of result.diagnostics) {
    const here = d.file === VALUES_NAME && d.line !== null;
    const where = d.line === null ? d.file ?? '' : here ? `line ${d.line}:${d.column}` : `${d.file} ${d.line}:${d.column}`;
    const item = el(
      'li',
      {
        class: `diag ${d.severity}`,
        'data-line': here ? d.line : undefined,
        'data-column': here ? d.column : undefined,
        'data-code': d.code,
        tabindex: 0,
        title: here ? 'Go to this line' : d.file ?? undefined,
      },
      el('span', { class: 'sev', text: d.severity }),
      el('span', { class: 'loc', text: where }),
      el('code', { class: 'code', text: d.code }),
      el('div', { class: 'msg', text: d.message }),
      d.help ? el('div', { class: 'help', text: d.help }) : null,
      here ? null : snippet(d),
    );
    if (here) {
      const jump = () => {
        const pos = offsetOf(view.state.doc, d.line, d.column ?? 1);
        view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
        view.focus();
      };
      item.addEventListener('click', jump);
      item.addEventListener('keydown', (e) => e.key === 'Enter' && jump());
    }
    list.append(item);
  }
  if (result.diagnostics.length === 0) {
    list.append(el('li', { class: 'diag none', text: 'No problems: Helm will accept these values.' }));
  }
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const status = $('#status');
  status.className = result.valid ? (result.warnings ? 'status warn' : 'status ok') : 'status bad';
  status.textContent = result.valid
    ? result.warnings
      ? `valid · ${plural(result.warnings, 'warning')}`
      : 'valid'
    : plural(result.errors, 'error') + (result.warnings ? ` · ${plural(result.warnings, 'warning')}` : '');
  $('#diag-count').textContent = String(result.diagnostics.length);
  document.body.dataset.valid = String(result.valid);
}

// ---------------------------------------------------------------------------
// Injection summary and post-render preview

/** A word as a POSIX shell would read it back (as the CLI's --check prints it). */
function shellWord(s) {
  return s !== '' && /^[A-Za-z0-9\-_./:=@%+,]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
const words = (items) => items.map(shellWord).join(' ');

function showInjection(input) {
  const explanation = core.explainInjection(input);
  app.injection = explanation;
  $('#injection').replaceChildren(...renderInjection(explanation));
}

function table(rows) {
  const body = rows
    .filter(Boolean)
    .map(([label, value]) =>
      el('tr', {}, el('th', { text: label }), el('td', {}, value instanceof Node ? value : el('code', { text: String(value) }))),
    );
  return el('table', {}, el('tbody', {}, body));
}

function section(kind, title, ...children) {
  return el('section', { class: 'inject', 'data-kind': kind }, el('h3', {}, ...[title].flat()), ...children);
}

function renderInjection(explanation) {
  if (!explanation.ok) {
    return [
      el('p', { class: 'diag-inline error', text: explanation.error.message }),
      el('p', { class: 'muted', text: 'Fix the values to see what the post-renderer injects.' }),
    ];
  }
  const s = explanation.summary;
  const out = [
    el(
      'p',
      { class: 'muted intro' },
      'For these values, ',
      el('code', { text: 'helm install … --post-renderer mcp-chart' }),
      ` changes ${s.changed.length} of the chart's documents` +
        (s.documentsOut > s.documents ? ` and adds ${s.documentsOut - s.documents}` : '') +
        ` (release "${explanation.release}").`,
    ),
  ];
  for (const w of s.workloads) {
    const g = w.gateway;
    if (!g) {
      out.push(
        section(
          'workload',
          [el('code', { text: w.object }), ' · no stdio gateway'],
          el('p', {
            text:
              `Transport ${w.transport}: the server container serves clients itself.` +
              (w.annotationRemoved ? ' The mcp-chart/transport annotation is removed.' : ''),
          }),
        ),
      );
      continue;
    }
    if (g.alreadyInjected) {
      out.push(section('gateway', [el('code', { text: w.object }), ' · gateway already injected'], el('p', { text: 'Left as is.' })));
      continue;
    }
    out.push(
      section(
        'gateway',
        [el('code', { text: w.object }), ' · stdio gateway'],
        el('p', {}, 'Container ', el('code', { text: g.replacedContainer }), ' is replaced by ', el('code', { text: 'mcp-gateway' }), ', which spawns the stdio server(s) as child processes.'),
        table([
          ['image', g.image],
          ['listens on', `port ${g.port} (named http)`],
          g.setupSteps.length ? ['setup steps (sh)', el('ol', {}, g.setupSteps.map((step) => el('li', {}, el('code', { text: step }))))] : null,
          ['proxy', `mcp-proxy ${words(g.proxyArgs)}`],
          ['default server', g.defaultServer ? words(g.defaultServer) + (g.defaultServerSource ? `  (from ${g.defaultServerSource})` : '') : 'none'],
          g.probesAdded.length ? ['probes added', g.probesAdded.join(', ')] : null,
          g.probesKept.length ? ['probes kept', g.probesKept.join(', ')] : null,
        ]),
      ),
    );
    if (g.configMap) {
      out.push(
        section(
          'servers',
          ['Named servers · ConfigMap ', el('code', { text: g.configMap })],
          table(
            g.namedServers.map((n) => [
              `/servers/${n.name}/sse${n.enabled ? '' : ' (disabled)'}`,
              words([n.command, ...n.args]) + (n.env.length ? `   env: ${n.env.join(', ')}` : ''),
            ]),
          ),
          el('details', {}, el('summary', {}, el('code', { text: 'servers.json' }), ' (mounted read-only)'), el('pre', { text: g.serversJson })),
          g.serversChecksum ? el('p', { class: 'muted' }, 'pod annotation ', el('code', { text: `mcp-chart/servers-checksum: ${g.serversChecksum.slice(0, 16)}…` })) : null,
        ),
      );
    }
  }
  for (const svc of s.services) {
    out.push(
      section(
        'service',
        el('code', { text: svc.object }),
        el('p', { text: svc.retargeted.length ? `targetPort set to http for ${svc.retargeted.join(', ')}` : 'Already reaches the port named http: unchanged.' }),
      ),
    );
  }
  for (const ing of s.ingresses) {
    out.push(
      section(
        'ingress',
        [el('code', { text: ing.object }), ` · ${ing.controller ?? 'unknown controller'}${ing.class ? ` (class ${ing.class})` : ''}`],
        ing.added.length ? table(ing.added.map(([k, v]) => [`+ ${k}`, JSON.stringify(v)])) : null,
        ing.kept.length ? el('p', { class: 'muted', text: `Kept as you set them: ${ing.kept.join(', ')}` }) : null,
        ing.note ? el('p', { class: 'muted', text: ing.note }) : null,
      ),
    );
  }
  for (const route of s.httpRoutes) {
    out.push(
      section(
        'httproute',
        el('code', { text: route.object }),
        table(
          route.rules.map((r) => [
            `rule ${r.rule}`,
            r.added ? `+ timeouts {request: ${r.added[0]}, backendRequest: ${r.added[1]}}` : 'has its own timeouts: kept',
          ]),
        ),
      ),
    );
  }
  if (s.notes.length) out.push(section('notes', 'Notes', el('ul', {}, s.notes.map((n) => el('li', { text: n })))));
  return out;
}

// Lines of the output that belong to documents the post-renderer changed or
// added (documents whose text is not in the input), highlighted.
const setChanged = StateEffect.define();
const changedLine = Decoration.line({ class: 'cm-changed-line' });
const changedField = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setChanged)) return e.value;
    return tr.docChanged ? Decoration.none : value;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** Documents of a stream as [startLine, endLine, text] (1-based lines), split at `---` lines. */
function documentsOf(text) {
  const lines = text.split('\n');
  const docs = [];
  let start = 0;
  for (let i = 1; i <= lines.length; i += 1) {
    if (i === lines.length || /^---(\s|$)/.test(lines[i])) {
      docs.push([start + 1, i, lines.slice(start, i).join('\n').replace(/\r/g, '')]);
      start = i;
    }
  }
  return docs;
}

function markChanged(view, input, output) {
  const known = new Set(documentsOf(input).map((d) => d[2].trimEnd()));
  const builder = new RangeSetBuilder();
  let first = null;
  for (const [from, to, text] of documentsOf(output)) {
    if (known.has(text.trimEnd()) || text.trim() === '') continue;
    first ??= from;
    for (let n = from; n <= Math.min(to, view.state.doc.lines); n += 1) {
      const line = view.state.doc.line(n);
      builder.add(line.from, line.from, changedLine);
    }
  }
  view.dispatch({
    effects: [setChanged.of(builder.finish()), ...(first ? [EditorView.scrollIntoView(view.state.doc.line(first).from, { y: 'start' })] : [])],
  });
}

function postRenderNow() {
  const manifests = app.manifestsView.state.doc.toString();
  const input = { manifests };
  if ($('#pr-values').checked) {
    input.values = { files: [{ name: VALUES_NAME, text: app.valuesView.state.doc.toString() }], sets: setArgs() };
  }
  const result = core.postRender(input);
  app.postRendered = result;
  const outText = result.ok ? result.output : '';
  if (app.outputView.state.doc.toString() !== outText) {
    app.outputView.dispatch({ changes: { from: 0, to: app.outputView.state.doc.length, insert: outText } });
  }
  markChanged(app.outputView, manifests, outText);
  const problems = $('#postrender-diagnostics');
  problems.replaceChildren();
  if (!result.ok) {
    const e = result.error;
    const item = el(
      'li',
      { class: 'diag error', tabindex: 0 },
      el('span', { class: 'sev', text: 'error' }),
      el('span', { class: 'loc', text: e.line !== null ? `${e.source === 'manifests' ? 'input' : e.source} ${e.line}:${e.column}` : '' }),
      el('span', {}),
      el('div', { class: 'msg', text: e.message }),
    );
    if (e.source === 'manifests' && e.line !== null) {
      item.dataset.line = e.line;
      item.addEventListener('click', () => {
        const v = app.manifestsView;
        v.dispatch({ selection: { anchor: offsetOf(v.state.doc, e.line, e.column ?? 1) }, scrollIntoView: true });
        v.focus();
      });
    }
    problems.append(item);
  }
  showPreviewSource(manifests);
  saveState();
  $('#postrender-summary').textContent = result.ok
    ? `${result.summary.changed.length} of ${result.summary.documents} documents changed` +
      (result.summary.documentsOut > result.summary.documents ? `, ${result.summary.documentsOut - result.summary.documents} added` : '') +
      (result.summary.documentsOut > 0 && result.summary.changed.length + result.summary.documentsOut - result.summary.documents > 0 ? ' (highlighted)' : '')
    : 'refused: no output';
}
const postRenderSoon = debounce(postRenderNow, 250);

/** The example whose rendered output `manifests` is, if any. */
function previewExample(manifests) {
  return Object.keys(exampleManifests).find((name) => exampleManifests[name] === manifests) ?? null;
}

/** Says plainly what the preview's input is: which example's Helm output, or pasted text. */
function showPreviewSource(manifests) {
  const from = previewExample(manifests);
  const label = $('#preview-source');
  label.replaceChildren();
  if (manifests.trim() === '') {
    label.dataset.source = 'empty';
    label.append('Empty: paste the output of ', el('code', { text: 'helm template' }), ' for your values.');
    return;
  }
  if (from === null) {
    label.dataset.source = 'pasted';
    label.append('Your pasted ', el('code', { text: 'helm template' }), ' output.');
    return;
  }
  label.dataset.source = from;
  const example = examples.find((e) => e.name === from);
  const current = app.valuesView.state.doc.toString();
  label.append(el('code', { text: 'helm template' }), ' output of example ', el('strong', { text: from }), '.');
  if (!example || example.text !== current || setArgs().length) {
    label.classList.add('stale');
    label.append(
      ' Not rendered from the values in the editor (Helm cannot run here): paste ',
      el('code', { text: 'helm template' }),
      ' output of your values, or tick the option below to apply them with ',
      el('code', { text: '--values' }),
      '.',
    );
  } else {
    label.classList.remove('stale');
  }
}

// ---------------------------------------------------------------------------
// Schema help: hover and completion

function linesUpTo(state, pos) {
  const line = state.doc.lineAt(pos);
  return { lines: state.doc.sliceString(0, line.to).split('\n'), line };
}

function helpDom(help, extra) {
  return el(
    'div',
    { class: 'schema-help' },
    el('div', { class: 'title' }, el('code', { text: help.title }), help.type ? el('span', { class: 'type', text: help.type }) : null),
    help.description ? el('p', { text: help.description }) : null,
    help.default !== null && help.default !== undefined ? el('div', { class: 'default' }, 'default ', el('code', { text: help.default })) : null,
    extra || null,
  );
}

const schemaHover = hoverTooltip((view, pos) => {
  if (!app.schema) return null;
  const { lines, line } = linesUpTo(view.state, pos);
  const where = locate(lines, lines.length - 1, pos - line.from);
  if (where.role !== 'key') return null;
  const help = helpFor(app.schema, where.path);
  if (!help) return null;
  return {
    pos: line.from + where.from,
    end: line.from + where.to,
    above: true,
    create: () => ({ dom: helpDom(help) }),
  };
});

function schemaCompletion(context) {
  if (!app.schema) return null;
  const { lines, line } = linesUpTo(context.state, context.pos);
  const ch = context.pos - line.from;
  const where = locate(lines, lines.length - 1, ch);
  if (where.role === 'value' || (where.role === 'new' && where.path.at(-1) === ITEM && shapeOf(schemaAt(app.schema, where.path)) === 'scalar')) {
    const values = valuesAt(app.schema, where.path);
    if (values.length === 0) return null;
    return {
      from: line.from + where.from,
      to: line.from + where.to,
      options: values.map((v) => ({ label: String(v), type: 'enum' })),
      validFor: /^[\w.-]*$/,
    };
  }
  const container = where.role === 'key' ? where.path.slice(0, -1) : where.path;
  if (where.role === 'new' && where.word === '' && !context.explicit) return null;
  const keys = keysAt(app.schema, container);
  if (keys.length === 0) return null;
  const childIndent = ' '.repeat(where.from + 2);
  return {
    from: line.from + where.from,
    to: line.from + where.to,
    options: keys.map((k) => {
      const shape = shapeOf(k.schema);
      const insert = shape === 'map' ? `${k.key}:\n${childIndent}` : shape === 'list' ? `${k.key}:\n${childIndent}- ` : `${k.key}: `;
      return {
        label: k.key,
        type: 'property',
        detail: k.type,
        info: () => helpDom({ title: [...container, k.key].join('.'), type: k.type, description: k.description, default: k.default }),
        apply: where.role === 'key' ? k.key : insert,
      };
    }),
    validFor: /^[\w-]*$/,
  };
}

// ---------------------------------------------------------------------------
// Examples and URL state

function setValues(text, example) {
  const view = app.valuesView;
  app.loading = true;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 } });
  app.loading = false;
  app.example = example;
  for (const chip of document.querySelectorAll('.example')) {
    chip.classList.toggle('active', chip.dataset.name === example);
    chip.setAttribute('aria-pressed', String(chip.dataset.name === example));
  }
  const manifests = example && exampleManifests[example];
  if (manifests) setManifests(manifests);
  validateSoon.now();
  postRenderSoon.now();
}

function setManifests(text) {
  const view = app.manifestsView;
  if (view.state.doc.toString() !== text) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/** A notice above the editors (a link that cannot be read), with a close button. */
function notice(message) {
  const box = $('#notice');
  box.replaceChildren(el('span', { text: message }), el('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: () => (box.hidden = true) }, '×'));
  box.hidden = false;
}

let savePending = null;
function saveState() {
  clearTimeout(savePending);
  savePending = setTimeout(async () => {
    const values = app.valuesView.state.doc.toString();
    const example = app.example && examples.find((e) => e.name === app.example && e.text === values) ? app.example : null;
    const manifests = app.manifestsView.state.doc.toString();
    const preview = previewExample(manifests);
    const hash = await encodeState({
      example,
      values,
      sets: setArgs(),
      preview,
      manifests: preview === null && manifests.trim() !== '' ? manifests : null,
    });
    if (hash !== location.hash) history.replaceState(null, '', hash);
    document.body.dataset.savedHash = hash;
  }, 200);
}

async function restoreState() {
  let state = null;
  try {
    state = await decodeState(location.hash);
  } catch (err) {
    console.warn('ignoring a damaged #fragment', err);
    notice('This link could not be read (it is damaged or cut short), so its values are not shown: this is the default example. Ask for the link again, or paste the values.');
  }
  if (state) $('#sets').value = state.sets.join('\n');
  const byName = (name) => examples.find((e) => e.name === name);
  if (state && state.example !== null && state.values === null && !byName(state.example)) {
    notice(`This link names an example this playground does not have ("${state.example}"): showing the default example.`);
  }
  if (state && state.values !== null) {
    // The preview's input: what the link carries, else the default example's
    // Helm output (labelled as such).
    setManifests(state.manifests ?? exampleManifests[byName(state.preview)?.name ?? DEFAULT_EXAMPLE] ?? '');
    setValues(state.values, null);
  } else {
    const ex = (state && byName(state.example)) || byName(DEFAULT_EXAMPLE) || examples[0];
    setValues(ex.text, ex.name);
    if (state && state.manifests !== null) setManifests(state.manifests);
    else if (state && byName(state.preview)) setManifests(exampleManifests[state.preview]);
  }
  postRenderSoon.now();
}

// ---------------------------------------------------------------------------
// Benchmark hook for the browser tests

app.bench = (text, runs = 50) => {
  const input = { files: [{ name: VALUES_NAME, text }], sets: [] };
  core.validate(input); // warm up
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    core.validate(input);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  return { median: times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2, min: times[0], max: times.at(-1), runs };
};

// ---------------------------------------------------------------------------
// Start

// The YAML highlighter does not indent; values files want block indentation
// by the line above.
const yamlIndentation = indentService.of((context, pos) => {
  let at = context.simulatedBreak === pos ? pos : pos - 1;
  for (let guard = 0; at >= 0 && guard < 200; guard += 1) {
    const line = context.lineAt(at, -1);
    if (line.text.trim() !== '') return indentAfter(line.text);
    at = line.from - 1;
  }
  return 0;
});

const editorTheme = EditorView.theme({
  '&': { height: '100%', fontSize: '13.5px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { paddingBottom: '2em' },
});

function makeEditor(parent, doc, { onChange, readOnly = false, label, extra = [] } = {}) {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        editorSetup,
        yamlIndentation,
        editorTheme,
        EditorState.tabSize.of(2),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : [],
        onChange ? EditorView.updateListener.of((u) => u.docChanged && onChange(u)) : [],
        extra,
      ],
    }),
  });
}

async function start() {
  const wasmUrl = new URL('mcp_chart_wasm_bg.wasm', document.baseURI);
  const data = fetch(new URL('examples.json', document.baseURI)).then((r) => {
    if (!r.ok) throw new Error(`examples.json: HTTP ${r.status}`);
    return r.json();
  });
  await init({ module_or_path: wasmUrl });
  ({ examples, manifests: exampleManifests } = await data);
  app.examples = examples;
  chartValues = core.chartValues();
  app.schema = JSON.parse(core.valuesSchema());

  const chips = $('#examples');
  for (const ex of examples) {
    chips.append(
      el('button', { class: 'example', 'data-name': ex.name, title: ex.title, type: 'button', onclick: () => setValues(ex.text, ex.name) }, ex.name),
    );
  }

  app.valuesView = new EditorView({
    parent: $('#values-editor'),
    state: EditorState.create({
      doc: '',
      extensions: [
        editorSetup,
        yamlIndentation,
        lintGutter(),
        schemaHover,
        autocompletion({ override: [schemaCompletion], icons: true }),
        editorTheme,
        EditorView.lineWrapping,
        EditorState.tabSize.of(2),
        EditorView.contentAttributes.of({ 'aria-label': 'values.yaml' }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged || app.loading) return;
          app.example = null;
          for (const chip of document.querySelectorAll('.example.active')) chip.classList.remove('active');
          validateSoon();
          postRenderSoon();
        }),
      ],
    }),
  });
  app.manifestsView = makeEditor($('#manifests-editor'), '', { onChange: () => postRenderSoon(), label: 'helm template output' });
  app.outputView = makeEditor($('#output-editor'), '', { readOnly: true, label: 'post-render output', extra: [changedField] });

  $('#pr-values').addEventListener('change', () => postRenderSoon.now());
  $('#sets').addEventListener('input', () => {
    validateSoon();
    postRenderSoon();
  });
  for (const tab of document.querySelectorAll('[role=tab]')) {
    tab.addEventListener('click', () => {
      for (const t of document.querySelectorAll('[role=tab]')) {
        const on = t === tab;
        t.setAttribute('aria-selected', String(on));
        $('#' + t.getAttribute('aria-controls')).hidden = !on;
      }
      app.outputView.requestMeasure();
      app.manifestsView.requestMeasure();
    });
  }
  $('#share').addEventListener('click', async () => {
    saveState();
    await new Promise((r) => setTimeout(r, 250));
    try {
      await navigator.clipboard.writeText(location.href);
      $('#share').textContent = 'Link copied';
    } catch {
      $('#share').textContent = 'Link in address bar';
    }
    setTimeout(() => ($('#share').textContent = 'Copy link'), 1500);
  });
  window.addEventListener('hashchange', () => {
    if (location.hash !== document.body.dataset.savedHash) restoreState();
  });

  await restoreState();
  document.body.dataset.ready = 'true';
}

start().catch((err) => {
  console.error(err);
  $('#status').className = 'status bad';
  $('#status').textContent = `failed to start: ${err.message || err}`;
  document.body.dataset.ready = 'error';
});
