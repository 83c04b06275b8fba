//! Source locations: 1-based line and column, and the one helper that turns
//! byte offsets into them.

use serde::{Deserialize, Serialize};

/// A 1-based line and column. Columns count Unicode scalar values.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Location {
    /// A location from 1-based line and column.
    pub fn new(line: u32, column: u32) -> Self {
        Location { line, column }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Converts byte offsets of one text into [`Location`]s.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { line_starts }
    }

    /// The location of byte `offset` in `text` (clamped to the text's end).
    pub fn location(&self, text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text[start..end].chars().count() + 1;
        Location::new(to_u32(line + 1), to_u32(column))
    }
}

/// The location of a byte offset in arbitrary bytes (for text that is not UTF-8).
pub fn byte_location(bytes: &[u8], offset: usize) -> Location {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Location::new(to_u32(line), to_u32(column))
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_line_and_column() {
        let text = "ab\ncé\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.location(text, 0), Location::new(1, 1));
        assert_eq!(index.location(text, 3), Location::new(2, 1));
        // 'é' is two bytes: the byte after it is column 3.
        assert_eq!(index.location(text, 6), Location::new(2, 3));
        assert_eq!(index.location(text, 7), Location::new(3, 1));
        assert_eq!(index.location(text, 100), Location::new(3, 2));
    }

    #[test]
    fn invalid_utf8_is_located_by_bytes() {
        assert_eq!(byte_location(b"a: 1\nb: \xff", 8), Location::new(2, 4));
    }
}
