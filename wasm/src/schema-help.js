// Reading the values JSON Schema for hover help and completion.
import { ITEM } from './yaml-path.js';

/** The object alternatives of a schema (`anyOf`/`oneOf` flattened). */
function alternatives(schema) {
  if (!schema || typeof schema !== 'object') return [];
  const alts = schema.anyOf || schema.oneOf;
  if (Array.isArray(alts)) {
    return alts.flatMap((alt) => alternatives({ ...schema, anyOf: undefined, oneOf: undefined, ...alt }));
  }
  return [schema];
}

/**
 * The subschema at `path` (keys and ITEM), or null when the schema says
 * nothing about it. Map keys of open maps (`additionalProperties: {...}`)
 * match any key.
 * @param {object} root
 * @param {string[]} path
 */
export function schemaAt(root, path) {
  let current = root;
  for (const segment of path) {
    let next = null;
    for (const alt of alternatives(current)) {
      if (segment === ITEM) {
        if (alt.items && typeof alt.items === 'object') next = alt.items;
      } else if (alt.properties && Object.hasOwn(alt.properties, segment)) {
        next = alt.properties[segment];
      } else if (alt.additionalProperties && typeof alt.additionalProperties === 'object') {
        next = alt.additionalProperties;
      }
      if (next) break;
    }
    if (!next) return null;
    current = next;
  }
  return current;
}

/** A short type label: `string`, `integer ≥ 1`, `"a" | "b"`, `map of object`. */
export function typeLabel(schema) {
  const parts = [];
  for (const alt of alternatives(schema)) {
    if (Array.isArray(alt.enum)) {
      parts.push(alt.enum.map((v) => JSON.stringify(v)).join(' | '));
      continue;
    }
    const types = Array.isArray(alt.type) ? alt.type : alt.type ? [alt.type] : [];
    for (const t of types) {
      if (t === 'object' && alt.additionalProperties && typeof alt.additionalProperties === 'object' && !alt.properties) {
        parts.push(`map of ${typeLabel(alt.additionalProperties) || 'any'}`);
      } else if (t === 'array' && alt.items) {
        parts.push(`list of ${typeLabel(alt.items) || 'any'}`);
      } else if ((t === 'integer' || t === 'number') && (alt.minimum !== undefined || alt.maximum !== undefined)) {
        const lo = alt.minimum !== undefined ? alt.minimum : '';
        const hi = alt.maximum !== undefined ? alt.maximum : '';
        parts.push(lo !== '' && hi !== '' ? `${t} ${lo}–${hi}` : lo !== '' ? `${t} ≥ ${lo}` : `${t} ≤ ${hi}`);
      } else {
        parts.push(t);
      }
    }
  }
  return [...new Set(parts)].join(' or ');
}

/** The description of a schema, from itself or its first alternative that has one. */
export function description(schema) {
  if (!schema) return '';
  if (schema.description) return schema.description;
  for (const alt of alternatives(schema)) if (alt.description) return alt.description;
  return '';
}

function defaultText(schema) {
  if (!schema || schema.default === undefined) return null;
  const d = schema.default;
  if (d !== null && typeof d === 'object') {
    const n = Array.isArray(d) ? d.length : Object.keys(d).length;
    return n === 0 ? (Array.isArray(d) ? '[]' : '{}') : null;
  }
  return JSON.stringify(d);
}

/**
 * What hover shows for `path`: null when the schema does not know the key.
 * @returns {{title: string, type: string, description: string, default: string|null} | null}
 */
export function helpFor(root, path) {
  const schema = schemaAt(root, path);
  if (!schema) return null;
  return {
    title: path.map((s) => (s === ITEM ? '[]' : /^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s))).join('.').replace(/\.\[\]/g, '[]'),
    type: typeLabel(schema),
    description: description(schema),
    default: defaultText(schema),
  };
}

/** The keys a mapping at `path` may have, with their help. */
export function keysAt(root, path) {
  const schema = schemaAt(root, path);
  const out = [];
  for (const alt of alternatives(schema)) {
    for (const [key, sub] of Object.entries(alt.properties || {})) {
      out.push({ key, type: typeLabel(sub), description: description(sub), default: defaultText(sub), schema: sub });
    }
  }
  return out;
}

/** The values the schema proposes at `path` (enums and booleans). */
export function valuesAt(root, path) {
  const schema = schemaAt(root, path);
  const out = [];
  for (const alt of alternatives(schema)) {
    if (Array.isArray(alt.enum)) out.push(...alt.enum);
    const types = Array.isArray(alt.type) ? alt.type : [alt.type];
    if (types.includes('boolean')) out.push(true, false);
  }
  return [...new Set(out)];
}

/** Whether the value at `path` is a mapping or a list (what a key's colon leads to). */
export function shapeOf(schema) {
  for (const alt of alternatives(schema)) {
    const types = Array.isArray(alt.type) ? alt.type : [alt.type];
    if (types.includes('object') && alt.properties) return 'map';
    if (types.includes('array')) return 'list';
    if (types.includes('object')) return 'open-map';
  }
  return 'scalar';
}
