// Compiled (not run) by types.test.mjs with tsc --strict: the wasm package's
// TypeScript types describe what a TypeScript user writes.
import init, {
  explainInjection,
  postRender,
  validate,
  valuesSchema,
  type Diagnostic,
  type Explanation,
  type PostRenderResult,
  type ValidateResult,
} from '../../pkg/mcp_chart_wasm.js';

await init();

const result: ValidateResult = validate({ files: [{ name: 'values.yaml', text: 'mode: node\n' }], sets: ['replicaCount=2'] });
const first: Diagnostic | undefined = result.diagnostics[0];
const where: string = first && first.line !== null ? `${first.file}:${first.line}:${first.column}` : '';
const severity: 'error' | 'warning' | undefined = first?.severity;

const rendered: PostRenderResult = postRender({ manifests: '', values: { files: [], setStrings: ['a=b'] }, workload: null });
const changed: number[] = rendered.summary ? rendered.summary.changed : [];
const failedAt: number | null = rendered.error ? rendered.error.line : null;

const explained: Explanation = explainInjection({ files: [], release: 'demo' });
const gateway = explained.summary?.workloads[0]?.gateway;
const port: number | undefined = gateway?.port;
const servers: string[] = gateway ? gateway.namedServers.map((s) => `${s.name}:${s.enabled}`) : [];
const added: [string, string][] = explained.summary?.ingresses[0]?.added ?? [];

// @ts-expect-error: the option is `files`, not `file`
validate({ file: [] });
// @ts-expect-error: manifests are required
postRender({});

console.log(valuesSchema().length, where, severity, changed, failedAt, port, servers, added);
