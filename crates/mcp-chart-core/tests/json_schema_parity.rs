//! The core's schema checker (`mcp_chart_core::json_schema`) finds exactly
//! what the general `jsonschema` validator finds on the values schema: same
//! instance paths, same failed keywords, same data. On every values file in the
//! repository and on random values shaped by the schema (right and wrong
//! types, unknown keys, out-of-range numbers, missing required keys).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use mcp_chart_core::embedded::values_schema;
use mcp_chart_core::json_schema::{check, Kind};
use mcp_chart_core::yaml::{load_first_document, Limits};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Findings as sorted `path keyword detail` lines.
fn ours(instance: &Value) -> Vec<String> {
    let mut out: Vec<String> = check(values_schema(), instance)
        .into_iter()
        .map(|f| {
            let detail = match f.kind {
                Kind::Type => "type".to_string(),
                Kind::AnyOf => "anyOf".to_string(),
                Kind::Enum { options } => format!("enum {options}"),
                Kind::Minimum { limit } => format!("minimum {limit}"),
                Kind::Maximum { limit } => format!("maximum {limit}"),
                Kind::AdditionalProperties { unexpected } => {
                    format!("additionalProperties {unexpected:?}")
                }
                Kind::Required { property } => format!("required {property}"),
            };
            format!("{} {detail} {}", f.instance_path, f.instance)
        })
        .collect();
    out.sort();
    out
}

fn theirs(instance: &Value) -> Vec<String> {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR
        .get_or_init(|| jsonschema::validator_for(values_schema()).expect("schema compiles"));
    let mut out: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| {
            let detail = match e.kind() {
                ValidationErrorKind::Type { .. } => "type".to_string(),
                ValidationErrorKind::AnyOf { .. } => "anyOf".to_string(),
                ValidationErrorKind::Enum { options } => format!("enum {options}"),
                ValidationErrorKind::Minimum { limit } => format!("minimum {limit}"),
                ValidationErrorKind::Maximum { limit } => format!("maximum {limit}"),
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    format!("additionalProperties {unexpected:?}")
                }
                ValidationErrorKind::Required { property } => {
                    format!("required {}", property.as_str().unwrap_or_default())
                }
                other => format!("unexpected kind {other:?}"),
            };
            format!("{} {detail} {}", e.instance_path().as_str(), e.instance())
        })
        .collect();
    out.sort();
    out
}

fn yaml_files() -> Vec<(String, String)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut files = Vec::new();
    for dir in [
        "examples",
        "crates/mcp-chart/tests/fixtures/validate",
        "wasm/fixtures/values",
        "benchmarks",
    ] {
        let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
            panic!("{root}/{dir} is missing");
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "yaml") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files.push((path.display().to_string(), text));
                }
            }
        }
    }
    files.push((
        "charts/mcp-server/values.yaml".into(),
        mcp_chart_core::embedded::VALUES_YAML.into(),
    ));
    files
}

#[test]
fn same_findings_on_every_values_file_in_the_repository() {
    let mut compared = 0;
    let mut with_findings = 0;
    for (name, text) in yaml_files() {
        let Ok((Some(doc), _)) = load_first_document(&text, &Limits::default()) else {
            continue;
        };
        let instance = doc.to_json();
        let expected = theirs(&instance);
        assert_eq!(ours(&instance), expected, "{name}");
        compared += 1;
        with_findings += usize::from(!expected.is_empty());
    }
    assert!(compared >= 40, "only {compared} files compared");
    assert!(
        with_findings >= 8,
        "only {with_findings} files fail the schema"
    );
}

/// A value for `schema`: mostly well-formed, sometimes the wrong type, an
/// unknown key, a missing required key or a number out of range.
fn shaped(schema: &'static Value, depth: u32) -> BoxedStrategy<Value> {
    let wrong = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-3i64..70_000).prop_map(Value::from),
        prop_oneof![Just(1.5), Just(2.0), Just(-0.5), Just(1e20)].prop_map(Value::from),
        "[a-zA-Z0-9]{0,4}".prop_map(Value::from),
        Just(json!([])),
        Just(json!({"x": 1})),
    ]
    .boxed();
    if depth == 0 {
        return wrong;
    }
    let right: BoxedStrategy<Value> = if let Some(props) = schema
        .get("properties")
        .and_then(Value::as_object)
        .filter(|p| !p.is_empty())
    {
        let entries: Vec<BoxedStrategy<Option<(String, Value)>>> = props
            .iter()
            .map(|(name, sub)| {
                let name = name.clone();
                proptest::option::weighted(0.4, shaped(sub, depth - 1))
                    .prop_map(move |v| v.map(|v| (name.clone(), v)))
                    .boxed()
            })
            .collect();
        let extra = proptest::option::weighted(
            0.2,
            ("(name|port|enabeld|Port|x~y|a/b)", shaped(schema, 0)),
        );
        (entries, extra)
            .prop_map(|(entries, extra)| {
                let mut map: Map<String, Value> = entries.into_iter().flatten().collect();
                if let Some((k, v)) = extra {
                    map.insert(k, v);
                }
                Value::Object(map)
            })
            .boxed()
    } else if let Some(add) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        proptest::collection::btree_map("[a-z/~]{1,3}", shaped(add, depth - 1), 0..3)
            .prop_map(|m: BTreeMap<String, Value>| Value::Object(m.into_iter().collect()))
            .boxed()
    } else if let Some(items) = schema.get("items") {
        proptest::collection::vec(shaped(items, depth - 1), 0..3)
            .prop_map(Value::Array)
            .boxed()
    } else if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        proptest::sample::select(options.clone()).boxed()
    } else if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        let picks: Vec<BoxedStrategy<Value>> =
            branches.iter().map(|b| shaped(b, depth - 1)).collect();
        proptest::strategy::Union::new(picks).boxed()
    } else {
        match schema.get("type").and_then(Value::as_str) {
            Some("integer") => {
                let lo = schema.get("minimum").and_then(Value::as_i64).unwrap_or(-5);
                let hi = schema.get("maximum").and_then(Value::as_i64).unwrap_or(100);
                (lo - 2..=hi + 2).prop_map(Value::from).boxed()
            }
            Some("boolean") => any::<bool>().prop_map(Value::from).boxed(),
            Some("string") => "[a-z]{0,5}".prop_map(Value::from).boxed(),
            _ => wrong.clone(),
        }
    };
    prop_oneof![8 => right, 1 => wrong].boxed()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn same_findings_on_values_shaped_by_the_schema(instance in shaped(values_schema(), 6)) {
        prop_assert_eq!(ours(&instance), theirs(&instance));
    }
}
