//! Helm's `--set` syntax (strvals): `a.b=c`, `a.list[0]=x`, `a={x,y}`,
//! `a=null`, several assignments separated by commas, `\` escaping the next
//! character.

use indexmap::IndexMap;

use super::tree::{VKind, VNode};
use super::{Origin, ValuesError};
use crate::location::{to_u32, Location};
use crate::yaml::Span;

/// Helm refuses list indexes above this (it would allocate the whole list).
const MAX_INDEX: usize = 65_536;

/// One `--set` (or `--set-string`) argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetArg {
    /// The argument as given, such as `image.tag=1.2,replicaCount=2`.
    pub text: String,
    /// `--set-string`: every value stays a string.
    pub force_string: bool,
}

impl SetArg {
    /// A `--set` argument.
    pub fn new(text: impl Into<String>) -> Self {
        SetArg {
            text: text.into(),
            force_string: false,
        }
    }

    /// A `--set-string` argument.
    pub fn string(text: impl Into<String>) -> Self {
        SetArg {
            text: text.into(),
            force_string: true,
        }
    }

    /// How diagnostics name this argument.
    pub fn source_name(&self) -> String {
        let flag = if self.force_string {
            "--set-string"
        } else {
            "--set"
        };
        format!("{flag} {}", self.text)
    }

    /// Whether the argument parses (the merge stops at the first one that
    /// does not; validation reports every one).
    pub fn check_syntax(&self) -> Result<(), ValuesError> {
        parse(self).map(|_| ())
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

struct Assignment {
    path: Vec<Segment>,
    value: serde_json::Value,
    key_span: Span,
    value_span: Span,
}

/// Applies every assignment of `set` to `user`.
pub(crate) fn apply(user: &mut VNode, set: &SetArg, source: usize) -> Result<(), ValuesError> {
    for assignment in parse(set)? {
        let origin = Origin {
            source,
            key: Some(assignment.key_span),
            value: assignment.value_span,
        };
        let leaf = VNode {
            kind: VKind::Scalar(assignment.value),
            origin,
        };
        let leaf = match leaf.kind {
            VKind::Scalar(serde_json::Value::Array(items)) => VNode {
                kind: VKind::Seq(
                    items
                        .into_iter()
                        .map(|v| VNode {
                            kind: VKind::Scalar(v),
                            origin,
                        })
                        .collect(),
                ),
                origin,
            },
            _ => leaf,
        };
        set_path(user, &assignment.path, leaf, origin);
    }
    Ok(())
}

fn set_path(node: &mut VNode, path: &[Segment], leaf: VNode, origin: Origin) {
    let Some((first, rest)) = path.split_first() else {
        *node = leaf;
        return;
    };
    match first {
        Segment::Key(key) => {
            if !matches!(node.kind, VKind::Map(_)) {
                *node = VNode {
                    kind: VKind::Map(IndexMap::new()),
                    origin,
                };
            }
            if let VKind::Map(map) = &mut node.kind {
                let child = map.entry(key.clone()).or_insert_with(|| VNode {
                    kind: VKind::Scalar(serde_json::Value::Null),
                    origin,
                });
                set_path(child, rest, leaf, origin);
            }
        }
        Segment::Index(index) => {
            if !matches!(node.kind, VKind::Seq(_)) {
                *node = VNode {
                    kind: VKind::Seq(Vec::new()),
                    origin,
                };
            }
            if let VKind::Seq(items) = &mut node.kind {
                while items.len() <= *index {
                    items.push(VNode {
                        kind: VKind::Scalar(serde_json::Value::Null),
                        origin,
                    });
                }
                set_path(&mut items[*index], rest, leaf, origin);
            }
        }
    }
}

fn parse(set: &SetArg) -> Result<Vec<Assignment>, ValuesError> {
    let chars: Vec<char> = set.text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let fail = |column: usize, message: &str| ValuesError::Set {
        arg: set.text.clone(),
        column: to_u32(column + 1),
        message: message.to_string(),
    };
    while i < chars.len() {
        let key_start = i;
        let mut path = Vec::new();
        let mut key = String::new();
        // The key: segments separated by `.` and `[n]`, up to `=`.
        loop {
            let Some(&c) = chars.get(i) else {
                return Err(fail(i, "key has no value (expected `=`)"));
            };
            match c {
                '\\' => {
                    i += 1;
                    let escaped = chars.get(i).ok_or_else(|| fail(i, "`\\` at the end"))?;
                    key.push(*escaped);
                    i += 1;
                }
                '.' => {
                    if key.is_empty() && !matches!(path.last(), Some(Segment::Index(_))) {
                        return Err(fail(i, "empty key segment"));
                    }
                    if !key.is_empty() {
                        path.push(Segment::Key(std::mem::take(&mut key)));
                    }
                    i += 1;
                }
                '[' => {
                    if !key.is_empty() {
                        path.push(Segment::Key(std::mem::take(&mut key)));
                    }
                    if path.is_empty() {
                        return Err(fail(i, "a list index needs a key before it"));
                    }
                    let close = chars[i..].iter().position(|&c| c == ']').map(|p| p + i);
                    let close = close.ok_or_else(|| fail(i, "`[` without `]`"))?;
                    let digits: String = chars[i + 1..close].iter().collect();
                    let index: usize = digits
                        .parse()
                        .map_err(|_| fail(i + 1, "list index must be a number"))?;
                    if index > MAX_INDEX {
                        return Err(fail(i + 1, "list index is larger than 65536"));
                    }
                    path.push(Segment::Index(index));
                    i = close + 1;
                }
                '=' => {
                    if !key.is_empty() {
                        path.push(Segment::Key(std::mem::take(&mut key)));
                    }
                    if path.is_empty() {
                        return Err(fail(i, "empty key"));
                    }
                    i += 1;
                    break;
                }
                ',' => return Err(fail(i, "key has no value (expected `=`)")),
                c => {
                    key.push(c);
                    i += 1;
                }
            }
        }
        let key_span = columns(key_start, i - 1);
        let value_start = i;
        let value = if chars.get(i) == Some(&'{') {
            let mut items = Vec::new();
            let mut item = String::new();
            i += 1;
            loop {
                let Some(&c) = chars.get(i) else {
                    return Err(fail(value_start, "`{` without `}`"));
                };
                i += 1;
                match c {
                    '\\' => {
                        let escaped = chars.get(i).ok_or_else(|| fail(i, "`\\` at the end"))?;
                        item.push(*escaped);
                        i += 1;
                    }
                    ',' => items.push(typed(&std::mem::take(&mut item), set.force_string)),
                    '}' => {
                        if !item.is_empty() || !items.is_empty() {
                            items.push(typed(&item, set.force_string));
                        }
                        break;
                    }
                    c => item.push(c),
                }
            }
            if i < chars.len() && chars[i] != ',' {
                return Err(fail(i, "expected `,` after `}`"));
            }
            serde_json::Value::Array(items)
        } else {
            let mut text = String::new();
            while let Some(&c) = chars.get(i) {
                if c == ',' {
                    break;
                }
                if c == '\\' {
                    i += 1;
                    let escaped = chars.get(i).ok_or_else(|| fail(i, "`\\` at the end"))?;
                    text.push(*escaped);
                } else {
                    text.push(c);
                }
                i += 1;
            }
            typed(&text, set.force_string)
        };
        let value_span = columns(value_start, i);
        out.push(Assignment {
            path,
            value,
            key_span,
            value_span,
        });
        if chars.get(i) == Some(&',') {
            i += 1;
        }
    }
    Ok(out)
}

/// Helm's typing of `--set` values: booleans, null and base-10 integers (without
/// a leading zero); everything else is a string.
fn typed(text: &str, force_string: bool) -> serde_json::Value {
    use serde_json::Value;
    if force_string {
        return Value::String(text.to_string());
    }
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if !(text.len() > 1 && text.starts_with('0')) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::from(n);
        }
    }
    Value::String(text.to_string())
}

