//! Read only what you own (issue 15): documents the post-renderer does not
//! need pass through byte for byte even when its YAML reader would refuse
//! them, and never make the run fail; documents that may hide the chart's
//! workload (a List, a piece with several YAML documents, an unreadable
//! document that mentions the annotation) are refused with a located error
//! instead of being skipped (issue 18, item 3). Also: work grows linearly
//! when many workloads share one Ingress and one HTTPRoute (issue 18, item
//! 6), runs of empty documents take one entry (item 7), and the `--values`
//! refusals of issue 15 (nested proxies, long candidate lists).

mod support;

use mcp_chart_core::postrender::classify::{bytes_read, classify, Shape};
use mcp_chart_core::postrender::split::split;
use mcp_chart_core::postrender::{post_render, PostRenderError, PostRenderOptions, PostRendered};
use proptest::prelude::*;
use serde_json::json;

const TRANSPORT: &str =
    r#"{"type":"stdio","stdioGateway":{"enabled":true,"server":{"command":"srv"}}}"#;
const NAMED: &str = r#"{"type":"stdio","stdioGateway":{"enabled":true,"servers":{"a":{"command":"uvx","args":["a"]}}}}"#;

/// The chart's workload (`name`, pods labelled `app: <name>`).
fn workload(name: &str, transport: &str) -> String {
    format!(
        "---\n# Source: mcp-server/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\n\
         metadata:\n  name: {name}\n  annotations:\n    mcp-chart/transport: {}\nspec:\n  template:\n    \
         metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: mcp-server\n        \
         image: srv:1\n        command: [srv]\n        ports:\n        - containerPort: 3000\n",
        serde_json::to_string(transport).expect("json")
    )
}

fn service(name: &str, app: &str) -> String {
    format!(
        "---\n# Source: mcp-server/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n\
         spec:\n  selector:\n    app: {app}\n  ports:\n  - name: web\n    port: 80\n    targetPort: 3000\n"
    )
}

fn render(input: &str, options: &PostRenderOptions) -> Result<PostRendered, PostRenderError> {
    let result = post_render(input, options);
    if let Ok(r) = &result {
        support::check_contract(input, options, r);
    }
    result
}

fn ok(input: &str) -> PostRendered {
    render(input, &PostRenderOptions::default()).unwrap_or_else(|e| panic!("{e}\n{input}"))
}

fn refused(input: &str, options: &PostRenderOptions) -> PostRenderError {
    match render(input, options) {
        Ok(_) => panic!("not refused:\n{input}"),
        Err(err) => {
            assert!(err.place.is_some(), "not located: {err}");
            err
        }
    }
}

/// The YAML forms of issue 15's "Why" that Helm and kubectl accept (checked
/// with `kubectl annotate --local -f … -o json`), each in a document another
/// chart renders (none of them the post-renderer's). The project's reader
/// refused each of them when this was written.
fn foreign_forms() -> Vec<(&'static str, String)> {
    vec![
        (
            // MinIO: a flow sequence closed at the key's own indentation.
            "minio-command",
            "---\n# Source: loki/charts/minio/templates/statefulset.yaml\napiVersion: apps/v1\nkind: StatefulSet\n\
             metadata:\n  name: loki-minio\nspec:\n  template:\n    spec:\n      containers:\n        - name: minio\n          \
             command: [ \"/bin/sh\",\n          \"-ce\",\n          \"/usr/bin/docker-entrypoint.sh minio server /export\" ]\n          \
             args: [\n          ]\n"
                .to_string(),
        ),
        (
            // Helm 4's re-serialised kube-prometheus-stack CRD: multi-line
            // single-quoted with the closing quote at column 0.
            "single-quote-column-0",
            "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: prometheuses.monitoring.coreos.com\n  \
             annotations:\n    postrenderer.helm.sh/postrender-filename: crds/crd-prometheuses.yaml\nspec:\n  versions:\n  - name: v1\n    schema:\n      \
             openAPIV3Schema:\n        description: 'Prometheus defines a Prometheus deployment.\n\n          It''s long.\n\n'\n        type: object\n"
                .to_string(),
        ),
        (
            "double-quote-column-0",
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dq\ndata:\n  a: \"first\nsecond\"\n  b: x\n".to_string(),
        ),
        (
            "flow-sequence-closed-at-column-0",
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flow\ndata:\n  a: b\nlist: [a,\nb\n]\n".to_string(),
        ),
        (
            "tab-after-colon",
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tabbed\ndata:\n  a:\tb\n  c:\t\"d\"\n".to_string(),
        ),
    ]
}

