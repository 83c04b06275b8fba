//! Builds [`Node`] trees from saphyr's events, with limits and hazard reports.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as SaphyrSpan};

use super::go::{self, GoScalar};
use super::node::{Entry, Node, NodeKind, Span};
use super::scalar::{resolve_plain, Resolved};
use super::YamlError;
use crate::location::{to_u32, Location};

/// Bounds that keep hostile input cheap to reject.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest text accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of maps and sequences.
    pub max_depth: usize,
    /// Most nodes that aliases may copy in one text ("billion laughs"), on top
    /// of go-yaml's own rule (see [`allowed_alias_ratio`]).
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 256 * 1024 * 1024,
            max_depth: 128,
            max_alias_nodes: 100_000,
        }
    }
}

/// Something legal that YAML 1.1 readers take differently from what it looks like.
#[derive(Clone, Debug, PartialEq)]
pub struct Hazard {
    /// What it is.
    pub kind: HazardKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of YAML hazard.
#[derive(Clone, Debug, PartialEq)]
pub enum HazardKind {
    /// `yes`, `no`, `on`, `off`, `y`, `n` read as a boolean.
    Yaml11Bool {
        /// The text as written.
        text: String,
        /// The boolean it became.
        value: bool,
    },
    /// A leading-zero number read as octal.
    Octal {
        /// The text as written.
        text: String,
        /// The number it became.
        value: i64,
    },
    /// A key written twice in one map; the last one wins.
    DuplicateKey {
        /// The key.
        key: String,
        /// Where the first one is.
        first: Location,
    },
}

/// The documents of a text and the hazards found in them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    /// One node per document; an empty document is `Null`.
    pub documents: Vec<Node>,
    /// Hazards in reading order.
    pub hazards: Vec<Hazard>,
    /// Nodes that aliases copied (the nodes an alias stands for, each time).
    pub alias_nodes: usize,
}

/// Reads every document of `text` as Kubernetes and Helm read a manifest
/// (go-yaml v2, then sigs.k8s.io/yaml's conversion to JSON): the same scalar
/// resolution, merge keys, tags and refusals as [`load_helm_values`], but
/// every document of the text.
pub fn load_documents(text: &str, limits: &Limits) -> Result<Loaded, YamlError> {
    // kubectl and Helm cut a stream at `---` lines before go-yaml reads a
    // piece, so a directive never reaches a document: refuse it as they do.
    let prepared = helm_text(text, limits, Text::Manifest)?;
    load(&prepared, limits, false)
}

/// Reads a values file exactly as Helm does (go-yaml v2, then sigs.k8s.io/yaml's
/// conversion to JSON): the first document only, or every document when
/// `all_documents` (Helm 4). Numbers that fit no `int64` become floats (as
/// they do in Helm's values), map keys are the strings Helm makes of them, and
/// what Helm refuses is an error (control characters, `%YAML 1.2`, `null`
/// keys, `.inf`/`.nan` values, tags that do not fit their value).
pub fn load_helm_values(
    text: &str,
    limits: &Limits,
    all_documents: bool,
) -> Result<Loaded, YamlError> {
    let prepared = helm_text(
        text,
        limits,
        Text::Values {
            helm4: all_documents,
        },
    )?;
    if !all_documents {
        return load(&prepared, limits, true);
    }
    // Helm 4 cuts the file at `---` lines (k8s.io/apimachinery's YAMLReader)
    // and reads the first document of each part.
    let mut out = Loaded::default();
    for (first_line, chunk) in yaml_reader_chunks(&prepared)? {
        let mut loaded = load(chunk, limits, true).map_err(|e| shift_error(e, first_line))?;
        for doc in &mut loaded.documents {
            shift_node(doc, first_line);
        }
        for hazard in &mut loaded.hazards {
            shift_span(&mut hazard.span, first_line);
        }
        out.documents.extend(loaded.documents.into_iter().take(1));
        out.hazards.extend(loaded.hazards);
    }
    Ok(out)
}

