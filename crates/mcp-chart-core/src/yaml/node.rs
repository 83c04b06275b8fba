//! The YAML tree with source spans.

use crate::location::Location;

/// Where a node starts and ends in its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    /// First character.
    pub start: Location,
    /// Just past the last character.
    pub end: Location,
}

/// A YAML node with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub kind: NodeKind,
    /// Where the value is written.
    pub span: Span,
}

/// A map entry: key text, the key's span, and the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key, as the string Helm makes of it.
    pub key: String,
    /// Where the key is written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// A resolved YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `null`, `~` or nothing.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An integer above `i64::MAX` (only in Helm values: go-yaml's `uint64`).
    Uint(u64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in written order, keys unique (the last duplicate wins).
    Map(Vec<Entry>),
}

impl Node {
    /// The entry for `key`, when this is a map that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    /// The string value, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The JSON form of this node (what Helm's values become).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::from(*i),
            NodeKind::Uint(u) => Value::from(*u),
            // As Go's `encoding/json` writes the float64 (what Helm's `toJson`
            // and Kubernetes' YAML-to-JSON make of it): `1e3` is `1000`.
            // Integral text becomes a JSON integer; anything else keeps the
            // float64 itself (re-parsing the text would round: serde_json's
            // default float parser is not exact to the last bit).
            NodeKind::Float(f) => {
                let text = super::go::float_json(*f);
                text.parse::<i64>()
                    .map(Value::from)
                    .or_else(|_| text.parse::<u64>().map(Value::from))
                    .ok()
                    .or_else(|| serde_json::Number::from_f64(*f).map(Value::Number))
                    .unwrap_or(Value::Null)
            }
            NodeKind::Str(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// A short name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "boolean",
            NodeKind::Int(_) | NodeKind::Uint(_) => "integer",
            NodeKind::Float(_) => "number",
            NodeKind::Str(_) => "string",
            NodeKind::Seq(_) => "list",
            NodeKind::Map(_) => "map",
        }
    }
}
