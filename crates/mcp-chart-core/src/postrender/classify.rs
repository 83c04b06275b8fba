//! Reads each document of the stream and tells what it is: kind, name, hook or
//! not, Helm 4's filename annotation and the chart's transport annotation.
//!
//! Documents that are empty, only comments, not a map, a `kind: List` or
//! without `metadata` are passed through untouched; they are never errors by
//! themselves. A document that is not readable YAML is an error: the
//! post-renderer cannot tell what it is, and Helm would reject it anyway.

use crate::location::{LineIndex, Location};
use crate::yaml::{load_documents, Limits, Node, NodeKind, YamlError};

use super::error::{PostRenderError, Problem, StreamPlace};
use super::split::Piece;

/// The annotation the chart writes on its workload: `.Values.transport` as JSON.
pub const TRANSPORT_ANNOTATION: &str = "mcp-chart/transport";
/// The annotation Helm 4 puts on every document it hands a post-renderer.
pub const HELM4_FILENAME_ANNOTATION: &str = "postrenderer.helm.sh/postrender-filename";
/// The annotation that makes a document a Helm hook.
pub const HOOK_ANNOTATION: &str = "helm.sh/hook";

/// Most YAML nodes read from one stream (aliases included): bounds memory and
/// time on hostile input while leaving room for very large releases.
pub const MAX_STREAM_NODES: usize = 20_000_000;
/// Most nodes that aliases may copy within one document.
pub const MAX_ALIAS_NODES_PER_DOCUMENT: usize = 100_000;
/// Deepest nesting of one document.
pub const MAX_DEPTH: usize = 128;

/// What a document is, structurally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// No content (only comments, blank lines or an empty document).
    Empty,
    /// A scalar or a list at the top level.
    NotAMap,
    /// A map without a `metadata` map.
    NoMetadata,
    /// A `kind: List` (or `*List`) object.
    List,
    /// More than one YAML document between two separators (after `...`).
    Several,
    /// A Kubernetes object.
    Object,
}

/// One classified document.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    /// 0-based position in the stream.
    pub index: usize,
    /// The exact text.
    pub piece: Piece<'a>,
    /// Stream line where the piece starts (1-based).
    pub base_line: u32,
    /// What it is.
    pub shape: Shape,
    /// `kind`, when a string.
    pub kind: Option<String>,
    /// `apiVersion`, when a string.
    pub api_version: Option<String>,
    /// `metadata.name`, when a string.
    pub name: Option<String>,
    /// `metadata.namespace`, when a string.
    pub namespace: Option<String>,
    /// Whether `metadata.annotations` has `helm.sh/hook`.
    pub hook: bool,
    /// Helm 4's `postrenderer.helm.sh/postrender-filename`, when present.
    pub helm4_filename: Option<String>,
    /// The value node of `metadata.annotations["mcp-chart/transport"]`.
    pub transport: Option<Node>,
    /// Service: `spec.selector` (string values only).
    pub selector: Vec<(String, String)>,
    /// Ingress: its backend Service names; HTTPRoute: the core Services its
    /// rules' backendRefs name.
    pub backends: Vec<String>,
    /// Ingress: `spec.ingressClassName`, else the `kubernetes.io/ingress.class` annotation.
    pub ingress_class: Option<String>,
}

impl Document<'_> {
    /// `Kind/name`, as far as known.
    pub fn object(&self) -> Option<String> {
        match (&self.kind, &self.name) {
            (Some(kind), Some(name)) => Some(format!("{kind}/{name}")),
            (Some(kind), None) => Some(kind.clone()),
            (None, Some(name)) => Some(format!("?/{name}")),
            (None, None) => None,
        }
    }

    /// The stream location of a location inside this document's text.
    pub fn stream_location(&self, inner: Location) -> Location {
        Location::new(
            self.base_line.saturating_add(inner.line.saturating_sub(1)),
            inner.column,
        )
    }

    /// The place of a location inside this document.
    pub fn place(&self, inner: Location) -> StreamPlace {
        StreamPlace {
            document: self.index + 1,
            object: self.object(),
            location: self.stream_location(inner),
        }
    }

    /// The place of the document as a whole (its first line).
    pub fn start_place(&self) -> StreamPlace {
        StreamPlace {
            document: self.index + 1,
            object: self.object(),
            location: Location::new(self.base_line, 1),
        }
    }

    /// Whether this is a workload kind whose pod template the gateway can go into.
    pub fn is_workload(&self) -> bool {
        self.shape == Shape::Object
            && !self.hook
            && matches!(
                self.kind.as_deref(),
                Some("Deployment" | "StatefulSet" | "DaemonSet")
            )
    }

    /// Whether this is a non-hook object of `kind`.
    pub fn is(&self, kind: &str) -> bool {
        self.shape == Shape::Object && !self.hook && self.kind.as_deref() == Some(kind)
    }

    /// Reads the document's tree again (trees are not kept between reading the
    /// stream and changing the few documents that change, to bound memory).
    pub fn tree(&self) -> Option<Node> {
        let text = self
            .piece
            .text
            .strip_prefix('\u{feff}')
            .unwrap_or(self.piece.text);
        let limits = Limits {
            max_bytes: usize::MAX,
            max_depth: MAX_DEPTH,
            max_alias_nodes: MAX_ALIAS_NODES_PER_DOCUMENT,
        };
        load_documents(text, &limits)
            .ok()?
            .documents
            .into_iter()
            .find(|d| d.kind != NodeKind::Null)
    }
}

