//! Text from values shown to people (human diagnostics, `--check`): control
//! characters are made visible so that a value can neither drive the terminal
//! (ESC, BEL, CR) nor fake lines of the explanation.

use std::borrow::Cow;

/// Replaces each control character (C0 but line feed when `keep_newlines`,
/// DEL, C1, and the bidirectional overrides that reorder text) with a visible
/// one-character stand-in: `␛` for ESC, `␍` for CR, `␊` for LF, `␡` for DEL,
/// `�` for the others. One character for one, so carets still line up.
pub fn visible_controls(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let hidden = |c: char| hides(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                c if !hidden(c) => c,
                // U+2400..U+241F: the "control pictures" of C0.
                '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
                '\u{7f}' => '\u{2421}',
                _ => '\u{fffd}',
            })
            .collect(),
    )
}

fn hides(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_one_for_one() {
        let shown = visible_controls("a\u{1b}[2Jb\rc\u{7}d\u{9b}e\u{202e}f\ng", true);
        assert_eq!(shown, "a␛[2Jb␍c␇d\u{fffd}e\u{fffd}f\ng");
        assert_eq!(visible_controls("x\ny\tz", false), "x␊y␉z");
        assert!(matches!(
            visible_controls("plain ☕", false),
            Cow::Borrowed(_)
        ));
    }
}
