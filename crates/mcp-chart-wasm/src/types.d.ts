/** One values file: the name diagnostics use, and its text. */
export interface ValuesFile {
  name: string;
  text: string;
}

/**
 * Values as `mcp-chart` takes them: `-f` files in order, then the `--set`
 * family applied by flag as Helm does (`--set-json`, `--set`, `--set-string`,
 * `--set-literal`).
 */
export interface ValuesInput {
  files?: ValuesFile[];
  sets?: string[];
  setStrings?: string[];
  setJson?: string[];
  setLiterals?: string[];
  /** Whose reading to follow where Helm 3 and 4 differ (default `"3"`). */
  helm?: "3" | "4";
}

/**
 * One problem, located in the text that supplied the value: the CLI's `json`
 * diagnostic. Lines and columns are 1-based; columns count UTF-16 code units
 * (a JavaScript string index + 1), which is what editors count.
 */
export interface Diagnostic {
  severity: "error" | "warning";
  /** Stable rule code, such as `unknown-key` (docs/validation.md). */
  code: string;
  message: string;
  help: string | null;
  /** JSON pointer into the merged values (`""` is the whole document). */
  path: string;
  /** The file's name, or `--set …` / `--set-string …` for an argument. */
  file: string | null;
  line: number | null;
  column: number | null;
  /** Where the offending text ends (exclusive), when known. */
  endLine: number | null;
  endColumn: number | null;
}

export interface ValidateResult {
  /** No errors (warnings allowed). */
  valid: boolean;
  /** Counts include the omitted diagnostics. */
  errors: number;
  warnings: number;
  /** The first 100 diagnostics of each file or `--set` argument. */
  diagnostics: Diagnostic[];
  /** How many more there are (not listed). */
  omitted: number;
}

/** What `explainInjection` takes: values, and the release name of the sketch (default `playground`). */
export interface ExplainInput extends ValuesInput {
  release?: string | null;
}

export interface PostRenderInput {
  /** The manifest stream (`helm template` output). */
  manifests: string;
  /**
   * Values for charts whose workload carries no `mcp-chart/transport`
   * annotation (`--values` / `--set`); when given they win over it.
   */
  values?: ValuesInput | null;
  /** The workload to change: `Kind/name` or `name`. */
  workload?: string | null;
  /** The stdio server container to replace. */
  container?: string | null;
}

/** Why the post-renderer refused its input (it then writes nothing). */
export interface PostRenderFailure {
  /** What is wrong, with its place, as the CLI prints it. */
  message: string;
  /** What is wrong, without the place. */
  problem: string;
  /** 1-based document index in the stream, when the problem is in it. */
  document: number | null;
  /** `Kind/name` of that document. */
  object: string | null;
  line: number | null;
  /** UTF-16 code units. */
  column: number | null;
  /** The text the location is in: `manifests`, or a values source name. */
  source: string | null;
}

export interface PostRenderResult {
  ok: boolean;
  /** The whole output stream (empty on failure). */
  output: string;
  summary: InjectionSummary | null;
  error: PostRenderFailure | null;
}

/** What `explainInjection` returns: the post-render of a sketch of the chart's output. */
export interface Explanation {
  ok: boolean;
  /** The release name of the sketch. */
  release: string;
  /** The sketch of `helm template` that was post-rendered. */
  manifests: string;
  summary: InjectionSummary | null;
  error: PostRenderFailure | null;
}

/** Everything the post-renderer did (or would do) to a stream. */
export interface InjectionSummary {
  documents: number;
  documentsOut: number;
  /** 1-based indexes of the documents whose text changed. */
  changed: number[];
  workloads: WorkloadSummary[];
  services: ServiceSummary[];
  ingresses: IngressSummary[];
  httpRoutes: HttpRouteSummary[];
  notes: string[];
}

export interface WorkloadSummary {
  document: number;
  /** `Kind/name`. */
  object: string;
  valuesOrigin: "annotation" | "values";
  annotationRemoved: boolean;
  transport: string;
  gateway: GatewaySummary | null;
}

export interface GatewaySummary {
  alreadyInjected: boolean;
  replacedContainer: string;
  image: string;
  port: number;
  command: string[];
  args: string[];
  setupSteps: string[];
  proxyArgs: string[];
  defaultServer: string[] | null;
  defaultServerSource: string | null;
  namedServers: NamedServerSummary[];
  configMap: string | null;
  serversJson: string | null;
  serversChecksum: string | null;
  probesAdded: string[];
  probesKept: string[];
}

export interface NamedServerSummary {
  name: string;
  enabled: boolean;
  command: string;
  args: string[];
  /** Names of its environment variables. */
  env: string[];
}

export interface ServiceSummary {
  document: number;
  object: string;
  retargeted: string[];
}

export interface IngressSummary {
  document: number;
  object: string;
  class: string | null;
  controller: string | null;
  /** `[annotation, value]` pairs added. */
  added: [string, string][];
  /** Annotations the user set, left as they were. */
  kept: string[];
  note: string | null;
}

export interface HttpRouteSummary {
  document: number;
  object: string;
  rules: RuleSummary[];
}

export interface RuleSummary {
  rule: number;
  /** `[request, backendRequest]` added, or null when the rule had its own timeouts. */
  added: [string, string] | null;
}
