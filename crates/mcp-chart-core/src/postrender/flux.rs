//! The post-renderer as Flux kustomize patches (`mcp-chart flux`).
//!
//! Flux's helm-controller runs no executable post-renderer, only kustomize
//! patches listed in a HelmRelease's `spec.postRenderers`. This runs the
//! post-renderer on `helm template`'s output and writes each change it made as
//! a JSON 6902 patch for the object it changed. Every `replace` and `remove`
//! is preceded by `test`s of the value it was computed from (leaf by leaf), so when the
//! release's values change (the transport annotation, the server's command) the
//! patches stop applying and the HelmRelease fails with kustomize's error,
//! instead of running a stale gateway. Patches cannot add objects: the
//! documents the post-renderer adds (the named servers' ConfigMap) are
//! returned apart, to be applied next to the HelmRelease.

use serde_json::{json, Map, Value};

use super::{classify, PostRenderError, PostRenderOptions, Problem};
use crate::yaml::{self, emit_document, NodeKind};

/// The API version of the HelmRelease the patch is for.
pub const HELM_RELEASE_API: &str = "helm.toolkit.fluxcd.io/v2";

/// A kustomize patch for one object.
#[derive(Clone, Debug, PartialEq)]
pub struct FluxPatch {
    /// `target` of the patch: group, version, kind, name (and namespace when set).
    pub target: Map<String, Value>,
    /// The JSON 6902 operations.
    pub ops: Vec<Value>,
}

/// What `mcp-chart flux` produces.
#[derive(Clone, Debug, PartialEq)]
pub struct FluxOutput {
    /// One patch per changed document, in stream order.
    pub patches: Vec<FluxPatch>,
    /// Documents the post-renderer adds, which a patch cannot.
    pub objects: Vec<Value>,
}

/// Where the patches go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelmReleaseRef {
    /// `metadata.name` of the HelmRelease.
    pub name: String,
    /// `metadata.namespace` of the HelmRelease, and of the added objects.
    pub namespace: Option<String>,
}

/// Post-renders `input` and returns the changes as patches.
pub fn flux_patches(
    input: &str,
    options: &PostRenderOptions,
) -> Result<FluxOutput, PostRenderError> {
    let stream = super::post_render_stream(input, options)?;
    let docs = classify::classify(input)?;
    let mut patches = Vec::new();
    for (&index, text) in &stream.plan.replacements {
        let doc = &docs[index];
        let before = doc
            .tree()
            .map(|n| n.to_json())
            .ok_or_else(|| unreadable(doc.object()))?;
        let after = parse(text).ok_or_else(|| unreadable(doc.object()))?;
        let mut ops = Vec::new();
        diff("", &before, &after, &mut ops);
        if ops.is_empty() {
            continue;
        }
        patches.push(FluxPatch {
            target: target_of(&before),
            ops,
        });
    }
    let mut objects = Vec::new();
    for texts in stream.plan.insertions.values() {
        for text in texts {
            objects.push(parse(text).ok_or_else(|| unreadable(None))?);
        }
    }
    Ok(FluxOutput { patches, objects })
}

fn unreadable(object: Option<String>) -> PostRenderError {
    PostRenderError::general(Problem::Shape {
        message: format!(
            "{} could not be read back for a patch",
            object.unwrap_or_else(|| "a document".into())
        ),
    })
}

fn parse(text: &str) -> Option<Value> {
    let limits = yaml::Limits {
        max_bytes: usize::MAX,
        max_depth: classify::MAX_DEPTH,
        max_alias_nodes: classify::MAX_ALIAS_NODES_PER_DOCUMENT,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    yaml::load_documents(text, &limits)
        .ok()?
        .documents
        .into_iter()
        .find(|d| d.kind != NodeKind::Null)
        .map(|n| n.to_json())
}

/// The kustomize patch target selecting exactly `object`.
fn target_of(object: &Value) -> Map<String, Value> {
    let mut target = Map::new();
    let api = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let (group, version) = api.rsplit_once('/').unwrap_or(("", api));
    target.insert("group".into(), json!(group));
    target.insert("version".into(), json!(version));
    for (key, pointer) in [
        ("kind", "/kind"),
        ("name", "/metadata/name"),
        ("namespace", "/metadata/namespace"),
    ] {
        if let Some(v) = object.pointer(pointer).and_then(Value::as_str) {
            target.insert(key.into(), json!(v));
        }
    }
    target
}

/// A JSON pointer token (RFC 6901).
fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// JSON 6902 operations that turn `before` into `after`: maps key by key,
/// lists of the same length item by item, anything else replaced whole. Each
/// `replace` and `remove` first tests the value it replaces.
fn diff(path: &str, before: &Value, after: &Value, ops: &mut Vec<Value>) {
    if before == after {
        return;
    }
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            for (key, old) in b {
                let here = format!("{path}/{}", token(key));
                match a.get(key) {
                    Some(new) => diff(&here, old, new, ops),
                    None => {
                        tests(&here, old, ops);
                        ops.push(json!({"op": "remove", "path": here}));
                    }
                }
            }
            for (key, new) in a {
                if !b.contains_key(key) {
                    let here = format!("{path}/{}", token(key));
                    ops.push(json!({"op": "add", "path": here, "value": new}));
                }
            }
        }
        (Value::Array(b), Value::Array(a)) if b.len() == a.len() => {
            for (i, (old, new)) in b.iter().zip(a).enumerate() {
                diff(&format!("{path}/{i}"), old, new, ops);
            }
        }
        _ => {
            tests(path, before, ops);
            ops.push(json!({"op": "replace", "path": path, "value": after}));
        }
    }
}

