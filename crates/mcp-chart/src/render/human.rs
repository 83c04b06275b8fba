//! Diagnostics for people: a rustc/ruff-style header, the source line and a
//! caret under the offending text, then the help line.

use std::collections::HashMap;
use std::fmt::Write as _;

use mcp_chart_core::display::visible_controls;
use mcp_chart_core::location::Location;
use mcp_chart_core::validate::{Diagnostic, Report, SourceKind, SourceText};

const TAB: &str = "    ";

/// Renders every diagnostic of `report`.
pub fn render(report: &Report, out: &mut String) {
    // The lines of each source are split once, and a long line's character
    // offsets are indexed once: scanning per diagnostic was quadratic on files
    // with many problems (or on one long line).
    let mut lines: HashMap<*const SourceText, Vec<&str>> = HashMap::new();
    let mut long_lines: HashMap<(*const SourceText, u32), CharIndex> = HashMap::new();
    for d in &report.diagnostics {
        let source = report.source_of(d);
        let snippet = match (source, d.location()) {
            (Some(s), Some(at)) if s.kind != SourceKind::Set => lines
                .entry(std::ptr::from_ref(s))
                .or_insert_with(|| s.text.split('\n').collect())
                .get((at.line as usize).wrapping_sub(1))
                .map(|raw| {
                    let raw = raw.strip_suffix('\r').unwrap_or(raw);
                    if raw.len() <= MAX_LINE {
                        line_snippet(raw, at, d.end)
                    } else {
                        let index = long_lines
                            .entry((std::ptr::from_ref(s), at.line))
                            .or_insert_with(|| CharIndex::new(raw));
                        long_line_snippet(raw, index, at, d.end)
                    }
                }),
            _ => None,
        };
        diagnostic(d, source, snippet, out);
        out.push('\n');
    }
    for line in omitted_lines(report) {
        let _ = writeln!(out, "note: {}\n", visible_controls(&line, false));
    }
}

/// One line per source with diagnostics past the listed ones: `…and 12 more
/// in values.yaml (2 errors, 10 warnings): only the first 100 of a file are
/// listed` (every output format says it the same way).
pub fn omitted_lines(report: &Report) -> Vec<String> {
    report
        .omitted_per_file()
        .into_iter()
        .map(|(file, errors, warnings)| {
            format!(
                "…and {} more in {} ({}): only the first {} of each file or --set argument are listed",
                errors + warnings,
                file.unwrap_or("the values"),
                summary(errors, warnings),
                mcp_chart_core::validate::MAX_DIAGNOSTICS_PER_SOURCE
            )
        })
        .collect()
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

/// Renders `d`; `snippet` is its line in its file, marked.
fn diagnostic(
    d: &Diagnostic,
    source: Option<&SourceText>,
    snippet: Option<Snippet>,
    out: &mut String,
) {
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        d.severity,
        d.code,
        visible_controls(&d.message, false)
    );
    let location = d.location();
    let snippet = match (source, location) {
        (Some(s), Some(at)) if s.kind == SourceKind::Set => Some(set_snippet(s, at, d.end)),
        _ => snippet,
    };
    let width = snippet.as_ref().map_or(1, |s| s.gutter.len()).max(1);
    let pad = " ".repeat(width);
    if let (Some(s), Some(at)) = (source, location) {
        if s.kind == SourceKind::Set {
            let _ = writeln!(
                out,
                "{pad}--> {} (column {})",
                visible_controls(&s.name, false),
                at.column
            );
        } else {
            let _ = writeln!(
                out,
                "{pad}--> {}:{}:{}",
                visible_controls(&s.name, false),
                at.line,
                at.column
            );
        }
    } else if let Some(file) = &d.file {
        let _ = writeln!(out, "{pad}--> {}", visible_controls(file, false));
    }
    if let Some(s) = snippet {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(
            out,
            "{:>width$} | {}",
            s.gutter,
            visible_controls(&s.line, false)
        );
        let _ = writeln!(
            out,
            "{pad} | {}{}",
            " ".repeat(s.caret_at),
            "^".repeat(s.carets)
        );
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} = help: {}", visible_controls(help, false));
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
    s.chars()
        .map(|c| if c == '\t' { TAB.len() } else { 1 })
        .sum()
}

/// Longest source line shown; longer ones are cut around the caret.
const MAX_LINE: usize = 100;

#[cfg(test)]
fn file_snippet(text: &str, at: Location, end: Option<Location>) -> Option<Snippet> {
    let raw = text.split('\n').nth((at.line as usize).checked_sub(1)?)?;
    Some(line_snippet(raw, at, end))
}

/// The snippet of line `raw` (the text of line `at.line`).
fn line_snippet(raw: &str, at: Location, end: Option<Location>) -> Snippet {
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    let chars: Vec<char> = raw.chars().collect();
    let start = (at.column as usize).saturating_sub(1).min(chars.len());
    // No end: one caret. An end on a later line: the rest of this line.
    let stop = match end {
        Some(e) if e.line == at.line => (e.column as usize).saturating_sub(1).min(chars.len()),
        Some(_) => raw.trim_end().chars().count(),
        None => start + 1,
    };
    let before: String = chars[..start].iter().collect();
    let marked: String = chars[start..stop.clamp(start, chars.len())]
        .iter()
        .collect();
    let line = raw.replace('\t', TAB);
    let caret_at = width(&before);
    let carets = width(marked.trim_end()).max(1);
    cut(at.line.to_string(), &line, caret_at, carets)
}

