//! The merge tree: values with origins.

use indexmap::IndexMap;

use super::Origin;
use crate::yaml::{Node, NodeKind};

/// A value with its origin.
#[derive(Clone, Debug)]
pub(crate) struct VNode {
    pub kind: VKind,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub(crate) enum VKind {
    Scalar(serde_json::Value),
    Seq(Vec<VNode>),
    Map(IndexMap<String, VNode>),
}

impl VNode {
    pub fn from_yaml(node: &Node, source: usize, key: Option<crate::yaml::Span>) -> VNode {
        let origin = Origin {
            source,
            key,
            value: node.span,
        };
        let kind = match &node.kind {
            NodeKind::Seq(items) => VKind::Seq(
                items
                    .iter()
                    .map(|n| VNode::from_yaml(n, source, None))
                    .collect(),
            ),
            NodeKind::Map(entries) => VKind::Map(
                entries
                    .iter()
                    .map(|e| {
                        (
                            e.key.clone(),
                            VNode::from_yaml(&e.value, source, Some(e.key_span)),
                        )
                    })
                    .collect(),
            ),
            _ => VKind::Scalar(node.to_json()),
        };
        VNode { kind, origin }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, VKind::Scalar(serde_json::Value::Null))
    }

    pub fn to_json(&self) -> serde_json::Value {
        match &self.kind {
            VKind::Scalar(v) => v.clone(),
            VKind::Seq(items) => {
                serde_json::Value::Array(items.iter().map(VNode::to_json).collect())
            }
            VKind::Map(map) => serde_json::Value::Object(
                map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
            ),
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

    /// Drops null entries from maps, recursively (Helm removes them when coalescing).
    pub fn strip_nulls(&mut self) {
        match &mut self.kind {
            VKind::Map(map) => {
                map.retain(|_, v| !v.is_null());
                map.values_mut().for_each(VNode::strip_nulls);
            }
            VKind::Seq(items) => items.iter_mut().for_each(VNode::strip_nulls),
            VKind::Scalar(_) => {}
        }
    }
}
