//! Where the transport settings come from: the chart's annotation on the
//! workload, or values the caller merged (`--values` / `--set`).

use crate::model::Transport;
use crate::yaml::{Node, NodeKind};

use super::classify::{Document, TRANSPORT_ANNOTATION};
use super::error::{PostRenderError, Problem};

/// Where a workload's transport settings were read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValuesOrigin {
    /// The `mcp-chart/transport` annotation of the workload.
    Annotation,
    /// Values given to the post-renderer (`--values`, `--set`).
    Values,
}

/// Reads `.Values.transport` from the chart's annotation on `doc`.
pub fn from_annotation(doc: &Document<'_>, node: &Node) -> Result<Transport, PostRenderError> {
    let place = doc.place(node.span.start);
    let NodeKind::Str(text) = &node.kind else {
        return Err(PostRenderError::at(
            place,
            Problem::Transport {
                source_name: format!("the {TRANSPORT_ANNOTATION} annotation"),
                message: format!("expected a JSON string, found a {}", node.type_name()),
            },
        ));
    };
    serde_json::from_str::<Transport>(text).map_err(|err| {
        let full = err.to_string();
        let message = match full.rsplit_once(" at line ") {
            Some((head, _)) if err.line() > 1 => format!(
                "{head} (line {}, column {} of the annotation's JSON)",
                err.line(),
                err.column()
            ),
            Some((head, _)) => format!("{head} (column {} of the annotation's JSON)", err.column()),
            None => full,
        };
        PostRenderError::at(
            place,
            Problem::Transport {
                source_name: format!("the {TRANSPORT_ANNOTATION} annotation"),
                message,
            },
        )
    })
}

/// Reads `transport` from merged values (absent means the chart's defaults).
pub fn from_values(values: &serde_json::Value) -> Result<Transport, PostRenderError> {
    let problem = |message: String| {
        PostRenderError::general(Problem::Transport {
            source_name: "--values/--set".into(),
            message,
        })
    };
    let serde_json::Value::Object(map) = values else {
        return Err(problem("the values are not a map".into()));
    };
    match map.get("transport") {
        None | Some(serde_json::Value::Null) => Ok(Transport::default()),
        Some(value) => serde_json::from_value::<Transport>(value.clone())
            .map_err(|err| problem(format!("transport: {err}"))),
    }
}
