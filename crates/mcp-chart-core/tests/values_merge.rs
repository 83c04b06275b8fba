//! Helm's merge order and null/list semantics, with provenance.

use mcp_chart_core::location::Location;
use mcp_chart_core::model::Values;
use mcp_chart_core::values::{merge, SetArg, ValuesError, ValuesSource, CHART_DEFAULTS};
use serde_json::json;

fn src<'a>(name: &'a str, text: &'a str) -> ValuesSource<'a> {
    ValuesSource { name, text }
}

#[test]
fn no_files_gives_the_model_defaults() {
    let merged = merge(&[], &[]).expect("merges");
    assert_eq!(
        merged.json,
        serde_json::to_value(Values::default()).expect("serializes")
    );
    assert_eq!(merged.sources, vec![CHART_DEFAULTS.to_string()]);
}

#[test]
fn empty_and_comment_only_files_mean_no_overrides() {
    let merged = merge(
        &[
            src("empty.yaml", ""),
            src("comments.yaml", "# nothing\n---\n"),
        ],
        &[],
    )
    .expect("merges");
    assert_eq!(
        merged.json,
        serde_json::to_value(Values::default()).expect("serializes")
    );
}

#[test]
fn later_files_and_set_win_and_keep_their_origin() {
    let first = "service:\n  port: 8080\nmode: node\n";
    let second = "# second\nservice:\n  type: NodePort\n  port: 9090\n";
    let merged = merge(
        &[src("a.yaml", first), src("b.yaml", second)],
        &[SetArg::new("mode=python,replicaCount=3")],
    )
    .expect("merges");
    assert_eq!(
        merged.json["service"],
        json!({"type": "NodePort", "port": 9090})
    );
    assert_eq!(merged.json["mode"], "python");
    assert_eq!(merged.json["replicaCount"], 3);

    let port = merged.origin("/service/port").expect("has origin");
    assert_eq!(merged.sources[port.source], "b.yaml");
    assert_eq!(port.value.start, Location::new(4, 9));
    assert_eq!(port.key.expect("key span").start, Location::new(4, 3));

    let mode = merged.origin("/mode").expect("has origin");
    assert_eq!(
        merged.sources[mode.source],
        "--set mode=python,replicaCount=3"
    );
    assert_eq!(mode.value.start, Location::new(1, 6));

    // Untouched defaults point into the chart's values.yaml.
    let image = merged.origin("/image/repository").expect("has origin");
    assert_eq!(image.source, 0);
    assert!(image.value.start.line > 1);
}

#[test]
fn null_deletes_a_default_and_lists_replace() {
    let text = "ingress:\n  hosts: null\nhttpRoute:\n  hostnames: [a.example, b.example]\n";
    let merged = merge(&[src("v.yaml", text)], &[SetArg::new("autoscaling=null")]).expect("merges");
    assert!(merged.json["ingress"].get("hosts").is_none());
    assert!(merged.json.get("autoscaling").is_none());
    assert_eq!(
        merged.json["httpRoute"]["hostnames"],
        json!(["a.example", "b.example"])
    );
    // Maps merge: the rest of httpRoute's defaults stay.
    assert_eq!(merged.json["httpRoute"]["enabled"], false);
}

#[test]
fn null_in_an_earlier_file_does_not_hide_a_later_map() {
    let merged = merge(
        &[
            src("a.yaml", "service: null\n"),
            src("b.yaml", "service:\n  port: 1234\n"),
        ],
        &[],
    )
    .expect("merges");
    assert_eq!(
        merged.json["service"],
        json!({"type": "ClusterIP", "port": 1234})
    );
}

#[test]
fn nearest_origin_walks_up_to_an_ancestor() {
    let merged = merge(&[src("v.yaml", "podLabels:\n  team: mcp\n")], &[]).expect("merges");
    let (pointer, origin) = merged
        .nearest_origin("/podLabels/team/nothing")
        .expect("found");
    assert_eq!(pointer, "/podLabels/team");
    assert_eq!(merged.sources[origin.source], "v.yaml");
}

#[test]
fn a_list_at_the_top_is_not_a_values_file() {
    let err = merge(&[src("list.yaml", "\n- a\n- b\n")], &[]).expect_err("fails");
    assert_eq!(
        err,
        ValuesError::NotAMap {
            source_name: "list.yaml".into(),
            location: Location::new(2, 1),
            found: "list"
        }
    );
}

#[test]
fn yaml_hazards_are_reported_with_their_source() {
    let merged = merge(&[src("v.yaml", "config:\n  enabled: yes\n")], &[]).expect("merges");
    assert_eq!(merged.hazards.len(), 1);
    assert_eq!(merged.sources[merged.hazards[0].source], "v.yaml");
    assert_eq!(merged.json["config"]["enabled"], true);
}
