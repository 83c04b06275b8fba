//! Byte-exact splitting of a manifest stream into documents.
//!
//! A document starts at a separator line: a line that begins with `---` and
//! whose rest is blank or a `#` comment (the rule Kubernetes' YAML stream reader
//! applies). Each piece keeps its separator line, its leading comments and
//! everything up to the next separator, so concatenating the pieces gives back
//! the input byte for byte.

/// One document of the stream, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The document's exact text, separator line included.
    pub text: &'a str,
    /// Byte offset of the text in the stream.
    pub start: usize,
    /// How many line feeds the text holds.
    pub newlines: usize,
}

/// Whether `line` (without its line break) is a document separator.
pub fn is_separator(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("---") else {
        return false;
    };
    let rest = rest.trim_matches(|c: char| c.is_ascii_whitespace());
    rest.is_empty() || rest.starts_with('#')
}

/// Splits `input` into documents. Empty input gives no pieces; text before the
/// first separator (if any) is a piece of its own.
pub fn split(input: &str) -> Vec<Piece<'_>> {
    pieces(input).collect()
}

/// The documents of `input` one by one (as [`split`], without a list).
pub fn pieces(input: &str) -> Pieces<'_> {
    Pieces { input, start: 0 }
}

/// Iterator of [`pieces`].
#[derive(Clone, Debug)]
pub struct Pieces<'a> {
    input: &'a str,
    start: usize,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        let input = self.input;
        if self.start >= input.len() {
            return None;
        }
        let start = self.start;
        // The next separator starts a line after the piece's first line:
        // look for `---` at line starts only (a substring search, not a
        // walk over every line).
        let mut offset = input.len();
        let mut from = start;
        while let Some(i) = input[from..].find("\n---") {
            let line_start = from + i + 1;
            let rest = &input[line_start..];
            let line = rest.find('\n').map_or(rest, |n| &rest[..n]);
            if is_separator(line) {
                offset = line_start;
                break;
            }
            from = line_start;
        }
        let newlines = input.as_bytes()[start..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.start = offset;
        Some(Piece {
            text: &input[start..offset],
            start,
            newlines,
        })
    }
}

/// The leading part of a document that is kept verbatim when its body is
/// rewritten: the separator line and the blank and comment lines after it.
/// Returns the byte length of that prefix.
pub fn prefix_len(text: &str) -> usize {
    let mut len = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let mut content = line.strip_suffix('\n').unwrap_or(line);
        if i == 0 {
            content = content.strip_prefix('\u{feff}').unwrap_or(content);
        }
        let trimmed = content.trim_matches(|c: char| c.is_ascii_whitespace());
        let keep =
            (i == 0 && is_separator(content)) || trimmed.is_empty() || trimmed.starts_with('#');
        if !keep || !line.ends_with('\n') {
            break;
        }
        len += line.len();
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<&str> {
        split(input).iter().map(|p| p.text).collect()
    }

    #[test]
    fn separators_follow_the_kubernetes_reader() {
        assert!(is_separator("---"));
        assert!(is_separator("---   "));
        assert!(is_separator("---\r"));
        assert!(is_separator("--- # comment"));
        assert!(!is_separator("--- a: b"));
        assert!(!is_separator(" ---"));
        assert!(!is_separator("----x"));
        assert!(!is_separator("..."));
    }

    #[test]
    fn pieces_concatenate_to_the_input() {
        let input = "# head\n---\n# Source: a\nkind: A\n---\r\nkind: B\r\n--- # c\nkind: C";
        let parts = texts(input);
        assert_eq!(
            parts,
            vec![
                "# head\n",
                "---\n# Source: a\nkind: A\n",
                "---\r\nkind: B\r\n",
                "--- # c\nkind: C"
            ]
        );
        assert_eq!(parts.concat(), input);
        for piece in split(input) {
            assert_eq!(piece.newlines, piece.text.matches('\n').count());
        }
    }

    #[test]
    fn a_leading_separator_starts_the_first_piece() {
        assert_eq!(texts("---\na: 1\n"), vec!["---\na: 1\n"]);
        assert!(texts("").is_empty());
        assert_eq!(texts("---\n---\n"), vec!["---\n", "---\n"]);
    }

    #[test]
    fn prefix_keeps_separator_and_comments() {
        let text = "---\n# Source: x\n\napiVersion: v1\n# inner\n";
        assert_eq!(&text[..prefix_len(text)], "---\n# Source: x\n\n");
        assert_eq!(prefix_len("apiVersion: v1\n"), 0);
        assert_eq!(prefix_len("---\r\nkind: A\r\n"), 5);
    }
}