/// The parts k8s.io/apimachinery's YAMLReader cuts a text into: each with the
/// number of lines before it.
fn yaml_reader_chunks(text: &str) -> Result<Vec<(u32, &str)>, YamlError> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut start_line = 0u32;
    let mut offset = 0;
    for (line_no, line) in (0u32..).zip(text.split_inclusive('\n')) {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(YamlError::Syntax {
                    location: Location::new(line_no + 1, 4),
                    message: format!("invalid Yaml document separator: {trimmed}"),
                });
            }
            if !text[start..offset].is_empty() {
                chunks.push((start_line, &text[start..offset]));
            }
            start = offset + line.len();
            start_line = line_no + 1;
        }
        offset += line.len();
    }
    if !text[start..].is_empty() {
        chunks.push((start_line, &text[start..]));
    }
    Ok(chunks)
}

fn shift_span(span: &mut Span, lines: u32) {
    span.start.line += lines;
    span.end.line += lines;
}

fn shift_node(node: &mut Node, lines: u32) {
    shift_span(&mut node.span, lines);
    match &mut node.kind {
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| shift_node(n, lines)),
        NodeKind::Map(entries) => {
            for entry in entries {
                shift_span(&mut entry.key_span, lines);
                shift_node(&mut entry.value, lines);
            }
        }
        _ => {}
    }
}

fn shift_error(mut error: YamlError, lines: u32) -> YamlError {
    match &mut error {
        YamlError::NotUtf8 { location, .. }
        | YamlError::Syntax { location, .. }
        | YamlError::Limit { location, .. }
        | YamlError::UnknownAnchor { location } => location.line += lines,
    }
    error
}

/// Reads the first document of `text` only (what Helm does with a values file);
/// `None` when the text has no document at all.
pub fn load_first_document(
    text: &str,
    limits: &Limits,
) -> Result<(Option<Node>, Vec<Hazard>), YamlError> {
    let prepared = helm_text(text, limits, Text::Values { helm4: false })?;
    let loaded = load(&prepared, limits, true)?;
    Ok((loaded.documents.into_iter().next(), loaded.hazards))
}

fn load(text: &str, limits: &Limits, first_only: bool) -> Result<Loaded, YamlError> {
    let mut builder = Builder {
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        doc_nodes: 0,
        doc_alias_nodes: 0,
        root: None,
        out: Loaded::default(),
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|err| YamlError::Syntax {
            location: location(err.marker()),
            message: err.info().to_string(),
        })?;
        let done = builder.event(event, span)?;
        if done && first_only && !builder.out.documents.is_empty() {
            break;
        }
    }
    builder.out.documents.iter().try_for_each(helm_check)?;
    Ok(builder.out)
}

fn location(marker: &Marker) -> Location {
    Location::new(to_u32(marker.line()), to_u32(marker.col() + 1))
}

fn span_of(span: &SaphyrSpan) -> Span {
    Span {
        start: location(&span.start),
        end: location(&span.end),
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Span,
        anchor: usize,
    },
    Map {
        entries: Vec<Entry>,
        /// Position of each key in `entries`, once the map is large enough
        /// that searching `entries` for duplicates would be quadratic.
        positions: HashMap<String, usize>,
        merged: Vec<Entry>,
        key: Option<(Scalar, Span)>,
        start: Span,
        anchor: usize,
    },
}

/// Maps with more entries than this index their keys (hostile input can have
/// hundreds of thousands of keys in one map).
const INDEX_KEYS_ABOVE: usize = 32;

/// Where `key` is in `entries` (with `positions` once the map is indexed).
fn find_key(entries: &[Entry], positions: &HashMap<String, usize>, key: &str) -> Option<usize> {
    if entries.len() > INDEX_KEYS_ABOVE {
        positions.get(key).copied()
    } else {
        entries.iter().position(|e| e.key == key)
    }
}

/// Records `entries.last()` in `positions` (indexing all of them when the map
/// just grew past [`INDEX_KEYS_ABOVE`]).
fn index_last(entries: &[Entry], positions: &mut HashMap<String, usize>) {
    match entries.len() {
        n if n <= INDEX_KEYS_ABOVE => {}
        n if n == INDEX_KEYS_ABOVE + 1 => {
            positions.extend(entries.iter().enumerate().map(|(i, e)| (e.key.clone(), i)));
        }
        n => {
            positions.insert(entries[n - 1].key.clone(), n - 1);
        }
    }
}

