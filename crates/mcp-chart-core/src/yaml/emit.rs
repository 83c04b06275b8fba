//! A deterministic block-style YAML emitter for JSON values.
//!
//! Strings stay plain only when every YAML 1.1 and 1.2 reader takes them as the
//! same string; anything else is double-quoted (or a literal block when it spans
//! lines), so the emitted text reads back to the same value.
//!
//! One rule guards the structure: a character that a Go YAML reader (Helm,
//! Kubernetes) refuses or reads as a line break ([`needs_escape`]) is only ever
//! written as an escape inside double quotes, never raw in a plain scalar or a
//! literal block, where it would end the line and let a value add keys.

use std::fmt::Write;

use serde_json::Value;

use super::scalar::{resolve_plain, Resolved};

/// Emits `value` as one YAML document (no `---`), ending in a newline.
pub fn emit_document(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => emit_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => emit_seq(&mut out, items, 0),
        scalar => {
            // A literal block's lines are indented even here: at column 0 a
            // line `...` or `---` would end the document instead.
            out.push_str(&inline(scalar, 2));
            out.push('\n');
        }
    }
    out
}

/// A map key as YAML text.
pub fn emit_key(key: &str) -> String {
    if is_plain_safe(key) {
        key.to_string()
    } else {
        quote(key)
    }
}

/// A string as a single-line YAML scalar (plain when safe, else double-quoted).
pub fn emit_scalar_string(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        quote(s)
    }
}

fn emit_map(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (key, value) in map {
        pad(out, indent);
        out.push_str(&emit_key(key));
        out.push(':');
        emit_child(out, value, indent);
    }
}

fn emit_seq(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first entry shares the dash's line.
                let mut first = true;
                for (key, value) in map {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        pad(out, indent + 2);
                    }
                    out.push_str(&emit_key(key));
                    out.push(':');
                    emit_child(out, value, indent + 2);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_seq(out, inner, indent + 2);
            }
            scalar => {
                out.push(' ');
                out.push_str(&inline(scalar, indent + 2));
                out.push('\n');
            }
        }
    }
}

/// Emits the value after `key:` (or `- key:`) at `indent`.
fn emit_child(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            emit_map(out, map, indent + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            emit_seq(out, items, indent);
        }
        scalar => {
            out.push(' ');
            out.push_str(&inline(scalar, indent + 2));
            out.push('\n');
        }
    }
}

