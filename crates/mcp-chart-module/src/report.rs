//! The validation report as a DTO that survives a JSON round trip, including
//! the parts the `json` output format skips (source texts, the index of each
//! diagnostic's source, where its text ends), so the CLI renders the same
//! human, json and github output from either engine.

use mcp_chart_core::location::Location;
use mcp_chart_core::validate::{rule_for, Diagnostic, Report, Severity, SourceKind, SourceText};
use serde::{Deserialize, Serialize};

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationDto {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// One input of a validation run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceTextDto {
    /// The name diagnostics use.
    pub name: String,
    /// The text.
    pub text: String,
    /// `chart-defaults`, `file` or `set`.
    pub kind: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnosticDto {
    /// `error` or `warning`.
    pub severity: String,
    /// The rule code.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// JSON pointer into the merged values.
    pub path: String,
    /// The file (or `--set` argument) that supplied the value.
    pub file: Option<String>,
    /// 1-based line in `file`.
    pub line: Option<u32>,
    /// 1-based column in `file`.
    pub column: Option<u32>,
    /// Index into [`ReportDto::sources`].
    pub source: Option<usize>,
    /// Where the offending text ends.
    pub end: Option<LocationDto>,
}

/// The outcome of one validation run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDto {
    /// No errors (warnings allowed).
    pub valid: bool,
    /// Findings, in the core's order.
    pub diagnostics: Vec<DiagnosticDto>,
    /// The inputs, for source snippets.
    pub sources: Vec<SourceTextDto>,
}

fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::ChartDefaults => "chart-defaults",
        SourceKind::File => "file",
        SourceKind::Set => "set",
    }
}

impl From<&Report> for ReportDto {
    fn from(report: &Report) -> Self {
        ReportDto {
            valid: report.valid,
            diagnostics: report
                .diagnostics
                .iter()
                .map(|d| DiagnosticDto {
                    severity: d.severity.as_str().to_string(),
                    code: d.code.to_string(),
                    message: d.message.clone(),
                    help: d.help.clone(),
                    path: d.path.clone(),
                    file: d.file.clone(),
                    line: d.line,
                    column: d.column,
                    source: d.source,
                    end: d.end.map(|end| LocationDto {
                        line: end.line,
                        column: end.column,
                    }),
                })
                .collect(),
            sources: report
                .sources
                .iter()
                .map(|s| SourceTextDto {
                    name: s.name.clone(),
                    text: s.text.clone(),
                    kind: kind_name(s.kind).to_string(),
                })
                .collect(),
        }
    }
}

impl ReportDto {
    /// The core's report again (on the host side). Fails only on a code,
    /// severity or kind this build does not know: a module from another build.
    pub fn into_report(self) -> Result<Report, String> {
        let mut diagnostics = Vec::with_capacity(self.diagnostics.len());
        for d in self.diagnostics {
            let code = rule_for(&d.code)
                .map(|rule| rule.code)
                .ok_or_else(|| format!("unknown diagnostic code `{}`", d.code))?;
            let severity = match d.severity.as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                other => return Err(format!("unknown severity `{other}`")),
            };
            diagnostics.push(Diagnostic {
                severity,
                code,
                message: d.message,
                help: d.help,
                path: d.path,
                file: d.file,
                line: d.line,
                column: d.column,
                source: d.source,
                end: d.end.map(|end| Location::new(end.line, end.column)),
            });
        }
        let mut sources = Vec::with_capacity(self.sources.len());
        for s in self.sources {
            let kind = match s.kind.as_str() {
                "chart-defaults" => SourceKind::ChartDefaults,
                "file" => SourceKind::File,
                "set" => SourceKind::Set,
                other => return Err(format!("unknown source kind `{other}`")),
            };
            sources.push(SourceText {
                name: s.name,
                text: s.text,
                kind,
            });
        }
        Ok(Report {
            valid: self.valid,
            diagnostics,
            sources,
        })
    }
}

#[cfg(test)]
mod tests {
    use mcp_chart_core::validate::{validate_bytes, BytesSource};
    use mcp_chart_core::values::SetArg;

    use super::ReportDto;

    #[test]
    fn a_report_survives_the_json_round_trip() {
        let values = b"mode: python\nunknwon: 1\nreplicaCount: yes\n";
        let report = validate_bytes(
            &[BytesSource {
                name: "values.yaml",
                bytes: values,
            }],
            &[SetArg::new("service.port=99999")],
        );
        assert!(!report.diagnostics.is_empty());
        let dto = ReportDto::from(&report);
        let json = serde_json::to_vec(&dto).unwrap();
        let back = serde_json::from_slice::<ReportDto>(&json)
            .unwrap()
            .into_report()
            .unwrap();
        assert_eq!(back.valid, report.valid);
        assert_eq!(back.diagnostics, report.diagnostics);
        assert_eq!(back.sources, report.sources);
    }
}