/// A map key before it is resolved.
struct Scalar {
    text: String,
    plain: bool,
    /// The full tag (Helm values only).
    tag: Option<String>,
    /// The key already resolved (an alias used as a key, Helm values only).
    resolved: Option<String>,
}

struct Builder<'l> {
    limits: &'l Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    /// Nodes decoded in the current document, as go-yaml counts them (keys,
    /// values, collections and aliases, and the nodes each alias copies).
    doc_nodes: usize,
    /// Of those, the nodes aliases copied.
    doc_alias_nodes: usize,
    root: Option<Node>,
    out: Loaded,
}

impl Builder<'_> {
    /// Handles one event; true when a document just ended.
    fn event(&mut self, event: Event<'_>, span: SaphyrSpan) -> Result<bool, YamlError> {
        let here = span_of(&span);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                self.root = None;
                self.doc_nodes = 0;
                self.doc_alias_nodes = 0;
            }
            Event::DocumentEnd => {
                let root = self.root.take().unwrap_or(Node {
                    kind: NodeKind::Null,
                    span: here,
                });
                self.out.documents.push(root);
                return Ok(true);
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.doc_nodes += 1;
                if self.expects_key() {
                    let full_tag = tag.as_deref().map(|t| format!("{}{}", t.handle, t.suffix));
                    let plain = style == ScalarStyle::Plain;
                    if anchor > 0 {
                        // go-yaml lets a later alias stand for an anchored key.
                        let kind = go::resolve(full_tag.as_deref(), &text, plain)
                            .map_or_else(|_| NodeKind::Str(text.to_string()), go_kind);
                        self.anchors.insert(anchor, Node { kind, span: here });
                    }
                    self.set_key(
                        Scalar {
                            text: text.into_owned(),
                            plain,
                            tag: full_tag,
                            resolved: None,
                        },
                        here,
                    );
                    return Ok(false);
                }
                let kind = self.helm_scalar(&text, style, tag.as_deref(), here)?;
                let node = Node { kind, span: here };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_value(node)?;
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or(YamlError::UnknownAnchor {
                        location: here.start,
                    })?;
                let copied = count_nodes(&node);
                self.out.alias_nodes += copied;
                self.doc_alias_nodes += copied;
                self.doc_nodes += 1 + copied;
                if self.out.alias_nodes > self.limits.max_alias_nodes {
                    return Err(YamlError::Limit {
                        location: here.start,
                        what: "nodes copied by aliases",
                        limit: self.limits.max_alias_nodes,
                    });
                }
                self.check_alias_ratio(here)?;
                if self.expects_key() {
                    let key = alias_key(&node).unwrap_or_else(|m| format!("{BAD_KEY}{m}"));
                    self.set_key(
                        Scalar {
                            text: key.clone(),
                            plain: false,
                            tag: None,
                            resolved: Some(key),
                        },
                        here,
                    );
                    return Ok(false);
                }
                self.push_value(node)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.doc_nodes += 1;
                self.open(
                    Frame::Seq {
                        items: Vec::new(),
                        start: here,
                        anchor,
                    },
                    here,
                )?;
            }
            Event::MappingStart(anchor, _) => {
                self.doc_nodes += 1;
                self.open(
                    Frame::Map {
                        entries: Vec::new(),
                        positions: HashMap::new(),
                        merged: Vec::new(),
                        key: None,
                        start: here,
                        anchor,
                    },
                    here,
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = self.stack.pop().ok_or_else(|| YamlError::Syntax {
                    location: here.start,
                    message: "unbalanced collection end".into(),
                })?;
                let (kind, start, anchor) = match frame {
                    Frame::Seq {
                        items,
                        start,
                        anchor,
                    } => (NodeKind::Seq(items), start, anchor),
                    Frame::Map {
                        mut entries,
                        mut positions,
                        merged,
                        start,
                        anchor,
                        ..
                    } => {
                        for entry in merged {
                            if find_key(&entries, &positions, &entry.key).is_none() {
                                entries.push(entry);
                                index_last(&entries, &mut positions);
                            }
                        }
                        (NodeKind::Map(entries), start, anchor)
                    }
                };
                let node = Node {
                    kind,
                    span: Span {
                        start: start.start,
                        end: here.end,
                    },
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_value(node)?;
            }
        }
        Ok(false)
    }

    /// go-yaml's defence against alias bombs (decode.go): a document whose
    /// aliases copy too large a share of its nodes is refused.
    fn check_alias_ratio(&self, here: Span) -> Result<(), YamlError> {
        let (aliased, total) = (self.doc_alias_nodes, self.doc_nodes);
        #[allow(clippy::cast_precision_loss)]
        let ratio = aliased as f64 / total as f64;
        let allowed = allowed_alias_ratio(total);
        if aliased > 100 && total > 1000 && ratio > allowed {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            return Err(YamlError::Limit {
                location: here.start,
                what: "the share of a document's nodes that aliases copy, in percent (go-yaml's rule against alias bombs, as Helm and Kubernetes read YAML)",
                limit: (allowed * 100.0) as usize,
            });
        }
        Ok(())
    }

    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn set_key(&mut self, key: Scalar, span: Span) {
        if let Some(Frame::Map { key: slot, .. }) = self.stack.last_mut() {
            *slot = Some((key, span));
        }
    }

    fn open(&mut self, frame: Frame, here: Span) -> Result<(), YamlError> {
        if self.expects_key() {
            return Err(YamlError::Syntax {
                location: here.start,
                message: "map keys must be plain values, not maps or lists".into(),
            });
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(YamlError::Limit {
                location: here.start,
                what: "nesting depth",
                limit: self.limits.max_depth,
            });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn push_value(&mut self, node: Node) -> Result<(), YamlError> {
        let Some(top) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match top {
            Frame::Seq { items, .. } => items.push(node),
            Frame::Map {
                entries,
                positions,
                merged,
                key,
                ..
            } => {
                let (scalar, key_span) = key.take().ok_or_else(|| YamlError::Syntax {
                    location: node.span.start,
                    message: "a value without a key".into(),
                })?;
                let is_merge = scalar.text == "<<"
                    && scalar.resolved.is_none()
                    && (scalar.plain && scalar.tag.is_none()
                        || scalar.tag.as_deref() == Some("tag:yaml.org,2002:merge"));
                if is_merge {
                    // go-yaml v2: the merged keys are set where `<<` is
                    // written, over the keys before it.
                    for entry in merge_sources(node, key_span)? {
                        merged.push(entry.clone());
                        match find_key(entries, positions, &entry.key) {
                            Some(i) => entries[i] = entry,
                            None => {
                                entries.push(entry);
                                index_last(entries, positions);
                            }
                        }
                    }
                    return Ok(());
                }
                let (key, hazard) = helm_key(scalar, key_span)?;
                if let Some(h) = hazard {
                    self.out.hazards.push(h);
                }
                if let Some(existing) = find_key(entries, positions, &key).map(|i| &mut entries[i])
                {
                    let over_merge = merged.iter().any(|e| e.key == key);
                    if !over_merge {
                        self.out.hazards.push(Hazard {
                            kind: HazardKind::DuplicateKey {
                                key: key.clone(),
                                first: existing.key_span.start,
                            },
                            span: key_span,
                        });
                    }
                    existing.key_span = key_span;
                    existing.value = node;
                } else {
                    entries.push(Entry {
                        key,
                        key_span,
                        value: node,
                    });
                    index_last(entries, positions);
                }
            }
        }
        Ok(())
    }

    /// A value scalar as Helm reads it (go-yaml v2, then JSON).
    fn helm_scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&saphyr_parser::Tag>,
        span: Span,
    ) -> Result<NodeKind, YamlError> {
        let full_tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
        let plain = style == ScalarStyle::Plain;
        let value =
            go::resolve(full_tag.as_deref(), text, plain).map_err(|message| YamlError::Syntax {
                location: span.start,
                message,
            })?;
        // Only booleans and integers can be YAML 1.1 surprises: resolve again
        // (to mark them) only those.
        if plain && full_tag.is_none() && matches!(value, GoScalar::Bool(_) | GoScalar::Int(_)) {
            self.plain_hazard(text, span);
        }
        Ok(go_kind(value))
    }

    /// Records a YAML 1.1 boolean word or a leading-zero octal.
    fn plain_hazard(&mut self, text: &str, span: Span) {
        match resolve_plain(text) {
            Resolved::Bool {
                value,
                yaml11_word: true,
            } => self.out.hazards.push(Hazard {
                kind: HazardKind::Yaml11Bool {
                    text: text.to_string(),
                    value,
                },
                span,
            }),
            Resolved::Int { value, octal: true } => self.out.hazards.push(Hazard {
                kind: HazardKind::Octal {
                    text: text.to_string(),
                    value,
                },
                span,
            }),
            _ => {}
        }
    }
}

