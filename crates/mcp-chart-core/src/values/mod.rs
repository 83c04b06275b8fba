//! Values as Helm computes them: chart defaults ← each `-f` file in order ←
//! `--set`, with the origin (source, key span, value span) of every merged
//! value kept so diagnostics can point at the text that supplied it.

mod merge;
mod strvals;
mod tree;

use std::collections::HashMap;

pub use strvals::SetArg;

use crate::location::Location;
use crate::yaml::{Hazard, Span, YamlError};

/// Name of the chart defaults source (always source 0).
pub const CHART_DEFAULTS: &str = "charts/mcp-server/values.yaml";

/// One `-f` values file.
#[derive(Clone, Copy, Debug)]
pub struct ValuesSource<'a> {
    /// The name diagnostics use (usually the path as given).
    pub name: &'a str,
    /// The file's text.
    pub text: &'a str,
}

/// Where a merged value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Index into [`MergedValues::sources`].
    pub source: usize,
    /// The key's span, for map entries.
    pub key: Option<Span>,
    /// The value's span.
    pub value: Span,
}

/// A YAML hazard in one source.
#[derive(Clone, Debug, PartialEq)]
pub struct SourcedHazard {
    /// Index into [`MergedValues::sources`].
    pub source: usize,
    /// The hazard.
    pub hazard: Hazard,
}

/// The merged values and where each came from.
#[derive(Clone, Debug)]
pub struct MergedValues {
    /// The values Helm would render the chart with.
    pub json: serde_json::Value,
    /// Source names: chart defaults, then each file, then each `--set` argument.
    pub sources: Vec<String>,
    /// YAML hazards found in the user's files (not in the chart defaults).
    pub hazards: Vec<SourcedHazard>,
    texts: Vec<String>,
    origins: HashMap<String, Origin>,
}

impl MergedValues {
    /// The origin of the value at JSON pointer `pointer` (`""` is the root).
    pub fn origin(&self, pointer: &str) -> Option<&Origin> {
        self.origins.get(pointer)
    }

    /// The origin of `pointer` or of its closest ancestor that has one.
    pub fn nearest_origin(&self, pointer: &str) -> Option<(String, &Origin)> {
        let mut current = pointer;
        loop {
            if let Some(origin) = self.origins.get(current) {
                return Some((current.to_string(), origin));
            }
            let cut = current.rfind('/')?;
            current = &current[..cut];
        }
    }

    /// The text of source `source`, for snippets.
    pub fn source_text(&self, source: usize) -> Option<&str> {
        self.texts.get(source).map(String::as_str)
    }
}

/// Why the values could not be merged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValuesError {
    /// A file is not readable YAML.
    #[error("{source_name}:{}: {error}", error.location())]
    Yaml {
        /// The file's name.
        source_name: String,
        /// What is wrong.
        error: YamlError,
    },
    /// A file's top level is not a map.
    #[error("{source_name}:{location}: a values file must be a map of keys, found {found}")]
    NotAMap {
        /// The file's name.
        source_name: String,
        /// Where the document starts.
        location: Location,
        /// What was found instead.
        found: &'static str,
    },
    /// A `--set` argument does not parse.
    #[error("--set {arg}: column {column}: {message}")]
    Set {
        /// The argument.
        arg: String,
        /// 1-based column in the argument.
        column: u32,
        /// What is wrong.
        message: String,
    },
}

/// Merges the chart defaults, `files` in order and `sets` in order, as Helm does.
pub fn merge(files: &[ValuesSource<'_>], sets: &[SetArg]) -> Result<MergedValues, ValuesError> {
    merge::merge(files, sets)
}

/// JSON pointer escaping of one key (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