#[test]
fn why_forms_in_other_charts_documents_pass_through() {
    for (name, foreign) in foreign_forms() {
        for before in [true, false] {
            let ours = format!("{}{}", workload("mcp", TRANSPORT), service("mcp", "mcp"));
            let input = if before {
                format!("{foreign}{ours}")
            } else {
                format!("{ours}{foreign}")
            };
            let r = ok(&input);
            assert!(r.output.contains(&foreign), "{name}: not byte for byte");
            assert!(
                r.output.contains("name: mcp-gateway"),
                "{name}: not injected"
            );
            assert_eq!(r.summary.workloads.len(), 1, "{name}");
        }
        // Without the chart at all, the stream is the output.
        assert_eq!(ok(&foreign).output, foreign, "{name}");
    }
}

#[test]
fn an_unreadable_document_that_may_be_ours_is_an_error() {
    // Mentions the annotation: it may be an annotated workload.
    let broken = "---\nkind: Deployment\nmetadata:\n  name: w\n  annotations:\n    mcp-chart/transport: '{}'\nspec: [a\n";
    let err = refused(broken, &PostRenderOptions::default());
    let place = err.place.expect("located");
    assert_eq!(place.document, 1);
    assert_eq!(place.object.as_deref(), Some("Deployment/w"));
    // A Service next to the workload may select its pods.
    let input = format!(
        "{}---\nkind: Service\nmetadata:\n  name: s\nspec:\n\tselector: {{}}\n",
        workload("mcp", TRANSPORT)
    );
    let err = refused(&input, &PostRenderOptions::default());
    assert_eq!(err.place.expect("located").document, 2);
    // One whose selector cannot pick the workload's pods is not needed, and an
    // Ingress that names no Service of the workload neither.
    let input = format!(
        "{}---\nkind: Service\nmetadata:\n  name: other\nspec:\n  selector:\n    app: other\n  ports: [\n\
         ---\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  rules: [\n",
        workload("mcp", TRANSPORT)
    );
    assert!(ok(&input).output.contains("mcp-gateway"));
    // With --values, an unreadable workload may be the one the values are for,
    // unless --workload names another.
    let input = format!(
        "---\nkind: Deployment\nmetadata:\n  name: other\nspec: [\n{}",
        workload("mcp", TRANSPORT).replace("    mcp-chart/transport", "    x")
    );
    let values = PostRenderOptions {
        values: Some(json!({"transport": {"type": "http-sse"}})),
        ..PostRenderOptions::default()
    };
    refused(&input, &values);
    let named = PostRenderOptions {
        workload: Some("Deployment/mcp".into()),
        ..values
    };
    let r = render(&input, &named).expect("the other workload is not needed");
    assert!(r
        .output
        .starts_with("---\nkind: Deployment\nmetadata:\n  name: other\nspec: [\n"));
}

#[test]
fn a_workload_behind_a_document_end_marker_is_refused() {
    let ours = workload("mcp", TRANSPORT);
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    // Kubernetes reads only the first document of such a piece
    // (`kubectl annotate --local -f` prints one object).
    for input in [
        format!("{ours}...\n{cm}"),
        format!("---\n{cm}...\n{}", ours.trim_start_matches("---\n")),
    ] {
        let err = refused(&input, &PostRenderOptions::default());
        assert!(err.to_string().contains("`...`"), "{err}");
        assert_eq!(err.place.as_ref().expect("located").document, 1);
    }
    // `...` with nothing after it is only an end marker.
    let input = format!("{ours}...\n# done\n");
    assert!(ok(&input).output.contains("mcp-gateway"));
}

#[test]
fn a_list_wrapping_an_annotated_workload_is_refused() {
    let item = workload("mcp", TRANSPORT)
        .lines()
        .skip(2)
        .collect::<Vec<_>>()
        .join("\n  ");
    let input = format!("---\napiVersion: v1\nkind: List\nitems:\n- {item}\n");
    let err = refused(&input, &PostRenderOptions::default());
    let place = err.place.clone().expect("located");
    assert_eq!((place.document, place.location.line), (1, 5));
    assert!(err.to_string().contains("Deployment/mcp"), "{err}");
    // A hook inside a List is not the chart's workload.
    let hook = input.replace(
        "  annotations:\n",
        "  annotations:\n      helm.sh/hook: test\n",
    );
    assert_eq!(ok(&hook).output, hook);
}

