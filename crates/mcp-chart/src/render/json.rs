//! The `json` output format of `mcp-chart validate`: a borrowed view of the
//! core's reports (a documented interface, docs/validation.md):
//!
//! `{"valid": bool, "diagnostics": [{"severity", "code", "message", "help",
//! "path", "file", "line", "column"}, ...]}`
//!
//! and, only when a file has more than the first
//! `MAX_DIAGNOSTICS_PER_SOURCE` diagnostics, `"omitted": [{"severity",
//! "code", "file", "count"}, ...]` counting the rest.
//!
//! Only these fields: where a diagnostic's text ends and the index of its
//! source are the renderers' business, not part of the interface.

use std::collections::HashSet;

use mcp_chart_core::validate::{Code, Diagnostic, Report, Severity};
use serde::Serialize;

/// The whole output.
#[derive(Serialize)]
struct JsonReport<'a> {
    valid: bool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    /// Only when a file has more than the listed diagnostics.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    omitted: Vec<JsonOmitted<'a>>,
}

/// Diagnostics of one code in one file that are counted, not listed.
#[derive(Clone, Copy, Serialize, PartialEq, Eq, Hash)]
struct JsonOmitted<'a> {
    severity: Severity,
    code: Code,
    file: Option<&'a str>,
    count: usize,
}

/// One diagnostic, borrowed from the core's.
#[derive(Clone, Copy, Serialize, PartialEq, Eq, Hash)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: Code,
    message: &'a str,
    help: Option<&'a str>,
    path: &'a str,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            severity: d.severity,
            code: d.code,
            message: &d.message,
            help: d.help.as_deref(),
            path: &d.path,
            file: d.file.as_deref(),
            line: d.line,
            column: d.column,
        }
    }
}

/// Renders `reports` (one per FILE run) as one JSON object. `valid` is the
/// run's verdict (false with `--deny-warnings` and a warning).
pub fn render(reports: &[&Report], valid: bool, out: &mut String) -> serde_json::Result<()> {
    // The same diagnostic can come from several reports (one per FILE, each
    // on top of the -f files): listed once, found by hash.
    let mut seen = HashSet::new();
    let mut diagnostics = Vec::new();
    for report in reports {
        for d in &report.diagnostics {
            let view = JsonDiagnostic::from(d);
            if seen.insert(view) {
                diagnostics.push(view);
            }
        }
    }
    let mut omitted = Vec::new();
    let mut seen = HashSet::new();
    for report in reports {
        for o in &report.omitted {
            let view = JsonOmitted {
                severity: o.code.severity(),
                code: o.code,
                file: o.file.as_deref(),
                count: o.count,
            };
            if seen.insert(view) {
                omitted.push(view);
            }
        }
    }
    let report = JsonReport {
        valid,
        diagnostics,
        omitted,
    };
    out.push_str(&serde_json::to_string_pretty(&report)?);
    out.push('\n');
    Ok(())
}
