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
//! - `scan.rs`: a fast look at a document's top level.
//! - `classify.rs`: what each document is, and what is read from it.
//! - `source.rs`: where the transport settings come from.
//! - `plan.rs`: what to change.
//! - `gateway/`: the gateway container, its argv, servers.json and ConfigMap.
//! - `flux.rs`: the changes as Flux kustomize patches.
//! - `guard.rs`: the chart's init container that stops a pod rendered without us.
//! - `timeouts/`: Ingress annotations and HTTPRoute rule timeouts.
//! - `summary.rs`: what was injected, as data and as text.

pub mod classify;
pub mod error;
pub mod flux;
pub mod gateway;
pub mod guard;
pub mod plan;
pub mod scan;
pub mod source;
pub mod split;
pub mod summary;
pub mod timeouts;

use serde_json::Value;

use crate::location::byte_location;
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

/// A post-rendered stream before it is joined into one string: unchanged
/// documents stay borrowed from the input, so a host can write a large stream
/// out without a second copy of it ([`PostRenderedStream::for_each_chunk`]).
#[derive(Debug)]
pub struct PostRenderedStream<'a> {
    /// The input's documents, in order.
    pieces: Vec<&'a str>,
    /// New text of changed documents and documents to add.
    plan: plan::Plan,
}

impl PostRenderedStream<'_> {
    /// What was changed and why.
    pub fn summary(&self) -> &InjectionSummary {
        &self.plan.summary
    }

    /// Hands the output to `f` in order, chunk by chunk; the chunks joined are
    /// the output stream.
    pub fn for_each_chunk(&self, mut f: impl FnMut(&str)) {
        // Whether the output so far ends a line (an added document must start
        // on a line of its own).
        let mut at_line_start = true;
        let mut emit = |text: &str, at_line_start: &mut bool| {
            if !text.is_empty() {
                *at_line_start = text.ends_with('\n');
                f(text);
            }
        };
        for (index, piece) in self.pieces.iter().enumerate() {
            match self.plan.replacements.get(&index) {
                Some(text) => emit(text, &mut at_line_start),
                None => emit(piece, &mut at_line_start),
            }
            if let Some(added) = self.plan.insertions.get(&index) {
                let crlf = piece.contains("\r\n");
                for text in added {
                    if !at_line_start {
                        emit(if crlf { "\r\n" } else { "\n" }, &mut at_line_start);
                    }
                    emit(text, &mut at_line_start);
                }
            }
        }
    }

    /// The length of the output in bytes.
    pub fn len(&self) -> usize {
        let mut len = 0;
        self.for_each_chunk(|chunk| len += chunk.len());
        len
    }

    /// Whether the output is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Joins the output into one string.
    pub fn into_output(self) -> PostRendered {
        let mut output = String::with_capacity(self.len());
        self.for_each_chunk(|chunk| output.push_str(chunk));
        PostRendered {
            output,
            summary: self.plan.summary,
        }
    }
}

/// Post-renders a stream given as bytes (checks UTF-8 first).
pub fn post_render_bytes(
    input: &[u8],
    options: &PostRenderOptions,
) -> Result<PostRendered, PostRenderError> {
    post_render_bytes_stream(input, options).map(PostRenderedStream::into_output)
}

/// Like [`post_render_bytes`], without joining the output.
pub fn post_render_bytes_stream<'a>(
    input: &'a [u8],
    options: &PostRenderOptions,
) -> Result<PostRenderedStream<'a>, PostRenderError> {
    post_render_stream(utf8(input)?, options)
}

/// The input as text, or where its first byte that is not UTF-8 is.
fn utf8(input: &[u8]) -> Result<&str, PostRenderError> {
    std::str::from_utf8(input).map_err(|err| {
        let offset = err.valid_up_to();
        let before = String::from_utf8_lossy(&input[..offset]);
        let pieces = split::split(&before);
        PostRenderError::at(
            StreamPlace {
                document: pieces.len().max(1),
                // What the document's text says before the bad byte.
                object: pieces.last().and_then(|p| classify::sniff_object(p.text)),
                location: byte_location(input, offset),
            },
            Problem::NotUtf8 { offset },
        )
    })
}

/// Like [`post_render_bytes_stream`], for hosts that write the output and
/// nothing else: the summary keeps counts and notes but not what was done to
/// each object ([`plan::Details::Drop`]), which bounds memory on large streams.
pub fn post_render_bytes_output<'a>(
    input: &'a [u8],
    options: &PostRenderOptions,
) -> Result<PostRenderedStream<'a>, PostRenderError> {
    let text = utf8(input)?;
    stream_with(text, options, plan::Details::Drop)
}

/// Post-renders `input`.
pub fn post_render(
    input: &str,
    options: &PostRenderOptions,
) -> Result<PostRendered, PostRenderError> {
    post_render_stream(input, options).map(PostRenderedStream::into_output)
}

/// Like [`post_render`], without joining the output.
pub fn post_render_stream<'a>(
    input: &'a str,
    options: &PostRenderOptions,
) -> Result<PostRenderedStream<'a>, PostRenderError> {
    stream_with(input, options, plan::Details::Keep)
}

fn stream_with<'a>(
    input: &'a str,
    options: &PostRenderOptions,
    details: plan::Details,
) -> Result<PostRenderedStream<'a>, PostRenderError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(PostRenderError::general(Problem::TooLarge {
            limit: MAX_INPUT_BYTES,
        }));
    }
    let docs = classify::classify(input)?;
    let plan = plan::plan_with(&docs, options, details)?;
    Ok(PostRenderedStream {
        pieces: docs.iter().map(|d| d.piece.text).collect(),
        plan,
    })
}

/// What the post-renderer would inject into `input`, without the output.
pub fn explain(
    input: &str,
    options: &PostRenderOptions,
) -> Result<InjectionSummary, PostRenderError> {
    post_render_stream(input, options).map(|r| r.plan.summary)
}

/// A document added after `original` (the ConfigMap of a gateway): a `---`
/// line, `comment` and the content, with `original`'s line breaks.
pub(crate) fn render_added(original: &str, comment: &str, value: &Value) -> String {
    let crlf = original.contains("\r\n");
    let mut text = line_breaks(format!("---\n{comment}{}", emit_document(value)), crlf);
    text.shrink_to_fit();
    text
}

/// A changed document: its separator and leading comments as they were, then
/// the new body. Keeps the document's line breaks (LF or CRLF).
pub(crate) fn render_document(original: &str, value: &Value) -> String {
    let prefix_len = split::prefix_len(original);
    let crlf = original.contains("\r\n");
    let body = line_breaks(emit_document(value), crlf);
    // Exact capacity: the plan keeps these strings until the output is
    // written, and growth by doubling would leave up to half of each unused.
    let mut out = String::with_capacity(prefix_len + 3 + body.len());
    if original.starts_with('\u{feff}') && prefix_len == 0 {
        out.push('\u{feff}');
    }
    out.push_str(&original[..prefix_len]);
    out.push_str(&body);
    out
}

fn line_breaks(text: String, crlf: bool) -> String {
    if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}
