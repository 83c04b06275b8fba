//! The manifest-stream splitter: pieces always concatenate to the input, each
//! piece but the first starts with a separator line, and the kept prefix of a
//! piece is a prefix of it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_chart_core::postrender::split::{is_separator, prefix_len, split};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let pieces = split(text);
    let joined: String = pieces.iter().map(|p| p.text).collect();
    assert_eq!(joined, text, "pieces must concatenate to the input");
    let mut offset = 0;
    for (i, piece) in pieces.iter().enumerate() {
        assert!(!piece.text.is_empty());
        assert_eq!(piece.start, offset);
        offset += piece.text.len();
        if i > 0 {
            let first = piece.text.split('\n').next().unwrap_or_default();
            assert!(is_separator(first.strip_suffix('\r').unwrap_or(first)) || is_separator(first));
        }
        let n = prefix_len(piece.text);
        assert!(n <= piece.text.len() && piece.text.is_char_boundary(n));
    }
});
