/** One values file: the name diagnostics use, and its text. */
export interface ValuesFile {
  name: string;
  text: string;
}

/** What `validate` takes: `-f` files in order, then `--set` and `--set-string` arguments. */
export interface ValidateInput {
  files: ValuesFile[];
  sets?: string[];
  setStrings?: string[];
}

/**
 * One problem, located in the text that supplied the value. Lines and columns
 * are 1-based; columns count UTF-16 code units (JavaScript string indices + 1).
 */
export interface Diagnostic {
  code: string;
  severity: "error" | "warning";
  message: string;
  help?: string;
  /** The file's name, or `--set …` / `--set-string …` for an argument. */
  source: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ValidateResult {
  /** No errors (warnings allowed). */
  valid: boolean;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
}