/// Byte offsets of each character of a long line (and its end).
struct CharIndex(Vec<usize>);

impl CharIndex {
    fn new(line: &str) -> Self {
        let mut starts: Vec<usize> = line.char_indices().map(|(i, _)| i).collect();
        starts.push(line.len());
        CharIndex(starts)
    }

    fn chars(&self) -> usize {
        self.0.len() - 1
    }
}

/// The snippet of a line longer than [`MAX_LINE`]: only a window around the
/// caret is looked at, so each diagnostic costs the window, not the line.
fn long_line_snippet(raw: &str, index: &CharIndex, at: Location, end: Option<Location>) -> Snippet {
    let count = index.chars();
    if count <= MAX_LINE {
        return line_snippet(raw, at, end);
    }
    let start = (at.column as usize).saturating_sub(1).min(count);
    let stop = match end {
        Some(e) if e.line == at.line => (e.column as usize).saturating_sub(1).min(count),
        Some(_) => index.0.partition_point(|&b| b < raw.trim_end().len()),
        None => start + 1,
    }
    .clamp(start, count);
    let from = start.saturating_sub(MAX_LINE / 3);
    let to = (from + MAX_LINE).min(count);
    let slice = |a: usize, b: usize| &raw[index.0[a]..index.0[b.clamp(a, count)]];
    let mut shown = String::new();
    let shift = usize::from(from > 0);
    if from > 0 {
        shown.push('…');
    }
    shown.push_str(&slice(from, to).replace('\t', TAB));
    if to < count {
        shown.push('…');
    }
    let caret_at = shift + width(slice(from, start));
    let carets = width(slice(start, stop.min(to)).trim_end()).max(1);
    Snippet {
        gutter: at.line.to_string(),
        line: shown,
        caret_at,
        carets,
    }
}

/// Cuts a long line to a window around the caret.
fn cut(gutter: String, line: &str, caret_at: usize, carets: usize) -> Snippet {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_LINE {
        return Snippet {
            gutter,
            line: line.to_string(),
            caret_at,
            carets,
        };
    }
    let from = caret_at.saturating_sub(MAX_LINE / 3).min(chars.len());
    let to = (from + MAX_LINE).min(chars.len());
    let mut shown = String::new();
    let mut shift = 0;
    if from > 0 {
        shown.push('…');
        shift = 1;
    }
    shown.extend(&chars[from..to]);
    if to < chars.len() {
        shown.push('…');
    }
    let carets = carets.min(to.saturating_sub(caret_at).max(1));
    let caret_at = caret_at - from + shift;
    Snippet {
        gutter,
        line: shown,
        caret_at,
        carets,
    }
}

fn set_snippet(source: &SourceText, at: Location, end: Option<Location>) -> Snippet {
    // The name is `--set <text>`: show it whole and shift the caret past the flag.
    let flag_len = source.name.len().saturating_sub(source.text.len());
    let start = (at.column as usize).saturating_sub(1);
    let carets = match end {
        Some(e) if e.line == at.line => (e.column as usize).saturating_sub(at.column as usize),
        _ => source.text.chars().count().saturating_sub(start),
    };
    let caret_at = source.name.get(..flag_len).map_or(0, |f| f.chars().count()) + start;
    cut(String::new(), &source.name, caret_at, carets.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let s = cut("1".into(), &line, 300, 1);
        assert_eq!(s.line.chars().count(), MAX_LINE + 2);
        assert_eq!(s.line.chars().nth(s.caret_at), Some('X'));
        let s = cut("1".into(), &line, 0, 1000);
        assert_eq!(s.caret_at, 0);
        assert_eq!(s.carets, MAX_LINE);
    }

    #[test]
    fn long_line_window_matches_the_whole_line_cut() {
        let line = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        for col in [1u32, 50, 301, 600] {
            let at = Location::new(1, col);
            let end = Some(Location::new(1, col + 3));
            let whole = line_snippet(&line, at, end);
            let window = long_line_snippet(&line, &CharIndex::new(&line), at, end);
            assert_eq!(
                (whole.line, whole.caret_at, whole.carets),
                (window.line, window.caret_at, window.carets),
                "column {col}"
            );
        }
    }

    #[test]
    fn carets_follow_tabs_and_spans() {
        let s = file_snippet("a:\n\tb: 1\n", Location::new(2, 2), None).expect("line");
        assert_eq!((s.caret_at, s.carets), (4, 1));
        let s = file_snippet(
            "key: value  \n",
            Location::new(1, 6),
            Some(Location::new(1, 11)),
        )
        .expect("line");
        assert_eq!((s.caret_at, s.carets), (5, 5));
        assert!(file_snippet("", Location::new(3, 1), None).is_none());
    }
}
