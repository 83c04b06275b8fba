//! Tells what each document of the stream is: kind, name, namespace, hook or
//! not, whether it carries the chart's transport annotation — from a fast scan
//! of its top level (`scan.rs`), reading the document fully only when the scan
//! cannot tell or the document carries the annotation. What the post-renderer
//! reads from the documents it needs ([`Facts`]: a Service's selector, an
//! Ingress's backends, …) is read on first use.
//!
//! Documents that are empty, only comments, not a map, a `kind: List` or
//! without `metadata` are passed through untouched; they are never errors by
//! themselves. Nor is a document the reader refuses: it becomes
//! [`Shape::Unreadable`], and the plan fails only if it may be one it must
//! read (docs/post-render.md, "What is read").

use std::cell::OnceCell;

use crate::location::{to_u32, Location};
use crate::yaml::{load_documents, Limits, Loaded, Node, NodeKind};

use super::error::{PostRenderError, Problem, StreamPlace};
use super::scan;
use super::split::{self, Piece};

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
    /// No content (only comments, blank lines or an empty document); a run
    /// of such pieces is one [`Document`].
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
    /// The scan could not tell what it is and the reader refused it: it
    /// passes through untouched unless it may be one the post-renderer must
    /// read ([`Document::error`] is then the run's error).
    Unreadable,
}

/// An object inside a `kind: List` or inside a piece holding several YAML
/// documents (what Kubernetes would read there).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InnerObject {
    /// `kind`, when a string.
    pub kind: Option<String>,
    /// `metadata.name`, when a string.
    pub name: Option<String>,
    /// `metadata.namespace`, when a string.
    pub namespace: Option<String>,
    /// A non-hook Deployment/StatefulSet/DaemonSet with the chart's annotation.
    pub annotated_workload: bool,
    /// Where it starts, inside the document.
    pub location: Location,
}

/// What the post-renderer reads from a document it needs (kept once read).
#[derive(Clone, Debug, Default)]
pub struct Facts {
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
    /// HTTPRoute: the 0-based rule of each of `backends`.
    pub backend_rules: Vec<usize>,
    /// Ingress: `spec.ingressClassName`, else the `kubernetes.io/ingress.class` annotation.
    pub ingress_class: Option<String>,
    /// Workload: the pod template's labels (string values only).
    pub pod_labels: Vec<(String, String)>,
}