/// The node a go-yaml scalar is. Infinities and NaN fail only if they survive
/// to the JSON conversion (a later duplicate key may replace them): see
/// [`helm_check`].
fn go_kind(value: GoScalar) -> NodeKind {
    match value {
        GoScalar::Null => NodeKind::Null,
        GoScalar::Bool(b) => NodeKind::Bool(b),
        GoScalar::Int(i) => NodeKind::Int(i),
        GoScalar::Uint(u) => NodeKind::Uint(u),
        GoScalar::Float(f) => NodeKind::Float(f),
        GoScalar::Str(s) => NodeKind::Str(s),
    }
}

/// The string Helm makes of a map key, and a hazard when YAML 1.1 changes it.
fn key_string(scalar: Scalar, span: Span) -> (String, Option<Hazard>) {
    if !scalar.plain {
        return (scalar.text, None);
    }
    match resolve_plain(&scalar.text) {
        Resolved::Bool { value, yaml11_word } => {
            let hazard = yaml11_word.then(|| Hazard {
                kind: HazardKind::Yaml11Bool {
                    text: scalar.text.clone(),
                    value,
                },
                span,
            });
            (value.to_string(), hazard)
        }
        Resolved::Int { value, octal } => {
            let hazard = octal.then(|| Hazard {
                kind: HazardKind::Octal {
                    text: scalar.text.clone(),
                    value,
                },
                span,
            });
            (value.to_string(), hazard)
        }
        Resolved::Null => ("null".to_string(), None),
        Resolved::Uint(_) | Resolved::Float(_) | Resolved::Str => (scalar.text, None),
    }
}