fn str_at<'n>(node: &'n Node, path: &[&str]) -> Option<&'n str> {
    path.iter()
        .try_fold(node, |n, key| n.get(key))
        .and_then(Node::as_str)
}

fn seq_at<'n>(node: &'n Node, path: &[&str]) -> &'n [Node] {
    match path
        .iter()
        .try_fold(node, |n, key| n.get(key))
        .map(|n| &n.kind)
    {
        Some(NodeKind::Seq(items)) => items,
        _ => &[],
    }
}

fn ingress_facts(root: &Node, doc: &mut Document<'_>) {
    doc.ingress_class = str_at(root, &["spec", "ingressClassName"])
        .or_else(|| {
            str_at(
                root,
                &["metadata", "annotations", "kubernetes.io/ingress.class"],
            )
        })
        .map(str::to_string);
    let mut backend = |b: &Node| {
        if let Some(name) = str_at(b, &["service", "name"]).or_else(|| str_at(b, &["serviceName"]))
        {
            doc.backends.push(name.to_string());
        }
    };
    for key in ["defaultBackend", "backend"] {
        if let Some(b) = root.get("spec").and_then(|s| s.get(key)) {
            backend(b);
        }
    }
    for rule in seq_at(root, &["spec", "rules"]) {
        for path in seq_at(rule, &["http", "paths"]) {
            if let Some(b) = path.get("backend") {
                backend(b);
            }
        }
    }
}

fn route_facts(root: &Node, doc: &mut Document<'_>) {
    for rule in seq_at(root, &["spec", "rules"]) {
        for backend in seq_at(rule, &["backendRefs"]) {
            let group_ok = backend
                .get("group")
                .is_none_or(|g| g.as_str().is_some_and(str::is_empty));
            let kind_ok = backend
                .get("kind")
                .is_none_or(|k| k.as_str() == Some("Service"));
            if let (true, true, Some(name)) = (group_ok, kind_ok, str_at(backend, &["name"])) {
                doc.backends.push(name.to_string());
            }
        }
    }
}

/// Classifies every piece. Fails on unreadable YAML and on hostile sizes.
pub fn classify<'a>(
    input: &'a str,
    pieces: &[Piece<'a>],
    lines: &LineIndex,
) -> Result<Vec<Document<'a>>, PostRenderError> {
    let mut budget = MAX_STREAM_NODES;
    let mut out = Vec::with_capacity(pieces.len());
    for (index, piece) in pieces.iter().enumerate() {
        let base_line = lines.location(input, piece.start).line;
        let doc = classify_one(index, *piece, base_line, &mut budget)?;
        out.push(doc);
    }
    Ok(out)
}

