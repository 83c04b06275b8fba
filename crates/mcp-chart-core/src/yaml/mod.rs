//! YAML as Helm and Kubernetes read it: a span-carrying tree built from
//! saphyr's events with YAML 1.1 scalar resolution, bounded against hostile
//! input, and a deterministic block-style emitter.

mod emit;
pub mod go;
mod load;
mod node;
mod scalar;

pub use emit::{emit_document, emit_key, emit_scalar_string};
pub use load::{
    load_documents, load_first_document, load_helm_values, Hazard, HazardKind, Limits, Loaded,
};
pub use node::{Entry, Node, NodeKind, Span};
pub use scalar::{resolve_plain, Resolved};

use crate::location::Location;

/// Why a text could not be read as YAML.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum YamlError {
    /// The text is not UTF-8.
    #[error("the file is not valid UTF-8 (byte {offset})")]
    NotUtf8 {
        /// Where the first invalid byte is.
        location: Location,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The YAML syntax is broken.
    #[error("invalid YAML: {message}")]
    Syntax {
        /// Where the parser stopped.
        location: Location,
        /// The parser's explanation.
        message: String,
    },
    /// A limit against hostile input was reached.
    #[error("{what} exceeds the limit of {limit}")]
    Limit {
        /// Where the limit was reached.
        location: Location,
        /// Which limit.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// An alias names no anchor.
    #[error("alias refers to an unknown anchor")]
    UnknownAnchor {
        /// Where the alias is.
        location: Location,
    },
}

impl YamlError {
    /// Where the problem is.
    pub fn location(&self) -> Location {
        match self {
            YamlError::NotUtf8 { location, .. }
            | YamlError::Syntax { location, .. }
            | YamlError::Limit { location, .. }
            | YamlError::UnknownAnchor { location } => *location,
        }
    }
}

/// Checks that `bytes` are UTF-8, locating the first bad byte, and strips a BOM.
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, YamlError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(err) => {
            let offset = err.valid_up_to();
            Err(YamlError::NotUtf8 {
                location: crate::location::byte_location(bytes, offset),
                offset,
            })
        }
    }
}
