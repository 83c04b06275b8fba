//! The generated ConfigMap that holds servers.json.

use serde_json::{json, Map, Value};

use super::super::classify::HELM4_FILENAME_ANNOTATION;

/// Key of servers.json in the ConfigMap.
pub const SERVERS_KEY: &str = "servers.json";

/// `<workload>-mcp-servers`, within the 253 characters of an object name.
pub fn config_map_name(workload: &str) -> String {
    const SUFFIX: &str = "-mcp-servers";
    let mut base: String = workload.chars().take(253 - SUFFIX.len()).collect();
    while base.ends_with(['-', '.']) {
        base.pop();
    }
    format!("{base}{SUFFIX}")
}

/// The ConfigMap: labels copied from the workload, Helm 4's filename
/// annotation copied when the workload has it, servers.json as data.
pub fn config_map(
    name: &str,
    workload_metadata: &Map<String, Value>,
    helm4_filename: Option<&str>,
    servers_json: &str,
) -> Value {
    let mut metadata = Map::new();
    metadata.insert("name".into(), Value::String(name.to_string()));
    if let Some(ns) = workload_metadata.get("namespace") {
        metadata.insert("namespace".into(), ns.clone());
    }
    if let Some(Value::Object(labels)) = workload_metadata.get("labels") {
        if !labels.is_empty() {
            metadata.insert("labels".into(), Value::Object(labels.clone()));
        }
    }
    if let Some(file) = helm4_filename {
        metadata.insert(
            "annotations".into(),
            json!({ HELM4_FILENAME_ANNOTATION: file }),
        );
    }
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata,
        "data": { SERVERS_KEY: servers_json },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_in_253_characters() {
        assert_eq!(config_map_name("docs"), "docs-mcp-servers");
        let long = "a".repeat(300);
        assert_eq!(config_map_name(&long).len(), 253);
        let dashed = format!("{}-b", "a".repeat(240));
        assert!(!config_map_name(&dashed).contains("--"));
    }
}
