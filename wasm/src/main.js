// The mcp-chart playground: a values editor validated as you type by the
// WebAssembly core, with schema help, the diagnostics, what the post-renderer
// will inject, and a post-render preview.
import { EditorView, basicSetup } from 'codemirror';
import { EditorState } from '@codemirror/state';
import { hoverTooltip, keymap } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { indentService } from '@codemirror/language';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { autocompletion } from '@codemirror/autocomplete';

import init, * as core from '../pkg/mcp_chart_wasm.js';
import { examples, manifests as exampleManifests } from 'virtual:examples';
import { locate, indentAfter, ITEM } from './yaml-path.js';
import { helpFor, keysAt, valuesAt, schemaAt, shapeOf } from './schema-help.js';
import { encodeState, decodeState } from './url-state.js';

const VALUES_NAME = 'values.yaml';
const $ = (sel) => document.querySelector(sel);

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

function showDiagnostics(result) {
  const view = app.valuesView;
  const doc = view.state.doc;
  const inEditor = result.diagnostics.filter((d) => d.source === VALUES_NAME);
  const cm = inEditor.map((d) => {
    const from = offsetOf(doc, d.line, d.column);
    let to = offsetOf(doc, d.endLine, d.endColumn);
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
    const item = el(
      'li',
      {
        class: `diag ${d.severity}`,
        'data-line': d.line,
        'data-column': d.column,
        'data-code': d.code,
        tabindex: 0,
        title: d.source === VALUES_NAME ? 'Go to this line' : d.source,
      },
      el('span', { class: 'sev', text: d.severity }),
      el('span', { class: 'loc', text: `${d.source === VALUES_NAME ? 'line' : d.source} ${d.line}:${d.column}` }),
      el('code', { class: 'code', text: d.code }),
      el('div', { class: 'msg', text: d.message }),
      d.help ? el('div', { class: 'help', text: d.help }) : null,
    );
    if (d.source === VALUES_NAME) {
      const jump = () => {
        const pos = offsetOf(view.state.doc, d.line, d.column);
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
  const status = $('#status');
  status.className = result.valid ? (result.warnings ? 'status warn' : 'status ok') : 'status bad';
  status.textContent = result.valid
    ? result.warnings
      ? `valid · ${result.warnings} warning${result.warnings > 1 ? 's' : ''}`
      : 'valid'
    : `${result.errors} error${result.errors > 1 ? 's' : ''}` +
      (result.warnings ? ` · ${result.warnings} warning${result.warnings > 1 ? 's' : ''}` : '');
  $('#diag-count').textContent = String(result.diagnostics.length);
  document.body.dataset.valid = String(result.valid);
}

// ---------------------------------------------------------------------------
// Injection summary and post-render preview

function showInjection(input) {
  const box = $('#injection');
  if (typeof core.explainInjection !== 'function') {
    box.replaceChildren(el('p', { class: 'muted', text: 'The post-renderer is not in this build.' }));
    return;
  }
  const summary = core.explainInjection(input);
  app.injection = summary;
  box.replaceChildren(...renderInjection(summary));
}

function renderInjection(summary) {
  const out = [];
  for (const problem of summary.diagnostics || []) {
    out.push(el('p', { class: `diag-inline ${problem.severity}`, text: problem.message }));
  }
  for (const section of summary.sections || []) {
    const rows = (section.items || []).map((item) =>
      el('tr', {}, el('th', { text: item.label }), el('td', {}, el('code', { text: item.value }))),
    );
    out.push(
      el(
        'section',
        { class: 'inject', 'data-kind': section.kind },
        el('h3', { text: section.title }),
        section.note ? el('p', { class: 'muted', text: section.note }) : null,
        rows.length ? el('table', {}, el('tbody', {}, rows)) : null,
      ),
    );
  }
  if (out.length === 0) out.push(el('p', { class: 'muted', text: 'Nothing: the post-renderer leaves these manifests unchanged.' }));
  return out;
}

function postRenderNow() {
  if (typeof core.postRender !== 'function') return;
  const manifests = app.manifestsView.state.doc.toString();
  const text = app.valuesView.state.doc.toString();
  const result = core.postRender({ manifests, values: [{ name: VALUES_NAME, text }], sets: setArgs() });
  const outText = result.output ?? '';
  app.outputView.dispatch({ changes: { from: 0, to: app.outputView.state.doc.length, insert: outText } });
  const list = $('#postrender-diagnostics');
  list.replaceChildren(
    ...result.diagnostics.map((d) =>
      el('li', { class: `diag ${d.severity}` }, el('span', { class: 'sev', text: d.severity }), el('div', { class: 'msg', text: d.message })),
    ),
  );
  $('#postrender-summary').textContent = result.ok
    ? `${result.changed ?? 0} of ${result.documents ?? 0} documents changed`
    : 'post-render failed: no output';
}
const postRenderSoon = debounce(postRenderNow, 250);

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
  if (manifests) {
    app.manifestsView.dispatch({ changes: { from: 0, to: app.manifestsView.state.doc.length, insert: manifests } });
  }
  validateSoon.now();
  postRenderSoon.now();
}

let savePending = null;
function saveState() {
  clearTimeout(savePending);
  savePending = setTimeout(async () => {
    const values = app.valuesView.state.doc.toString();
    const example = app.example && examples.find((e) => e.name === app.example && e.text === values) ? app.example : null;
    const hash = await encodeState({ example, values, sets: setArgs() });
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
  }
  if (state) $('#sets').value = state.sets.join('\n');
  const byName = (name) => examples.find((e) => e.name === name);
  if (state && state.values !== null) {
    setValues(state.values, null);
  } else {
    const ex = (state && byName(state.example)) || byName('stdio-gateway-named-servers') || examples[0];
    setValues(ex.text, ex.name);
  }
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
app.examples = examples;

// ---------------------------------------------------------------------------
// Start

// lang-yaml does not indent after a top-level `key:`; values files want
// block indentation by the line above.
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

function makeEditor(parent, doc, { onChange, readOnly = false, label } = {}) {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        keymap.of([indentWithTab]),
        yaml(),
        yamlIndentation,
        editorTheme,
        EditorState.tabSize.of(2),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : [],
        onChange ? EditorView.updateListener.of((u) => u.docChanged && onChange(u)) : [],
      ],
    }),
  });
}

async function start() {
  const wasmUrl = new URL('mcp_chart_wasm_bg.wasm', document.baseURI);
  await init({ module_or_path: wasmUrl });
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
        basicSetup,
        keymap.of([indentWithTab]),
        yaml(),
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
  app.outputView = makeEditor($('#output-editor'), '', { readOnly: true, label: 'post-render output' });

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
