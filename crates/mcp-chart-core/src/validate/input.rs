//! Reading each values file on its own before the merge: unreadable input
//! becomes located diagnostics, and every key and value gets its JSON pointer
//! (so hazards, which only know a span, can name the value they are about).

use crate::validate::Code;
use std::collections::HashMap;

use super::diagnostic::Diagnostic;
use crate::location::Location;
use crate::values::escape_pointer_segment;
use crate::yaml::{load_documents, load_first_document, Limits, Node, NodeKind, YamlError};

/// Largest values file accepted, in bytes. Helm has no limit, but a values file
/// of this size is a mistake (or an attack), and parsing it would be slow.
pub const MAX_VALUES_BYTES: usize = 16 * 1024 * 1024;

/// Nesting deeper than this is refused (the chart's values nest 6 deep).
pub const MAX_VALUES_DEPTH: usize = 64;

/// Limits for values files.
pub fn limits() -> Limits {
    Limits {
        max_bytes: MAX_VALUES_BYTES,
        max_depth: MAX_VALUES_DEPTH,
        ..Limits::default()
    }
}

/// Start locations of keys and values in one file, to their JSON pointers.
pub(crate) type PointerIndex = HashMap<Location, String>;

/// Reads one file: its pointer index, or the diagnostic that stops validation.
pub(crate) fn read(
    name: &str,
    text: &str,
    source: usize,
    warnings: &mut Vec<Diagnostic>,
) -> Result<PointerIndex, Box<Diagnostic>> {
    let (doc, _) =
        load_first_document(text, &limits()).map_err(|e| Box::new(yaml_error(name, source, &e)))?;
    if text.contains("---") {
        if let Some(w) = later_documents(name, text, source) {
            warnings.push(w);
        }
    }
    let mut index = PointerIndex::new();
    let Some(doc) = doc else {
        return Ok(index);
    };
    match &doc.kind {
        NodeKind::Null => Ok(index),
        NodeKind::Map(_) => {
            if let Some(d) = manifest(name, source, &doc) {
                return Err(Box::new(d));
            }
            collect(&doc, &mut String::new(), &mut index);
            Ok(index)
        }
        _ => Err(Box::new(
            Diagnostic::new(
                Code::ValuesNotAMap,
                format!(
                    "a values file must be a map of keys to values, but this one is {}",
                    article(doc.type_name())
                ),
            )
            .with_help("write `key: value` lines at the top level, such as `replicaCount: 1`")
            .at(source, name, doc.span.start, Some(doc.span.end)),
        )),
    }
}

fn article(type_name: &str) -> String {
    match type_name {
        "list" | "map" | "string" | "boolean" | "number" => format!("a {type_name}"),
        "integer" => "an integer".to_string(),
        other => other.to_string(),
    }
}

/// The diagnostic for a file that could not be read as YAML.
pub(crate) fn yaml_error(name: &str, source: usize, error: &YamlError) -> Diagnostic {
    let (code, message, help) = match error {
        YamlError::NotUtf8 { offset, .. } => (
            Code::NotUtf8,
            format!("the file is not valid UTF-8 (first bad byte at offset {offset})"),
            "save the file as UTF-8; Helm reads values files as UTF-8",
        ),
        YamlError::Syntax { message, .. } if message.contains("recursion limit") => (
            Code::YamlLimit,
            "nesting depth exceeds the YAML parser's limit".to_string(),
            "values files are small, shallow maps; this one looks generated or hostile",
        ),
        YamlError::Syntax { message, .. } if message.contains("tab") => (
            Code::YamlSyntax,
            format!("invalid YAML: {message}"),
            "indent with spaces: YAML does not allow tabs in indentation",
        ),
        YamlError::Syntax { message, .. } => (
            Code::YamlSyntax,
            format!("invalid YAML: {message}"),
            "the YAML parser stopped here; the mistake may be just before (an unclosed `[`, `{` or quote, or a wrong indent)",
        ),
        YamlError::Limit { what, limit, .. } => (
            Code::YamlLimit,
            format!("{what} exceeds the limit of {limit}"),
            "values files are small, shallow maps; this one looks generated or hostile",
        ),
        YamlError::UnknownAnchor { .. } => (
            Code::YamlSyntax,
            "invalid YAML: an alias (`*name`) refers to an anchor (`&name`) that is not defined before it"
                .to_string(),
            "define the anchor before using it",
        ),
    };
    Diagnostic::new(code, message)
        .with_help(help)
        .at(source, name, error.location(), None)
}

/// Helm 3 reads only the first document of a values file; Helm 4 merges every
/// document (and fails on one that is not a map). Either way, a second document
/// is a portability trap.
fn later_documents(name: &str, text: &str, source: usize) -> Option<Diagnostic> {
    let docs = load_documents(text, &limits()).ok()?.documents;
    let later: Vec<&Node> = docs
        .iter()
        .skip(1)
        .filter(|d| !matches!(d.kind, NodeKind::Null))
        .collect();
    let first = later.first()?;
    let not_map = later.iter().any(|d| !matches!(d.kind, NodeKind::Map(_)));
    let consequence = if not_map {
        "Helm 4 fails because a later document is not a map"
    } else {
        "Helm 4 merges the later documents over it"
    };
    Some(
        Diagnostic::new(
            Code::ValuesMultiDocument,
            format!(
                "this values file has more than one YAML document: Helm 3 reads only the first (as this check does), {consequence}"
            ),
        )
        .with_help("keep one document per values file; move the rest into another file passed with its own -f")
        .at(source, name, first.span.start, None),
    )
}

/// A Kubernetes manifest (top-level `apiVersion` and `kind`) is not a values file.
fn manifest(name: &str, source: usize, doc: &Node) -> Option<Diagnostic> {
    let kind = doc.get("kind")?;
    let api = doc.get("apiVersion")?.as_str()?;
    let kind_name = kind.as_str()?;
    let NodeKind::Map(entries) = &doc.kind else {
        return None;
    };
    let at = entries
        .iter()
        .find(|e| e.key == "kind")
        .map_or(doc.span, |e| e.key_span);
    Some(
        Diagnostic::new(
            Code::ValuesIsManifest,
            format!(
                "this is a Kubernetes {kind_name} manifest ({api}), not a values file for the mcp-server chart"
            ),
        )
        .with_help(format!(
            "apply manifests with `kubectl apply -f {name}`; pass only values files (chart settings such as `mode:` and `transport:`) with -f"
        ))
        .at(source, name, at.start, Some(at.end)),
    )
}

fn collect(node: &Node, pointer: &mut String, index: &mut PointerIndex) {
    index
        .entry(node.span.start)
        .or_insert_with(|| pointer.clone());
    let len = pointer.len();
    match &node.kind {
        NodeKind::Map(entries) => {
            for entry in entries {
                pointer.push('/');
                pointer.push_str(&escape_pointer_segment(&entry.key));
                index.insert(entry.key_span.start, pointer.clone());
                collect(&entry.value, pointer, index);
                pointer.truncate(len);
            }
        }
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                pointer.push('/');
                pointer.push_str(&i.to_string());
                collect(item, pointer, index);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}
