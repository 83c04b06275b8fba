//! Reads each document of the stream and tells what it is: kind, name, hook or
//! not, Helm 4's filename annotation and the chart's transport annotation.
//!
//! Documents that are empty, only comments, not a map, a `kind: List` or
//! without `metadata` are passed through untouched; they are never errors by
//! themselves. A document that is not readable YAML is an error: the
//! post-renderer cannot tell what it is, and Helm would reject it anyway.

use crate::location::{to_u32, Location};
use crate::yaml::{load_documents, Limits, Node, NodeKind, YamlError};

use super::error::{PostRenderError, Problem, StreamPlace};
use super::split::Piece;

/// The annotation the chart writes on its workload: `.Values.transport` as JSON.
pub const TRANSPORT_ANNOTATION: &str = "mcp-chart/transport";
/// The annotation Helm 4 puts on every document it hands a post-renderer.
pub const HELM4_FILENAME_ANNOTATION: &str = "postrenderer.helm.sh/postrender-filename";
/// The annotation that makes a document a Helm hook.
pub const HOOK_ANNOTATION: &str = "helm.sh/hook";

/// Most YAML nodes that aliases may copy in one stream: bounds time on
/// hostile input (the nodes written out are bounded by the input's size).
pub const MAX_STREAM_NODES: usize = 20_000_000;
/// Most nodes that aliases may copy within one document, above what go-yaml's
/// own alias rule lets a real document reach (see yaml::load).
pub const MAX_ALIAS_NODES_PER_DOCUMENT: usize = 4_000_000;
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
pub fn classify<'a>(pieces: &[Piece<'a>]) -> Result<Vec<Document<'a>>, PostRenderError> {
    let mut budget = MAX_STREAM_NODES;
    let mut out = Vec::with_capacity(pieces.len());
    // Pieces are consecutive: each starts on the line after the last one's
    // line breaks (no line index of the whole stream needed).
    let mut base_line: usize = 1;
    for (index, piece) in pieces.iter().enumerate() {
        let doc = classify_one(index, *piece, to_u32(base_line), &mut budget)?;
        out.push(doc);
        base_line += piece.text.bytes().filter(|&b| b == b'\n').count();
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
        max_alias_nodes: MAX_ALIAS_NODES_PER_DOCUMENT,
    };
    let loaded = load_documents(text, &limits).map_err(|err| yaml_error(&doc, err))?;
    let mut documents = loaded.documents;
    let used = loaded.alias_nodes;
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
    let mut place = doc.place(err.location());
    if place.object.is_none() {
        place.object = sniff_object(doc.piece.text);
    }
    PostRenderError::at(place, Problem::Yaml(err))
}

/// Best-effort `Kind/name` of a document YAML cannot read, for the error
/// message: its top-level `kind:` line and the `name:` key of a top-level
/// block `metadata:` map.
pub(crate) fn sniff_object(text: &str) -> Option<String> {
    let value = |rest: &str| {
        let v = rest.split(" #").next().unwrap_or_default().trim();
        let v = v.trim_matches(|c| c == '"' || c == '\'');
        (!v.is_empty() && v.len() <= 253).then(|| v.to_string())
    };
    let (mut kind, mut name, mut in_metadata) = (None, None, false);
    // Indentation of metadata's own keys (its first indented line).
    let mut child_indent = None;
    for line in text.lines().map(|l| l.trim_end_matches('\r')) {
        if line.starts_with(|c: char| !c.is_whitespace()) {
            in_metadata = line.trim_end() == "metadata:";
            child_indent = None;
            if let Some(rest) = line.strip_prefix("kind:") {
                kind = kind.or_else(|| value(rest));
            }
        } else if in_metadata && !line.trim().is_empty() {
            let indent = line.len() - line.trim_start().len();
            if *child_indent.get_or_insert(indent) == indent {
                if let Some(rest) = line.trim_start().strip_prefix("name:") {
                    name = name.or_else(|| value(rest));
                }
            }
        }
    }
    match (kind, name) {
        (Some(k), Some(n)) => Some(format!("{k}/{n}")),
        (Some(k), None) => Some(k),
        (None, Some(n)) => Some(format!("?/{n}")),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postrender::split::split;

    fn classify_text(input: &str) -> Result<Vec<Document<'_>>, PostRenderError> {
        classify(&split(input))
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
    fn unreadable_documents_are_named_from_their_text() {
        let input = "---\nkind: A\nmetadata: {name: a}\n---\n# c\napiVersion: v1\nkind: \"ConfigMap\"\nmetadata:\n  labels:\n    name: label\n  name: cm # comment\ndata: [x\n";
        let err = classify_text(input).expect_err("unclosed flow list");
        let place = err.place.expect("located");
        assert_eq!(place.document, 2);
        assert_eq!(place.object.as_deref(), Some("ConfigMap/cm"));
        assert_eq!(sniff_object("data: [\n"), None);
        assert_eq!(
            sniff_object("kind: X\r\nmetadata:\r\n  name: y\r\n").as_deref(),
            Some("X/y")
        );
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
