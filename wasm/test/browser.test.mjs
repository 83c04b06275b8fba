// Browser tests of the built playground (wasm/dist) in Debian's headless
// Chromium, driven by playwright-core. Run: node --test wasm/test/browser.test.mjs
// (after bash wasm/build.sh). Writes out/playground.png (the screenshot kept as
// a CI artifact) and out/playground-bench.json (the validate timing).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../serve.mjs';
import { encodeState } from '../src/url-state.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const dist = join(here, '..', 'dist');
const out = join(repo, 'out');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let server;
let context;
let profile;

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), 'wasm/dist is missing: run bash wasm/build.sh');
  server = await startServer({ root: dist });
  profile = mkdtempSync(join(tmpdir(), 'mcp-chart-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // The page must work offline: refuse everything that is not the test server
  // (or the built site as a file, for the file:// test).
  const fileRoot = new URL(`file://${dist}/`).href;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    return url.startsWith(server.url) || url.startsWith(fileRoot) ? route.continue() : route.abort('blockedbyclient');
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** A fresh page on `hash`, ready (wasm loaded, first validation done). */
async function open(hash = '', viewport = null) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  page.errors = errors;
  await page.goto(server.url + hash);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  await page.waitForFunction(() => Number(document.body.dataset.generation) > 0);
  return page;
}

/** Waits until the page has validated again after `action`. */
async function afterValidation(page, action) {
  const before = await page.evaluate(() => Number(document.body.dataset.generation));
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.generation) > n, before);
}

const editorText = (page) => page.evaluate(() => window.playground.valuesView.state.doc.toString());
const cursorLine = (page) =>
  page.evaluate(() => {
    const s = window.playground.valuesView.state;
    return s.doc.lineAt(s.selection.main.head).number;
  });

/** Puts the cursor at the end of the first line whose text is exactly `text`. */
async function clickLine(page, text) {
  const line = page.locator('#values-editor .cm-line').filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
  await line.first().click();
  await page.keyboard.press('End');
}

async function chooseExample(page, name) {
  await afterValidation(page, () => page.click(`button.example[data-name="${name}"]`));
}

