//! The data that crosses the JavaScript boundary, and the plain-Rust functions
//! behind each export (testable natively).

use mcp_chart_core::values::{self, SetArg, ValuesError, ValuesSource};
use mcp_chart_core::yaml::HazardKind;
use serde::{Deserialize, Serialize};

use crate::columns::utf16_column;

/// One values file: the name diagnostics use and its text.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValuesFile {
    /// The file's name.
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// What `validate` takes.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ValidateInput {
    /// `-f` files, in order.
    pub files: Vec<ValuesFile>,
    /// `--set` arguments, in order.
    #[serde(default)]
    pub sets: Vec<String>,
    /// `--set-string` arguments, applied after `sets`.
    #[serde(default)]
    pub set_strings: Vec<String>,
}

/// One problem, located in the text that supplied it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// Stable rule code.
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The file name, or `--set …` for a `--set` argument.
    pub source: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column in UTF-16 code units.
    pub column: u32,
    /// 1-based line where the offending text ends.
    pub end_line: u32,
    /// 1-based column (UTF-16 units) just past the offending text.
    pub end_column: u32,
}

/// What `validate` returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateResult {
    /// No errors (warnings allowed).
    pub valid: bool,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Every diagnostic, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

fn set_args(input: &ValidateInput) -> Vec<SetArg> {
    input
        .sets
        .iter()
        .map(SetArg::new)
        .chain(input.set_strings.iter().map(SetArg::string))
        .collect()
}

/// Validates `input` (provisional: YAML and `--set` errors and YAML hazards
/// until the core's validator lands).
pub fn validate(input: &ValidateInput) -> ValidateResult {
    let files: Vec<ValuesSource<'_>> = input
        .files
        .iter()
        .map(|f| ValuesSource {
            name: &f.name,
            text: &f.text,
        })
        .collect();
    let sets = set_args(input);
    let text_of = |name: &str| -> &str {
        input
            .files
            .iter()
            .find(|f| f.name == name)
            .map_or("", |f| f.text.as_str())
    };
    let mut diagnostics = Vec::new();
    match values::merge(&files, &sets) {
        Err(err) => {
            let (source, line, column, text) = match &err {
                ValuesError::Yaml { source_name, error } => {
                    let loc = error.location();
                    (
                        source_name.clone(),
                        loc.line,
                        loc.column,
                        text_of(source_name),
                    )
                }
                ValuesError::NotAMap {
                    source_name,
                    location,
                    ..
                } => (
                    source_name.clone(),
                    location.line,
                    location.column,
                    text_of(source_name),
                ),
                ValuesError::Set { arg, column, .. } => (format!("--set {arg}"), 1, *column, ""),
            };
            let column = utf16_column(text, line, column);
            diagnostics.push(Diagnostic {
                code: "values".into(),
                severity: "error".into(),
                message: err.to_string(),
                help: None,
                source,
                line,
                column,
                end_line: line,
                end_column: column,
            });
        }
        Ok(merged) => {
            for hazard in &merged.hazards {
                let name = merged.sources[hazard.source].clone();
                let text = merged.source_text(hazard.source).unwrap_or("");
                let span = hazard.hazard.span;
                let message = match &hazard.hazard.kind {
                    HazardKind::Yaml11Bool { text, value } => {
                        format!("`{text}` is read as the boolean {value} (YAML 1.1)")
                    }
                    HazardKind::Octal { text, value } => {
                        format!("`{text}` is read as the octal number {value} (YAML 1.1)")
                    }
                    HazardKind::DuplicateKey { key, first } => {
                        format!("duplicate key `{key}` (first at {first}); the last one wins")
                    }
                };
                diagnostics.push(Diagnostic {
                    code: "yaml-hazard".into(),
                    severity: "warning".into(),
                    message,
                    help: None,
                    source: name,
                    line: span.start.line,
                    column: utf16_column(text, span.start.line, span.start.column),
                    end_line: span.end.line,
                    end_column: utf16_column(text, span.end.line, span.end.column),
                });
            }
        }
    }
    let errors = diagnostics.iter().filter(|d| d.severity == "error").count();
    let warnings = diagnostics.len() - errors;
    ValidateResult {
        valid: errors == 0,
        errors,
        warnings,
        diagnostics,
    }
}
