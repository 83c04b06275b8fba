//! One interpretation of the values: `validate` and the post-renderer run the
//! same gateway builder, so they agree. Each case of issue 13's "Why" is a
//! regression test here, and a property test generates values across the
//! model (modes, transports, gateway on/off, `servers` and `namedServersJson`,
//! hostile strings in args/env/origins, ingress and httpRoute): whenever
//! `validate` accepts, the core's chart rendering plus the post-render
//! succeeds, and whenever the post-render refuses because of the values,
//! `validate` reports a located error.
//!
//! `PROPTEST_CASES` sets the number of generated cases (256 by default here;
//! docs/validation.md names a longer run).

use mcp_chart_core::chart;
use mcp_chart_core::postrender::{post_render, PostRenderError, PostRenderOptions, PostRendered};
use mcp_chart_core::validate::{checked_values, validate, Code, Report, Severity};
use mcp_chart_core::values::{self, ValuesFile, ValuesInput, ValuesSource};
use proptest::prelude::*;

/// Validates `yaml`, renders the chart for it and post-renders that.
fn both(yaml: &str) -> (Report, Option<Result<PostRendered, PostRenderError>>) {
    let file = ValuesSource {
        name: "values.yaml",
        text: yaml,
    };
    let report = validate(&[file], &[]);
    let rendered = values::merge(&[file], &[])
        .ok()
        .and_then(|merged| chart::render(&merged.json, "demo").ok())
        .map(|manifest| post_render(&manifest, &PostRenderOptions::default()));
    (report, rendered)
}

/// The error diagnostics, as `code@line:col`.
fn errors(report: &Report) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            format!(
                "{}@{}:{}",
                d.code,
                d.line.unwrap_or(0),
                d.column.unwrap_or(0)
            )
        })
        .collect()
}

/// Both accept; returns the post-rendered stream.
fn accepted(yaml: &str) -> String {
    let (report, rendered) = both(yaml);
    assert!(
        report.valid,
        "validate refuses:\n{yaml}\n{:?}",
        report.diagnostics
    );
    match rendered {
        Some(Ok(out)) => out.output,
        Some(Err(err)) => panic!("post-render refuses what validate accepts:\n{yaml}\n{err}"),
        None => panic!("the chart does not render:\n{yaml}"),
    }
}

/// Both refuse; returns the validator's errors (`code@line:col`).
fn refused(yaml: &str) -> Vec<String> {
    let (report, rendered) = both(yaml);
    assert!(
        matches!(rendered, Some(Err(_))),
        "post-render accepts:\n{yaml}"
    );
    let errors = errors(&report);
    assert!(
        !errors.is_empty(),
        "validate accepts what post-render refuses:\n{yaml}"
    );
    errors
}

const GW: &str =
    "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    allowOrigins: []\n";

#[test]
fn named_servers_json_with_only_a_url_is_refused_by_both() {
    let errors = refused(&format!(
        "{GW}    namedServersJson: '{{\"mcpServers\": {{\"remote\": {{\"url\": \"https://x/sse\"}}}}}}'\n"
    ));
    assert_eq!(errors, ["named-servers-json-shape@6:40"]);
}

#[test]
fn named_servers_json_keys_mcp_proxy_ignores_are_accepted_by_both() {
    let out = accepted(&format!(
        "{GW}    namedServersJson: '{{\"mcpServers\": {{\"time\": {{\"command\": \"mcp-server-time\", \"timeout\": 30}}}}, \"x\": 1}}'\n"
    ));
    assert!(out.contains("\"time\""), "{out}");
}

#[test]
fn a_bare_double_dash_in_server_args_works() {
    let out = accepted(&format!(
        "{GW}    server:\n      command: srv\n      args: [a, --, b]\n"
    ));
    assert!(out.contains("exec 'srv' 'a' '--' 'b'"), "{out}");
}