describe('playground in Chromium', () => {
  test('loads offline, validates the default example and shows it as valid', async () => {
    const page = await open();
    assert.equal(await page.getAttribute('button.example.active', 'data-name'), 'stdio-gateway-named-servers');
    assert.equal(await page.getAttribute('body', 'data-valid'), 'true');
    assert.match(await page.textContent('#status'), /^valid/);
    assert.ok((await page.locator('#values-editor .cm-gutters .cm-lineNumbers').count()) > 0, 'line numbers');
    // The YAML highlighter styles keys and comments (the trimmed editor setup
    // keeps highlighting; the examples came from examples.json).
    const styled = await page.evaluate(() =>
      [...document.querySelectorAll('#values-editor .cm-line span[class]')].map((s) => s.textContent),
    );
    assert.ok(styled.some((t) => t.startsWith('#')), `a comment is highlighted: ${styled.slice(0, 5)}`);
    assert.ok(styled.some((t) => /^[a-zA-Z]+$/.test(t)), `a key is highlighted: ${styled.slice(0, 5)}`);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a typo is reported at its line as you type, then fixing it makes the values valid', async () => {
    const page = await open('#ex=node-mcp-remote');
    const text = await editorText(page);
    const line = text.split('\n').indexOf('service:') + 1;
    assert.ok(line > 1);
    await clickLine(page, 'service:');
    // Turn `service:` into `servce:` by typing, as a user would.
    await afterValidation(page, async () => {
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Delete');
    });
    assert.equal((await editorText(page)).split('\n')[line - 1], 'servce:');
    const diag = page.locator('#diagnostics li.diag.error').first();
    await diag.waitFor();
    assert.equal(await diag.getAttribute('data-line'), String(line));
    assert.equal(await diag.getAttribute('data-column'), '1');
    assert.match(await diag.textContent(), /servce/);
    assert.match(await diag.textContent(), /service/, 'did you mean');
    assert.equal(await page.getAttribute('body', 'data-valid'), 'false');
    assert.match(await page.textContent('#status'), /error/);
    // The editor underlines the key and marks the gutter.
    assert.equal(await page.locator('#values-editor .cm-lintRange-error').first().textContent(), 'servce');
    assert.ok((await page.locator('#values-editor .cm-lint-marker-error').count()) > 0);

    // Clicking the diagnostic moves the cursor to its line.
    await page.keyboard.press('Control+Home');
    assert.equal(await cursorLine(page), 1);
    await diag.click();
    assert.equal(await cursorLine(page), line);

    // Fix it.
    await afterValidation(page, async () => {
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.type('i');
    });
    assert.equal((await editorText(page)).split('\n')[line - 1], 'service:');
    assert.equal(await page.getAttribute('body', 'data-valid'), 'true');
    assert.equal(await page.locator('#diagnostics li.diag.error').count(), 0);
    assert.equal(await page.locator('#values-editor .cm-lintRange-error').count(), 0);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('columns after an astral character land on the right text (UTF-16 columns)', async () => {
    const page = await open('#ex=node-mcp-remote');
    await clickLine(page, 'service:');
    await afterValidation(page, async () => {
      await page.keyboard.press('Home');
      await page.keyboard.press('Enter');
      await page.keyboard.press('ArrowUp');
      // Typed without auto-closed brackets: insert the text in one go.
      await page.keyboard.insertText('podLabels: {"😀": "é😀", tpyo: 1}');
    });
    const lintRanges = await page.locator('#values-editor .cm-lintRange').allTextContents();
    // Whatever the validator says about this line, each underline starts at a
    // token boundary: never inside a surrogate pair.
    for (const r of lintRanges) assert.ok(!/^[\udc00-\udfff]/.test(r), `underline starts mid-character: ${r}`);
    await page.close();
  });

  test('switching examples replaces the values and the URL', async () => {
    const page = await open();
    await chooseExample(page, 'python-aws-docs');
    assert.match(await editorText(page), /^mode: python$/m);
    assert.equal(await page.getAttribute('button.example.active', 'data-name'), 'python-aws-docs');
    await page.waitForFunction(() => location.hash === '#ex=python-aws-docs');
    await chooseExample(page, 'ingress-websocket-nginx');
    assert.match(await editorText(page), /className: nginx/);
    await page.waitForFunction(() => location.hash === '#ex=ingress-websocket-nginx');
    assert.equal(await page.getAttribute('body', 'data-valid'), 'true');
    await page.close();
  });

  test('edited values are kept in the URL, and the link reproduces them', async () => {
    const page = await open('#ex=node-mcp-remote');
    await clickLine(page, 'mode: node');
    await afterValidation(page, () => page.keyboard.insertText('\nreplicaCount: 3 # ünïcode 😀'));
    await page.fill('#sets', 'image.tag=1.2.3');
    await page.waitForFunction(() => location.hash.startsWith('#v=') && location.hash.includes('set=image.tag'));
    const url = page.url();
    const text = await editorText(page);
    const manifests = await page.evaluate(() => window.playground.manifestsView.state.doc.toString());
    const again = await context.newPage();
    await again.goto(url);
    await again.waitForSelector('body[data-ready="true"]');
    assert.equal(await editorText(again), text);
    assert.equal(await again.inputValue('#sets'), 'image.tag=1.2.3');
    assert.equal(await again.locator('button.example.active').count(), 0);
    // The post-render preview has the same input as the page the link came
    // from, and says plainly whose Helm output it is.
    assert.ok(manifests.length > 0);
    assert.equal(await again.evaluate(() => window.playground.manifestsView.state.doc.toString()), manifests);
    await again.click('#tab-postrender');
    await again.waitForFunction(() => window.playground.outputView.state.doc.length > 0);
    assert.doesNotMatch(await again.textContent('#postrender-summary'), /^0 of 0/);
    const source = await again.textContent('#preview-source');
    assert.match(source, /helm template output of example node-mcp-remote\./);
    assert.match(source, /Not rendered from the values in the editor/);
    await again.close();
    await page.close();
  });

  test('a link with pasted Helm output carries it; an old link without it says which example the preview shows', async () => {
    const values = 'replicaCount: 2\n';
    const manifests = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pasted\n';
    const page = await open(await encodeState({ values, sets: [], manifests }));
    assert.equal(await page.evaluate(() => window.playground.manifestsView.state.doc.toString()), manifests);
    await page.click('#tab-postrender');
    assert.equal(await page.getAttribute('#preview-source', 'data-source'), 'pasted');
    await page.waitForFunction(() => window.playground.postRendered?.ok === true);
    assert.match(await page.textContent('#postrender-summary'), /^0 of 1 documents changed/);
    await page.close();
    // A link made before the preview input was in links: the default example's output, named.
    const old = await open(await encodeState({ values, sets: [] }));
    await old.click('#tab-postrender');
    await old.waitForFunction(() => window.playground.outputView.state.doc.length > 0);
    assert.equal(await old.getAttribute('#preview-source', 'data-source'), 'stdio-gateway-named-servers');
    assert.match(await old.textContent('#preview-source'), /Not rendered from the values in the editor/);
    await old.close();
  });

  test('a link that cannot be read shows a notice, not silently the default example', async () => {
    for (const hash of ['#v=AAAA', '#v=%%%not-base64', '#ex=no-such-example']) {
      const page = await open(hash);
      const notice = page.locator('#notice');
      assert.ok(await notice.isVisible(), hash);
      assert.match(await notice.textContent(), hash.startsWith('#ex') ? /does not have \("no-such-example"\)/ : /could not be read/);
      assert.equal(await page.getAttribute('button.example.active', 'data-name'), 'stdio-gateway-named-servers');
      await notice.locator('button.close').click();
      assert.ok(!(await notice.isVisible()));
      await page.close();
    }
    // A good link shows no notice.
    const page = await open('#ex=node-mcp-remote');
    assert.ok(!(await page.locator('#notice').isVisible()));
    await page.close();
  });

  test('opened from file:// it says how to serve the page instead of loading forever', async () => {
    const page = await context.newPage();
    await page.goto(new URL(`file://${dist}/index.html`).href);
    await page.waitForSelector('body[data-ready="file"]', { timeout: 10_000 });
    const notice = await page.textContent('#notice');
    assert.match(notice, /file:\/\//);
    assert.match(notice, /wasm\/serve\.sh/);
    assert.match(notice, /python3 -m http\.server/);
    assert.equal(await page.textContent('#status'), 'needs a web server');
    await page.close();
  });

  test('at 390 px wide the editor and the diagnostics are usable', async () => {
    const page = await open('#ex=node-mcp-remote', { width: 390, height: 844 });
    await clickLine(page, 'service:');
    await afterValidation(page, () => page.keyboard.insertText('\n  prot: 80 # a typo with a long help line to wrap around'));
    const layout = await page.evaluate(() => {
      const editor = document.querySelector('#values-editor').getBoundingClientRect();
      const lineHeight = window.playground.valuesView.defaultLineHeight;
      const items = [...document.querySelectorAll('#diagnostics li.diag')].map((li) => {
        const r = li.getBoundingClientRect();
        const clipped = [...li.querySelectorAll('.msg, .help')].some((e) => e.scrollWidth > e.clientWidth + 1);
        return { left: r.left, right: r.right, clipped };
      });
      const list = document.querySelector('#diagnostics');
      return {
        pageWidth: document.documentElement.scrollWidth,
        editorHeight: editor.height,
        editorWidth: editor.width,
        lineHeight,
        items,
        listCut: list.scrollHeight > list.clientHeight + 1,
      };
    });
    assert.ok(layout.pageWidth <= 390, `the page scrolls sideways: ${layout.pageWidth}px`);
    assert.ok(layout.editorHeight >= 15 * layout.lineHeight, `editor shows ${layout.editorHeight / layout.lineHeight} lines`);
    assert.ok(layout.editorWidth >= 340, `editor ${layout.editorWidth}px wide`);
    assert.ok(layout.items.length > 0);
    for (const item of layout.items) {
      assert.ok(item.left >= 0 && item.right <= 390, `a diagnostic is cut off: ${JSON.stringify(item)}`);
      assert.ok(!item.clipped, 'a diagnostic message is clipped');
    }
    assert.ok(!layout.listCut, 'the diagnostics list hides entries');
    await page.screenshot({ path: join(out, 'playground-390.png'), fullPage: true });
    await page.close();
  });

  test('a warning located in the chart defaults shows its source line', async () => {
    const values = 'transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n';
    const page = await open(await encodeState({ values, sets: [] }));
    const diag = page.locator('#diagnostics li.diag[data-code="cors-any-origin"]');
    await diag.waitFor();
    assert.match(await diag.locator('.loc').textContent(), /^charts\/mcp-server\/values\.yaml \d+:\d+$/);
    const snippet = await diag.locator('pre.snippet').textContent();
    assert.match(snippet, /\| {5}- "\*"\n/, snippet);
    assert.match(snippet, /allowOrigins:/, 'the line before, for context');
    assert.match(snippet, /\^$/);
    await page.close();
  });

  test('--set: the help example fits the key, and every bad line is reported', async () => {
    const page = await open('#ex=node-mcp-remote');
    await afterValidation(page, () => page.fill('#sets', 'replicaCount=abc'));
    const help = await page.locator('#diagnostics li.diag[data-code="schema-type"] .help').textContent();
    assert.match(help, /--set replicaCount=1/);
    assert.doesNotMatch(help, /3000/);
    assert.match(await page.locator('#diagnostics li.diag[data-code="schema-type"] pre.snippet').textContent(), /replicaCount=abc\n +\| +\^/);
    await afterValidation(page, () => page.fill('#sets', 'a.b\nreplicaCount=2\nx[z]=1'));
    const bad = await page.locator('#diagnostics li.diag[data-code="set-syntax"] .loc').allTextContents();
    assert.deepEqual(bad.map((l) => l.replace(/ \d+:\d+$/, '')), ['--set a.b', '--set x[z]=1']);
    await page.close();
  });

  test('hover shows the schema description; completion proposes keys', async () => {
    const page = await open('#ex=node-mcp-remote');
    const key = page.locator('#values-editor .cm-line', { hasText: /^mode: node$/ }).first();
    const box = await key.boundingBox();
    await page.mouse.move(box.x + 12, box.y + box.height / 2);
    const tip = page.locator('.cm-tooltip-hover .schema-help');
    await tip.waitFor();
    assert.match(await tip.textContent(), /^mode/);
    assert.match(await tip.textContent(), /"image" \| "node" \| "python"/);

    await clickLine(page, 'service:');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('ty');
    const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'type' });
    await option.first().waitFor();
    await page.keyboard.press('Escape');
    // The example ends with a line break: the last line is empty, at column 0.
    await page.keyboard.press('Control+End');
    await page.keyboard.type('transp');
    await page.locator('.cm-tooltip-autocomplete li', { hasText: 'transport' }).first().waitFor();
    // CodeMirror ignores Enter on a list shown for less than 75 ms (typing fast).
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter'); // accept
    assert.match(await editorText(page), /\ntransport:\n {2}$/);
    await page.close();
  });

  test('the injection panel explains the gateway for the named-servers example', async () => {
    const page = await open('#ex=stdio-gateway-named-servers');
    const panel = page.locator('#injection');
    await panel.locator('section.inject').first().waitFor();
    const text = await panel.textContent();
    for (const want of ['mcp-gateway', 'ghcr.io/sparfenyuk/mcp-proxy:latest', '8096', 'docs', 'pricing', 'servers.json']) {
      assert.ok(text.includes(want), `injection panel lacks ${want}: ${text}`);
    }
    // The post-render preview is prefilled and transforms the example.
    await page.click('#tab-postrender');
    await page.waitForFunction(() => window.playground.outputView.state.doc.length > 0);
    const output = await page.evaluate(() => window.playground.outputView.state.doc.toString());
    assert.match(output, /name: mcp-gateway/);
    assert.match(output, /servers\.json/);
    assert.match(await page.textContent('#postrender-summary'), /documents changed, 1 added/);
    assert.ok((await page.locator('#output-editor .cm-changed-line').count()) > 0, 'changed documents are highlighted');
    // With the editor's values as --values (they win over the annotation), a
    // server name that cannot be a URL path segment makes the post-renderer
    // refuse the stream: no output, and the reason.
    await page.check('#pr-values');
    await page.waitForFunction(() => window.playground.postRendered?.ok === true);
    await page.fill('#sets', 'transport.stdioGateway.servers.bad name.command=x');
    await page.waitForFunction(() => window.playground.postRendered?.ok === false);
    assert.match(await page.textContent('#postrender-diagnostics'), /server name `bad name` cannot be a URL path segment/);
    assert.equal(await page.evaluate(() => window.playground.outputView.state.doc.length), 0);
    assert.match(await page.textContent('#postrender-summary'), /refused/);
    await page.close();
  });

  test('screenshot and the median validate time of the largest example', async () => {
    const page = await open('#ex=stdio-gateway-named-servers');
    const bench = await page.evaluate(() => {
      const largest = [...window.playground.examples].sort((a, b) => b.text.length - a.text.length)[0];
      return { example: largest.name, bytes: largest.text.length, ...window.playground.bench(largest.text, 50) };
    });
    const size = JSON.parse(readFileSync(join(dist, 'size.json'), 'utf8'));
    const report = { ...bench, ...size, chromium: context.browser()?.version() ?? null };
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'playground-bench.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(
      `validate ${bench.example} (${bench.bytes} bytes) in Chromium: median ${bench.median.toFixed(3)} ms ` +
        `over ${bench.runs} calls (min ${bench.min.toFixed(3)}, max ${bench.max.toFixed(3)}); ` +
        `wasm ${size.wasmBytes} bytes raw, ${size.wasmGzipBytes} gzip`,
    );
    assert.ok(bench.median > 0 && bench.median < 200, `median ${bench.median} ms`);

    // Show a diagnostic in the screenshot: a typo and a YAML 1.1 surprise.
    await clickLine(page, '  port: 3000');
    await afterValidation(page, () => page.keyboard.insertText('\n  prot: 3000'));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(out, 'playground.png') });
    assert.ok(existsSync(join(out, 'playground.png')));
    await page.close();
  });
});
