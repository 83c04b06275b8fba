//! Diagnostics: what is wrong, how bad, where, and what to do about it.

use serde::{Deserialize, Serialize};

use super::catalog::Code;
use crate::location::Location;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Helm would reject the values, or the release would not work.
    Error,
    /// Legal, but probably not what was meant.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of input a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// The chart's own `values.yaml`.
    ChartDefaults,
    /// A `-f` values file.
    File,
    /// A `--set` or `--set-string` argument (its text is the argument).
    Set,
}

/// One input of a validation run, kept for source snippets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceText {
    /// The name diagnostics use (`values.yaml`, `--set a=b`).
    pub name: String,
    /// The text (for a file that is not UTF-8, a lossy decoding of it).
    pub text: String,
    /// What kind of input it is.
    pub kind: SourceKind,
}

/// One finding. Serializes with everything the renderers need (the wasm
/// engine carries it as is); the CLI's `json` output format is a view of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagnostic {
    /// Error or warning (always `code`'s severity).
    pub severity: Severity,
    /// Stable rule code, such as `unknown-key` (see docs/validation.md).
    pub code: Code,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// JSON pointer into the merged values (`""` is the whole document).
    pub path: String,
    /// The file (or `--set` argument) that supplied the value.
    pub file: Option<String>,
    /// 1-based line in `file`.
    pub line: Option<u32>,
    /// 1-based column in `file` (characters).
    pub column: Option<u32>,
    /// Index into [`super::Report::sources`] of `file`.
    pub source: Option<usize>,
    /// Where the offending text ends (for underlining), when known.
    pub end: Option<Location>,
}

impl Diagnostic {
    /// A diagnostic with no location yet, with `code`'s severity.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            help: None,
            path: String::new(),
            file: None,
            line: None,
            column: None,
            source: None,
            end: None,
        }
    }

    /// Adds a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the JSON pointer.
    #[must_use]
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Places the diagnostic in source `source` (named `name`) from `start` to `end`.
    #[must_use]
    pub fn at(mut self, source: usize, name: &str, start: Location, end: Option<Location>) -> Self {
        self.source = Some(source);
        self.file = Some(name.to_string());
        self.line = Some(start.line);
        self.column = Some(start.column);
        self.end = end.filter(|e| *e > start);
        self
    }

    /// The start location, when the diagnostic has one.
    pub fn location(&self) -> Option<Location> {
        Some(Location::new(self.line?, self.column?))
    }
}