#[test]
fn a_config_map_inside_a_list_clashes_with_the_generated_one() {
    let list = "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: mcp-mcp-servers\n";
    let input = format!("{}{list}", workload("mcp", NAMED));
    let err = refused(&input, &PostRenderOptions::default());
    let place = err.place.clone().expect("located");
    assert_eq!((place.document, place.location.line), (2, 25));
    assert!(err.to_string().contains("mcp-mcp-servers"), "{err}");
    // Other names do not clash.
    let input = input.replace("name: mcp-mcp-servers", "name: other");
    assert!(ok(&input).output.contains("mcp-mcp-servers"));
}

#[test]
fn runs_of_empty_documents_take_one_entry() {
    let n = 200_000;
    let input = "---\n".repeat(n);
    let docs = classify(&input).expect("classifies");
    assert_eq!(docs.len(), 1);
    assert_eq!((docs[0].shape, docs[0].pieces), (Shape::Empty, n));
    let r = ok(&input);
    assert_eq!(r.output, input);
    assert_eq!(r.summary.documents, n);
    // Numbering after the run still counts every piece.
    let input = format!("{}{}", "---\n# c\n".repeat(5), workload("mcp", "{]"));
    let err = refused(&input, &PostRenderOptions::default());
    assert_eq!(err.place.expect("located").document, 6);
}

#[test]
fn documents_not_needed_are_not_read() {
    let foreign: String = (0..200)
        .map(|i| format!("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s{i}\ndata:\n  k: dmFsdWU=\n"))
        .collect();
    let ours = format!("{}{}", workload("mcp", TRANSPORT), service("mcp", "mcp"));
    let before = bytes_read();
    ok(&format!("{foreign}{ours}"));
    let read = bytes_read() - before;
    // The workload (read twice: classified, then changed) and its Service.
    assert!(
        read < 3 * ours.len() as u64,
        "read {read} bytes of a {}-byte stream",
        foreign.len() + ours.len()
    );
}

/// `n` annotated workloads, each with its Service, all behind one Ingress and
/// one HTTPRoute (one path and one rule per workload).
fn shared_routes(n: usize) -> String {
    let mut out = String::new();
    let mut paths = String::new();
    let mut rules = String::new();
    for i in 0..n {
        out.push_str(&workload(&format!("w{i}"), TRANSPORT));
        out.push_str(&service(&format!("s{i}"), &format!("w{i}")));
        paths.push_str(&format!(
            "      - path: /w{i}\n        pathType: Prefix\n        backend:\n          service:\n            name: s{i}\n            port:\n              number: 80\n"
        ));
        rules.push_str(&format!(
            "  - backendRefs:\n    - name: s{i}\n      port: 80\n"
        ));
    }
    out.push_str(&format!(
        "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shared\nspec:\n  ingressClassName: nginx\n  rules:\n  - http:\n      paths:\n{paths}"
    ));
    out.push_str(&format!(
        "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: shared\nspec:\n  rules:\n{rules}"
    ));
    out
}

#[test]
fn many_workloads_sharing_one_ingress_and_route_cost_linear_work() {
    let mut per_byte = Vec::new();
    for n in [100, 400] {
        let input = shared_routes(n);
        let before = bytes_read();
        let r = ok(&input);
        let read = bytes_read() - before;
        assert_eq!(r.summary.workloads.len(), n);
        assert_eq!(r.summary.ingresses.len(), n);
        let timeouts = r.output.matches("backendRequest:").count();
        assert_eq!(timeouts, n, "every rule gets its timeouts");
        per_byte.push(read as f64 / input.len() as f64);
    }
    // Quadratic work would read the shared documents once per workload: 4×
    // the input gives ~16× the bytes read, and per input byte ~4×.
    assert!(
        per_byte[1] < per_byte[0] * 1.3,
        "bytes read per input byte grew from {:.2} to {:.2}",
        per_byte[0],
        per_byte[1]
    );
}