#[test]
fn an_origin_argparse_would_misread_is_refused_by_both() {
    let errors = refused(
        "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    allowOrigins: [\"-evil\"]\n    server:\n      command: srv\n",
    );
    assert_eq!(errors, ["gateway-argument@5:20"]);
}

#[test]
fn an_env_value_starting_with_a_dash_goes_through_the_container_env() {
    let out = accepted(&format!(
        "{GW}    server:\n      command: java\n      args: [-jar, /srv/server.jar]\n      env:\n        - name: JAVA_TOOL_OPTIONS\n          value: -Xmx512m\n"
    ));
    assert!(out.contains("name: JAVA_TOOL_OPTIONS"), "{out}");
    assert!(!out.contains("- -e\n"), "{out}");
    // Without passEnvironment the container's env does not reach the server.
    let errors = refused(&format!(
        "{GW}    passEnvironment: false\n    server:\n      command: java\n      env:\n        - name: JAVA_TOOL_OPTIONS\n          value: -Xmx512m\n"
    ));
    assert_eq!(errors, ["gateway-argument@11:18"]);
}

#[test]
fn an_env_name_with_equals_is_refused_by_both() {
    let errors = refused(&format!(
        "{GW}    server:\n      command: srv\n      env:\n        - name: A=B\n          value: x\n"
    ));
    assert_eq!(errors, ["env-name-invalid@9:17"]);
}

#[test]
fn nothing_to_serve_is_refused_by_both() {
    let errors = refused(&format!("mode: image\n{GW}"));
    assert_eq!(errors, ["gateway-nothing-to-serve@5:14"]);
}

// ---- issue 18: absent values and kubelet expansion ----

/// `allowOrigins: null` makes Helm delete the key before the chart writes the
/// annotation: the gateway then allows no origin, it never gets the model's
/// `["*"]` back; `passEnvironment: null` reads as off.
#[test]
fn a_null_allow_origins_allows_no_origin_in_both() {
    let yaml = "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    allowOrigins: null\n    passEnvironment: null\n    server:\n      command: srv\n";
    let out = accepted(yaml);
    assert!(!out.contains("--allow-origin"), "{out}");
    assert!(out.contains("--no-pass-environment"), "{out}");
    let (report, _) = both(yaml);
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == Code::CorsAnyOrigin),
        "{:?}",
        report.diagnostics
    );
    // The chart's default still allows any origin, and validate says so.
    let yaml = "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    server:\n      command: srv\n";
    let out = accepted(yaml);
    assert!(out.contains("- \"--allow-origin\"\n"), "{out}");
    let (report, _) = both(yaml);
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == Code::CorsAnyOrigin));
}

/// The kubelet expands `$(URL)` in the container's command before mcp-proxy
/// sees it: the URL guard judges the expanded command.
#[test]
fn a_url_behind_a_kubelet_variable_is_refused_by_both() {
    let errors = refused(&format!(
        "mode: image\ncontainer:\n  command: [\"$(URL)\"]\n  env:\n    - name: URL\n      value: https://evil.example/sse\n{GW}"
    ));
    assert_eq!(errors, ["gateway-argument@3:12"]);
    // Escaped (`$$`) or undefined, the reference is a literal command.
    accepted(&format!(
        "mode: image\ncontainer:\n  command: [\"$$(URL)\"]\n  env:\n    - name: URL\n      value: https://evil.example/sse\n{GW}"
    ));
    accepted(&format!(
        "mode: image\ncontainer:\n  command: [\"$(NOPE)\"]\n{GW}"
    ));
}

/// A command whose value comes from a Secret can not be checked: refused.
#[test]
fn a_command_known_only_at_run_time_is_refused_by_both() {
    let errors = refused(&format!(
        "mode: image\ncontainer:\n  command: [\"$(BIN)\"]\n  env:\n    - name: BIN\n      valueFrom:\n        secretKeyRef: {{name: s, key: k}}\n{GW}"
    ));
    assert_eq!(errors, ["gateway-argument@3:12"]);
}

