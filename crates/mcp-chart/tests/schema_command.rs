//! `mcp-chart schema` against the chart's values contract
//! (tests/fixtures/seed-values-table.tsv: every key, type and default).

use std::process::Command;

use serde_json::Value;

fn printed_schema() -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .arg("schema")
        .output()
        .expect("runs mcp-chart");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("prints JSON")
}

fn contract_rows() -> Vec<(String, String, Value)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/seed-values-table.tsv"
    );
    let text = std::fs::read_to_string(path).expect("fixture exists");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let mut cols = line.splitn(3, '\t');
            let key = cols.next().unwrap_or_default().to_string();
            let kind = cols.next().unwrap_or_default().to_string();
            let default =
                serde_json::from_str(cols.next().unwrap_or("null")).expect("default is JSON");
            (key, kind, default)
        })
        .collect()
}

/// Finds `key` (`a.b`, `a.list[0].c`) in the schema: the property's schema while
/// the path follows properties, then the default value once it indexes a list.
fn lookup(schema: &Value, key: &str) -> Result<(Option<Value>, Value), String> {
    let mut node = Some(schema.clone());
    let mut value: Option<Value> = None;
    for segment in key.split('.') {
        let (name, index) = match segment.split_once('[') {
            Some((name, rest)) => (
                name,
                Some(rest.trim_end_matches(']').parse::<usize>().expect("index")),
            ),
            None => (segment, None),
        };
        if let Some(v) = value.take() {
            value = Some(
                v.get(name)
                    .cloned()
                    .ok_or_else(|| format!("{key}: no `{name}` in default"))?,
            );
        } else {
            let n = node.take().ok_or_else(|| format!("{key}: lost"))?;
            let prop = n
                .get("properties")
                .and_then(|p| p.get(name))
                .cloned()
                .ok_or_else(|| format!("{key}: schema has no property `{name}`"))?;
            node = Some(prop);
        }
        if let Some(i) = index {
            let list = match value.take() {
                Some(v) => v,
                None => node
                    .take()
                    .and_then(|n| n.get("default").cloned())
                    .ok_or_else(|| format!("{key}: no default"))?,
            };
            value = Some(
                list.get(i)
                    .cloned()
                    .ok_or_else(|| format!("{key}: default has no item {i}"))?,
            );
        }
    }
    match (node, value) {
        (_, Some(v)) => Ok((None, v)),
        (Some(n), None) => {
            let default = n
                .get("default")
                .cloned()
                .ok_or_else(|| format!("{key}: no default"))?;
            Ok((Some(n), default))
        }
        (None, None) => Err(format!("{key}: nothing found")),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "object",
        Value::Array(_) => "list",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() => "int",
        Value::Number(_) => "number",
        Value::Null => "null",
    }
}

#[test]
fn schema_names_every_contract_key_with_its_type_and_default() {
    let schema = printed_schema();
    let rows = contract_rows();
    assert!(
        rows.len() >= 85,
        "the fixture lists the whole table ({} rows)",
        rows.len()
    );
    let mut problems = Vec::new();
    for (key, kind, expected) in &rows {
        match lookup(&schema, key) {
            Err(e) => problems.push(e),
            Ok((prop, default)) => {
                if &default != expected {
                    problems.push(format!("{key}: default {default} != {expected}"));
                }
                if json_type(&default) != kind {
                    problems.push(format!(
                        "{key}: default is {} but the table says {kind}",
                        json_type(&default)
                    ));
                }
                let schema_type = prop
                    .as_ref()
                    .and_then(|p| p.get("type"))
                    .and_then(Value::as_str);
                let expected_schema_type = match kind.as_str() {
                    "list" => "array",
                    "bool" => "boolean",
                    "int" => "integer",
                    other => other,
                };
                if let Some(t) = schema_type {
                    if t != expected_schema_type {
                        problems.push(format!("{key}: schema type {t}, table says {kind}"));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "contract mismatches:\n{}",
        problems.join("\n")
    );
}

#[test]
fn schema_is_draft_07_closed_at_the_root_and_allows_global() {
    let schema = printed_schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
    assert!(schema["properties"]["global"].is_object());
    assert_eq!(
        schema["properties"]["transport"]["properties"]["stdioGateway"]["additionalProperties"],
        false
    );
    // Kubernetes pass-through objects stay open.
    for open in ["resources", "affinity", "livenessProbe", "securityContext"] {
        assert_eq!(
            schema["properties"][open]["additionalProperties"], true,
            "{open}"
        );
    }
}

#[test]
fn committed_schema_files_match_the_generator() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .args(["schema", "--write", "--check", "--root", root])
        .output()
        .expect("runs mcp-chart");
    assert!(
        out.status.success(),
        "generated files drifted; run `cargo run -p mcp-chart -- schema --write`:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