/// The key Helm makes of a map key scalar (go-yaml v2 resolution, then
/// sigs.k8s.io/yaml's key conversion), with its YAML 1.1 hazard.
fn helm_key(scalar: Scalar, span: Span) -> Result<(String, Option<Hazard>), YamlError> {
    if let Some(key) = scalar.resolved {
        return Ok((key, None));
    }
    let error = |message: String| YamlError::Syntax {
        location: span.start,
        message,
    };
    let value = go::resolve(scalar.tag.as_deref(), &scalar.text, scalar.plain).map_err(error)?;
    let key = go::key_string(&value)
        .unwrap_or_else(|m| format!("{BAD_KEY}Helm cannot use `{}` as a key ({m})", scalar.text));
    let hazard = if scalar.plain && scalar.tag.is_none() {
        key_string(
            Scalar {
                text: scalar.text,
                plain: true,
                tag: None,
                resolved: None,
            },
            span,
        )
        .1
    } else {
        None
    };
    Ok((key, hazard))
}

/// Marks a key sigs.k8s.io/yaml cannot convert; the error is raised only if
/// the key survives to the conversion (see [`helm_check`]).
const BAD_KEY: &str = "\u{0}\u{1}unconvertible key\u{1}";

/// What sigs.k8s.io/yaml's conversion to JSON refuses in a decoded document:
/// keys it cannot make a string of, infinities and NaN.
fn helm_check(node: &Node) -> Result<(), YamlError> {
    match &node.kind {
        NodeKind::Float(f) if !f.is_finite() => {
            let name = if f.is_nan() {
                "NaN"
            } else if *f > 0.0 {
                "+Inf"
            } else {
                "-Inf"
            };
            Err(YamlError::Syntax {
                location: node.span.start,
                message: format!(
                    "this number is not one JSON can hold, and Helm refuses it (json: unsupported value: {name})"
                ),
            })
        }
        NodeKind::Seq(items) => items.iter().try_for_each(helm_check),
        NodeKind::Map(entries) => entries.iter().try_for_each(|entry| {
            if let Some(message) = entry.key.strip_prefix(BAD_KEY) {
                return Err(YamlError::Syntax {
                    location: entry.key_span.start,
                    message: message.to_string(),
                });
            }
            helm_check(&entry.value)
        }),
        _ => Ok(()),
    }
}