#[test]
fn a_container_already_running_mcp_proxy_is_not_wrapped_again() {
    let input = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: up\nspec:\n  template:\n    spec:\n      containers:\n      - name: up\n        image: ghcr.io/sparfenyuk/mcp-proxy:latest\n        command: [mcp-proxy]\n        args: [--port, \"8096\", --, uvx, mcp-server-fetch]\n";
    let options = PostRenderOptions {
        values: Some(json!({"transport": {"type": "stdio", "stdioGateway": {"enabled": true}}})),
        ..PostRenderOptions::default()
    };
    let err = refused(input, &options);
    let text = err.to_string();
    assert!(text.contains("already runs mcp-proxy"), "{text}");
    assert!(
        text.contains("transport.stdioGateway.enabled=false"),
        "{text}"
    );
    assert_eq!(err.place.expect("located").location.line, 10);
    // Also inside a shell script.
    let sh = input.replace(
        "command: [mcp-proxy]\n        args: [--port, \"8096\", --, uvx, mcp-server-fetch]",
        "command: [sh, -c, \"exec /usr/local/bin/mcp-proxy --port 8096 -- uvx x\"]",
    );
    refused(&sh, &options);
}

#[test]
fn the_candidates_error_names_at_most_ten() {
    let input: String = (0..25)
        .map(|i| {
            workload(&format!("w{i:02}"), TRANSPORT).replace("    mcp-chart/transport", "    x")
        })
        .collect();
    let options = PostRenderOptions {
        values: Some(json!({})),
        ..PostRenderOptions::default()
    };
    let err = post_render(&input, &options).expect_err("ambiguous");
    let text = err.to_string();
    assert!(
        text.contains("Deployment/w09") && !text.contains("Deployment/w10"),
        "{text}"
    );
    assert!(text.contains("and 15 more"), "{text}");
}

// --- property: foreign unreadable documents never matter -----------------------------

/// Documents other charts render that the project's reader refuses (or that
/// are hostile to read), none of them the post-renderer's.
fn broken_foreign() -> impl Strategy<Value = String> {
    let forms: Vec<String> = foreign_forms().into_iter().map(|(_, text)| text).collect();
    prop_oneof![
        prop::sample::select(forms),
        Just(
            "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: broken\ndata: [a, b\n"
                .to_string()
        ),
        Just("---\nkind: Role\nmetadata:\n  name: r\nrules:\n\t- x\n".to_string()),
        Just("---\nkind: ConfigMap\nmetadata:\n  name: q\ndata:\n  a: 'unclosed\n".to_string()),
        Just("---\nkind: ConfigMap\nmetadata:\n  name: alias\ndata: *nowhere\n".to_string()),
        Just(format!(
            "---\nkind: ConfigMap\nmetadata:\n  name: deep\ndata: {}{}\n",
            "[".repeat(3000),
            "]".repeat(3000)
        )),
        "[a-z]{1,8}"
            .prop_map(|n| format!("---\nkind: Job\nmetadata:\n  name: {n}\nspec: {{a: [}}\n")),
    ]
}

/// The chart's own documents (read or changed by the post-renderer).
fn owned() -> impl Strategy<Value = String> {
    prop_oneof![
        (0usize..3)
            .prop_map(|i| workload(&format!("w{i}"), if i == 2 { NAMED } else { TRANSPORT })),
        (0usize..3).prop_map(|i| service(&format!("s{i}"), &format!("w{i}"))),
        Just(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  a: b\n"
                .to_string()
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn unreadable_foreign_documents_pass_through_and_change_nothing_else(
        docs in prop::collection::vec(
            prop_oneof![owned().prop_map(|t| (t, false)), broken_foreign().prop_map(|t| (t, true))],
            0..12,
        )
    ) {
        // Distinct names for repeated owned documents would change nothing
        // here; duplicates of the same workload are simply dropped.
        let mut seen = std::collections::HashSet::new();
        let docs: Vec<(String, bool)> = docs.into_iter().filter(|(t, f)| *f || seen.insert(t.clone())).collect();
        let mixed: String = docs.iter().map(|(t, _)| t.as_str()).collect();
        let own_only: String = docs.iter().filter(|(_, f)| !f).map(|(t, _)| t.as_str()).collect();
        let options = PostRenderOptions::default();
        let expected = post_render(&own_only, &options);
        let got = post_render(&mixed, &options);
        match (expected, got) {
            (Ok(expected), Ok(got)) => {
                support::check_contract(&mixed, &options, &got);
                let foreign: Vec<&str> = docs.iter().filter(|(_, f)| *f).map(|(t, _)| t.as_str()).collect();
                let out_pieces = split(&got.output);
                let (kept, rest): (Vec<&str>, Vec<&str>) = out_pieces
                    .iter()
                    .map(|p| p.text)
                    .partition(|t| foreign.contains(t));
                prop_assert_eq!(kept, foreign, "foreign documents, in order, byte for byte");
                prop_assert_eq!(rest.concat(), expected.output);
            }
            (Err(e), _) => return Err(TestCaseError::fail(format!("own documents alone fail: {e}"))),
            (Ok(_), Err(e)) => return Err(TestCaseError::fail(format!("{e}\n{mixed}"))),
        }
    }
}