/// A scalar (or empty collection) on one line, or a literal block at `indent`.
fn inline(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        // Floats as Go writes them (`1000`, not `1000.0`; `1e+21`), so that
        // what Kubernetes reads, and the checksum of what Helm wrote, match.
        Value::Number(n) => match (n.is_f64(), n.as_f64()) {
            (true, Some(f)) => super::go::float_json(f),
            _ => n.to_string(),
        },
        Value::String(s) => string_scalar(s, indent),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

fn string_scalar(s: &str, indent: usize) -> String {
    if is_plain_safe(s) {
        return s.to_string();
    }
    if let Some(block) = literal_block(s, indent) {
        return block;
    }
    quote(s)
}

/// A literal block (`|`) for multi-line text that can be written as one.
fn literal_block(s: &str, indent: usize) -> Option<String> {
    if !s.contains('\n') || s.starts_with([' ', '\t', '\n']) {
        return None;
    }
    if s.chars().any(|c| c != '\n' && needs_escape(c)) {
        return None;
    }
    if s.lines().any(|line| line.ends_with([' ', '\t'])) {
        return None;
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let mut out = format!("|{chomp}\n");
    let mut lines: Vec<&str> = body.split('\n').collect();
    if trailing > 1 {
        lines.extend(std::iter::repeat_n("", trailing - 1));
    }
    let count = lines.len();
    for (i, line) in lines.into_iter().enumerate() {
        if !line.is_empty() {
            pad(&mut out, indent);
            out.push_str(line);
        }
        if i + 1 < count {
            out.push('\n');
        }
    }
    Some(out)
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` can be written plain and read back as the same string by YAML
/// 1.1 and 1.2 readers alike.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if resolve_plain(s) != Resolved::Str {
        return false;
    }
    // Anything that starts like a number, date or indicator is quoted.
    if first.is_ascii_digit() || "-?:,[]{}#&*!|>'\"%@`+. ~=<".contains(first) {
        return false;
    }
    if s.ends_with([' ', ':']) || s.contains(": ") || s.contains(" #") || s.contains(":\t") {
        return false;
    }
    s.chars().all(|c| {
        !needs_escape(c) && (c.is_alphanumeric() || " _-./:@$%^&*()+=,;?~<>!'#".contains(c))
    })
}

/// Whether `c` may appear in emitted YAML only as a double-quoted escape: a Go
/// YAML reader (go-yaml v2/v3, as in Helm and Kubernetes) refuses it
/// ("control characters are not allowed": C0 and C1 controls but tab and line
/// feed, DEL, surrogates, U+FFFE, U+FFFF), reads it as a line break (CR, NEL,
/// U+2028, U+2029), or strips it (the byte order mark U+FEFF). Tab and line
/// feed are only safe where the caller places them, so they count too.
pub(crate) fn needs_escape(c: char) -> bool {
    !matches!(c,
        ' '..='~'
        | '\u{a0}'..='\u{2027}'
        | '\u{202a}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fefe}'
        | '\u{ff00}'..='\u{fffd}'
        | '\u{10000}'..)
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ambiguous_strings_are_quoted() {
        let doc = emit_document(
            &json!({"a": "yes", "b": "3600", "c": "plain", "d": "0777", "e": "", "f": "a: b"}),
        );
        assert_eq!(
            doc,
            "a: \"yes\"\nb: \"3600\"\nc: plain\nd: \"0777\"\ne: \"\"\nf: \"a: b\"\n"
        );
    }

    #[test]
    fn nested_collections_use_block_style() {
        let doc = emit_document(
            &json!({"spec": {"args": ["--port", "80"], "env": [{"name": "A", "value": "1"}], "x": {}, "y": []}}),
        );
        assert_eq!(
            doc,
            "spec:\n  args:\n  - \"--port\"\n  - \"80\"\n  env:\n  - name: A\n    value: \"1\"\n  x: {}\n  \"y\": []\n"
        );
    }

    #[test]
    fn multiline_strings_become_literal_blocks() {
        let doc = emit_document(&json!({"script": "set -e\nexec \"$@\"", "t": "a\n"}));
        assert_eq!(doc, "script: |-\n  set -e\n  exec \"$@\"\nt: |\n  a\n");
    }

    /// Characters a Go YAML reader refuses or reads as a line break.
    const GO_UNSAFE: &[char] = &[
        '\u{0}', '\u{7}', '\u{1b}', '\r', '\u{7f}', '\u{80}', '\u{85}', '\u{9f}', '\u{2028}',
        '\u{2029}', '\u{feff}', '\u{fffe}', '\u{ffff}',
    ];

    #[test]
    fn go_unsafe_characters_are_never_written_raw() {
        for &c in GO_UNSAFE {
            for text in [
                format!("x{c}y"),
                format!("line one{c}\n  injected: |2\n    more\n"),
                format!("{c}"),
            ] {
                let value = json!({ "data": { "servers.json": text, format!("k{c}"): [text] } });
                let doc = emit_document(&value);
                assert!(!doc.contains(c), "U+{:04X} written raw:\n{doc}", c as u32);
                let loaded =
                    super::super::load_documents(&doc, &Default::default()).expect("reads back");
                let back = loaded.documents[0].to_json();
                assert_eq!(back, value, "U+{:04X} did not round-trip", c as u32);
            }
        }
    }

    #[test]
    fn line_separator_cannot_add_a_key_to_a_literal_block() {
        // The injection from the hostile-values review: U+2028 inside a
        // multi-line string used to stay raw in a `|` block.
        let text = "x\u{2028}  injected.sh: |2\u{2028}    \nsecond line";
        let doc = emit_document(&json!({ "script": text }));
        assert_eq!(
            doc,
            "script: \"x\\u2028  injected.sh: |2\\u2028    \\nsecond line\"\n"
        );
    }

    #[test]
    fn a_top_level_block_cannot_end_the_document() {
        // Found by the emitter fuzz target: a top-level multi-line string
        // with a line `...` was cut there (document end marker).
        for text in ["\u{2eff}\n...", "a\n---\nb: c\n", "x\n... # y\nz"] {
            let value = json!(text);
            let doc = emit_document(&value);
            let loaded = super::super::load_documents(&doc, &Default::default()).expect("reads");
            assert_eq!(loaded.documents.len(), 1, "{doc:?}");
            assert_eq!(loaded.documents[0].to_json(), value, "{doc:?}");
        }
        assert_eq!(emit_document(&json!("a\n...")), "|-\n  a\n  ...\n");
    }

    #[test]
    fn floats_read_back_to_the_last_bit() {
        // Found by the emitter fuzz target: 17 significant digits came back
        // one bit off when the reader re-parsed Go's text of the float.
        for f in [3.675_822_287_423_921_6e228, 0.1, 1e21, 1e-7, -2.5e-300] {
            let value = json!({ "f": f });
            let doc = emit_document(&value);
            let loaded = super::super::load_documents(&doc, &Default::default()).expect("reads");
            assert_eq!(loaded.documents[0].to_json(), value, "{doc:?}");
        }
        // Integral floats stay the integers Go writes.
        let loaded = super::super::load_documents("a: 1e3\n", &Default::default()).expect("reads");
        assert_eq!(loaded.documents[0].to_json(), json!({ "a": 1000 }));
    }

    #[test]
    fn safe_unicode_stays_as_written() {
        let doc = emit_document(&json!({ "a": "café", "b": "☕ 𝄞", "c": "tab\there\nline" }));
        assert_eq!(doc, "a: café\nb: \"☕ 𝄞\"\nc: \"tab\\there\\nline\"\n");
    }
}