fn classify_one<'a>(
    index: usize,
    piece: Piece<'a>,
    base_line: u32,
    budget: &mut usize,
) -> Result<Document<'a>, PostRenderError> {
    let mut doc = Document {
        index,
        piece,
        base_line,
        shape: Shape::Empty,
        kind: None,
        api_version: None,
        name: None,
        namespace: None,
        hook: false,
        helm4_filename: None,
        transport: None,
        selector: Vec::new(),
        backends: Vec::new(),
        ingress_class: None,
    };
    let text = piece.text.strip_prefix('\u{feff}').unwrap_or(piece.text);
    let limits = Limits {
        max_bytes: usize::MAX,
        max_depth: MAX_DEPTH,
        max_alias_nodes: MAX_ALIAS_NODES_PER_DOCUMENT.min(*budget),
    };
    let loaded = load_documents(text, &limits).map_err(|err| yaml_error(&doc, err))?;
    let mut documents = loaded.documents;
    let used: usize = documents.iter().map(count_nodes).sum();
    if used > *budget {
        return Err(PostRenderError::at(
            doc.start_place(),
            Problem::TooManyNodes {
                limit: MAX_STREAM_NODES,
            },
        ));
    }
    *budget -= used;
    documents.retain(|d| d.kind != NodeKind::Null);
    if documents.len() > 1 {
        doc.shape = Shape::Several;
        return Ok(doc);
    }
    let Some(root) = documents.pop() else {
        return Ok(doc);
    };
    let NodeKind::Map(_) = root.kind else {
        doc.shape = Shape::NotAMap;
        return Ok(doc);
    };
    doc.kind = root.get("kind").and_then(Node::as_str).map(str::to_string);
    doc.api_version = root
        .get("apiVersion")
        .and_then(Node::as_str)
        .map(str::to_string);
    let metadata = root.get("metadata");
    if let Some(meta) = metadata {
        doc.name = meta.get("name").and_then(Node::as_str).map(str::to_string);
        doc.namespace = meta
            .get("namespace")
            .and_then(Node::as_str)
            .map(str::to_string);
    }
    if doc.kind.as_deref().is_some_and(|k| k.ends_with("List")) {
        doc.shape = Shape::List;
        return Ok(doc);
    }
    let Some(
        meta @ Node {
            kind: NodeKind::Map(_),
            ..
        },
    ) = metadata
    else {
        doc.shape = Shape::NoMetadata;
        return Ok(doc);
    };
    doc.shape = Shape::Object;
    if let Some(annotations) = meta.get("annotations") {
        doc.hook = annotations.get(HOOK_ANNOTATION).is_some();
        doc.helm4_filename = annotations
            .get(HELM4_FILENAME_ANNOTATION)
            .and_then(Node::as_str)
            .map(str::to_string);
        doc.transport = annotations.get(TRANSPORT_ANNOTATION).cloned();
    }
    if !doc.hook {
        match doc.kind.as_deref() {
            Some("Service") => {
                if let Some(NodeKind::Map(entries)) = root
                    .get("spec")
                    .and_then(|s| s.get("selector"))
                    .map(|n| &n.kind)
                {
                    doc.selector = entries
                        .iter()
                        .filter_map(|e| Some((e.key.clone(), e.value.as_str()?.to_string())))
                        .collect();
                }
            }
            Some("Ingress") => ingress_facts(&root, &mut doc),
            Some("HTTPRoute") => route_facts(&root, &mut doc),
            _ => {}
        }
    }
    Ok(doc)
}

fn yaml_error(doc: &Document<'_>, err: YamlError) -> PostRenderError {
    PostRenderError::at(doc.place(err.location()), Problem::Yaml(err))
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Seq(items) => items.iter().map(count_nodes).sum(),
        NodeKind::Map(entries) => entries.iter().map(|e| count_nodes(&e.value)).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postrender::split::split;

    fn classify_text(input: &str) -> Result<Vec<Document<'_>>, PostRenderError> {
        let pieces = split(input);
        classify(input, &pieces, &LineIndex::new(input))
    }

    #[test]
    fn shapes_of_odd_documents() {
        let input = "# only a comment\n---\n---\n- a\n---\nplain\n---\nkind: List\nitems: []\n---\nkind: Thing\n---\nkind: Service\nmetadata:\n  name: s\n";
        let docs = classify_text(input).expect("classifies");
        let shapes: Vec<Shape> = docs.iter().map(|d| d.shape).collect();
        assert_eq!(
            shapes,
            vec![
                Shape::Empty,
                Shape::Empty,
                Shape::NotAMap,
                Shape::NotAMap,
                Shape::List,
                Shape::NoMetadata,
                Shape::Object
            ]
        );
        assert_eq!(docs[6].object().as_deref(), Some("Service/s"));
        assert!(docs[6].tree().is_some());
    }

    #[test]
    fn hooks_and_annotations_are_read() {
        let input = "---\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n    postrenderer.helm.sh/postrender-filename: templates/t.yaml\n";
        let docs = classify_text(input).expect("classifies");
        assert!(docs[0].hook);
        assert_eq!(docs[0].helm4_filename.as_deref(), Some("templates/t.yaml"));
    }

    #[test]
    fn ingress_and_route_facts() {
        let input = "---\nkind: Ingress\nmetadata:\n  name: i\n  annotations: {kubernetes.io/ingress.class: contour}\nspec:\n  defaultBackend: {service: {name: a}}\n  rules:\n  - http:\n      paths:\n      - backend: {service: {name: b}}\n      - backend: {serviceName: c}\n---\nkind: HTTPRoute\nmetadata: {name: r}\nspec:\n  rules:\n  - backendRefs: [{name: s1}, {name: x, kind: Backend, group: x.io}]\n  - backendRefs: [{name: s2, group: \"\", kind: Service}]\n";
        let docs = classify_text(input).expect("classifies");
        assert_eq!(docs[0].ingress_class.as_deref(), Some("contour"));
        assert_eq!(docs[0].backends, vec!["a", "b", "c"]);
        assert_eq!(docs[1].backends, vec!["s1", "s2"]);
    }

    #[test]
    fn yaml_errors_are_located_in_the_stream() {
        let input = "---\nkind: A\nmetadata: {name: a}\n---\nkind: B\nmetadata:\n\tname: b\n";
        let err = classify_text(input).expect_err("tab is not YAML indentation");
        let place = err.place.expect("located");
        assert_eq!(place.document, 2);
        assert_eq!(place.location.line, 7);
    }
}
