//! Column units. The core counts columns in Unicode scalar values (chars);
//! JavaScript strings, and so CodeMirror and every JS editor, count UTF-16
//! code units. Locations leave this crate in UTF-16 units.

/// The 1-based UTF-16 column of the 1-based char column `column` on the
/// 1-based line `line` of `text`. Out-of-range lines or columns are extended
/// as if the line went on with one-unit characters, so a location just past
/// the end of a line (or of the text) stays just past it.
pub fn utf16_column(text: &str, line: u32, column: u32) -> u32 {
    let Some(line_text) = nth_line(text, line) else {
        return column;
    };
    let chars_before = column.saturating_sub(1) as usize;
    let mut units = 0usize;
    let mut counted = 0usize;
    for ch in line_text.chars().take(chars_before) {
        units += ch.len_utf16();
        counted += 1;
    }
    let rest = chars_before - counted;
    u32::try_from(units + rest + 1).unwrap_or(u32::MAX)
}

/// Line `line` (1-based) of `text`, without its line break (`\n` or `\r\n`).
fn nth_line(text: &str, line: u32) -> Option<&str> {
    let index = line.checked_sub(1)? as usize;
    let raw = text.split('\n').nth(index)?;
    Some(raw.strip_suffix('\r').unwrap_or(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_columns_are_unchanged() {
        assert_eq!(utf16_column("a: 1\nbb: 2\n", 2, 3), 3);
    }

    #[test]
    fn astral_characters_count_twice() {
        // '😀' is one char and two UTF-16 units; 'é' is one of each.
        let text = "x: 1\nk: \"😀é\" bad\n";
        assert_eq!(utf16_column(text, 2, 4), 4);
        assert_eq!(utf16_column(text, 2, 5), 5);
        assert_eq!(utf16_column(text, 2, 6), 7);
        assert_eq!(utf16_column(text, 2, 9), 10);
    }

    #[test]
    fn past_the_end_stays_past_the_end() {
        assert_eq!(utf16_column("😀\n", 1, 2), 3);
        assert_eq!(utf16_column("😀\n", 1, 4), 5);
        assert_eq!(utf16_column("a", 7, 3), 3);
        assert_eq!(utf16_column("a", 0, 3), 3);
    }

    #[test]
    fn crlf_line_breaks() {
        assert_eq!(utf16_column("a\r\n😀b\r\n", 2, 2), 3);
    }
}
