//! The chart's guard against a missing post-renderer: in stdio-gateway mode
//! the chart renders an init container that prints what is wrong and exits 1,
//! so a release installed without the post-renderer never becomes Ready
//! (instead of running a stdio server nothing can reach). The post-renderer
//! removes it from every workload it processes.

use serde_json::Value;

/// Name of the chart's guard init container.
pub const GUARD_CONTAINER: &str = "mcp-chart-post-renderer-required";

/// Removes the guard init container from a workload (and `initContainers`
/// when it was the only one). Returns whether it was there.
pub fn remove_guard(workload: &mut Value) -> bool {
    let Some(pod) = workload
        .pointer_mut("/spec/template/spec")
        .and_then(Value::as_object_mut)
    else {
        return false;
    };
    let Some(Value::Array(inits)) = pod.get_mut("initContainers") else {
        return false;
    };
    let before = inits.len();
    inits.retain(|c| c.get("name").and_then(Value::as_str) != Some(GUARD_CONTAINER));
    let removed = inits.len() != before;
    if removed && inits.is_empty() {
        pod.shift_remove("initContainers");
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn removes_only_the_guard() {
        let mut alone = json!({"spec": {"template": {"spec": {
            "initContainers": [{"name": GUARD_CONTAINER}], "containers": []}}}});
        assert!(remove_guard(&mut alone));
        assert_eq!(
            alone,
            json!({"spec": {"template": {"spec": {"containers": []}}}})
        );
        assert!(!remove_guard(&mut alone));

        let mut with_others = json!({"spec": {"template": {"spec": {
            "initContainers": [{"name": "setup"}, {"name": GUARD_CONTAINER}]}}}});
        assert!(remove_guard(&mut with_others));
        assert_eq!(
            with_others,
            json!({"spec": {"template": {"spec": {"initContainers": [{"name": "setup"}]}}}})
        );
        assert!(!remove_guard(&mut json!({"spec": null})));
    }
}