/// The key an alias used as a map key stands for (go-yaml allows this).
fn alias_key(node: &Node) -> Result<String, String> {
    let scalar = match &node.kind {
        NodeKind::Null => GoScalar::Null,
        NodeKind::Bool(b) => GoScalar::Bool(*b),
        NodeKind::Int(i) => GoScalar::Int(*i),
        NodeKind::Uint(u) => GoScalar::Uint(*u),
        NodeKind::Float(f) => GoScalar::Float(*f),
        NodeKind::Str(s) => GoScalar::Str(s.clone()),
        NodeKind::Seq(_) | NodeKind::Map(_) => {
            return Err("a map or list cannot be a map key".to_string())
        }
    };
    go::key_string(&scalar)
}

/// The entries a merge key sets, in the order go-yaml v2 sets them (for a
/// list, the last map first, so that earlier maps win).
fn merge_sources(node: Node, key_span: Span) -> Result<Vec<Entry>, YamlError> {
    match node.kind {
        NodeKind::Map(entries) => Ok(entries),
        NodeKind::Seq(items) => {
            let mut out = Vec::new();
            for item in items.into_iter().rev() {
                match item.kind {
                    NodeKind::Map(entries) => out.extend(entries),
                    _ => return Err(helm_merge_error(key_span)),
                }
            }
            Ok(out)
        }
        _ => Err(helm_merge_error(key_span)),
    }
}

fn helm_merge_error(span: Span) -> YamlError {
    YamlError::Syntax {
        location: span.start,
        message: "map merge requires map or sequence of maps as the value".into(),
    }
}

