//! A JSON Schema (draft-07) checker for the keywords the values schema uses.
//!
//! The values schema is generated from the typed model and uses a small,
//! regular subset of JSON Schema (no `$ref`, no `pattern`, no formats that
//! validate). A general validator (the `jsonschema` crate) compiled that
//! schema on every run, checked it against the draft-07 metaschema first, and
//! brought two regex engines along: most of the browser module's size and a
//! third of `validate`'s start-up. This walks the schema as JSON instead.
//!
//! Its semantics are jsonschema's for these keywords (a differential test,
//! `tests/json_schema_parity.rs`, holds the two to the same findings), and
//! [`unsupported_keywords`] refuses any schema using a keyword outside the
//! subset, so growing the model beyond it fails a test rather than being
//! silently ignored.

use std::cmp::Ordering;

use serde_json::{Number, Value};

/// What the checker understands; anything else in a schema object is refused.
/// `format` is accepted because draft-07 formats it does not know (the model
/// writes `double`) are annotations; `description`, `default`, `title`,
/// `$schema`, `$id` and `examples` are annotations too.
const KEYWORDS: &[&str] = &[
    "type",
    "properties",
    "additionalProperties",
    "items",
    "required",
    "enum",
    "minimum",
    "maximum",
    "anyOf",
    "format",
    "description",
    "default",
    "title",
    "examples",
    "$schema",
    "$id",
];

/// Formats draft-07 defines, which jsonschema would check (so we refuse them).
const CHECKED_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Which keyword failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind<'s> {
    /// `type` does not admit the instance.
    Type,
    /// No branch of `anyOf` accepts the instance.
    AnyOf,
    /// The instance is none of `options`.
    Enum {
        /// The `enum` array.
        options: &'s Value,
    },
    /// The number is below `minimum`.
    Minimum {
        /// The `minimum` value.
        limit: &'s Value,
    },
    /// The number is above `maximum`.
    Maximum {
        /// The `maximum` value.
        limit: &'s Value,
    },
    /// Keys the schema does not list, where `additionalProperties` is `false`
    /// (one finding per object, keys in the instance's order).
    AdditionalProperties {
        /// The unexpected keys.
        unexpected: Vec<String>,
    },
    /// A key in `required` is missing.
    Required {
        /// The missing key.
        property: &'s str,
    },
}

/// One failed keyword.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding<'s, 'i> {
    /// JSON Pointer of the instance (`""` for the root), `~0`/`~1` escaped.
    pub instance_path: String,
    /// The schema object holding the failed keyword.
    pub schema: &'s Value,
    /// The value that failed.
    pub instance: &'i Value,
    /// Which keyword, with its data.
    pub kind: Kind<'s>,
}

