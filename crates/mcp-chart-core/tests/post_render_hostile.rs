//! Hostile input (DESIGN §11): each case is refused with a located error or
//! passed through untouched; nothing panics, nothing takes long.

mod support;

use std::time::{Duration, Instant};

use mcp_chart_core::postrender::{
    post_render, post_render_bytes, PostRenderError, PostRenderOptions, Problem,
};

fn workload(transport_json: &str) -> String {
    format!(
        "---\n# Source: c/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mcp\n  annotations:\n    mcp-chart/transport: {}\nspec:\n  template:\n    metadata:\n      labels: {{app: mcp}}\n    spec:\n      containers:\n      - name: mcp-server\n        image: x\n        command: [srv]\n",
        serde_json::to_string(transport_json).expect("json")
    )
}

fn gateway(extra: &str) -> String {
    format!(r#"{{"type":"stdio","stdioGateway":{{"enabled":true{extra}}}}}"#)
}

fn render(input: &str) -> Result<mcp_chart_core::postrender::PostRendered, PostRenderError> {
    let start = Instant::now();
    let result = post_render(input, &PostRenderOptions::default());
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    if let Ok(r) = &result {
        support::check_contract(input, &PostRenderOptions::default(), r);
    }
    result
}

fn located(err: &PostRenderError) -> (usize, u32) {
    let place = err
        .place
        .as_ref()
        .unwrap_or_else(|| panic!("not located: {err}"));
    (place.document, place.location.line)
}

/// The chart's workload head: its annotation makes the document one the
/// post-renderer must read.
const OURS: &str =
    "kind: Deployment\nmetadata:\n  name: w\n  annotations:\n    mcp-chart/transport: '{}'\n";

#[test]
fn alias_bombs_are_refused_where_they_are() {
    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for (i, prev) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
        let name = (b'b' + i as u8) as char;
        bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    let ours = format!("---\nkind: ConfigMap\nmetadata: {{name: ok}}\n---\n{OURS}{bomb}");
    let err = render(&ours).expect_err("billion laughs");
    assert_eq!(located(&err).0, 2);
    assert!(err.to_string().contains("aliases"), "{err}");
    // In a document the post-renderer does not need, it is not expanded.
    let foreign = format!("---\nkind: ConfigMap\nmetadata: {{name: ok}}\n---\n{bomb}");
    assert_eq!(render(&foreign).expect("passes").output, foreign);
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    let nest = format!("spec: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let deep = format!("---\n{OURS}{nest}");
    let err = render(&deep).expect_err("too deep");
    let text = err.to_string();
    assert!(
        text.contains("nesting depth") || text.contains("recursion limit"),
        "{text}"
    );
    assert_eq!(located(&err).0, 1);
    let foreign = format!("---\nkind: A\nmetadata: {{name: a}}\n{nest}");
    assert_eq!(render(&foreign).expect("passes").output, foreign);
}

#[test]
fn not_utf8_is_located() {
    let mut bytes = b"---\nkind: A\n---\nkind: B\nmetadata:\n  name: \xc3\x28\n".to_vec();
    bytes.extend_from_slice(b"\n");
    let err = post_render_bytes(&bytes, &PostRenderOptions::default()).expect_err("bad UTF-8");
    assert!(matches!(err.problem, Problem::NotUtf8 { .. }));
    assert_eq!(located(&err), (2, 6));
}

#[test]
fn bom_and_crlf_streams_keep_their_bytes() {
    let stream = format!(
        "\u{feff}{}",
        workload(&gateway(r#","server":{"command":"srv"}"#)).replace('\n', "\r\n")
    );
    let r = render(&stream).expect("renders");
    assert!(r
        .output
        .starts_with("\u{feff}---\r\n# Source: c/templates/deployment.yaml\r\n"));
    assert!(
        !r.output.replace("\r\n", "").contains('\n'),
        "every line break stays CRLF"
    );
    assert!(r.output.contains("mcp-gateway"));
}

#[test]
fn empty_and_comment_only_streams_pass_through() {
    for input in [
        "",
        "\n",
        "# nothing\n",
        "---\n",
        "---\n---\n",
        "...\n",
        "--- # c\n# c\n",
    ] {
        let r = render(input).expect("passes");
        assert_eq!(r.output, input);
    }
}

#[test]
fn lists_non_objects_and_missing_metadata_pass_through_even_with_the_annotation() {
    let annotation = serde_json::to_string(&gateway("")).expect("json");
    let inputs = [
        format!(
            "kind: Deployment\nspec: {{}}\nannotations:\n  mcp-chart/transport: {annotation}\n"
        ),
        "- kind: Deployment\n".to_string(),
        "42\n".to_string(),
        "kind: Deployment\nmetadata: just-a-string\n".to_string(),
    ];
    for input in inputs {
        let r = render(&input).expect("passes");
        assert_eq!(r.output, input);
    }
}

#[test]
fn a_large_document_passes_untouched_quickly() {
    let big = "x".repeat(4 * 1024 * 1024);
    let input = format!(
        "---\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: {big}\n{}",
        workload(r#"{"type":"http-sse"}"#)
    );
    let r = render(&input).expect("renders");
    assert!(r.output.starts_with(&input[..1000]));
}

#[test]
fn wrong_types_are_located_errors() {
    let cases: Vec<(String, &str)> = vec![
        (
            "---\nkind: Deployment\nmetadata:\n  name: w\n  annotations:\n    mcp-chart/transport: 42\n".into(),
            "expected a JSON string",
        ),
        (workload("not json"), "invalid transport settings"),
        (workload(r#"{"type":"carrier-pigeon"}"#), "unknown variant"),
        (workload(&gateway(r#","port":"eighty""#)), "invalid type"),
        (workload(&gateway(r#","port":70000,"server":{"command":"x"}"#)), "not a port number"),
        (
            workload(r#"{"type":"http-sse","http":{"timeouts":{"readSeconds":0}}}"#),
            "at least 1 second",
        ),
        (
            workload(r#"{"type":"http-sse","http":{"timeouts":{"proxySeconds":-5}}}"#),
            "at least 1 second",
        ),
        (
            workload(&gateway(r#","server":{"command":"x"}"#)).replace("      containers:\n      - name: mcp-server\n        image: x\n        command: [srv]\n", "      containers: {}\n"),
            "containers list",
        ),
        (
            workload(&gateway(r#","server":{"command":"x"}"#)).replace("command: [srv]", "command: {a: b}"),
            "command is not a list",
        ),
        (
            workload(&gateway(r#","env":[{"name":"A","value":"1"}],"server":{"command":"x"}"#))
                .replace("command: [srv]", "command: [srv]\n        env: oops"),
            "env is not a list",
        ),
    ];
    for (input, needle) in cases {
        let err = render(&input).expect_err(needle);
        assert!(err.to_string().contains(needle), "{needle}: {err}");
        assert!(err.place.is_some(), "{err}");
    }
}

#[test]
fn duplicate_keys_take_the_last_value_like_kubernetes() {
    let input = workload(&gateway(r#","server":{"command":"x"}"#)).replace(
        "        image: x\n",
        "        image: first\n        image: second\n",
    );
    let r = render(&input).expect("renders");
    assert!(!r.output.contains("first"));
}

#[test]
fn shell_and_kubernetes_metacharacters_never_reach_a_shell_unquoted() {
    let hostile = [
        "$(whoami)",
        "`id`",
        "a'b\"c",
        "two words",
        "l1\nl2",
        "a;b",
        "$HOME",
        "${x}",
        "&& rm -rf /",
        "|",
        "#c",
    ];
    let args = serde_json::to_string(&hostile).expect("json");
    let t = gateway(&format!(
        r#","preStart":["echo hi"],"server":{{"command":"srv","args":{args}}},"servers":{{"n":{{"command":"c","args":{args}}}}}"#
    ));
    let r = render(&workload(&t)).expect("renders");
    let g = r.summary.workloads[0].gateway.as_ref().expect("gateway");
    // The proxy argv is positional parameters after the script, one item per value.
    assert_eq!(&g.command[..2], ["sh", "-c"]);
    assert_eq!(g.command[3], "sh");
    let default = g.default_server.as_ref().expect("default server");
    let expected: Vec<String> = std::iter::once("srv".to_string())
        .chain(hostile.iter().map(|s| s.replace('$', "$$")))
        .collect();
    assert_eq!(default, &expected);
    let tail = &g.command[g.command.len() - expected.len()..];
    assert_eq!(tail, expected.as_slice());
    // servers.json carries them literally.
    let json: serde_json::Value =
        serde_json::from_str(g.servers_json.as_deref().expect("servers.json")).expect("JSON");
    assert_eq!(json["mcpServers"]["n"]["args"], serde_json::json!(hostile));
}

#[test]
fn nul_and_bad_names_are_refused() {
    for (extra, needle) in [
        (r#","server":{"command":"srv","args":["a\u0000b"]}"#, "NUL"),
        (r#","servers":{"../x":{"command":"c"}}"#, "URL path segment"),
        (r#","servers":{"a":{"command":""}}"#, "has no `command`"),
        (
            r#","servers":{"a":{"command":"c","env":[{"name":"A=B","value":"1"}]}}"#,
            "environment variable name",
        ),
        (
            r#","server":{"command":"srv","env":[{"name":"X","value":{"a":1}}]}"#,
            "expected a string",
        ),
        (
            r#","host":"--evil","server":{"command":"srv"}"#,
            "starts with `-`",
        ),
        (
            r#","cwd":"-x","server":{"command":"srv"}"#,
            "starts with `-`",
        ),
    ] {
        let err = render(&workload(&gateway(extra))).expect_err(needle);
        assert!(err.to_string().contains(needle), "{needle}: {err}");
        assert!(err.place.is_some());
    }
}

/// Issue 18 item 9: a raw NUL in a quoted scalar is named, with its line and
/// column (it used to be "unexpected end of stream").
#[test]
fn a_nul_in_a_quoted_scalar_is_named_where_it_is() {
    let input = workload(&gateway("")).replace("image: x", "image: \"x\u{0}y\"");
    let err = render(&input).expect_err("NUL");
    let text = err.to_string();
    assert!(
        text.contains("control characters are not allowed"),
        "{text}"
    );
    assert!(text.contains("U+0000"), "{text}");
    let place = err.place.as_ref().expect("located");
    assert_eq!(place.document, 1);
    let yaml = match &err.problem {
        Problem::Yaml(y) => y.location(),
        other => panic!("not a YAML error: {other:?}"),
    };
    // `        image: "x` is 17 characters: the NUL is column 18 of line 16.
    assert_eq!((yaml.line, yaml.column), (16, 18));
}

/// Issue 18 item 9: legitimate aliases are not refused. Each document copies a
/// 1,000-entry anchor 110 times (220,000 nodes, 96% of its nodes: Helm and
/// kubectl read it: tests/e2e/test_yaml_corpus.py runs kubectl on the same stream);
/// the old budget of 100,000 copied nodes per document refused it.
#[test]
fn a_stream_with_many_legitimate_aliases_passes() {
    let stream = legitimate_aliases_stream();
    assert!(stream.len() > 150_000);
    let r = render(&stream).expect("ordinary aliases pass");
    assert_eq!(r.output, stream);
}

fn legitimate_aliases_stream() -> String {
    let mut doc = String::from(
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\nbase: &base\n",
    );
    for i in 0..1000 {
        doc.push_str(&format!("  k{i}: v{i}\n"));
    }
    doc.push_str("filler:\n");
    for i in 0..3000 {
        doc.push_str(&format!("  f{i}: v{i}\n"));
    }
    for i in 0..110 {
        doc.push_str(&format!("copy{i}: *base\n"));
    }
    doc.repeat(3)
}

/// Issue 15: forms Helm 3/4 and kubectl accept, which the reader used to
/// refuse, in the workload the post-renderer must read and rewrite.
#[test]
fn the_workload_may_use_the_forms_helm_accepts() {
    let forms = [
        // MinIO: a flow sequence closed at the key's own indentation.
        "        args: [\n          \"-ce\",\n          \"minio server /export\"\n        ]\n",
        // Helm 4's re-serialisation: a single-quoted string closed at column 0.
        "        workingDir: '/data\n  /more\n'\n",
        // A double-quoted string continued at column 0.
        "        workingDir: \"/data\n/more\"\n",
        // A tab after `:`.
        "        workingDir:\t/data\n",
    ];
    for form in forms {
        let input = format!("{}{form}", workload(&gateway("")));
        let r = render(&input).unwrap_or_else(|e| panic!("{form:?}: {e}"));
        assert!(r.output.contains("mcp-gateway"), "{form:?} not rewritten");
    }
    // A flow sequence closed at column 0 in a top-level key.
    let input = format!("{}extra: [one,\ntwo\n]\n", workload(&gateway("")));
    let r = render(&input).expect("top-level flow closed at column 0");
    assert!(r.output.contains("extra:\n- one\n- two\n"), "{}", r.output);
}
