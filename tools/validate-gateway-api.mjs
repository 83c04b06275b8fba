#!/usr/bin/env node
// Validate Gateway API objects (gateway.networking.k8s.io, gateway.networking.x-k8s.io)
// in multi-document YAML manifests, offline, against the validators generated
// from the Gateway API CRD schemas that @kubernetes-models/gateway-api ships.
//
//   node tools/validate-gateway-api.mjs [--allow-none] [--allow-unknown-fields] FILE|- ...
//
// stdout: one line per Gateway API object: "ok Kind/name" or "invalid Kind/name: errors".
// Other objects (Deployment, Service, ...) are skipped (see kubernetes-validate).
// Exit status: 0 all ok; 1 an object is invalid, or a file is unreadable / not YAML;
//              2 no Gateway API object at all (unless --allow-none); 64 usage error.
//
// How it validates:
//  * Schema: @kubernetes-models/gateway-api exposes one model class per kind and
//    version (e.g. gateway.networking.k8s.io/v1 -> HTTPRoute, Gateway, GRPCRoute,
//    ...). Each class has a static apiVersion/kind and a validate() method that
//    runs an ajv-compiled validator of the CRD's OpenAPI schema (types, enums,
//    patterns such as Duration "^([0-9]{1,5}(h|m|s|ms)){1,4}$", min/max, required)
//    and throws a ValidationError whose .errors are ajv errors.
//  * Unknown fields: those compiled validators do not reject properties the
//    schema does not declare (the generated schemas carry no
//    additionalProperties:false), while the API server (and kubectl's default
//    --validate=strict) does. So the object is validated through a Proxy that
//    records which properties the validator looks up on each object: a key
//    present in the manifest that the validator never looked up on an object
//    whose schema lists properties is not in the schema, and is reported as
//    'unknown field'. Objects the validator enumerates (maps such as labels,
//    matchLabels) or never inspects (free-form) are not checked for unknown keys.
//  * Not covered: CEL rules (x-kubernetes-validations) of the CRDs, which only
//    an API server evaluates.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const USAGE =
  "usage: node tools/validate-gateway-api.mjs [--allow-none] [--allow-unknown-fields] FILE|- ...";
const GROUP_RE = /^(gateway\.networking\.(?:x-)?k8s\.io)\/([^/]+)$/;

function parseArgs(argv) {
  const opts = { allowNone: false, strict: true, files: [] };
  let rest = false;
  for (const a of argv) {
    if (rest || a === "-" || !a.startsWith("-")) opts.files.push(a);
    else if (a === "--") rest = true;
    else if (a === "--allow-none") opts.allowNone = true;
    else if (a === "--allow-unknown-fields") opts.strict = false;
    else if (a === "-h" || a === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`unknown option ${a}\n${USAGE}`);
      process.exit(64);
    }
  }
  if (opts.files.length === 0) {
    console.error(USAGE);
    process.exit(64);
  }
  return opts;
}

