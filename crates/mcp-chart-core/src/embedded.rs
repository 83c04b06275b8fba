//! The chart's generated files as committed, built into the core.
//!
//! Validation and the values merge read these instead of generating the schema
//! and the default values.yaml from the model on every run: parsing the
//! committed JSON is about four times cheaper than generating it, which is most
//! of `mcp-chart validate`'s start-up. The tests below (and CI's drift check)
//! keep them equal to what the model generates. The copies live in the crate
//! (`chart/`, written by `mcp-chart schema --write` with the chart's) so that
//! the published crate builds on its own.

use std::sync::OnceLock;

use serde_json::Value;

/// `charts/mcp-server/values.schema.json`, as committed (the crate's copy).
pub const VALUES_SCHEMA_JSON: &str = include_str!("../chart/values.schema.json");

/// `charts/mcp-server/Chart.yaml` (name, version, appVersion for the chart
/// rendering; the crate's copy).
pub const CHART_YAML: &str = include_str!("../chart/Chart.yaml");

/// `charts/mcp-server/values.yaml`, as committed (the crate's copy).
pub const VALUES_YAML: &str = include_str!("../chart/values.yaml");

/// The values schema, parsed once. The tests rule out an unreadable file; if
/// it were, `null` makes validation report "the values schema does not
/// compile" (falling back to the generator would link it into the wasm
/// builds, which otherwise never call it).
pub fn values_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(VALUES_SCHEMA_JSON).unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schema_is_what_the_model_generates() {
        assert!(
            VALUES_SCHEMA_JSON == crate::schema::values_schema_text(),
            "crates/mcp-chart-core/chart/values.schema.json is stale: run `mcp-chart schema --write`"
        );
        assert_eq!(*values_schema(), crate::schema::values_schema());
    }

    #[test]
    fn embedded_values_yaml_is_what_the_model_generates() {
        assert!(
            VALUES_YAML == crate::defaults::default_values_yaml(),
            "crates/mcp-chart-core/chart/values.yaml is stale: run `mcp-chart schema --write`"
        );
    }
}