/// The text every reader entry parses: refused past the size limit (before
/// any work), without a leading byte order mark, refused where Helm's YAML
/// reader refuses before parsing (control characters, directives it does not
/// support, a tab where a token would start), and with the line breaks
/// YAML 1.1 adds (NEL, LS, PS) made plain newlines (libyaml
/// breaks lines at all three; inside a quoted or block scalar it keeps LS and
/// PS as characters, which this does not model: see docs/yaml.md).
fn helm_text<'a>(
    text: &'a str,
    limits: &Limits,
    rules: Text,
) -> Result<std::borrow::Cow<'a, str>, YamlError> {
    if text.len() > limits.max_bytes {
        return Err(YamlError::Limit {
            location: Location::new(1, 1),
            what: "input size in bytes",
            limit: limits.max_bytes,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Helm 4's values and manifests are cut at `---` lines first: a directive
    // is then never followed by its document.
    let helm4 = matches!(rules, Text::Manifest | Text::Values { helm4: true });
    // The line index is built only for an error.
    let refuse = |offset: usize, message: &str| YamlError::Syntax {
        location: crate::location::LineIndex::new(text).location(text, offset),
        message: message.to_string(),
    };
    let mut breaks = false;
    let bytes = text.as_bytes();
    let mut offset = 0;
    while offset < bytes.len() {
        let b = bytes[offset];
        // Printable ASCII, tab and line breaks: the common case, byte by byte.
        if (0x20..0x7f).contains(&b) || matches!(b, b'\n' | b'\t' | b'\r') {
            offset += 1;
            continue;
        }
        let c = text[offset..].chars().next().unwrap_or('\0');
        let printable = matches!(c,
            '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
            | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
        if !printable {
            return Err(refuse(
                offset,
                &format!(
                    "control characters are not allowed: U+{:04X} here (Helm and Kubernetes refuse it; write it as an escape in a double-quoted string)",
                    u32::from(c)
                ),
            ));
        }
        breaks |= matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}');
        offset += c.len_utf8();
    }
    // The line rules below concern tabs, directives and `...` at the start
    // of a line: most texts have none of them.
    let line_rules = text.contains('\t')
        || text.starts_with(['%', '.'])
        || text.contains("\n%")
        || text.contains("\n.");
    if !breaks && !line_rules {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    let mut at_start = true;
    let mut seen_content = false;
    let mut offset = 0;
    let mut block_indent: Option<usize> = None;
    // Byte offsets of tabs after a plain key's `:` (go-yaml takes them as
    // the separating space; saphyr refuses them).
    let mut key_tabs = Vec::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let here = offset;
        offset += line.len();
        let indent = body.len() - body.trim_start_matches(' ').len();
        if let Some(block) = block_indent {
            if body.trim().is_empty() || indent > block {
                continue;
            }
            block_indent = None;
        }
        let rest = body.trim_start_matches([' ', '\t']);
        if body.starts_with('\t') && (rest.is_empty() || rest.starts_with('#')) {
            return Err(refuse(here, "found character that cannot start any token"));
        }
        if body.trim().is_empty() || body.starts_with('#') {
            continue;
        }
        if at_start && body.starts_with('%') {
            let mut words = body[1..].split_whitespace();
            match (words.next(), words.next()) {
                (Some("YAML"), _) if helm4 => {
                    return Err(refuse(here, "did not find expected <document start>"))
                }
                (Some("YAML"), Some("1.1")) => {}
                (Some("YAML"), _) => return Err(refuse(here, "found incompatible YAML document")),
                (Some("TAG"), _) if helm4 => {
                    return Err(refuse(here, "did not find expected <document start>"))
                }
                (Some("TAG"), _) => {}
                _ => return Err(refuse(here, "found unknown directive name")),
            }
            continue;
        }
        // A piece with nothing but `...` has no document to read; go-yaml
        // refuses it, but a manifest piece without content is passed on as is.
        if !seen_content && body.starts_with("...") && rules != Text::Manifest {
            return Err(refuse(here, "did not find expected node content"));
        }
        seen_content = true;
        at_start = body.starts_with("...");
        if let Some(tab) = plain_key_tab(rest) {
            key_tabs.push(here + (body.len() - rest.len()) + tab);
        }
        let last = body
            .split(" #")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .last();
        if last.is_some_and(|w| {
            w.starts_with(['|', '>'])
                && w[1..]
                    .chars()
                    .all(|c| c == '-' || c == '+' || c.is_ascii_digit())
        }) {
            block_indent = Some(indent);
        }
    }
    if !breaks && key_tabs.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    let mut bytes = text.as_bytes().to_vec();
    for tab in key_tabs {
        bytes[tab] = b' ';
    }
    let text = String::from_utf8(bytes).unwrap_or_default();
    Ok(std::borrow::Cow::Owned(
        text.replace(['\u{85}', '\u{2028}', '\u{2029}'], "\n"),
    ))
}

/// Which text [`helm_text`] prepares.
#[derive(Clone, Copy, PartialEq)]
enum Text {
    /// A values file (Helm 4 cuts it at `---` lines).
    Values { helm4: bool },
    /// A manifest piece, as kubectl and Helm read it.
    Manifest,
}

/// Where the tab is in `key:\tvalue`, when `key` is a plain key (so the tab
/// separates, rather than being part of a quoted or flow scalar).
fn plain_key_tab(line: &str) -> Option<usize> {
    let mut content = line;
    while let Some(rest) = content.strip_prefix("- ") {
        content = rest.trim_start_matches(' ');
    }
    let skipped = line.len() - content.len();
    if content.starts_with(['"', '\'', '{', '[', '#', '|', '>', '&', '*', '!', '?']) {
        return None;
    }
    let colon = content.find(":\t")?;
    let key = &content[..colon];
    if key.is_empty() || key.contains(": ") || key.contains(" #") || key.contains('\t') {
        return None;
    }
    Some(skipped + colon + 1)
}

/// The nodes go-yaml decodes for `node` (keys included).
fn count_nodes(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Seq(items) => items.iter().map(count_nodes).sum(),
        NodeKind::Map(entries) => entries.iter().map(|e| 1 + count_nodes(&e.value)).sum(),
        _ => 0,
    }
}

/// go-yaml v2/v3's `allowedAliasRatio`: the share of a document's decoded
/// nodes that aliases may copy, 99% up to 400,000 nodes, falling linearly to
/// 10% at 4,000,000.
fn allowed_alias_ratio(decoded: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    #[allow(clippy::cast_precision_loss)]
    match decoded {
        n if n <= LOW => 0.99,
        n if n >= HIGH => 0.10,
        n => 0.99 - 0.89 * ((n - LOW) as f64 / (HIGH - LOW) as f64),
    }
}