// apiVersion -> Map(kind -> model class), loaded on demand.
const modelCache = new Map();
async function modelsFor(apiVersion) {
  if (!modelCache.has(apiVersion)) {
    let kinds = null;
    try {
      const mod = await import(`@kubernetes-models/gateway-api/${apiVersion}`);
      kinds = new Map();
      for (const v of Object.values(mod)) {
        if (typeof v === "function" && v.apiVersion === apiVersion && typeof v.kind === "string") {
          kinds.set(v.kind, v);
        }
      }
    } catch (e) {
      if (e?.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED" && e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
    }
    modelCache.set(apiVersion, kinds);
  }
  return modelCache.get(apiVersion);
}

function formatAjvError(e) {
  const path = e.instancePath || "/";
  let msg = e.message ?? e.keyword;
  if (e.keyword === "enum" && e.params?.allowedValues) {
    msg += ` (${e.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")})`;
  }
  return `${path} ${msg}`;
}

const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const ptr = (path, key) => `${path}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;

// Run the model's validate() on a proxy of `data` and return
// { errors: [string], unknown: [string] }.
function validateObject(Model, data) {
  const looked = new WeakMap(); // target -> Set(keys looked up) | true (enumerated)
  const proxies = new WeakMap();
  const note = (t, k) => {
    if (typeof k !== "string") return;
    let s = looked.get(t);
    if (s === true) return;
    if (!s) looked.set(t, (s = new Set()));
    s.add(k);
  };
  const handler = {
    get(t, k) {
      note(t, k);
      return wrap(Reflect.get(t, k));
    },
    has(t, k) {
      note(t, k);
      return Reflect.has(t, k);
    },
    getOwnPropertyDescriptor(t, k) {
      note(t, k);
      return Reflect.getOwnPropertyDescriptor(t, k);
    },
    ownKeys(t) {
      looked.set(t, true);
      return Reflect.ownKeys(t);
    },
  };
  function wrap(v) {
    if (v === null || typeof v !== "object") return v;
    let p = proxies.get(v);
    if (!p) proxies.set(v, (p = new Proxy(v, handler)));
    return p;
  }

  const errors = [];
  try {
    Model.prototype.validate.call(wrap(data));
  } catch (e) {
    if (Array.isArray(e?.errors)) errors.push(...e.errors.map(formatAjvError));
    else errors.push(`validator failed: ${e?.message ?? e}`);
  }

  const unknown = [];
  const seen = new Set();
  (function walk(v, path) {
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, ptr(path, i)));
      return;
    }
    const keys = looked.get(v);
    if (keys === undefined) return; // never inspected by the schema: free-form
    for (const k of Object.keys(v)) {
      if (keys !== true && !keys.has(k)) unknown.push(`${ptr(path, k)}: unknown field "${k}"`);
      else walk(v[k], ptr(path, k));
    }
  })(data, "");
  return { errors, unknown };
}

function* objectsOf(doc) {
  if (!isPlainObject(doc)) return;
  if (typeof doc.kind === "string" && /List$/.test(doc.kind) && Array.isArray(doc.items) &&
      !GROUP_RE.test(String(doc.apiVersion))) {
    for (const item of doc.items) yield* objectsOf(item);
    return;
  }
  yield doc;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let checked = 0, invalid = 0, skipped = 0, failed = false;

  for (const file of opts.files) {
    const name = file === "-" ? "<stdin>" : file;
    let text;
    try {
      text = readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (e) {
      console.error(`error ${name}: ${e.message}`);
      failed = true;
      continue;
    }
    // YAML 1.2 core schema plus "<<" merge keys. (The yaml package's 1.1 mode is
    // not used: it reads plain scalars such as "e1" as NaN and timestamps as
    // Dates. Unlike Kubernetes' YAML 1.1 decoder, "on"/"yes"/"no" stay strings.)
    const docs = parseAllDocuments(text, { merge: true, prettyErrors: true });
    const yamlDocs = Array.isArray(docs) ? docs : [docs];
    for (const [i, d] of yamlDocs.entries()) {
      if (d.errors?.length) {
        console.error(`error ${name} (document ${i + 1}): ${d.errors.map((e) => e.message).join("; ")}`);
        failed = true;
        continue;
      }
      for (const obj of objectsOf(d.toJS({ maxAliasCount: -1 }))) {
        const m = GROUP_RE.exec(String(obj.apiVersion ?? ""));
        if (!m) {
          skipped++;
          continue;
        }
        checked++;
        const label = `${obj.kind ?? "<no kind>"}/${obj.metadata?.name ?? "<no name>"}`;
        const kinds = await modelsFor(obj.apiVersion);
        const Model = kinds?.get(obj.kind);
        let problems;
        if (!kinds) problems = [`apiVersion ${obj.apiVersion} is not known to @kubernetes-models/gateway-api`];
        else if (!Model) problems = [`kind ${obj.kind} is not known in ${obj.apiVersion} (known: ${[...kinds.keys()].sort().join(", ")})`];
        else {
          const { errors, unknown } = validateObject(Model, obj);
          problems = [...new Set(opts.strict ? [...errors, ...unknown] : errors)];
        }
        if (problems.length) {
          invalid++;
          console.log(`invalid ${label}: ${problems.join("; ")}`);
        } else {
          console.log(`ok ${label}`);
        }
      }
    }
  }

  console.error(
    `validate-gateway-api: ${checked} Gateway API object(s) checked, ${invalid} invalid, ${skipped} other object(s) skipped`,
  );
  if (failed || invalid) process.exit(1);
  if (checked === 0 && !opts.allowNone) {
    console.error("validate-gateway-api: no gateway.networking.k8s.io object found (use --allow-none to accept)");
    process.exit(2);
  }
}

main().catch((e) => {
  console.error(`validate-gateway-api: ${e?.stack ?? e}`);
  process.exit(1);
});
