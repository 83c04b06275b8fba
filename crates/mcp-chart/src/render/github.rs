//! GitHub Actions workflow commands: one `::error`/`::warning` line per
//! diagnostic, so CI shows them as annotations on the values file.

use std::fmt::Write as _;

use mcp_chart_core::validate::{Report, SourceKind};

/// Renders every diagnostic of `report` as a workflow command line.
pub fn render(report: &Report, out: &mut String) {
    for d in &report.diagnostics {
        let source = report.source_of(d);
        let mut props = Vec::new();
        let mut message = d.message.clone();
        match source {
            Some(s) if s.kind == SourceKind::Set => {
                message = format!("{}: {message}", s.name);
            }
            _ => {
                if let Some(file) = &d.file {
                    props.push(format!("file={}", property(file)));
                }
                if let Some(line) = d.line {
                    props.push(format!("line={line}"));
                }
                if let Some(column) = d.column {
                    props.push(format!("col={column}"));
                }
                if let (Some(end), Some(line)) = (d.end, d.line) {
                    if end.line == line {
                        props.push(format!("endColumn={}", end.column));
                    }
                }
            }
        }
        props.push(format!(
            "title={}",
            property(&format!("mcp-chart {}", d.code))
        ));
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            d.severity,
            props.join(","),
            data(&message)
        );
    }
    render_omitted(report, out);
}

/// The omitted diagnostics: one notice per file.
pub fn render_omitted(report: &Report, out: &mut String) {
    for line in super::human::omitted_lines(report) {
        let _ = writeln!(out, "::notice title=mcp-chart::{}", data(&line));
    }
}

fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(data("50%\nx"), "50%25%0Ax");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