/// Every keyword or checked format in `schema` that [`check`] does not
/// implement, as `pointer: keyword`. Empty for the values schema.
pub fn unsupported_keywords(schema: &Value) -> Vec<String> {
    /// A step of the path to a schema node, rendered only for a finding
    /// (every run walks the whole schema: formatting each path was a fifth of
    /// `mcp-chart validate`'s instructions).
    enum Step<'a> {
        Key(&'a str),
        Index(usize),
    }
    fn render(path: &[Step<'_>]) -> String {
        let mut out = String::new();
        for step in path {
            out.push('/');
            match step {
                Step::Key(key) => out.push_str(&escape(key)),
                Step::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }
    fn walk<'a>(node: &'a Value, path: &mut Vec<Step<'a>>, out: &mut Vec<String>) {
        let Some(object) = node.as_object() else {
            if !node.is_boolean() {
                out.push(format!(
                    "{}: a schema must be an object or a boolean",
                    render(path)
                ));
            }
            return;
        };
        for (keyword, value) in object {
            if !KEYWORDS.contains(&keyword.as_str()) {
                out.push(format!("{}: {keyword}", render(path)));
                continue;
            }
            match keyword.as_str() {
                "properties" => {
                    path.push(Step::Key(keyword));
                    for (name, sub) in value.as_object().into_iter().flatten() {
                        path.push(Step::Key(name));
                        walk(sub, path, out);
                        path.pop();
                    }
                    path.pop();
                }
                "additionalProperties" | "items" if !value.is_array() => {
                    path.push(Step::Key(keyword));
                    walk(value, path, out);
                    path.pop();
                }
                "items" => out.push(format!("{}: items as an array", render(path))),
                "anyOf" => {
                    path.push(Step::Key(keyword));
                    for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                        path.push(Step::Index(i));
                        walk(sub, path, out);
                        path.pop();
                    }
                    path.pop();
                }
                "format" if value.as_str().is_some_and(|f| CHECKED_FORMATS.contains(&f)) => {
                    out.push(format!("{}: format {value}", render(path)));
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(schema, &mut Vec::new(), &mut out);
    out
}

/// Every keyword `instance` fails in `schema`, depth first.
pub fn check<'s, 'i>(schema: &'s Value, instance: &'i Value) -> Vec<Finding<'s, 'i>> {
    let mut out = Vec::new();
    let mut path = String::new();
    walk(schema, instance, &mut path, &mut out);
    out
}

/// Whether `instance` passes `schema` (for `anyOf`).
fn is_valid(schema: &Value, instance: &Value) -> bool {
    let mut out = Vec::new();
    walk(schema, instance, &mut String::new(), &mut out);
    out.is_empty()
}

fn walk<'s, 'i>(
    schema: &'s Value,
    instance: &'i Value,
    path: &mut String,
    out: &mut Vec<Finding<'s, 'i>>,
) {
    let Some(keywords) = schema.as_object() else {
        // `false` rejects everything; the values schema writes it only as
        // `additionalProperties: false`, handled with `properties` below.
        return;
    };
    let mut found = |kind| {
        out.push(Finding {
            instance_path: path.clone(),
            schema,
            instance,
            kind,
        });
    };
    if let Some(types) = keywords.get("type") {
        if !type_admits(types, instance) {
            found(Kind::Type);
        }
    }
    if let Some(options) = keywords.get("enum") {
        let listed = options.as_array().into_iter().flatten();
        if !listed.into_iter().any(|o| equal(o, instance)) {
            found(Kind::Enum { options });
        }
    }
    if let (Some(limit), Value::Number(n)) = (keywords.get("minimum"), instance) {
        if limit
            .as_number()
            .is_some_and(|l| compare(n, l) == Some(Ordering::Less))
        {
            found(Kind::Minimum { limit });
        }
    }
    if let (Some(limit), Value::Number(n)) = (keywords.get("maximum"), instance) {
        if limit
            .as_number()
            .is_some_and(|l| compare(n, l) == Some(Ordering::Greater))
        {
            found(Kind::Maximum { limit });
        }
    }
    if let Some(branches) = keywords.get("anyOf").and_then(Value::as_array) {
        if !branches.iter().any(|b| is_valid(b, instance)) {
            found(Kind::AnyOf);
        }
    }
    match instance {
        Value::Object(members) => {
            for property in keywords
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !members.contains_key(property) {
                    found(Kind::Required { property });
                }
            }
            let properties = keywords.get("properties").and_then(Value::as_object);
            let additional = keywords.get("additionalProperties");
            let mut unexpected = Vec::new();
            for (name, value) in members {
                let sub = match properties.and_then(|p| p.get(name)) {
                    Some(declared) => declared,
                    None => match additional {
                        Some(Value::Bool(false)) => {
                            unexpected.push(name.clone());
                            continue;
                        }
                        Some(sub @ Value::Object(_)) => sub,
                        _ => continue,
                    },
                };
                let len = path.len();
                path.push('/');
                path.push_str(&escape(name));
                walk(sub, value, path, out);
                path.truncate(len);
            }
            if !unexpected.is_empty() {
                out.push(Finding {
                    instance_path: path.clone(),
                    schema,
                    instance,
                    kind: Kind::AdditionalProperties { unexpected },
                });
            }
        }
        Value::Array(items) => {
            if let Some(sub) = keywords.get("items") {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push('/');
                    path.push_str(&i.to_string());
                    walk(sub, item, path, out);
                    path.truncate(len);
                }
            }
        }
        _ => {}
    }
}

fn type_admits(types: &Value, instance: &Value) -> bool {
    match types {
        Value::String(t) => admits(t, instance),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .any(|t| admits(t, instance)),
        _ => true,
    }
}

fn admits(schema_type: &str, instance: &Value) -> bool {
    match (schema_type, instance) {
        ("null", Value::Null)
        | ("boolean", Value::Bool(_))
        | ("string", Value::String(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_))
        | ("number", Value::Number(_)) => true,
        // Draft 6 and later: 1.0 is an integer.
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

/// JSON equality with numbers compared by value (1 == 1.0), as `enum` wants.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare(x, y) == Some(Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

/// Numeric order, exact for integers, by f64 otherwise.
fn compare(a: &Number, b: &Number) -> Option<Ordering> {
    let whole = |n: &Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (whole(a), whole(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// A JSON Pointer reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(schema: &Value, instance: &Value) -> Vec<(String, Kind<'static>)> {
        let schema: &'static Value = Box::leak(Box::new(schema.clone()));
        check(schema, instance)
            .into_iter()
            .map(|f| (f.instance_path, f.kind))
            .collect()
    }

    #[test]
    fn the_values_schema_uses_only_supported_keywords() {
        assert_eq!(
            unsupported_keywords(crate::embedded::values_schema()),
            Vec::<String>::new()
        );
        let odd = json!({"properties": {"a": {"pattern": "x"}, "b": {"format": "email"}}});
        assert_eq!(
            unsupported_keywords(&odd),
            ["/properties/a: pattern", "/properties/b: format \"email\""]
        );
    }

    #[test]
    fn keywords_fail_where_jsonschema_fails() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["r"],
            "properties": {
                "n": {"type": "integer", "minimum": 1, "maximum": 3},
                "e": {"enum": ["a", "b"]},
                "a/b": {"type": "array", "items": {"type": "string"}},
                "m": {"type": "object", "additionalProperties": {"type": "boolean"}},
                "v": {"anyOf": [{"type": "string"}, {"type": "number"}]},
                "r": {}
            }
        });
        let found = kinds(
            &schema,
            &json!({"n": 5.0, "e": "c", "a/b": ["x", 1], "m": {"k": 1}, "v": null, "zz": 1}),
        );
        let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["", "/n", "/e", "/a~1b/1", "/m/k", "/v", ""]);
        assert_eq!(found[0].1, Kind::Required { property: "r" });
        assert!(matches!(found[1].1, Kind::Maximum { .. }));
        assert_eq!(
            found[6].1,
            Kind::AdditionalProperties {
                unexpected: vec!["zz".into()]
            }
        );
        // 2.0 is an integer; 0 is below the minimum; 1.5 is not an integer.
        assert!(kinds(&schema, &json!({"r": 1, "n": 2.0})).is_empty());
        assert!(matches!(
            kinds(&schema, &json!({"r": 1, "n": 0}))[0].1,
            Kind::Minimum { .. }
        ));
        assert_eq!(
            kinds(&schema, &json!({"r": 1, "n": 1.5})),
            [("/n".to_string(), Kind::Type)]
        );
    }
}
