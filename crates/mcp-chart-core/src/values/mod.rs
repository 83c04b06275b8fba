//! Values as Helm computes them: chart defaults ← each `-f` file in order ←
//! `--set`, with the origin (source, key span, value span) of every merged
//! value kept so diagnostics can point at the text that supplied it. Real Helm
//! (3.18 and 4.3) is the oracle: tests/helm_values/ holds the recorded answers.

mod input;
mod merge;
mod strvals;
mod text;
mod tree;

use std::collections::HashMap;

pub use input::{SetFile, ValuesFile, ValuesInput};
pub use strvals::{SetArg, SetKind, MAX_SET_LIST_ELEMENTS};
pub use text::Text;

use crate::location::Location;
use crate::yaml::{Hazard, Limits, Span, YamlError};

/// Which Helm's reading to follow where Helm 3 and Helm 4 differ (Helm 4
/// merges every document of a values file, cuts files at `---` lines, and
/// drops the chart's `null` defaults).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum HelmVersion {
    /// Helm 3 (3.18).
    #[default]
    #[serde(rename = "3")]
    V3,
    /// Helm 4 (4.3).
    #[serde(rename = "4")]
    V4,
}

/// How to merge.
#[derive(Clone, Copy, Debug, Default)]
pub struct MergeOptions<'a> {
    /// Whose reading to follow.
    pub helm: HelmVersion,
    /// Chart defaults other than the mcp-server chart's (tests, other charts).
    pub defaults: Option<ValuesSource<'a>>,
    /// Limits against hostile files (default: [`Limits::default`]).
    pub limits: Option<Limits>,
}

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
    tree: tree::VNode,
}

/// One merged leaf (scalar, empty map or empty list) and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    /// JSON pointer of the leaf.
    pub pointer: String,
    /// The value (Go's JSON text, as `toJson` prints it).
    pub value: String,
    /// Where it came from (`None` for a map or list Helm created on the way).
    pub origin: Option<Origin>,
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

    /// The merged values as Go's `encoding/json` writes them: exactly what
    /// `{{ toJson .Values }}` prints.
    pub fn go_json(&self) -> String {
        let mut out = String::new();
        self.tree.write_go_json(&mut out);
        out
    }

    /// The merged values' shape with each leaf's Go type (`float64`,
    /// `int64`, `json.Number`, `string`, `bool`, `<nil>`), as JSON.
    pub fn go_types(&self) -> String {
        let mut out = String::new();
        self.tree.write_go_types(&mut out);
        out
    }

    /// Every leaf in key order, with its origin.
    pub fn leaves(&self) -> Vec<Leaf> {
        let mut out = Vec::new();
        collect_leaves(&self.tree, &mut String::new(), &mut out);
        out
    }
}

fn collect_leaves(node: &tree::VNode, pointer: &mut String, out: &mut Vec<Leaf>) {
    let len = pointer.len();
    let leaf = |out: &mut Vec<Leaf>, pointer: &str| {
        let mut value = String::new();
        node.write_go_json(&mut value);
        out.push(Leaf {
            pointer: pointer.to_string(),
            value,
            origin: Some(node.origin),
        });
    };
    match &node.kind {
        tree::VKind::Map(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for key in keys {
                pointer.push('/');
                pointer.push_str(&escape_pointer_segment(key));
                collect_leaves(&map[key], pointer, out);
                pointer.truncate(len);
            }
        }
        tree::VKind::Seq(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                pointer.push('/');
                pointer.push_str(&i.to_string());
                collect_leaves(item, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => leaf(out, pointer),
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
    /// A `--set`-family argument does not parse, or Helm refuses it (a type
    /// conflict with an earlier value, a missing `--set-file` file).
    #[error("{arg}: column {column}: {message}")]
    Set {
        /// The argument.
        arg: String,
        /// 1-based column in the argument.
        column: u32,
        /// What is wrong.
        message: String,
    },
}

/// Merges the chart defaults, `files` in order and `sets`, as Helm 3 does.
pub fn merge(files: &[ValuesSource<'_>], sets: &[SetArg]) -> Result<MergedValues, ValuesError> {
    merge::merge(files, sets, &MergeOptions::default())
}

/// Merges as [`merge`] does, with options (Helm version, other defaults).
pub fn merge_with(
    files: &[ValuesSource<'_>],
    sets: &[SetArg],
    options: &MergeOptions<'_>,
) -> Result<MergedValues, ValuesError> {
    merge::merge(files, sets, options)
}

/// JSON pointer escaping of one key (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
