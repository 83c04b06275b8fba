//! Builds [`Node`] trees from saphyr's events, with limits and hazard reports.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as SaphyrSpan};

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
    /// Most nodes that aliases may copy in one text ("billion laughs").
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
}

/// Reads every document of `text`.
pub fn load_documents(text: &str, limits: &Limits) -> Result<Loaded, YamlError> {
    load(text, limits, false)
}

/// Reads the first document of `text` only (what Helm does with a values file);
/// `None` when the text has no document at all.
pub fn load_first_document(
    text: &str,
    limits: &Limits,
) -> Result<(Option<Node>, Vec<Hazard>), YamlError> {
    let loaded = load(text, limits, true)?;
    Ok((loaded.documents.into_iter().next(), loaded.hazards))
}

fn load(text: &str, limits: &Limits, first_only: bool) -> Result<Loaded, YamlError> {
    if text.len() > limits.max_bytes {
        return Err(YamlError::Limit {
            location: Location::new(1, 1),
            what: "input size in bytes",
            limit: limits.max_bytes,
        });
    }
    let mut builder = Builder {
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
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
}

struct Builder<'l> {
    limits: &'l Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    alias_nodes: usize,
    root: Option<Node>,
    out: Loaded,
}

impl Builder<'_> {
    /// Handles one event; true when a document just ended.
    fn event(&mut self, event: Event<'_>, span: SaphyrSpan) -> Result<bool, YamlError> {
        let here = span_of(&span);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::DocumentStart(_) => self.root = None,
            Event::DocumentEnd => {
                let root = self.root.take().unwrap_or(Node {
                    kind: NodeKind::Null,
                    span: here,
                });
                self.out.documents.push(root);
                return Ok(true);
            }
            Event::Scalar(text, style, anchor, tag) => {
                if self.expects_key() {
                    let plain = style == ScalarStyle::Plain && tag.is_none();
                    self.set_key(
                        Scalar {
                            text: text.into_owned(),
                            plain,
                        },
                        here,
                    );
                    return Ok(false);
                }
                let kind = self.scalar_kind(&text, style, tag.as_deref(), here);
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
                self.alias_nodes += count_nodes(&node);
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(YamlError::Limit {
                        location: here.start,
                        what: "nodes copied by aliases",
                        limit: self.limits.max_alias_nodes,
                    });
                }
                if self.expects_key() {
                    return Err(YamlError::Syntax {
                        location: here.start,
                        message: "an alias cannot be a map key here".into(),
                    });
                }
                self.push_value(node)?;
            }
            Event::SequenceStart(anchor, _) => {
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
                if scalar.plain && scalar.text == "<<" {
                    merge_into(merged, node, key_span)?;
                    return Ok(());
                }
                let (key, hazard) = key_string(scalar, key_span);
                if let Some(h) = hazard {
                    self.out.hazards.push(h);
                }
                if let Some(existing) = find_key(entries, positions, &key).map(|i| &mut entries[i])
                {
                    self.out.hazards.push(Hazard {
                        kind: HazardKind::DuplicateKey {
                            key: key.clone(),
                            first: existing.key_span.start,
                        },
                        span: key_span,
                    });
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

    fn scalar_kind(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&saphyr_parser::Tag>,
        span: Span,
    ) -> NodeKind {
        if let Some(tag) = tag {
            if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
                match tag.suffix.as_str() {
                    "str" | "binary" => return NodeKind::Str(text.to_string()),
                    _ => {}
                }
            }
        }
        if style != ScalarStyle::Plain {
            return NodeKind::Str(text.to_string());
        }
        match resolve_plain(text) {
            Resolved::Null => NodeKind::Null,
            Resolved::Bool { value, yaml11_word } => {
                if yaml11_word {
                    self.out.hazards.push(Hazard {
                        kind: HazardKind::Yaml11Bool {
                            text: text.to_string(),
                            value,
                        },
                        span,
                    });
                }
                NodeKind::Bool(value)
            }
            Resolved::Int { value, octal } => {
                if octal {
                    self.out.hazards.push(Hazard {
                        kind: HazardKind::Octal {
                            text: text.to_string(),
                            value,
                        },
                        span,
                    });
                }
                NodeKind::Int(value)
            }
            Resolved::Float(f) => NodeKind::Float(f),
            Resolved::Str => NodeKind::Str(text.to_string()),
        }
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
        Resolved::Float(_) | Resolved::Str => (scalar.text, None),
    }
}

/// Applies a YAML merge key (`<<: *base` or `<<: [*a, *b]`).
fn merge_into(merged: &mut Vec<Entry>, node: Node, key_span: Span) -> Result<(), YamlError> {
    let sources = match node.kind {
        NodeKind::Map(entries) => vec![entries],
        NodeKind::Seq(items) => items
            .into_iter()
            .map(|item| match item.kind {
                NodeKind::Map(entries) => Ok(entries),
                _ => Err(()),
            })
            .collect::<Result<Vec<_>, ()>>()
            .map_err(|()| merge_error(key_span))?,
        _ => return Err(merge_error(key_span)),
    };
    let mut seen: std::collections::HashSet<String> =
        merged.iter().map(|e| e.key.clone()).collect();
    for entries in sources {
        for entry in entries {
            if seen.insert(entry.key.clone()) {
                merged.push(entry);
            }
        }
    }
    Ok(())
}

fn merge_error(span: Span) -> YamlError {
    YamlError::Syntax {
        location: span.start,
        message: "a merge key `<<` needs a map or a list of maps".into(),
    }
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Seq(items) => items.iter().map(count_nodes).sum(),
        NodeKind::Map(entries) => entries.iter().map(|e| count_nodes(&e.value)).sum(),
        _ => 0,
    }
}