/// `test` operations for `value` at `path`, one per scalar: kustomize adds
/// annotations of its own to the objects it patches (a test of a whole
/// `metadata.annotations` map would always fail), and its `test` of a list of
/// maps fails even when they are equal.
fn tests(path: &str, value: &Value, ops: &mut Vec<Value>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                tests(&format!("{path}/{}", token(key)), child, ops);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                tests(&format!("{path}/{i}"), item, ops);
            }
        }
        _ => ops.push(json!({"op": "test", "path": path, "value": value})),
    }
}

/// The patches as a strategic-merge patch of the HelmRelease (its
/// `spec.postRenderers`), one YAML document.
pub fn helm_release_patch(output: &FluxOutput, release: &HelmReleaseRef) -> String {
    let patches: Vec<Value> = output
        .patches
        .iter()
        .map(|p| {
            json!({
                "target": Value::Object(p.target.clone()),
                // YAML, not JSON: kustomize reads a JSON patch's text as it is
                // but marshals the objects with Go's escaping (`>` as `\u003e`),
                // and its `test` compares the two encodings byte for byte.
                "patch": emit_document(&Value::Array(p.ops.clone())),
            })
        })
        .collect();
    let mut metadata = Map::new();
    metadata.insert("name".into(), json!(release.name));
    if let Some(ns) = &release.namespace {
        metadata.insert("namespace".into(), json!(ns));
    }
    let doc = json!({
        "apiVersion": HELM_RELEASE_API,
        "kind": "HelmRelease",
        "metadata": Value::Object(metadata),
        "spec": {"postRenderers": [{"kustomize": {"patches": patches}}]},
    });
    emit_document(&doc)
}

/// The added objects as a YAML stream, in `release`'s namespace.
pub fn objects_yaml(output: &FluxOutput, release: &HelmReleaseRef) -> String {
    let mut out = String::new();
    for object in &output.objects {
        let mut object = object.clone();
        if let (Some(ns), Some(Value::Object(meta))) =
            (&release.namespace, object.get_mut("metadata"))
        {
            meta.entry("namespace").or_insert_with(|| json!(ns));
        }
        out.push_str("---\n");
        out.push_str(&emit_document(&object));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_tests_what_it_replaces_and_removes() {
        let before = json!({"metadata": {"annotations": {"a/b": "1", "keep": "k"}},
            "list": [1, 2], "grow": [1], "same": {"x": 1}, "gone": {"m": {"n": 1}}});
        let after = json!({"metadata": {"annotations": {"keep": "k", "new~": "n"}},
            "list": [1, 3], "grow": [1, 2], "same": {"x": 1}});
        let mut ops = Vec::new();
        diff("", &before, &after, &mut ops);
        assert_eq!(
            ops,
            vec![
                json!({"op": "test", "path": "/metadata/annotations/a~1b", "value": "1"}),
                json!({"op": "remove", "path": "/metadata/annotations/a~1b"}),
                json!({"op": "add", "path": "/metadata/annotations/new~0", "value": "n"}),
                json!({"op": "test", "path": "/list/1", "value": 2}),
                json!({"op": "replace", "path": "/list/1", "value": 3}),
                json!({"op": "test", "path": "/grow/0", "value": 1}),
                json!({"op": "replace", "path": "/grow", "value": [1, 2]}),
                json!({"op": "test", "path": "/gone/m/n", "value": 1}),
                json!({"op": "remove", "path": "/gone"}),
            ]
        );
    }

    #[test]
    fn target_selects_the_object() {
        let t = target_of(&json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d"}}));
        assert_eq!(
            Value::Object(t),
            json!({"group": "apps", "version": "v1", "kind": "Deployment", "name": "d"})
        );
        let core = target_of(&json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "s", "namespace": "n"}}));
        assert_eq!(core["group"], "");
        assert_eq!(core["namespace"], "n");
    }

    #[test]
    fn nothing_to_patch_in_a_stream_without_the_annotation() {
        let out = flux_patches(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n",
            &PostRenderOptions::default(),
        )
        .expect("post-renders");
        assert!(out.patches.is_empty() && out.objects.is_empty());
    }
}
