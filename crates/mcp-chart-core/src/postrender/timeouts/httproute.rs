//! HTTPRoute rule timeouts: each rule that sends traffic to the workload's
//! Service and has no `timeouts` gets `request: <proxySeconds>` and
//! `backendRequest: <min(readSeconds, proxySeconds)>` (so backendRequest ≤
//! request, as Gateway API requires), as canonical Gateway API durations.
//! Rules with `timeouts` are the user's and are left alone.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::super::error::Problem;
use super::super::summary::RuleSummary;
use super::duration::gateway_duration;
use super::TimeoutSettings;

/// `(request, backendRequest)` durations for `t`.
pub fn rule_timeouts(t: &TimeoutSettings) -> Result<(String, String), Problem> {
    let request = gateway_duration(t.proxy).ok_or_else(|| Problem::Timeout {
        message: format!(
            "proxySeconds {} cannot be written as a Gateway API duration (at most 99999h59m59s)",
            t.proxy
        ),
    })?;
    let backend_seconds = t.read.min(t.proxy);
    let backend = gateway_duration(backend_seconds).ok_or_else(|| Problem::Timeout {
        message: format!("{backend_seconds} seconds cannot be written as a Gateway API duration"),
    })?;
    Ok((request, backend))
}

/// Whether a backendRef points at one of `services` (a core Service).
fn refers_to(backend: &Value, services: &HashSet<String>) -> bool {
    let group_ok = backend
        .get("group")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty);
    let kind_ok = backend
        .get("kind")
        .and_then(Value::as_str)
        .is_none_or(|k| k == "Service");
    group_ok
        && kind_ok
        && backend
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| services.contains(n))
}

fn rule_routes_to(rule: &Value, services: &HashSet<String>) -> bool {
    rule.get("backendRefs")
        .and_then(Value::as_array)
        .is_some_and(|refs| refs.iter().any(|b| refers_to(b, services)))
}

/// Adds timeouts to those of `candidates` (0-based rule indexes, sorted:
/// the rules whose backendRefs name one of `services`, known from reading
/// the route) that route to `services` and have none. Returns what happened
/// to each such rule and whether anything changed. Visiting only the
/// candidates keeps a route shared by thousands of workloads linear.
pub fn add_rule_timeouts(
    route: &mut Value,
    candidates: &[usize],
    services: &HashSet<String>,
    t: &TimeoutSettings,
) -> Result<(Vec<RuleSummary>, bool), Problem> {
    let (request, backend) = rule_timeouts(t)?;
    let mut out = Vec::new();
    let mut changed = false;
    let Some(rules) = route
        .pointer_mut("/spec/rules")
        .and_then(Value::as_array_mut)
    else {
        return Ok((out, false));
    };
    for &i in candidates {
        let Some(rule) = rules.get_mut(i) else {
            continue;
        };
        if !rule_routes_to(rule, services) {
            continue;
        }
        let Some(map) = rule.as_object_mut() else {
            continue;
        };
        if map.get("timeouts").is_some_and(|v| !v.is_null()) {
            out.push(RuleSummary {
                rule: i + 1,
                added: None,
            });
            continue;
        }
        map.insert(
            "timeouts".into(),
            json!({"request": request, "backendRequest": backend}),
        );
        changed = true;
        out.push(RuleSummary {
            rule: i + 1,
            added: Some((request.clone(), backend.clone())),
        });
    }
    Ok((out, changed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(read: i64, proxy: i64) -> TimeoutSettings {
        TimeoutSettings {
            read,
            send: 10,
            proxy,
            sse: true,
            websocket: false,
        }
    }

    #[test]
    fn backend_request_never_exceeds_request() {
        assert_eq!(
            rule_timeouts(&settings(7200, 3600)).expect("fits"),
            ("1h".into(), "1h".into())
        );
        assert_eq!(
            rule_timeouts(&settings(90, 5400)).expect("fits"),
            ("1h30m".into(), "1m30s".into())
        );
        assert!(rule_timeouts(&settings(1, 400_000_000)).is_err());
    }

    #[test]
    fn only_rules_without_timeouts_to_our_service_change() {
        let services: HashSet<String> = ["svc".to_string()].into();
        let mut route = json!({"spec": {"rules": [
            {"backendRefs": [{"name": "svc", "port": 80}]},
            {"backendRefs": [{"name": "svc"}], "timeouts": {"request": "10s"}},
            {"backendRefs": [{"name": "other"}]},
            {"backendRefs": [{"name": "svc", "kind": "Backend", "group": "x.io"}]}
        ]}});
        let (summary, changed) =
            add_rule_timeouts(&mut route, &[0, 1, 2, 3], &services, &settings(3600, 3600))
                .expect("ok");
        assert!(changed);
        assert_eq!(summary.len(), 2);
        assert_eq!(
            route["spec"]["rules"][0]["timeouts"],
            json!({"request": "1h", "backendRequest": "1h"})
        );
        assert_eq!(
            route["spec"]["rules"][1]["timeouts"],
            json!({"request": "10s"})
        );
        assert!(route["spec"]["rules"][2].get("timeouts").is_none());
        assert!(route["spec"]["rules"][3].get("timeouts").is_none());
    }
}
