// The editors' extensions: CodeMirror's basicSetup, trimmed for the bundle
// size (issue 19: JS ≤ 120 KB gzip; `node wasm/build.mjs --analyse` prints what each
// package adds).
// Left out, each with its gzip cost: the search panel (9 KB; the browser's
// find covers a values file), the fold gutter (4 KB), the Lezer YAML parser
// (the legacy stream tokenizer highlights the same tokens for 14 KB less),
// drawn selections and multiple cursors (2 KB), bracket matching and closing
// (2 KB; rare in block YAML), rectangular selection.
import { EditorView, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { StreamLanguage, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { history, historyKeymap, indentWithTab, standardKeymap } from '@codemirror/commands';
import { yaml as yamlMode } from '@codemirror/legacy-modes/mode/yaml';

const yamlLanguage = StreamLanguage.define(yamlMode);

/** Line numbers, undo history, YAML highlighting, the standard keys, Tab indents. */
export const editorSetup = [
  lineNumbers(),
  highlightActiveLineGutter(),
  highlightSpecialChars(),
  history(),
  indentOnInput(),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  highlightActiveLine(),
  yamlLanguage,
  keymap.of([...standardKeymap, ...historyKeymap, indentWithTab]),
];

export { EditorView, EditorState };
