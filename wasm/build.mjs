// Bundles the playground's front end into wasm/dist/ with esbuild, embedding
// the repository's values examples (and their rendered manifests, for the
// post-render preview) so the page works offline from any static server.
// Expects wasm/pkg/ from wasm-bindgen (wasm/build.sh runs both).
import * as esbuild from 'esbuild';
import { minify } from 'terser';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const dist = join(here, 'dist');
const pkg = join(here, 'pkg');

/** Values examples: every examples/*.yaml that is not a Kubernetes object. */
export async function loadExamples() {
  const dir = join(repo, 'examples');
  const names = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const out = [];
  for (const file of names) {
    const text = await readFile(join(dir, file), 'utf8');
    if (/^(apiVersion|kind):/m.test(text)) continue; // a manifest, not values
    const comment = [];
    for (const line of text.split('\n')) {
      if (!line.startsWith('#')) break;
      comment.push(line.replace(/^#\s?/, ''));
    }
    out.push({ name: file.replace(/\.yaml$/, ''), title: comment.join(' ').split(/(?<=\.)\s/)[0], text });
  }
  return out;
}

/** `helm template` output of each example, for the post-render preview. */
export async function loadManifests(examples) {
  const dir = join(here, 'fixtures', 'rendered');
  const out = {};
  for (const ex of examples) {
    const file = join(dir, `${ex.name}.yaml`);
    if (existsSync(file)) out[ex.name] = await readFile(file, 'utf8');
  }
  return out;
}

/** What each npm package (and each of our files) adds to playground.js, raw bytes. */
function analyse(metafile) {
  const out = Object.entries(metafile.outputs).find(([name]) => name.endsWith('playground.js'))[1];
  const by = {};
  for (const [path, { bytesInOutput }] of Object.entries(out.inputs)) {
    const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    const key = pkg ? pkg[1] : path.replace(/^.*?wasm\//, '');
    by[key] = (by[key] ?? 0) + bytesInOutput;
  }
  for (const [key, bytes] of Object.entries(by).sort((a, b) => b[1] - a[1])) {
    console.log(`${String(bytes).padStart(8)}  ${key}`);
  }
}

async function main() {
  if (!existsSync(join(pkg, 'mcp_chart_wasm_bg.wasm'))) {
    throw new Error('wasm/pkg is missing: run bash wasm/build.sh');
  }
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { playground: join(here, 'src', 'main.js'), 'playground-style': join(here, 'src', 'playground.css') },
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    outdir: dist,
    entryNames: '[name]',
    legalComments: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
  if (process.argv.includes('--analyse')) analyse(result.metafile);
  // A second minifier pass: terser's compressor (3 passes) saves ~3 KB gzip
  // over esbuild's alone (issue 19: JS ≤ 120 KB gzip). The source map follows.
  const bundle = join(dist, 'playground.js');
  const map = join(dist, 'playground.js.map');
  const minified = await minify(await readFile(bundle, 'utf8'), {
    module: true,
    ecma: 2020,
    compress: { passes: 3 },
    mangle: true,
    format: { comments: false },
    sourceMap: { content: await readFile(map, 'utf8'), url: 'playground.js.map' },
  });
  await writeFile(bundle, minified.code);
  await writeFile(map, minified.map);
  // One CSS file named as index.html links it.
  await copyFile(join(dist, 'playground-style.css'), join(dist, 'playground.css'));
  await rm(join(dist, 'playground-style.css'));
  await rm(join(dist, 'playground-style.css.map'), { force: true });
  await copyFile(join(here, 'index.html'), join(dist, 'index.html'));
  await copyFile(join(pkg, 'mcp_chart_wasm_bg.wasm'), join(dist, 'mcp_chart_wasm_bg.wasm'));
  // Data, fetched next to the module: the examples and their Helm output.
  const examples = await loadExamples();
  await writeFile(join(dist, 'examples.json'), JSON.stringify({ examples, manifests: await loadManifests(examples) }));
  // Sizes as `gzip -9` reports them (what DESIGN §8 quotes); zlib if there is no gzip.
  const gzipped = (bytes) => {
    const r = spawnSync('gzip', ['-9', '-c'], { input: bytes, maxBuffer: 1 << 30 });
    return r.status === 0 ? r.stdout.length : gzipSync(bytes, { level: 9 }).length;
  };
  const wasm = readFileSync(join(dist, 'mcp_chart_wasm_bg.wasm'));
  const js = readFileSync(join(dist, 'playground.js'));
  const size = {
    wasmBytes: wasm.length,
    wasmGzipBytes: gzipped(wasm),
    jsBytes: js.length,
    jsGzipBytes: gzipped(js),
  };
  await writeFile(join(dist, 'size.json'), JSON.stringify(size, null, 2) + '\n');
  const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(
    `wasm/dist/mcp_chart_wasm_bg.wasm: ${size.wasmBytes} bytes raw (${kib(size.wasmBytes)}), ${size.wasmGzipBytes} gzip -9 (${kib(size.wasmGzipBytes)}); ` +
      `playground.js: ${kib(size.jsBytes)} raw, ${kib(size.jsGzipBytes)} gzip`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err.message || err);
    process.exit(1);
  });
}
