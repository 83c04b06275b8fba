// Where in a values file the cursor is, as a path of keys, read from the
// indentation of the lines above it. It works on half-typed documents (which
// is when completion is needed), so it does not parse the YAML: it reads block
// mappings and block sequences line by line, which is how values files are
// written. Flow collections ({...}, [...]) are opaque values.
//
// Columns are 0-based UTF-16 code units, as JavaScript strings and CodeMirror
// count them. Path segments are keys, or ITEM for "an item of a sequence".

export const ITEM = '[]';

/**
 * @typedef {object} LineShape
 * @property {number} indent   column of the first non-blank character
 * @property {number} dashes   number of leading `- ` sequence markers
 * @property {number} content  column where the content after the dashes starts
 * @property {string|null} key the mapping key on this line, if any
 * @property {number} keyEnd   column just after the key
 * @property {number} colon    column of the key's colon (-1 without a key)
 * @property {string} value    the text after the colon, trimmed, without a comment
 * @property {boolean} blank   the line is empty or only a comment
 */

// A block mapping key: quoted, or plain (not starting with an indicator),
// followed by a colon and a space or the end of the line.
const KEY_RE = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]},&*!|>%@`][^#]*?)\s*:(?=\s|$)/;

/**
 * The shape of one line.
 * @param {string} text
 * @returns {LineShape}
 */
export function lineShape(text) {
  const indent = text.length - text.trimStart().length;
  let pos = indent;
  let dashes = 0;
  while (text[pos] === '-' && (pos + 1 === text.length || text[pos + 1] === ' ')) {
    dashes += 1;
    pos += 1;
    while (text[pos] === ' ') pos += 1;
  }
  const rest = text.slice(pos);
  const comment = rest.startsWith('#');
  const m = comment ? null : KEY_RE.exec(rest);
  let key = null;
  let keyEnd = pos;
  let colon = -1;
  let value = '';
  if (m) {
    key = unquote(m[1]);
    keyEnd = pos + m[1].length;
    colon = pos + m[0].length - 1;
    value = stripComment(text.slice(colon + 1)).trim();
  }
  const empty = rest.trim() === '' || comment;
  return { indent, dashes, content: pos, key, keyEnd, colon, value, blank: empty && dashes === 0 };
}

function stripComment(s) {
  const m = /(^|\s)#/.exec(s);
  return m ? s.slice(0, m.index) : s;
}

function unquote(key) {
  if (key.startsWith('"') && key.endsWith('"') && key.length > 1) {
    try {
      return JSON.parse(key);
    } catch {
      return key.slice(1, -1);
    }
  }
  if (key.startsWith("'") && key.endsWith("'") && key.length > 1) {
    return key.slice(1, -1).replace(/''/g, "'");
  }
  return key.trimEnd();
}

/**
 * The path of the collection that holds a line whose content starts at column
 * `want`, read from the lines above `lineIndex`. `seqItem` says that line is a
 * sequence item (`- …`), which YAML allows at the same column as its key.
 * @param {string[]} lines
 * @param {number} lineIndex
 * @param {number} want
 * @param {boolean} seqItem
 * @returns {string[]}
 */
export function parentPath(lines, lineIndex, want, seqItem) {
  const path = [];
  for (let i = lineIndex - 1; i >= 0 && (want > 0 || seqItem); i -= 1) {
    const shape = lineShape(lines[i]);
    if (shape.blank) continue;
    if (shape.dashes === 0) {
      if (shape.key === null) continue; // a continuation line
      if (shape.indent < want || (seqItem && shape.indent === want)) {
        path.unshift(shape.key);
        want = shape.indent;
        seqItem = false;
      }
      continue;
    }
    // A sequence item line.
    if (shape.indent >= want) continue; // a sibling or deeper item
    if (shape.key !== null && shape.content < want) path.unshift(shape.key);
    for (let d = 0; d < shape.dashes; d += 1) path.unshift(ITEM);
    want = shape.indent;
    seqItem = true;
  }
  return path;
}

/**
 * What is at column `ch` of line `lineIndex`.
 *
 * - `role: 'key'`: the cursor is on the key of `path`;
 * - `role: 'value'`: the cursor is in the value of `path` (a key's value, or
 *   a scalar sequence item, whose path ends in ITEM);
 * - `role: 'new'`: a key or item is being typed (or could be) in the
 *   collection at `path`; `word` is what has been typed so far.
 * `from`/`to` is the column range of the word at the cursor.
 * @param {string[]} lines
 * @param {number} lineIndex
 * @param {number} ch
 */
export function locate(lines, lineIndex, ch) {
  const text = lines[lineIndex] ?? '';
  const shape = lineShape(text);
  const items = Array(shape.dashes).fill(ITEM);
  if (text.trim() === '') {
    const col = Math.min(ch, text.length);
    return { path: parentPath(lines, lineIndex, col, false), role: 'new', from: col, to: col, word: '' };
  }
  const container = [
    ...parentPath(lines, lineIndex, shape.indent, shape.dashes > 0),
    ...items,
  ];
  if (shape.key !== null) {
    if (ch >= shape.content && ch <= shape.keyEnd) {
      return { path: [...container, shape.key], role: 'key', from: shape.content, to: shape.keyEnd, word: shape.key };
    }
    if (ch > shape.colon) {
      const after = text.slice(shape.colon + 1);
      const from = shape.colon + 1 + (after.length - after.trimStart().length);
      const to = Math.max(from, shape.colon + 1 + stripComment(after).trimEnd().length);
      return { path: [...container, shape.key], role: 'value', from, to, word: text.slice(from, to) };
    }
  }
  const word = stripComment(text.slice(shape.content)).trimEnd();
  if (word.includes(':')) {
    return { path: container, role: 'value', from: ch, to: ch, word: '' };
  }
  return { path: container, role: 'new', from: shape.content, to: shape.content + word.length, word };
}

/**
 * The indentation of a new line typed after `before` (the line above it):
 * nested under a `key:` that opens a block, inside a `- key: value` item,
 * or level with the line above.
 * @param {string} before
 * @returns {number}
 */
export function indentAfter(before) {
  const shape = lineShape(before);
  if (shape.key !== null && (shape.value === '' || /^[|>][-+0-9]*$/.test(shape.value))) {
    return (shape.dashes > 0 ? shape.content : shape.indent) + 2;
  }
  if (shape.dashes > 0) return shape.key !== null ? shape.content : shape.indent;
  return shape.indent;
}