/// A one-line span over 0-based character columns `[start, end)`.
fn columns(start: usize, end: usize) -> Span {
    Span {
        start: Location::new(1, to_u32(start + 1)),
        end: Location::new(1, to_u32(end.max(start) + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn apply_all(args: &[SetArg]) -> serde_json::Value {
        let mut user = VNode {
            kind: VKind::Map(IndexMap::new()),
            origin: Origin {
                source: 0,
                key: None,
                value: Span::default(),
            },
        };
        for (i, arg) in args.iter().enumerate() {
            apply(&mut user, arg, i + 1).expect("parses");
        }
        user.to_json()
    }

    #[test]
    fn nested_keys_lists_and_types() {
        let v = apply_all(&[SetArg::new(
            "a.b=c,n=3,t=true,z=null,l={x,2},s[1].k=v,o=0777",
        )]);
        assert_eq!(
            v,
            json!({"a": {"b": "c"}, "n": 3, "t": true, "z": null, "l": ["x", 2], "s": [null, {"k": "v"}], "o": "0777"})
        );
    }

    #[test]
    fn set_string_keeps_text_and_escapes_work() {
        let v = apply_all(&[SetArg::string("n=3,a\\.b=x\\,y")]);
        assert_eq!(v, json!({"n": "3", "a.b": "x,y"}));
    }

    #[test]
    fn broken_arguments_are_located() {
        let err = parse(&SetArg::new("a.b")).err().expect("fails");
        assert!(matches!(err, ValuesError::Set { column: 4, .. }), "{err:?}");
        let err = parse(&SetArg::new("a[99999999]=1")).err().expect("fails");
        assert!(matches!(err, ValuesError::Set { column: 3, .. }), "{err:?}");
    }
}
