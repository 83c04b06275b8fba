//! What rules see: the merged values, and how to turn a JSON pointer into a
//! located diagnostic through the merge's provenance.

use crate::validate::Code;
use serde_json::Value;

use super::diagnostic::Diagnostic;
use crate::location::Location;
use crate::values::{MergedValues, Origin};

/// The merged values of one run, with provenance.
pub(crate) struct Ctx<'a> {
    pub values: &'a Value,
    merged: &'a MergedValues,
}

impl<'a> Ctx<'a> {
    pub fn new(merged: &'a MergedValues) -> Self {
        Ctx {
            values: &merged.json,
            merged,
        }
    }

    pub fn get(&self, pointer: &str) -> Option<&'a Value> {
        self.values.pointer(pointer)
    }

    pub fn str(&self, pointer: &str) -> Option<&'a str> {
        self.get(pointer).and_then(Value::as_str)
    }

    /// A boolean value; anything else (missing, wrong type) is false.
    pub fn flag(&self, pointer: &str) -> bool {
        self.get(pointer).and_then(Value::as_bool).unwrap_or(false)
    }

    pub fn int(&self, pointer: &str) -> Option<i64> {
        self.get(pointer).and_then(Value::as_i64)
    }

    pub fn items(&self, pointer: &str) -> &'a [Value] {
        self.get(pointer)
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    pub fn entries(&self, pointer: &str) -> Vec<(&'a String, &'a Value)> {
        self.get(pointer)
            .and_then(Value::as_object)
            .map(|m| m.iter().collect())
            .unwrap_or_default()
    }

    /// The origin of exactly `pointer`.
    pub fn origin(&self, pointer: &str) -> Option<&'a Origin> {
        self.merged.origin(pointer)
    }

    /// Whether the value at `pointer` was written by the user (not the chart defaults).
    pub fn is_user(&self, pointer: &str) -> bool {
        self.merged
            .nearest_origin(pointer)
            .is_some_and(|(_, o)| o.source != 0)
    }

    /// The first of `pointers` the user wrote, else the first one.
    pub fn user_first<'p>(&self, pointers: &[&'p str]) -> &'p str {
        pointers
            .iter()
            .find(|p| self.get(p).is_some() && self.is_user(p))
            .or_else(|| pointers.first())
            .copied()
            .unwrap_or("")
    }

    /// The name of source `source`.
    pub fn source_name(&self, source: usize) -> Option<&'a str> {
        self.merged.sources.get(source).map(String::as_str)
    }

    /// The text of source `source`.
    pub fn source_text(&self, source: usize) -> Option<&'a str> {
        self.merged.source_text(source)
    }

    /// A diagnostic located at the value of `pointer` (or its closest ancestor).
    pub fn diag(&self, code: Code, pointer: &str, message: impl Into<String>) -> Diagnostic {
        self.locate(code, pointer, message, false)
    }

    /// A diagnostic located at the key of `pointer` (its value when it has no key).
    pub fn diag_key(&self, code: Code, pointer: &str, message: impl Into<String>) -> Diagnostic {
        self.locate(code, pointer, message, true)
    }

    /// A diagnostic at an explicit place in the source of `pointer`'s value.
    pub fn diag_in(
        &self,
        code: Code,
        pointer: &str,
        message: impl Into<String>,
        place: impl FnOnce(&str, &Origin) -> (Location, Option<Location>),
    ) -> Diagnostic {
        let d = Diagnostic::new(code, message).with_path(pointer);
        let Some((_, origin)) = self.merged.nearest_origin(pointer) else {
            return d;
        };
        let text = self.source_text(origin.source).unwrap_or("");
        let (start, end) = place(text, origin);
        self.place(d, origin.source, start, end)
    }

    fn locate(
        &self,
        code: Code,
        pointer: &str,
        message: impl Into<String>,
        key: bool,
    ) -> Diagnostic {
        let d = Diagnostic::new(code, message).with_path(pointer);
        let Some((found, origin)) = self.merged.nearest_origin(pointer) else {
            return d;
        };
        let span = match origin.key {
            Some(k) if key && found == pointer => k,
            _ => origin.value,
        };
        if span.start.line == 0 {
            // A synthetic origin (the empty map of an empty file).
            return d;
        }
        self.place(d, origin.source, span.start, Some(span.end))
    }

    fn place(
        &self,
        d: Diagnostic,
        source: usize,
        start: Location,
        end: Option<Location>,
    ) -> Diagnostic {
        let name = self.merged.sources.get(source).map_or("", String::as_str);
        d.at(source, name, start, end)
    }
}

/// `a.b[0].c` for the pointer `/a/b/0/c` in `values` (keys that are not plain
/// identifiers are quoted: `ingress.annotations["x.io/y"]`).
pub fn display_path(values: &Value, pointer: &str) -> String {
    if pointer.is_empty() {
        return "(top level)".to_string();
    }
    let mut out = String::new();
    let mut node = Some(values);
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        let is_index = matches!(node, Some(Value::Array(_))) && seg.parse::<usize>().is_ok();
        node = match node {
            Some(Value::Array(items)) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
            Some(Value::Object(map)) => map.get(&seg),
            _ => None,
        };
        if is_index {
            out.push('[');
            out.push_str(&seg);
            out.push(']');
        } else if !seg.is_empty()
            && seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        } else {
            out.push_str("[\"");
            out.push_str(&seg.replace('\\', "\\\\").replace('"', "\\\""));
            out.push_str("\"]");
        }
    }
    out
}

/// A JSON pointer with one more key.
pub fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", crate::values::escape_pointer_segment(key))
}

/// A short description of a value for messages: `string "abc"`, `integer 5`.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer {n}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {}", quote(s)),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "a map".to_string(),
    }
}

/// A string in double quotes, shortened to 40 characters.
pub fn quote(s: &str) -> String {
    let mut short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        short.push('…');
    }
    serde_json::to_string(&short).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_display_as_helm_style_paths() {
        let v = json!({"a": {"b": [{"c": 1}]}, "ingress": {"annotations": {"x.io/y": "1"}}});
        assert_eq!(display_path(&v, "/a/b/0/c"), "a.b[0].c");
        assert_eq!(
            display_path(&v, "/ingress/annotations/x.io~1y"),
            "ingress.annotations[\"x.io/y\"]"
        );
        assert_eq!(display_path(&v, ""), "(top level)");
    }

    #[test]
    fn values_are_described_briefly() {
        assert_eq!(describe(&json!("abc")), "string \"abc\"");
        assert_eq!(describe(&json!(5)), "integer 5");
        assert_eq!(describe(&json!(1.5)), "number 1.5");
        assert_eq!(describe(&json!([1])), "a list");
        assert_eq!(quote(&"x".repeat(50)).chars().count(), 43);
    }
}
