//! Locating a position inside a YAML string value (such as a JSON error inside
//! `namedServersJson`) in the file that holds it.

use crate::location::Location;
use crate::yaml::Span;

/// The source location of 1-based `line`/`column` (characters) of the string
/// value written at `span` in `source`. Exact for literal blocks (`|`) and
/// one-line plain or quoted scalars; otherwise the start of the value.
pub fn locate_in_scalar(source: &str, span: Span, line: usize, column: usize) -> Location {
    let fallback = span.start;
    let lines: Vec<&str> = source
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let first_line = span.start.line as usize;
    let Some(text) = lines.get(first_line.wrapping_sub(1)) else {
        return fallback;
    };
    let start_col = span.start.column as usize;
    let rest: Vec<char> = text.chars().skip(start_col.saturating_sub(1)).collect();
    let line = line.max(1);
    let column = column.max(1);
    let before: String = text.chars().take(start_col.saturating_sub(1)).collect();
    match rest.first() {
        // A block scalar whose span starts at its header.
        Some('|') => {
            let indent = lines
                .iter()
                .skip(first_line)
                .find(|l| !l.trim().is_empty())
                .map_or(0, |l| l.chars().take_while(|c| *c == ' ').count());
            literal(lines.len(), first_line + 1, indent, line, column).unwrap_or(fallback)
        }
        Some('>') => fallback,
        // A block scalar whose span starts at its first content line.
        Some(_) if before.trim().is_empty() && first_line > 1 => {
            match block_header(&lines[..first_line - 1]) {
                Some('|') => literal(lines.len(), first_line, start_col - 1, line, column)
                    .unwrap_or(fallback),
                Some(_) => fallback,
                None if line == 1 => Location::new(span.start.line, to_u32(start_col + column - 1)),
                None => fallback,
            }
        }
        Some(&q @ ('"' | '\'')) if line == 1 => {
            let mut decoded = 0;
            let mut i = 1;
            while i < rest.len() && decoded + 1 < column {
                let c = rest[i];
                if c == q && q == '\'' && rest.get(i + 1) == Some(&'\'') {
                    i += 2;
                } else if c == q {
                    break;
                } else if c == '\\' && q == '"' {
                    i += match rest.get(i + 1) {
                        Some('x') => 4,
                        Some('u') => 6,
                        Some('U') => 10,
                        _ => 2,
                    };
                } else {
                    i += 1;
                }
                decoded += 1;
            }
            Location::new(span.start.line, to_u32(start_col + i))
        }
        Some(_) if line == 1 => Location::new(span.start.line, to_u32(start_col + column - 1)),
        _ => fallback,
    }
}

/// Content line `line` of a literal block whose first content line is the
/// 1-based source line `first`, indented by `indent`.
fn literal(
    line_count: usize,
    first: usize,
    indent: usize,
    line: usize,
    column: usize,
) -> Option<Location> {
    let target = first + line - 1;
    (target <= line_count).then(|| Location::new(to_u32(target), to_u32(indent + column)))
}

/// `|` or `>` when the last non-blank line of `lines` ends with a block
/// scalar header (`key: |`, `- >-`, `key: |2 # note`).
fn block_header(lines: &[&str]) -> Option<char> {
    let last = lines.iter().rev().find(|l| !l.trim().is_empty())?;
    let code = match last.find(" #") {
        Some(cut) => &last[..cut],
        None => last,
    };
    let word = code.trim_end().rsplit(' ').next()?;
    let mut chars = word.chars();
    let indicator = chars.next().filter(|c| matches!(c, '|' | '>'))?;
    chars
        .all(|c| matches!(c, '-' | '+') || c.is_ascii_digit())
        .then_some(indicator)
}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(line: u32, column: u32) -> Span {
        Span {
            start: Location::new(line, column),
            end: Location::new(line, column + 1),
        }
    }

    #[test]
    fn literal_block_lines_map_one_to_one() {
        let src = "a:\n  json: |\n    {\"x\":\n      1,}\n";
        assert_eq!(locate_in_scalar(src, span(2, 9), 2, 3), Location::new(4, 7));
        // The span may start at the first content line instead of the header.
        assert_eq!(locate_in_scalar(src, span(3, 5), 2, 3), Location::new(4, 7));
        let folded = "a:\n  json: >-\n    {\"x\":\n      1,}\n";
        assert_eq!(
            locate_in_scalar(folded, span(3, 5), 2, 3),
            Location::new(3, 5)
        );
    }

    #[test]
    fn quoted_and_plain_one_liners() {
        let src = "j: '{\"a\": x}'\n";
        // Character 7 of the string is the `x`.
        assert_eq!(
            locate_in_scalar(src, span(1, 4), 1, 7),
            Location::new(1, 11)
        );
        let src = "j: \"{\\\"a\\\": x}\"\n";
        assert_eq!(
            locate_in_scalar(src, span(1, 4), 1, 7),
            Location::new(1, 13)
        );
        let src = "j: {x}\n";
        assert_eq!(locate_in_scalar(src, span(1, 4), 1, 2), Location::new(1, 5));
    }

    #[test]
    fn offsets_become_lines_and_columns() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
    }
}
