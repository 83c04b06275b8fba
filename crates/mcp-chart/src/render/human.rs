//! Diagnostics for people: a rustc/ruff-style header, the source line and a
//! caret under the offending text, then the help line.

use std::fmt::Write as _;

use mcp_chart_core::location::Location;
use mcp_chart_core::validate::{Diagnostic, Report, SourceKind, SourceText};

const TAB: &str = "    ";

/// Renders every diagnostic of `report`.
pub fn render(report: &Report, out: &mut String) {
    for d in &report.diagnostics {
        diagnostic(d, report.source_of(d), out);
        out.push('\n');
    }
}

/// `2 errors, 1 warning` or `no problems`.
pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    match (errors, warnings) {
        (0, 0) => "no problems".to_string(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

fn diagnostic(d: &Diagnostic, source: Option<&SourceText>, out: &mut String) {
    let _ = writeln!(out, "{}[{}]: {}", d.severity, d.code, d.message);
    let location = d.location();
    let snippet = match (source, location) {
        (Some(s), Some(at)) if s.kind == SourceKind::Set => Some(set_snippet(s, at, d.end)),
        (Some(s), Some(at)) => file_snippet(&s.text, at, d.end),
        _ => None,
    };
    let width = snippet.as_ref().map_or(1, |s| s.gutter.len()).max(1);
    let pad = " ".repeat(width);
    if let (Some(s), Some(at)) = (source, location) {
        if s.kind == SourceKind::Set {
            let _ = writeln!(out, "{pad}--> {} (column {})", s.name, at.column);
        } else {
            let _ = writeln!(out, "{pad}--> {}:{}:{}", s.name, at.line, at.column);
        }
    } else if let Some(file) = &d.file {
        let _ = writeln!(out, "{pad}--> {file}");
    }
    if let Some(s) = snippet {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{:>width$} | {}", s.gutter, s.line);
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(s.caret_at), "^".repeat(s.carets));
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} = help: {help}");
    }
}

struct Snippet {
    gutter: String,
    line: String,
    caret_at: usize,
    carets: usize,
}

/// Display width of `s` with tabs expanded.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c == '\t' { TAB.len() } else { 1 }).sum()
}

fn file_snippet(text: &str, at: Location, end: Option<Location>) -> Option<Snippet> {
    let raw = text.split('\n').nth((at.line as usize).checked_sub(1)?)?;
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    let chars: Vec<char> = raw.chars().collect();
    let start = (at.column as usize).saturating_sub(1).min(chars.len());
    let stop = match end {
        Some(e) if e.line == at.line => (e.column as usize).saturating_sub(1).min(chars.len()),
        _ => raw.trim_end().chars().count(),
    };
    let before: String = chars[..start].iter().collect();
    let marked: String = chars[start..stop.max(start)].iter().collect();
    Some(Snippet {
        gutter: at.line.to_string(),
        line: raw.replace('\t', TAB),
        caret_at: width(&before),
        carets: width(marked.trim_end()).max(1),
    })
}

fn set_snippet(source: &SourceText, at: Location, end: Option<Location>) -> Snippet {
    // The name is `--set <text>`: show it whole and shift the caret past the flag.
    let flag_len = source.name.len() - source.text.len();
    let start = (at.column as usize).saturating_sub(1);
    let carets = match end {
        Some(e) if e.line == at.line => (e.column as usize).saturating_sub(at.column as usize),
        _ => source.text.chars().count().saturating_sub(start),
    };
    Snippet {
        gutter: String::new(),
        line: source.name.clone(),
        caret_at: source.name[..flag_len].chars().count() + start,
        carets: carets.max(1),
    }
}
