//! The YAML emitter: an arbitrary tree of JSON values (strings biased towards
//! the characters a Go YAML reader treats specially) is emitted, read back with
//! the project's reader, and must come back equal. Every character of the
//! output must also be one a Go YAML reader takes as itself: anything else may
//! only appear as a double-quoted escape. The allowed set is written here from
//! go-yaml's own rules (not from the emitter), so it judges the emitter.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use mcp_chart_core::yaml::{
    emit_document, emit_key, emit_scalar_string, load_documents, Limits, NodeKind,
};
use serde_json::{Map, Number, Value};

/// Characters a Go YAML reader refuses, reads as a line break or strips, and
/// the ones only safe where the emitter puts them (tab, line feed), plus
/// YAML's indicators: what the generated strings are biased towards.
const INTERESTING: &[char] = &[
    '\n', '\r', '\t', ' ', '\u{0}', '\u{7}', '\u{1b}', '\u{7f}', '\u{80}', '\u{85}', '\u{9f}',
    '\u{a0}', '\u{2028}', '\u{2029}', '\u{feff}', '\u{fffe}', '\u{ffff}', '\u{fdd0}', '\u{1fffe}',
    '\u{10ffff}', '"', '\'', '\\', ':', '#', '-', '?', '|', '>', '&', '*', '!', '%', '@', '`', '[',
    ']', '{', '}', ',', '~', '=', '<', '.', '0', '1', 'e', 'x', 'y', 'n', 'o',
];

/// Whether a Go YAML reader takes `c`, written raw in any scalar style, as
/// itself. go-yaml's reader (readerc.go, yaml_parser_update_buffer) accepts
/// only tab, LF, CR, 0x20-0x7E, NEL, 0xA0-0xD7FF, 0xE000-0xFFFD and
/// 0x10000-0x10FFFF; of those, CR, NEL, U+2028 and U+2029 are line breaks
/// (yamlprivateh.go, is_break), the BOM is stripped, and tab and LF change
/// meaning with the style (so the emitter only writes LF as a line end).
fn raw_safe(c: char) -> bool {
    let u = c as u32;
    let accepted =
        matches!(u, 0x20..=0x7e | 0x85 | 0xa0..=0xd7ff | 0xe000..=0xfffd | 0x10000..=0x10ffff);
    accepted && !matches!(u, 0x85 | 0x2028 | 0x2029 | 0xfeff)
}

fn string(u: &mut Unstructured<'_>) -> Result<String> {
    let len = u.int_in_range(0..=24u8)?;
    let mut s = String::new();
    for _ in 0..len {
        let c = if u.ratio(1u8, 2u8)? {
            *u.choose(INTERESTING)?
        } else {
            u.arbitrary::<char>()?
        };
        s.push(c);
    }
    Ok(s)
}

/// Numbers as the reader makes them: integers that fit an int64, and floats
/// (a larger integer reads back as a float, as Kubernetes' JSON decoding
/// makes it; the reader's number model is not the emitter's to judge).
fn number(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(if u.arbitrary::<bool>()? {
        Value::from(u.arbitrary::<i64>()?)
    } else {
        Number::from_f64(u.arbitrary::<f64>()?).map_or(Value::Null, Value::Number)
    })
}

fn tree(u: &mut Unstructured<'_>, depth: u8) -> Result<Value> {
    let pick = if depth == 0 { u.int_in_range(0..=3u8)? } else { u.int_in_range(0..=5u8)? };
    Ok(match pick {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => number(u)?,
        3 => Value::String(string(u)?),
        4 => {
            let n = u.int_in_range(0..=4u8)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(tree(u, depth - 1)?);
            }
            Value::Array(items)
        }
        _ => {
            let n = u.int_in_range(0..=4u8)?;
            let mut map = Map::new();
            for _ in 0..n {
                map.insert(string(u)?, tree(u, depth - 1)?);
            }
            Value::Object(map)
        }
    })
}

fn check_output(yaml: &str) {
    for c in yaml.chars() {
        assert!(
            c == '\n' || raw_safe(c),
            "U+{:04X} written raw in:\n{yaml:?}",
            c as u32
        );
    }
}

/// Equal as JSON numbers are: Go writes an integral float64 as an integer
/// (`1000`, not `1000.0`), which reads back as one, so an integer and a float
/// are the same number when their values are.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            x.as_f64() == y.as_f64()
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn read_back(yaml: &str) -> Value {
    let loaded = load_documents(yaml, &Limits::default())
        .unwrap_or_else(|e| panic!("emitted YAML does not read back: {e}\n{yaml:?}"));
    assert_eq!(loaded.documents.len(), 1, "one document expected:\n{yaml:?}");
    loaded.documents[0].to_json()
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(value) = tree(&mut u, 5) else {
        return;
    };

    let doc = emit_document(&value);
    check_output(&doc);
    let back = read_back(&doc);
    assert!(same(&back, &value), "round trip changed the tree:\n{doc:?}\n{back:?}\n{value:?}");

    // The single-line forms: a key and a scalar stay on one line and read back.
    if let Ok(s) = string(&mut u) {
        let key = emit_key(&s);
        let scalar = emit_scalar_string(&s);
        for text in [&key, &scalar] {
            check_output(text);
            assert!(!text.contains('\n'), "not one line: {text:?}");
        }
        let doc = format!("{key}: {scalar}\n");
        let loaded = load_documents(&doc, &Limits::default())
            .unwrap_or_else(|e| panic!("key/scalar do not read back: {e}\n{doc:?}"));
        let NodeKind::Map(entries) = &loaded.documents[0].kind else {
            panic!("not a map: {doc:?}");
        };
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].key, s, "key changed: {doc:?}");
        assert_eq!(entries[0].value.kind, NodeKind::Str(s.clone()), "scalar changed: {doc:?}");
    }
});
