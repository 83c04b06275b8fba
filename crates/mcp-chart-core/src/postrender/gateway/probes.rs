//! Default probes of the gateway container, added only where none is set.
//!
//! mcp-proxy answers `GET /status` with 200 once it serves. The startup probe
//! gives setup steps (package installs) up to ten minutes before the liveness
//! probe may restart the container.

use serde_json::{json, Map, Value};

/// Adds the probes the container lacks; returns (added, kept) probe names.
pub fn add_default_probes(container: &mut Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let mut added = Vec::new();
    let mut kept = Vec::new();
    let has = |c: &Map<String, Value>, key: &str| c.get(key).is_some_and(|v| !v.is_null());
    if has(container, "readinessProbe") {
        kept.push("readinessProbe".to_string());
    } else {
        container.insert(
            "readinessProbe".into(),
            json!({
                "httpGet": {"path": "/status", "port": "http"},
                "periodSeconds": 10,
                "timeoutSeconds": 5,
                "failureThreshold": 3
            }),
        );
        added.push("readinessProbe (GET /status on port http)".to_string());
    }
    if has(container, "livenessProbe") {
        kept.push("livenessProbe".to_string());
    } else {
        container.insert(
            "livenessProbe".into(),
            json!({
                "tcpSocket": {"port": "http"},
                "periodSeconds": 20,
                "timeoutSeconds": 5,
                "failureThreshold": 3
            }),
        );
        added.push("livenessProbe (TCP port http)".to_string());
        if has(container, "startupProbe") {
            kept.push("startupProbe".to_string());
        } else {
            container.insert(
                "startupProbe".into(),
                json!({
                    "tcpSocket": {"port": "http"},
                    "periodSeconds": 5,
                    "failureThreshold": 120
                }),
            );
            added.push("startupProbe (TCP port http, up to 10 minutes)".to_string());
        }
    }
    (added, kept)
}
