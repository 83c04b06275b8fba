//! The post-renderer: reads the manifest stream Helm rendered, injects the
//! stdio gateway into the chart's workload and long-lived-connection timeouts
//! into its Ingresses and HTTPRoutes, and writes the stream back.
//!
//! Contract (docs/post-render.md): every document comes out in the same order;
//! documents it has no reason to change come out byte for byte (their
//! separators and `# Source:` comments included); hooks are never touched;
//! running it on its own output changes nothing; on any error there is no
//! output at all, only an error that says where.
//!
//! - `split.rs`: byte-exact document splitting.
//! - `classify.rs`: what each document is.
//! - `source.rs`: where the transport settings come from.
//! - `plan.rs`: what to change.
//! - `gateway/`: the gateway container, its argv, servers.json and ConfigMap.
//! - `timeouts/`: Ingress annotations and HTTPRoute rule timeouts.
//! - `summary.rs`: what was injected, as data and as text.

pub mod classify;
pub mod error;
pub mod gateway;
pub mod plan;
pub mod source;
pub mod split;
pub mod summary;
pub mod timeouts;

use serde_json::Value;

use crate::location::{byte_location, LineIndex};
use crate::yaml::emit_document;

pub use error::{PostRenderError, Problem, StreamPlace};
pub use source::ValuesOrigin;
pub use summary::InjectionSummary;

/// Largest stream accepted, in bytes.
pub const MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;

/// How to post-render.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PostRenderOptions {
    /// Merged values (`--values`/`--set`) for charts whose workload carries no
    /// `mcp-chart/transport` annotation. When set they win over the annotation
    /// (which is still removed).
    pub values: Option<Value>,
    /// The workload to change, as `Kind/name` (kind case-insensitive) or `name`.
    pub workload: Option<String>,
    /// The stdio server container to replace (default `mcp-server`, else the
    /// only container).
    pub container: Option<String>,
}

/// The post-rendered stream and what was injected.
#[derive(Clone, Debug, PartialEq)]
pub struct PostRendered {
    /// The whole output stream.
    pub output: String,
    /// What was changed and why.
    pub summary: InjectionSummary,
}

/// Post-renders a stream given as bytes (checks UTF-8 first).
pub fn post_render_bytes(
    input: &[u8],
    options: &PostRenderOptions,
) -> Result<PostRendered, PostRenderError> {
    let text = std::str::from_utf8(input).map_err(|err| {
        let offset = err.valid_up_to();
        PostRenderError::at(
            StreamPlace {
                document: split::split(&String::from_utf8_lossy(&input[..offset]))
                    .len()
                    .max(1),
                object: None,
                location: byte_location(input, offset),
            },
            Problem::NotUtf8 { offset },
        )
    })?;
    post_render(text, options)
}

/// Post-renders `input`.
pub fn post_render(
    input: &str,
    options: &PostRenderOptions,
) -> Result<PostRendered, PostRenderError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(PostRenderError::general(Problem::TooLarge {
            limit: MAX_INPUT_BYTES,
        }));
    }
    let pieces = split::split(input);
    let lines = LineIndex::new(input);
    let docs = classify::classify(input, &pieces, &lines)?;
    let plan = plan::plan(&docs, options)?;
    let mut output = String::with_capacity(input.len() + 4096);
    for doc in &docs {
        match plan.replacements.get(&doc.index) {
            Some(value) => output.push_str(&render_document(doc.piece.text, value)),
            None => output.push_str(doc.piece.text),
        }
        if let Some(added) = plan.insertions.get(&doc.index) {
            let crlf = doc.piece.text.contains("\r\n");
            for (comment, value) in added {
                if !output.is_empty() && !output.ends_with('\n') {
                    output.push_str(if crlf { "\r\n" } else { "\n" });
                }
                let text = format!("---\n{comment}{}", emit_document(value));
                output.push_str(&line_breaks(text, crlf));
            }
        }
    }
    Ok(PostRendered {
        output,
        summary: plan.summary,
    })
}

/// What the post-renderer would inject into `input`, without the output.
pub fn explain(
    input: &str,
    options: &PostRenderOptions,
) -> Result<InjectionSummary, PostRenderError> {
    post_render(input, options).map(|r| r.summary)
}

/// A changed document: its separator and leading comments as they were, then
/// the new body. Keeps the document's line breaks (LF or CRLF).
fn render_document(original: &str, value: &Value) -> String {
    let prefix_len = split::prefix_len(original);
    let mut out = String::new();
    if original.starts_with('\u{feff}') && prefix_len == 0 {
        out.push('\u{feff}');
    }
    out.push_str(&original[..prefix_len]);
    let crlf = original.contains("\r\n");
    out.push_str(&line_breaks(emit_document(value), crlf));
    out
}

fn line_breaks(text: String, crlf: bool) -> String {
    if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}