/// `$(SEP)` that expands to `--` is a bare `--` for mcp-proxy's parser: the
/// server runs through `sh -c` with each argument quoted as received.
#[test]
fn a_double_dash_behind_a_kubelet_variable_is_quoted() {
    let out = accepted(&format!(
        "mode: image\ncontainer:\n  command: [srv, \"$(SEP)\", \"$(Q)\"]\n  env:\n    - name: SEP\n      value: \"--\"\n    - name: Q\n      value: \"it's $x\"\n{GW}"
    ));
    // (as YAML text: the backslash is escaped in the double-quoted scalar)
    assert!(out.contains(r#""exec 'srv' '--' 'it'\\''s $$x'""#), "{out}");
    // An argument known only at run time cannot be quoted in that script.
    let errors = refused(&format!(
        "mode: image\ncontainer:\n  command: [srv, \"--\", \"$(TOKEN)\"]\n  env:\n    - name: TOKEN\n      valueFrom:\n        secretKeyRef: {{name: s, key: k}}\n{GW}"
    ));
    assert_eq!(errors, ["gateway-argument@3:12"]);
    // Without a bare `--`, a secret argument passes through for the kubelet.
    let out = accepted(&format!(
        "mode: image\ncontainer:\n  command: [srv, --token, \"$(TOKEN)\"]\n  env:\n    - name: TOKEN\n      valueFrom:\n        secretKeyRef: {{name: s, key: k}}\n{GW}"
    ));
    assert!(out.contains("- $(TOKEN)\n"), "{out}");
}

#[test]
fn post_render_values_get_the_validators_checks() {
    let file = |text: &'static str| ValuesInput {
        files: vec![ValuesFile::new("values.yaml", text)],
        ..ValuesInput::default()
    };
    let err = checked_values(&file("transprot:\n  type: stdio\n")).expect_err("a typo");
    assert_eq!(err.diagnostics[0].code, Code::UnknownKey);
    assert_eq!(
        (err.diagnostics[0].line, err.diagnostics[0].column),
        (Some(1), Some(1))
    );
    let (values, warnings) = checked_values(&file("replicaCount: 2\n")).expect("only a warning");
    assert_eq!(values["replicaCount"], 2);
    assert_eq!(warnings.diagnostics[0].code, Code::SseReplicas);
}

// ---- property test ----

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("plain".to_string()),
        Just("-x".to_string()),
        Just("--".to_string()),
        Just("".to_string()),
        Just("$(HOME) $$ `id`".to_string()),
        Just("a b;c|d".to_string()),
        Just("it's \"q\"".to_string()),
        Just("https://app.example.com".to_string()),
        Just("*".to_string()),
        Just("A=B".to_string()),
        Just("ünï".to_string()),
        "[a-zA-Z0-9._/-]{1,8}",
    ]
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| quoted(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

#[derive(Debug, Clone)]
struct Case {
    mode: usize,
    kind: usize,
    enabled: bool,
    command: Option<String>,
    args: Vec<String>,
    env: Vec<(String, String)>,
    origins: Vec<String>,
    pass_env: bool,
    servers: Vec<(String, Option<String>, Vec<String>, bool)>,
    json: Option<usize>,
    ingress: bool,
    route: bool,
}

const JSONS: &[&str] = &[
    r#"{"mcpServers": {"time": {"command": "mcp-server-time", "args": ["--", "-x"]}}}"#,
    r#"{"mcpServers": {"remote": {"url": "https://x/sse"}}}"#,
    r#"{"mcpServers": {"a": {"command": "x", "timeout": 3}, "off": {"enabled": false}}, "extra": 1}"#,
    r#"{"mcpServers": {"a b": {"command": "x"}}}"#,
    r#"{"mcpServers": {"a": {"command": "x", "disabled": true}}}"#,
    r#"{"mcpServers": {"a": {"command": "x", "env": {"K": "-v", "A=B": "1"}}}}"#,
    r#"{"servers": {}}"#,
    "{not json",
];

fn case() -> impl Strategy<Value = Case> {
    (
        (
            0usize..3,
            0usize..3,
            any::<bool>(),
            proptest::option::of(hostile()),
        ),
        (
            proptest::collection::vec(hostile(), 0..3),
            proptest::collection::vec((hostile(), hostile()), 0..2),
            proptest::collection::vec(hostile(), 0..2),
            any::<bool>(),
        ),
        (
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("docs".to_string()),
                        Just("a b".to_string()),
                        "[a-z]{1,4}"
                    ],
                    proptest::option::of(hostile()),
                    proptest::collection::vec(hostile(), 0..2),
                    any::<bool>(),
                ),
                0..3,
            ),
            proptest::option::of(0..JSONS.len()),
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (mode, kind, enabled, command),
                (args, env, origins, pass_env),
                (servers, json, ingress, route),
            )| Case {
                mode,
                kind,
                enabled,
                command,
                args,
                env,
                origins,
                pass_env,
                servers,
                json,
                ingress,
                route,
            },
        )
}

