//! The chart's values JSON Schema, generated from [`crate::model::Values`].
//!
//! Draft-07: Helm 3.10–3.18.4 validate with gojsonschema (drafts 4, 6 and 7 only)
//! and Helm ≥ 3.18.5 and Helm 4 with santhosh-tekuri/jsonschema, which honours
//! `$schema`; draft-07 is the newest draft both accept.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use crate::model::Values;

/// The `$id` of the schema: where editors and yaml-language-server find it.
pub const SCHEMA_ID: &str =
    "https://raw.githubusercontent.com/mcp-chart/mcp-chart/main/schema/values.schema.json";

/// The values schema as a JSON value.
pub fn values_schema() -> Value {
    let generator = SchemaSettings::draft07()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let root = generator.into_root_schema_for::<Values>();
    let mut schema = root.to_value();
    tidy(&mut schema);
    if let Value::Object(map) = &mut schema {
        let mut ordered = Map::new();
        ordered.insert(
            "$schema".into(),
            "http://json-schema.org/draft-07/schema#".into(),
        );
        ordered.insert("$id".into(), SCHEMA_ID.into());
        for (k, v) in std::mem::take(map) {
            if k != "$schema" {
                ordered.insert(k, v);
            }
        }
        *map = ordered;
    }
    schema
}

/// The values schema as pretty JSON text with a final newline (the committed file).
pub fn values_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&values_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// Keeps the generated schema to what every Helm validator reads the same way.
fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            // Numeric formats (`int64`, `uint32`, `double`) are OpenAPI's, not
            // draft-07's: the schema keeps to draft-07 keywords and formats.
            let numeric =
                |t: &Value| matches!(t, Value::String(t) if t == "integer" || t == "number");
            let is_numeric = match map.get("type") {
                Some(Value::Array(types)) => types.iter().any(numeric),
                Some(other) => numeric(other),
                None => false,
            };
            if is_numeric {
                map.remove("format");
            }
            // schemars writes documented enums as `oneOf` of consts; plain
            // `enum` gives clearer errors in every validator.
            if let Some(Value::Array(options)) = map.get("oneOf") {
                let consts: Option<Vec<Value>> =
                    options.iter().map(|o| o.get("const").cloned()).collect();
                if let Some(consts) = consts {
                    map.remove("oneOf");
                    map.insert("type".into(), "string".into());
                    map.insert("enum".into(), Value::Array(consts));
                }
            }
            // Doc comments wrap lines; descriptions read better as one paragraph.
            if let Some(Value::String(desc)) = map.get_mut("description") {
                *desc = desc
                    .split('\n')
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            for child in map.values_mut() {
                tidy(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}
