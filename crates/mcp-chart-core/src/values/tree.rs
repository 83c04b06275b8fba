//! The merge tree: values with their Go types and origins.

use indexmap::IndexMap;

use super::{HelmVersion, Origin};
use crate::yaml::go::{float_json, json_string};
use crate::yaml::{Node, NodeKind};

/// A value with its origin.
#[derive(Clone, Debug)]
pub(crate) struct VNode {
    pub kind: VKind,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub(crate) enum VKind {
    Scalar(Scalar),
    Seq(Vec<VNode>),
    Map(IndexMap<String, VNode>),
}

/// A scalar with the Go type Helm holds it as.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    /// `int64` (from `--set`).
    Int(i64),
    /// `float64` (numbers of `-f` files and `--set-json`; Helm 4's chart defaults).
    Float(f64),
    /// `json.Number` (Helm 3's chart defaults), as its JSON text.
    Number(String),
    Str(String),
}

/// Where a tree is read from: the chart defaults and user files hold numbers
/// differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reader {
    UserFile,
    ChartDefaults(HelmVersion),
}

impl Scalar {
    fn go_type(&self) -> &'static str {
        match self {
            Scalar::Null => "\\u003cnil\\u003e",
            Scalar::Bool(_) => "bool",
            Scalar::Int(_) => "int64",
            Scalar::Float(_) => "float64",
            Scalar::Number(_) => "json.Number",
            Scalar::Str(_) => "string",
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Int(i) => Value::from(*i),
            Scalar::Float(f) => float_value(*f),
            Scalar::Number(text) => text
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| text.parse::<u64>().map(Value::from))
                .unwrap_or_else(|_| float_value(text.parse().unwrap_or(0.0))),
            Scalar::Str(s) => Value::String(s.clone()),
        }
    }
}

/// A float64 for validation: whole numbers Go prints without a fraction are
/// integers in JSON (what Helm's schema check sees too).
fn float_value(f: f64) -> serde_json::Value {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if f.fract() == 0.0 && f.abs() <= EXACT {
        #[allow(clippy::cast_possible_truncation)]
        return serde_json::Value::from(f as i64);
    }
    serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

impl VNode {
    pub fn scalar(value: Scalar, origin: Origin) -> VNode {
        VNode {
            kind: VKind::Scalar(value),
            origin,
        }
    }

    pub fn map(origin: Origin) -> VNode {
        VNode {
            kind: VKind::Map(IndexMap::new()),
            origin,
        }
    }

    pub fn from_yaml(
        node: &Node,
        source: usize,
        key: Option<crate::yaml::Span>,
        reader: Reader,
    ) -> VNode {
        let origin = Origin {
            source,
            key,
            value: node.span,
        };
        #[allow(clippy::cast_precision_loss)]
        let number = |f: f64, int: Option<i64>| match reader {
            Reader::ChartDefaults(HelmVersion::V3) => {
                Scalar::Number(int.map_or_else(|| float_json(f), |i| i.to_string()))
            }
            _ => Scalar::Float(int.map_or(f, |i| i as f64)),
        };
        let kind = match &node.kind {
            NodeKind::Seq(items) => VKind::Seq(
                items
                    .iter()
                    .map(|n| VNode::from_yaml(n, source, None, reader))
                    .collect(),
            ),
            NodeKind::Map(entries) => VKind::Map(
                entries
                    .iter()
                    .map(|e| {
                        (
                            e.key.clone(),
                            VNode::from_yaml(&e.value, source, Some(e.key_span), reader),
                        )
                    })
                    .collect(),
            ),
            NodeKind::Null => VKind::Scalar(Scalar::Null),
            NodeKind::Bool(b) => VKind::Scalar(Scalar::Bool(*b)),
            NodeKind::Int(i) => VKind::Scalar(number(0.0, Some(*i))),
            // Helm's values hold every file number as a float64 (Helm 3's
            // chart defaults: the number as written).
            #[allow(clippy::cast_precision_loss)]
            NodeKind::Uint(u) => VKind::Scalar(match reader {
                Reader::ChartDefaults(HelmVersion::V3) => Scalar::Number(u.to_string()),
                _ => Scalar::Float(*u as f64),
            }),
            NodeKind::Float(f) => VKind::Scalar(number(*f, None)),
            NodeKind::Str(s) => VKind::Scalar(Scalar::Str(s.clone())),
        };
        VNode { kind, origin }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, VKind::Scalar(Scalar::Null))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, VKind::Map(_))
    }

    /// The Go type name Helm's `interface conversion` panics name.
    pub fn go_type_name(&self) -> &'static str {
        match &self.kind {
            VKind::Map(_) => "map[string]interface {}",
            VKind::Seq(_) => "[]interface {}",
            VKind::Scalar(Scalar::Null) => "nil",
            VKind::Scalar(s) => s.go_type(),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match &self.kind {
            VKind::Scalar(v) => v.to_json(),
            VKind::Seq(items) => {
                serde_json::Value::Array(items.iter().map(VNode::to_json).collect())
            }
            VKind::Map(map) => serde_json::Value::Object(
                map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
            ),
        }
    }

    /// Go's `encoding/json` text of the value (what `toJson` prints): keys
    /// sorted, HTML-safe escapes, floats formatted the Go way.
    pub fn write_go_json(&self, out: &mut String) {
        match &self.kind {
            VKind::Scalar(s) => match s {
                Scalar::Null => out.push_str("null"),
                Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Scalar::Int(i) => out.push_str(&i.to_string()),
                Scalar::Float(f) => out.push_str(&float_json(*f)),
                Scalar::Number(text) => out.push_str(text),
                Scalar::Str(s) => json_string(s, out),
            },
            VKind::Seq(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_go_json(out);
                }
                out.push(']');
            }
            VKind::Map(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_string(key, out);
                    out.push(':');
                    map[key].write_go_json(out);
                }
                out.push('}');
            }
        }
    }

    /// The same shape with each leaf replaced by its Go type name (as the
    /// differential tests' oracle chart prints it).
    pub fn write_go_types(&self, out: &mut String) {
        match &self.kind {
            VKind::Scalar(s) => {
                out.push('"');
                out.push_str(s.go_type());
                out.push('"');
            }
            VKind::Seq(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_go_types(out);
                }
                out.push(']');
            }
            VKind::Map(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_string(key, out);
                    out.push(':');
                    map[key].write_go_types(out);
                }
                out.push('}');
            }
        }
    }

    /// Records the origin of this node and its children under `pointer`.
    pub fn collect_origins(
        &self,
        pointer: &mut String,
        out: &mut std::collections::HashMap<String, Origin>,
    ) {
        out.insert(pointer.clone(), self.origin);
        let len = pointer.len();
        match &self.kind {
            VKind::Scalar(_) => {}
            VKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    item.collect_origins(pointer, out);
                    pointer.truncate(len);
                }
            }
            VKind::Map(map) => {
                for (key, value) in map {
                    pointer.push('/');
                    pointer.push_str(&super::escape_pointer_segment(key));
                    value.collect_origins(pointer, out);
                    pointer.truncate(len);
                }
            }
        }
    }

    /// Drops null entries from maps, recursively through maps (Helm 4 reads
    /// a chart's null defaults as absent).
    pub fn strip_map_nulls(&mut self) {
        if let VKind::Map(map) = &mut self.kind {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(VNode::strip_map_nulls);
        }
    }
}