fn yaml(c: &Case) -> String {
    let mut y = String::new();
    match c.mode {
        0 => y.push_str("mode: image\n"),
        1 => y.push_str("mode: node\nnode:\n  package: pkg\n"),
        _ => y.push_str("mode: python\npython:\n  package: mcp-server-time\n"),
    }
    y.push_str(&format!(
        "transport:\n  type: {}\n  stdioGateway:\n    enabled: {}\n    image: my/gateway:1\n    passEnvironment: {}\n    allowOrigins: {}\n",
        ["stdio", "http-sse", "websocket"][c.kind],
        c.enabled,
        c.pass_env,
        list(&c.origins)
    ));
    y.push_str("    server:\n");
    if let Some(command) = &c.command {
        y.push_str(&format!("      command: {}\n", quoted(command)));
    }
    y.push_str(&format!("      args: {}\n", list(&c.args)));
    y.push_str("      env:\n");
    for (name, value) in &c.env {
        y.push_str(&format!(
            "        - name: {}\n          value: {}\n",
            quoted(name),
            quoted(value)
        ));
    }
    if c.env.is_empty() {
        y.push_str("        []\n");
    }
    if !c.servers.is_empty() {
        y.push_str("    servers:\n");
        for (name, command, args, disabled) in &c.servers {
            y.push_str(&format!("      {}:\n", quoted(name)));
            if let Some(command) = command {
                y.push_str(&format!("        command: {}\n", quoted(command)));
            }
            y.push_str(&format!(
                "        args: {}\n        disabled: {disabled}\n",
                list(args)
            ));
        }
    }
    if let Some(j) = c.json {
        y.push_str(&format!("    namedServersJson: {}\n", quoted(JSONS[j])));
    }
    if c.ingress {
        y.push_str("ingress:\n  enabled: true\n  className: nginx\n  hosts:\n    - host: a.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n");
    }
    if c.route {
        y.push_str("httpRoute:\n  enabled: true\n  parentRefs:\n    - name: gw\n");
    }
    y
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn validate_and_post_render_agree(c in case()) {
        let text = yaml(&c);
        let (report, rendered) = both(&text);
        if report.valid {
            match &rendered {
                Some(Ok(_)) => {}
                Some(Err(err)) => prop_assert!(false, "validate accepts, post-render refuses:\n{text}\n{err}"),
                None => prop_assert!(false, "validate accepts, the chart does not render:\n{text}"),
            }
        }
        if let Some(Err(err)) = &rendered {
            let located = report.diagnostics.iter().any(|d| {
                d.severity == Severity::Error && d.line.is_some() && d.column.is_some() && d.file.is_some()
            });
            prop_assert!(located, "post-render refuses ({err}) but validate has no located error:\n{text}\n{:?}", report.diagnostics);
        }
    }
}
