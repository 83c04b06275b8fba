//! The generated schema accepts the shipped values examples and rejects the
//! mistakes users make most: typos, wrong enum values, out-of-range ports.

use mcp_chart_core::schema::values_schema;
use mcp_chart_core::yaml::{load_first_document, Limits};
use serde_json::Value;

const VALUES_EXAMPLES: &[&str] = &[
    "node-mcp-remote.yaml",
    "python-aws-docs.yaml",
    "stdio-gateway-named-servers.yaml",
    "ingress-websocket-nginx.yaml",
    "httproute-sse-gatewayapi.yaml",
    "httproute-websocket-gatewayapi.yaml",
];

fn values(text: &str) -> Value {
    let (doc, _) = load_first_document(text, &Limits::default()).expect("valid YAML");
    doc.map_or(Value::Object(Default::default()), |d| d.to_json())
}

fn errors(text: &str) -> Vec<String> {
    let validator = jsonschema::validator_for(&values_schema()).expect("schema compiles");
    let instance = values(text);
    validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn example(name: &str) -> String {
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_values_example_is_accepted() {
    for name in VALUES_EXAMPLES {
        assert_eq!(errors(&example(name)), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn the_gateway_manifest_is_not_a_values_file() {
    let found = errors(&example("gateway-http.yaml"));
    assert!(found.iter().any(|e| e.contains("apiVersion")), "{found:?}");
}

#[test]
fn misspelled_top_level_key_is_rejected() {
    let found = errors("replicaCont: 2\n");
    assert!(found.iter().any(|e| e.contains("replicaCont")), "{found:?}");
}

#[test]
fn misspelled_nested_key_is_rejected() {
    let found = errors("transport:\n  stdioGateway:\n    enabeld: true\n");
    assert!(
        found
            .iter()
            .any(|e| e.contains("enabeld") && e.contains("/transport/stdioGateway")),
        "{found:?}"
    );
}

#[test]
fn wrong_enum_value_is_rejected() {
    let found = errors("mode: docker\n");
    assert!(
        found
            .iter()
            .any(|e| e.contains("docker") && e.contains("/mode")),
        "{found:?}"
    );
    let found = errors("transport:\n  type: sse\n");
    assert!(
        found.iter().any(|e| e.contains("/transport/type")),
        "{found:?}"
    );
}

#[test]
fn port_out_of_range_is_rejected() {
    let found = errors("service:\n  port: 70000\n");
    assert!(
        found
            .iter()
            .any(|e| e.contains("70000") && e.contains("/service/port")),
        "{found:?}"
    );
    let found = errors("transport:\n  stdioGateway:\n    port: 0\n");
    assert!(
        found
            .iter()
            .any(|e| e.contains("/transport/stdioGateway/port")),
        "{found:?}"
    );
}

#[test]
fn global_is_allowed_at_the_root() {
    assert_eq!(
        errors("global:\n  imageRegistry: example.org\n"),
        Vec::<String>::new()
    );
}

#[test]
fn kubernetes_pass_through_objects_stay_open() {
    let text = "resources:\n  limits:\n    cpu: 500m\nlivenessProbe:\n  httpGet:\n    path: /status\n    port: http\n";
    assert_eq!(errors(text), Vec::<String>::new());
}

/// docs/schema.md: only draft-07 keywords, so no OpenAPI `format`s
/// (`int64`, `double`) that draft-07 validators do not define.
#[test]
fn the_schema_has_no_openapi_formats() {
    fn formats(value: &Value, path: &str, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    // A property named `format` is a key of the values, not the keyword.
                    if key == "format" && !path.ends_with("/properties") {
                        found.push(format!("{path}: format {child}"));
                    }
                    formats(child, &format!("{path}/{key}"), found);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    formats(item, &format!("{path}/{i}"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    formats(&values_schema(), "", &mut found);
    assert_eq!(found, Vec::<String>::new());
}