/// One classified document.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    /// 0-based position in the classified list.
    pub index: usize,
    /// 1-based number of its (first) document in the stream.
    pub number: usize,
    /// How many pieces of the stream it covers (more than one only for a run
    /// of empty documents).
    pub pieces: usize,
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
    /// Whether `metadata.annotations` may have `helm.sh/hook` (exact once the
    /// document is read: see [`Document::is_hook`]).
    pub hook: bool,
    /// Whether it carries the `mcp-chart/transport` annotation (exact: a
    /// document the scan finds it on is read fully); for an unreadable
    /// document, whether its text mentions it.
    pub annotated: bool,
    /// Objects inside a List or a piece holding several documents.
    pub inner: Vec<InnerObject>,
    /// Why the reader refused it ([`Shape::Unreadable`]).
    pub error: Option<Box<PostRenderError>>,
    facts: OnceCell<Result<Facts, Box<PostRenderError>>>,
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
            document: self.number,
            object: self.object(),
            location: self.stream_location(inner),
        }
    }

    /// The place of the document as a whole (its first line).
    pub fn start_place(&self) -> StreamPlace {
        StreamPlace {
            document: self.number,
            object: self.object(),
            location: Location::new(self.base_line, 1),
        }
    }

    /// Whether it is a Helm hook (reads the document when the scan saw the
    /// hook annotation, which a line inside a multi-line value can fake).
    pub fn is_hook(&self) -> bool {
        self.hook && self.facts().is_ok_and(|f| f.hook)
    }

    /// Whether this is a workload kind whose pod template the gateway can go into.
    pub fn is_workload(&self) -> bool {
        self.shape == Shape::Object && is_workload_kind(self.kind.as_deref()) && !self.is_hook()
    }

    /// Whether this is a non-hook object of `kind`.
    pub fn is(&self, kind: &str) -> bool {
        self.shape == Shape::Object && self.kind.as_deref() == Some(kind) && !self.is_hook()
    }

    /// What the post-renderer reads from the document, read on first use (a
    /// document nobody asks about is never read).
    pub fn facts(&self) -> Result<&Facts, PostRenderError> {
        self.facts
            .get_or_init(|| {
                if let Some(err) = &self.error {
                    return Err(err.clone());
                }
                let root = load(self.piece.text, &self.place(Location::new(1, 1)))?
                    .documents
                    .into_iter()
                    .find(|d| d.kind != NodeKind::Null);
                Ok(root
                    .map(|r| facts_of(&r, self.kind.as_deref()))
                    .unwrap_or_default())
            })
            .as_ref()
            .map_err(|e| (**e).clone())
    }

    /// Reads the document's tree again (trees are not kept between reading the
    /// stream and changing the few documents that change, to bound memory).
    pub fn tree(&self) -> Option<Node> {
        count_read(self.piece.text);
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

/// Deployment, StatefulSet or DaemonSet.
pub fn is_workload_kind(kind: Option<&str>) -> bool {
    matches!(kind, Some("Deployment" | "StatefulSet" | "DaemonSet"))
}

thread_local! {
    static BYTES_READ: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many bytes the post-renderer has handed to the YAML reader on this
/// thread so far: lets tests assert that work grows linearly with the input
/// without timing anything.
#[doc(hidden)]
pub fn bytes_read() -> u64 {
    BYTES_READ.with(std::cell::Cell::get)
}

/// Counts `text` into [`bytes_read`].
pub(crate) fn count_read(text: &str) {
    BYTES_READ.with(|c| c.set(c.get().saturating_add(text.len() as u64)));
}

/// Reads a piece's YAML documents under the per-document limits.
fn load(text: &str, place: &StreamPlace) -> Result<Loaded, Box<PostRenderError>> {
    count_read(text);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let limits = Limits {
        max_bytes: usize::MAX,
        max_depth: MAX_DEPTH,
        max_alias_nodes: MAX_ALIAS_NODES_PER_DOCUMENT,
    };
    load_documents(text, &limits).map_err(|err| {
        let mut at = place.clone();
        at.location = Location::new(
            place
                .location
                .line
                .saturating_add(err.location().line.saturating_sub(1)),
            err.location().column,
        );
        Box::new(PostRenderError::at(at, Problem::Yaml(err)))
    })
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

fn ingress_facts(root: &Node, facts: &mut Facts) {
    facts.ingress_class = str_at(root, &["spec", "ingressClassName"])
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
            facts.backends.push(name.to_string());
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

fn route_facts(root: &Node, facts: &mut Facts) {
    for (index, rule) in seq_at(root, &["spec", "rules"]).iter().enumerate() {
        for backend in seq_at(rule, &["backendRefs"]) {
            let group_ok = backend
                .get("group")
                .is_none_or(|g| g.as_str().is_some_and(str::is_empty));
            let kind_ok = backend
                .get("kind")
                .is_none_or(|k| k.as_str() == Some("Service"));
            if let (true, true, Some(name)) = (group_ok, kind_ok, str_at(backend, &["name"])) {
                facts.backends.push(name.to_string());
                facts.backend_rules.push(index);
            }
        }
    }
}

/// The facts of an object's tree.
fn facts_of(root: &Node, kind: Option<&str>) -> Facts {
    let mut facts = Facts::default();
    if let Some(annotations) = root.get("metadata").and_then(|m| m.get("annotations")) {
        facts.hook = annotations.get(HOOK_ANNOTATION).is_some();
        facts.helm4_filename = annotations
            .get(HELM4_FILENAME_ANNOTATION)
            .and_then(Node::as_str)
            .map(str::to_string);
        facts.transport = annotations.get(TRANSPORT_ANNOTATION).cloned();
    }
    if !facts.hook {
        match kind {
            Some("Service") => {
                if let Some(NodeKind::Map(entries)) = root
                    .get("spec")
                    .and_then(|s| s.get("selector"))
                    .map(|n| &n.kind)
                {
                    facts.selector = entries
                        .iter()
                        .filter_map(|e| Some((e.key.clone(), e.value.as_str()?.to_string())))
                        .collect();
                }
            }
            Some("Ingress") => ingress_facts(root, &mut facts),
            Some("HTTPRoute") => route_facts(root, &mut facts),
            kind if is_workload_kind(kind) => {
                if let Some(NodeKind::Map(entries)) = ["spec", "template", "metadata", "labels"]
                    .iter()
                    .try_fold(root, |n, key| n.get(key))
                    .map(|n| &n.kind)
                {
                    facts.pod_labels = entries
                        .iter()
                        .filter_map(|e| Some((e.key.clone(), e.value.as_str()?.to_string())))
                        .collect();
                }
            }
            _ => {}
        }
    }
    facts
}

/// Classifies every document of `input`. Reads fully only the documents the
/// scan cannot tell apart cheaply, those with the chart's annotation, and
/// Lists that may hold it or a ConfigMap; fails only on hostile sizes (a
/// document the reader refuses becomes [`Shape::Unreadable`]).
pub fn classify(input: &str) -> Result<Vec<Document<'_>>, PostRenderError> {
    let mut budget = MAX_STREAM_NODES;
    let mut out: Vec<Document<'_>> = Vec::new();
    // Pieces are consecutive: each starts on the line after the last one's
    // line breaks (no line index of the whole stream needed).
    let mut base_line: usize = 1;
    for (number, piece) in split::pieces(input).enumerate() {
        let lines = piece.newlines;
        let top = scan::scan(piece.text);
        if top.empty {
            // Runs of empty pieces (a stream of bare `---` lines) are one
            // entry, so memory does not grow with their number.
            if let Some(last) = out.last_mut().filter(|d| d.shape == Shape::Empty) {
                let end = piece.start + piece.text.len();
                last.piece.text = &input[last.piece.start..end];
                last.pieces += 1;
                last.piece.newlines += piece.newlines;
                base_line += lines;
                continue;
            }
        }
        let mut doc = Document {
            index: out.len(),
            number: number + 1,
            pieces: 1,
            piece,
            base_line: to_u32(base_line),
            shape: Shape::Empty,
            kind: top.kind.map(str::to_string),
            api_version: top.api_version.map(str::to_string),
            name: top.name.map(str::to_string),
            namespace: top.namespace.map(str::to_string),
            hook: top.hook,
            annotated: top.transport,
            inner: Vec::new(),
            error: None,
            facts: OnceCell::new(),
        };
        let list = top.kind.is_some_and(|k| k.ends_with("List"));
        let read_now = !top.sure
            || top.transport
            || (list
                && (piece.text.contains(TRANSPORT_ANNOTATION) || piece.text.contains("ConfigMap")));
        if !top.empty {
            doc.shape = if !top.metadata {
                Shape::NoMetadata
            } else {
                Shape::Object
            };
            if list {
                doc.shape = Shape::List;
            }
        }
        if read_now {
            read_fully(&mut doc, &mut budget)?;
        }
        out.push(doc);
        base_line += lines;
    }
    Ok(out)
}

/// Reads a document the scan could not settle and fills in its facts.
fn read_fully(doc: &mut Document<'_>, budget: &mut usize) -> Result<(), PostRenderError> {
    let loaded = match load(doc.piece.text, &doc.start_place()) {
        Ok(loaded) => loaded,
        Err(err) => {
            doc.shape = Shape::Unreadable;
            let (kind, name) = sniff_parts(doc.piece.text);
            doc.kind = doc.kind.take().or(kind);
            doc.name = doc.name.take().or(name);
            doc.annotated = doc.piece.text.contains(TRANSPORT_ANNOTATION);
            let mut err = err;
            if err.place.as_ref().is_some_and(|p| p.object.is_none()) {
                if let Some(place) = err.place.as_mut() {
                    place.object = doc.object();
                }
            }
            doc.error = Some(err);
            return Ok(());
        }
    };
    let used = loaded.alias_nodes;
    let mut documents = loaded.documents;
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
    doc.kind = None;
    doc.api_version = None;
    doc.name = None;
    doc.namespace = None;
    doc.hook = false;
    doc.annotated = false;
    if documents.len() > 1 {
        doc.shape = Shape::Several;
        doc.inner = documents.iter().filter_map(inner_object).collect();
        if let Some(first) = doc.inner.first() {
            doc.kind.clone_from(&first.kind);
            doc.name.clone_from(&first.name);
        }
        doc.annotated = doc.inner.iter().any(|o| o.annotated_workload);
        let _ = doc.facts.set(Ok(Facts::default()));
        return Ok(());
    }
    let Some(root) = documents.pop() else {
        doc.shape = Shape::Empty;
        let _ = doc.facts.set(Ok(Facts::default()));
        return Ok(());
    };
    let NodeKind::Map(_) = root.kind else {
        doc.shape = Shape::NotAMap;
        let _ = doc.facts.set(Ok(Facts::default()));
        return Ok(());
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
        doc.inner = seq_at(&root, &["items"])
            .iter()
            .filter_map(inner_object)
            .collect();
        doc.annotated = doc.inner.iter().any(|o| o.annotated_workload);
        let _ = doc.facts.set(Ok(Facts::default()));
        return Ok(());
    }
    let is_map = matches!(metadata.map(|m| &m.kind), Some(NodeKind::Map(_)));
    doc.shape = if is_map {
        Shape::Object
    } else {
        Shape::NoMetadata
    };
    let facts = facts_of(&root, doc.kind.as_deref());
    doc.hook = facts.hook;
    doc.annotated = is_map && facts.transport.is_some();
    let _ = doc.facts.set(Ok(facts));
    Ok(())
}

/// An object Kubernetes would read from a List item or one of several documents.
fn inner_object(node: &Node) -> Option<InnerObject> {
    if !matches!(node.kind, NodeKind::Map(_)) {
        return None;
    }
    let kind = node.get("kind").and_then(Node::as_str).map(str::to_string);
    let meta = node.get("metadata");
    let string = |key: &str| {
        meta.and_then(|m| m.get(key))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    let facts = facts_of(node, kind.as_deref());
    Some(InnerObject {
        annotated_workload: is_workload_kind(kind.as_deref())
            && !facts.hook
            && facts.transport.is_some(),
        kind,
        name: string("name"),
        namespace: string("namespace"),
        location: node.span.start,
    })
}

/// Best-effort `Kind/name` of a document YAML cannot read, for the error
/// message: its top-level `kind:` line and the `name:` key of a top-level
/// block `metadata:` map.
pub(crate) fn sniff_object(text: &str) -> Option<String> {
    match sniff_parts(text) {
        (Some(k), Some(n)) => Some(format!("{k}/{n}")),
        (Some(k), None) => Some(k),
        (None, Some(n)) => Some(format!("?/{n}")),
        (None, None) => None,
    }
}

/// The `kind:` and metadata `name:` lines of a document, as far as they can
/// be found without reading it.
fn sniff_parts(text: &str) -> (Option<String>, Option<String>) {
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
    (kind, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_text(input: &str) -> Result<Vec<Document<'_>>, PostRenderError> {
        classify(input)
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
                Shape::NotAMap,
                Shape::NotAMap,
                Shape::List,
                Shape::NoMetadata,
                Shape::Object
            ]
        );
        // The two empty pieces are one entry.
        assert_eq!((docs[0].pieces, docs[1].number), (2, 3));
        assert_eq!(docs[5].object().as_deref(), Some("Service/s"));
        assert!(docs[5].tree().is_some());
    }

    #[test]
    fn hooks_and_annotations_are_read() {
        let input = "---\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n    postrenderer.helm.sh/postrender-filename: templates/t.yaml\n";
        let docs = classify_text(input).expect("classifies");
        assert!(docs[0].is_hook());
        let facts = docs[0].facts().expect("reads");
        assert_eq!(facts.helm4_filename.as_deref(), Some("templates/t.yaml"));
    }

    #[test]
    fn ingress_and_route_facts() {
        let input = "---\nkind: Ingress\nmetadata:\n  name: i\n  annotations: {kubernetes.io/ingress.class: contour}\nspec:\n  defaultBackend: {service: {name: a}}\n  rules:\n  - http:\n      paths:\n      - backend: {service: {name: b}}\n      - backend: {serviceName: c}\n---\nkind: HTTPRoute\nmetadata: {name: r}\nspec:\n  rules:\n  - backendRefs: [{name: s1}, {name: x, kind: Backend, group: x.io}]\n  - backendRefs: [{name: s2, group: \"\", kind: Service}]\n";
        let docs = classify_text(input).expect("classifies");
        let (ing, route) = (
            docs[0].facts().expect("reads"),
            docs[1].facts().expect("reads"),
        );
        assert_eq!(ing.ingress_class.as_deref(), Some("contour"));
        assert_eq!(ing.backends, vec!["a", "b", "c"]);
        assert_eq!(route.backends, vec!["s1", "s2"]);
        assert_eq!(route.backend_rules, vec![0, 1]);
    }

    #[test]
    fn unreadable_documents_are_named_from_their_text() {
        let input = "---\nkind: A\nmetadata: {name: a}\n---\n# c\napiVersion: v1\nkind: \"ConfigMap\"\nmetadata:\n  labels:\n    name: label\n  name: cm # comment\ndata: [x\n";
        let docs = classify_text(input).expect("classifies");
        assert_eq!(docs[1].shape, Shape::Unreadable);
        let err = docs[1].error.clone().expect("unclosed flow list");
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
        let docs = classify_text(input).expect("classifies");
        let err = docs[1].facts().expect_err("tab is not YAML indentation");
        let place = err.place.expect("located");
        assert_eq!(place.document, 2);
        assert_eq!(place.location.line, 7);
    }
}
