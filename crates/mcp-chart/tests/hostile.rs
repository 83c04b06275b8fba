//! The hostile-input suite of DESIGN §11, table-driven over both subcommands
//! and run as real processes: each case states the exit code, what the message
//! must name (the line and, for post-render, the document index and
//! `kind/name`), and every case must finish within [`DEADLINE`] (the child is
//! killed after it). Not a benchmark: the bound only catches hangs and
//! quadratic blow-ups; the measured time is printed.
//!
//! post-render: on error stdout is empty (no partial stream) and stderr says
//! where; on success stdout is the stream. validate: the report is the output
//! (it goes to stdout in every format), so "nothing but the report" is
//! checked instead: stderr is empty and `--format json` prints exactly one
//! JSON report whose diagnostics carry the line.
//!
//! Cases already covered as processes by validate_hostile.rs (non-UTF-8, BOM,
//! CRLF, tabs, alias bombs, 1,000-deep nesting, oversized files, metacharacters
//! in values) and at the core level by post_render_hostile.rs are not repeated
//! for the same subcommand; this file adds the post-render process behaviour
//! and the cases neither covers (very large maps and streams, merge-key bombs,
//! `kind: List` values, tens-of-MB documents).

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mcp_chart_core::yaml::{load_documents, Limits, Node, NodeKind};

/// Generous: a debug build on a machine shared with other builds.
const DEADLINE: Duration = Duration::from_secs(60);

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
    elapsed: Duration,
}

/// Runs `mcp-chart ARGS` with `stdin`, killing it after [`DEADLINE`].
fn run(case: &str, args: &[&str], stdin: Vec<u8>, dir: Option<&std::path::Path>) -> Run {
    let start = Instant::now();
    let mut command = Command::new(env!("CARGO_BIN_EXE_mcp-chart"));
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn().expect("runs mcp-chart");
    let mut input = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        // The child may refuse early and close stdin: a broken pipe is fine.
        let _ = input.write_all(&stdin);
    });
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{case}: still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let _ = writer.join();
    let stdout = out_reader.join().expect("stdout reader");
    let stderr = String::from_utf8_lossy(&err_reader.join().expect("stderr reader")).into_owned();
    let _ = writeln!(
        std::io::stderr(),
        "{case}: {:.0} ms, exit {:?}",
        elapsed.as_secs_f64() * 1000.0,
        status.code()
    );
    Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
        elapsed,
    }
}

// --- inputs ---------------------------------------------------------------------------

/// The chart's workload with the transport annotation (`transport` as JSON).
fn workload(name: &str, transport: &str) -> String {
    format!(
        "---\n# Source: mcp-server/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\n\
         metadata:\n  name: {name}\n  annotations:\n    mcp-chart/transport: {}\nspec:\n  template:\n    \
         metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: mcp-server\n        \
         image: srv:1\n        command: [srv]\n",
        serde_json::to_string(transport).expect("json")
    )
}

fn gateway(extra: &str) -> String {
    format!(
        r#"{{"type":"stdio","stdioGateway":{{"enabled":true,"server":{{"command":"srv"}}{extra}}}}}"#
    )
}

fn config_map(name: &str, body: &str) -> String {
    format!("---\n# Source: other/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{body}")
}

/// `n` annotated workloads with their Services behind one Ingress and one HTTPRoute.
fn shared_routes(n: usize) -> String {
    let (mut out, mut paths, mut rules) = (String::new(), String::new(), String::new());
    for i in 0..n {
        out.push_str(&workload(&format!("w{i}"), &gateway("")));
        out.push_str(&service(
            &format!("s{i}"),
            &format!(
                "spec:\n  selector:\n    app: w{i}\n  ports:\n  - port: 80\n    targetPort: http\n"
            ),
        ));
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

/// A Service selector that picks the pods of `workload("mcp", …)`: the
/// Service may be the workload's, so the post-renderer must read it.
const SELECTS_MCP: &str = "spec:\n  selector:\n    app: mcp\n";

fn service(name: &str, body: &str) -> String {
    format!("---\n# Source: other/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n{body}")
}

fn alias_bomb() -> String {
    let mut s = String::from("data:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 10].join(", ");
        s.push_str(&format!("  {name}: &{name} [{refs}]\n"));
    }
    s
}

/// `<<` merge keys that copy a big anchored map again and again.
fn merge_bomb(key: &str) -> String {
    let mut s = format!("{key}:\n  base: &b\n");
    for i in 0..2_000 {
        s.push_str(&format!("    k{i}: v\n"));
    }
    for i in 0..200 {
        s.push_str(&format!("  m{i}:\n    <<: *b\n"));
    }
    s
}

fn flat_map(key: &str, n: usize) -> String {
    let mut s = format!("{key}:\n");
    for i in 0..n {
        s.push_str(&format!("  k{i}: v\n"));
    }
    s
}

// --- post-render ----------------------------------------------------------------------

/// What a post-render case must do.
enum Expect {
    /// Exit 1, empty stdout, and stderr naming each of these.
    Refused(&'static [&'static str]),
    /// Exit 0 and stdout exactly the input.
    Untouched,
    /// Exit 0 and the gateway injected (the output holds `mcp-gateway`).
    Injected,
}

struct Case {
    name: &'static str,
    stdin: Vec<u8>,
    expect: Expect,
}

fn post_render_cases() -> Vec<Case> {
    let ok = workload("mcp", &gateway(""));
    let huge_value = "x".repeat(40 * 1024 * 1024);
    let mut many_docs = String::new();
    for i in 0..100_000 {
        many_docs.push_str(&format!("---\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"));
    }
    vec![
        // A document the post-renderer needs (a Service may select the
        // workload's pods) must be readable; one it does not need passes
        // through whatever it holds (docs/post-render.md, "What is read").
        Case {
            name: "malformed YAML (unclosed flow list) in a Service, document 2",
            stdin: format!("{ok}{}", service("broken", "spec: [a, b\n")).into_bytes(),
            expect: Expect::Refused(&["document 2", "line 26", "Service/broken", "invalid YAML"]),
        },
        Case {
            name: "tab indentation in a Service, document 2",
            stdin: format!("{ok}{}", service("tabs", "spec:\n\tkey: v\n")).into_bytes(),
            expect: Expect::Refused(&["document 2", "line 26", "Service/tabs"]),
        },
        Case {
            name: "malformed YAML in another chart's ConfigMap",
            stdin: format!("{ok}{}", config_map("broken", "data: [a, b\n")).into_bytes(),
            expect: Expect::Injected,
        },
        Case {
            name: "tab indentation in another chart's ConfigMap",
            stdin: format!("{ok}{}", config_map("tabs", "data:\n\tkey: v\n")).into_bytes(),
            expect: Expect::Injected,
        },
        Case {
            name: "alias bomb in another chart's ConfigMap",
            stdin: format!("{ok}{}", config_map("bomb", &alias_bomb())).into_bytes(),
            expect: Expect::Injected,
        },
        Case {
            name: "BOM before the first separator",
            stdin: format!("\u{feff}{ok}").into_bytes(),
            expect: Expect::Injected,
        },
        Case {
            name: "CRLF line breaks",
            stdin: ok.replace('\n', "\r\n").into_bytes(),
            expect: Expect::Injected,
        },
        Case {
            name: "non-UTF-8 bytes in document 2",
            stdin: [ok.as_bytes(), b"---\nkind: ConfigMap\nmetadata:\n  name: \xff\xfe\n"].concat(),
            expect: Expect::Refused(&["document 2", "line 22", "(ConfigMap)", "not valid UTF-8"]),
        },
        Case {
            name: "alias bomb in a Service, document 2",
            stdin: format!("{ok}{}", service("bomb", &format!("{SELECTS_MCP}{}", alias_bomb()))).into_bytes(),
            expect: Expect::Refused(&["document 2", "Service/bomb", "aliases"]),
        },
        Case {
            name: "merge-key bomb in a Service, document 2",
            stdin: format!("{ok}{}", service("merge", &format!("{SELECTS_MCP}{}", merge_bomb("data")))).into_bytes(),
            expect: Expect::Refused(&["document 2", "Service/merge", "aliases"]),
        },
        Case {
            name: "nesting 10,000 deep in a Service, document 2",
            stdin: format!(
                "{ok}{}",
                service(
                    "deep",
                    &format!("{SELECTS_MCP}data: {}{}\n", "[".repeat(10_000), "]".repeat(10_000))
                )
            )
            .into_bytes(),
            // saphyr's own recursion guard fires before our depth limit.
            expect: Expect::Refused(&["document 2", "line 28", "Service/deep", "recursion limit"]),
        },
        Case {
            name: "a 40 MB document next to the workload",
            stdin: format!("{}{ok}", config_map("huge", &format!("data:\n  blob: {huge_value}\n")))
                .into_bytes(),
            expect: Expect::Injected,
        },
        Case {
            name: "a map with 200,000 keys",
            stdin: format!("{ok}{}", config_map("flat", &flat_map("data", 200_000))).into_bytes(),
            expect: Expect::Injected,
        },
        Case {
            name: "100,000 small documents",
            stdin: many_docs.into_bytes(),
            expect: Expect::Untouched,
        },
        Case {
            // Issue 18: 77 s before shared documents were read once.
            // crates/mcp-chart-core/tests/post_render_lazy.rs asserts the
            // linear growth (bytes read per input byte).
            name: "4,000 workloads sharing one Ingress and one HTTPRoute",
            stdin: shared_routes(4_000).into_bytes(),
            expect: Expect::Injected,
        },
        Case {
            name: "a stream of 1,000,000 bare separators",
            stdin: "---\n".repeat(1_000_000).into_bytes(),
            expect: Expect::Untouched,
        },
        Case {
            name: "empty stream",
            stdin: Vec::new(),
            expect: Expect::Untouched,
        },
        Case {
            name: "separators and comments only",
            stdin: b"---\n# only a comment\n---\n--- # another\n\n".to_vec(),
            expect: Expect::Untouched,
        },
        Case {
            name: "kind: List wrapping an annotated workload",
            stdin: format!(
                "apiVersion: v1\nkind: List\nitems:\n- {}\n",
                ok.lines()
                    .skip(2)
                    .collect::<Vec<_>>()
                    .join("\n  ")
            )
            .into_bytes(),
            // Kubernetes would create the item with the annotation and no gateway.
            expect: Expect::Refused(&["document 1", "line 4", "Deployment/mcp", "inside a List"]),
        },
        Case {
            name: "non-object documents (scalar, list, null)",
            stdin: b"---\n42\n---\n- a\n- b\n---\nnull\n---\n\"just text\"\n".to_vec(),
            expect: Expect::Untouched,
        },
        Case {
            name: "annotated workload without metadata map",
            stdin: b"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: not-a-map\nspec: {}\n".to_vec(),
            expect: Expect::Untouched,
        },
        Case {
            name: "duplicate keys in the workload (the last wins, like Kubernetes)",
            stdin: ok
                .replace("image: srv:1\n", "image: first:1\n        image: srv:1\n")
                .into_bytes(),
            expect: Expect::Injected,
        },
        Case {
            name: "wrong type: the annotation is a number",
            stdin: ok
                .lines()
                .map(|l| {
                    if l.contains("mcp-chart/transport") {
                        "    mcp-chart/transport: 42"
                    } else {
                        l
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes(),
            expect: Expect::Refused(&["document 1", "line 8", "Deployment/mcp", "expected a JSON string"]),
        },
        Case {
            name: "wrong type: containers is a map",
            stdin: ok
                .replace(
                    "      containers:\n      - name: mcp-server\n        image: srv:1\n        command: [srv]\n",
                    "      containers: {a: b}\n",
                )
                .into_bytes(),
            expect: Expect::Refused(&["document 1", "Deployment/mcp", "containers"]),
        },
        Case {
            name: "wrong type: the port is a string",
            stdin: workload("mcp", &gateway(r#","port":"eighty""#)).into_bytes(),
            expect: Expect::Refused(&["document 1", "line 8", "Deployment/mcp", "invalid type"]),
        },
        Case {
            name: "NUL in an argument",
            stdin: workload(
                "mcp",
                r#"{"type":"stdio","stdioGateway":{"enabled":true,"server":{"command":"srv","args":["a\u0000b"]}}}"#,
            )
            .into_bytes(),
            expect: Expect::Refused(&["document 1", "line 8", "Deployment/mcp", "NUL"]),
        },
        Case {
            name: "an option smuggled in as the host",
            stdin: workload("mcp", &gateway(r#","host":"--help""#)).into_bytes(),
            expect: Expect::Refused(&["document 1", "Deployment/mcp", "starts with `-`"]),
        },
        Case {
            name: "a path as a named server's name",
            stdin: workload("mcp", &gateway(r#","servers":{"../../etc":{"command":"x"}}"#)).into_bytes(),
            expect: Expect::Refused(&["document 1", "Deployment/mcp", "URL path segment"]),
        },
    ]
}

/// Asserts the error contract and returns stderr.
fn refused(case: &str, r: &Run, needles: &[&str]) {
    assert_eq!(r.code, 1, "{case}: exit {}; stderr: {}", r.code, r.stderr);
    assert!(r.stdout.is_empty(), "{case}: stdout is not empty on error");
    assert!(!r.stderr.contains("panicked"), "{case}: {}", r.stderr);
    for needle in needles {
        assert!(
            r.stderr.contains(needle),
            "{case}: stderr lacks {needle:?}: {}",
            r.stderr
        );
    }
}

/// Runs each case, collecting every failing case before failing the test.
fn each<T>(cases: Vec<T>, name: impl Fn(&T) -> String, check: impl Fn(T)) {
    let mut failed = Vec::new();
    for case in cases {
        let label = name(&case);
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(case))).is_err() {
            failed.push(label);
        }
    }
    assert!(failed.is_empty(), "failed cases: {failed:#?}");
}

#[test]
fn post_render_hostile_inputs() {
    each(
        post_render_cases(),
        |c| c.name.to_string(),
        |case| {
            let input = case.stdin.clone();
            let r = run(case.name, &["post-render"], case.stdin, None);
            assert!(r.elapsed < DEADLINE);
            match case.expect {
                Expect::Refused(needles) => refused(case.name, &r, needles),
                Expect::Untouched => {
                    assert_eq!(r.code, 0, "{}: {}", case.name, r.stderr);
                    assert!(r.stdout == input, "{}: the stream was changed", case.name);
                }
                Expect::Injected => {
                    assert_eq!(r.code, 0, "{}: {}", case.name, r.stderr);
                    let out = String::from_utf8(r.stdout).expect("UTF-8 output");
                    assert!(
                        out.contains("name: mcp-gateway"),
                        "{}: not injected",
                        case.name
                    );
                    assert!(
                        !out.contains("mcp-chart/transport"),
                        "{}: annotation kept",
                        case.name
                    );
                    if input.starts_with("\u{feff}".as_bytes()) {
                        assert!(out.starts_with('\u{feff}'), "{}: BOM lost", case.name);
                    }
                    if input.windows(2).any(|w| w == b"\r\n") {
                        assert!(
                            !out.replace("\r\n", "").contains('\n'),
                            "{}: LF in a CRLF stream",
                            case.name
                        );
                    }
                    // Nothing lost: every input document is still there (by its
                    // first line after the separator and comments).
                    let docs_in = String::from_utf8_lossy(&input).matches("\n---").count();
                    let docs_out = out.matches("\n---").count();
                    assert!(docs_out >= docs_in, "{}: documents lost", case.name);
                }
            }
        },
    );
}

/// Every string that can reach the gateway's command line: the proxy argv is
/// exec-form positional parameters after a fixed `sh -c` script, so each value
/// arrives as one argument, literally (`$` doubled for Kubernetes' own `$(VAR)`
/// expansion), and servers.json holds them as JSON strings.
#[test]
fn post_render_shell_metacharacters_in_every_command_line_string() {
    let hostile = [
        "$(touch /tmp/pwned)",
        "`id`",
        "a'b\"c",
        "two words",
        "semi;colon",
        "pipe|amp&&",
        "$HOME ${PATH}",
        "glob*?[x]",
        "new\nline",
        "#comment",
        "back\\slash",
        "> /etc/passwd",
    ];
    let list = serde_json::to_string(&hostile).expect("json");
    let env: Vec<serde_json::Value> = hostile
        .iter()
        .enumerate()
        .map(|(i, v)| serde_json::json!({"name": format!("V{i}"), "value": v}))
        .collect();
    let env = serde_json::to_string(&env).expect("json");
    let origins =
        serde_json::to_string(&["https://a.example", "https://b.example/$(x)"]).expect("json");
    let transport = format!(
        r#"{{"type":"stdio","stdioGateway":{{"enabled":true,"allowOrigins":{origins},"cwd":"/srv/$(x) dir",
            "preStart":["echo \"$HOME\" && touch '/tmp/x y'"],
            "server":{{"command":"srv $(x)","args":{list},"env":{env}}},
            "servers":{{"n1":{{"command":"c;md","args":{list},"env":{env}}}}}}}}}"#
    );
    let input = workload("mcp", &transport);
    let r = run(
        "metacharacters everywhere",
        &["post-render"],
        input.into_bytes(),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = String::from_utf8(r.stdout).expect("UTF-8");
    let loaded = load_documents(&out, &Limits::default()).expect("the output is YAML");
    let deployment = loaded
        .documents
        .iter()
        .find(|d| d.get("kind").and_then(Node::as_str) == Some("Deployment"))
        .expect("deployment");
    let container = seq(deployment, &["spec", "template", "spec", "containers"])[0].clone();
    let command: Vec<String> = strings(container.get("command").expect("command"));
    // The script is fixed; everything after it is positional.
    assert_eq!(command[0], "sh");
    assert_eq!(command[1], "-c");
    assert_eq!(command[3], "sh");
    let tail = &command[command.len() - hostile.len() - 1..];
    let expected: Vec<String> = std::iter::once("srv $$(x)".to_string())
        .chain(hostile.iter().map(|s| s.replace('$', "$$")))
        .collect();
    assert_eq!(tail, expected.as_slice(), "default server argv");
    let origin_at = command
        .iter()
        .position(|a| a == "--allow-origin")
        .expect("--allow-origin");
    assert_eq!(command[origin_at + 1], "https://a.example");
    assert_eq!(command[origin_at + 2], "https://b.example/$$(x)");
    // The setup step is the only shell text, and it is the user's own.
    assert!(
        command[2].contains("echo \"$$HOME\" && touch '/tmp/x y'"),
        "{}",
        command[2]
    );
    assert!(
        command[2].trim_end().ends_with("exec \"$$@\""),
        "{}",
        command[2]
    );
    // servers.json holds the values as JSON strings, unescaped for a shell.
    let cm = loaded
        .documents
        .iter()
        .find(|d| d.get("kind").and_then(Node::as_str) == Some("ConfigMap"))
        .expect("ConfigMap");
    let json = cm
        .get("data")
        .and_then(|d| d.get("servers.json"))
        .and_then(Node::as_str)
        .expect("servers.json");
    let servers: serde_json::Value = serde_json::from_str(json).expect("JSON");
    assert_eq!(servers["mcpServers"]["n1"]["command"], "c;md");
    assert_eq!(
        servers["mcpServers"]["n1"]["args"],
        serde_json::json!(hostile)
    );
    for (i, v) in hostile.iter().enumerate() {
        assert_eq!(servers["mcpServers"]["n1"]["env"][format!("V{i}")], *v);
    }
}

fn seq(node: &Node, path: &[&str]) -> Vec<Node> {
    let mut n = node;
    for key in path {
        n = n.get(key).unwrap_or_else(|| panic!("no {key}"));
    }
    match &n.kind {
        NodeKind::Seq(items) => items.clone(),
        _ => panic!("not a list"),
    }
}

fn strings(node: &Node) -> Vec<String> {
    match &node.kind {
        NodeKind::Seq(items) => items
            .iter()
            .map(|i| i.as_str().expect("string").to_string())
            .collect(),
        _ => panic!("not a list"),
    }
}

// --- validate -------------------------------------------------------------------------

struct ValidateCase {
    name: &'static str,
    text: String,
    /// Expected exit code.
    code: i32,
    /// `(diagnostic code, line)` that must be among the diagnostics.
    expect: Option<(&'static str, u64)>,
}

fn validate_cases() -> Vec<ValidateCase> {
    vec![
        ValidateCase {
            name: "a values map with 100,000 keys",
            text: flat_map("podAnnotations", 100_000),
            code: 0,
            expect: None,
        },
        ValidateCase {
            name: "100,000 duplicate keys",
            text: format!("podAnnotations:\n{}", "  same: v\n".repeat(100_000)),
            code: 0,
            expect: Some(("duplicate-key", 3)),
        },
        ValidateCase {
            name: "merge-key bomb",
            text: merge_bomb("podAnnotations"),
            code: 1,
            expect: Some(("yaml-limit", 0)),
        },
        ValidateCase {
            name: "nesting 5,000 deep in block style",
            text: (0..5_000)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                .collect(),
            code: 1,
            expect: Some(("yaml-limit", 0)),
        },
        ValidateCase {
            name: "a 10 MB string value",
            text: format!("podAnnotations:\n  big: {}\n", "x".repeat(10 * 1024 * 1024)),
            code: 0,
            expect: None,
        },
        ValidateCase {
            name: "a manifest list given as values",
            text: "apiVersion: v1\nkind: List\nitems:\n- kind: ConfigMap\n".into(),
            code: 1,
            expect: Some(("values-is-manifest", 0)),
        },
        ValidateCase {
            name: "a sequence as the whole file",
            text: "- a\n- b\n".into(),
            code: 1,
            expect: Some(("values-not-a-map", 1)),
        },
        ValidateCase {
            name: "wrong type deep in the gateway",
            text: "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    port: [1]\n"
                .into(),
            code: 1,
            expect: Some(("schema-type", 5)),
        },
    ]
}

#[test]
fn validate_hostile_inputs() {
    let dir = std::env::temp_dir().join(format!("mcp-chart-hostile-suite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    each(
        validate_cases(),
        |c| c.name.to_string(),
        |case| {
            let file = dir.join("values.yaml");
            std::fs::write(&file, &case.text).expect("writes");
            let r = run(
                case.name,
                &["validate", "--format", "json", "-f", "values.yaml"],
                Vec::new(),
                Some(&dir),
            );
            assert_eq!(
                r.code,
                case.code,
                "{}: stdout {}",
                case.name,
                String::from_utf8_lossy(&r.stdout[..r.stdout.len().min(2000)])
            );
            assert!(r.stderr.is_empty(), "{}: stderr: {}", case.name, r.stderr);
            let report: serde_json::Value =
                serde_json::from_slice(&r.stdout).expect("stdout is one JSON report");
            let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
            for d in diagnostics {
                // The chart's defaults can have diagnostics too (their own file).
                let file = d["file"].as_str().unwrap_or_default();
                assert!(
                    file == "values.yaml" || file.ends_with("charts/mcp-server/values.yaml"),
                    "{}: {d}",
                    case.name
                );
                assert!(
                    d["line"].as_u64().is_some_and(|l| l >= 1),
                    "{}: {d}",
                    case.name
                );
            }
            if let Some((code, line)) = case.expect {
                let found = diagnostics
                    .iter()
                    .find(|d| d["code"] == code)
                    .unwrap_or_else(|| {
                        panic!(
                            "{}: no {code} in {}",
                            case.name,
                            serde_json::to_string(&report["diagnostics"][0]).unwrap_or_default()
                        )
                    });
                if line > 0 {
                    assert_eq!(found["line"], line, "{}: {found}", case.name);
                }
            }
            let _ = std::fs::remove_file(&file);
        },
    );
    let _ = std::fs::remove_dir(&dir);
}

#[test]
fn endless_values_files_are_read_only_up_to_the_limit_by_every_command() {
    // `/dev/zero` never ends: each command reads 16 MiB + 1 bytes of it and
    // refuses the file, located at its start.
    let manifest = workload("w", r#"{"type":"stdio","stdioGateway":{"enabled":true}}"#);
    let r = run(
        "post-render --values /dev/zero",
        &["post-render", "--values", "/dev/zero"],
        manifest.into_bytes(),
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("/dev/zero:1:1: error[yaml-limit]") && r.stderr.contains("16777216"),
        "{}",
        r.stderr
    );
    let r = run(
        "validate -f /dev/zero",
        &["validate", "--format", "json", "-f", "/dev/zero"],
        Vec::new(),
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_slice(&r.stdout).expect("JSON");
    assert_eq!(report["diagnostics"][0]["code"], "yaml-limit");
    let r = run(
        "values -f /dev/zero",
        &["values", "-f", "/dev/zero"],
        Vec::new(),
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("larger than the limit"), "{}", r.stderr);
}

#[test]
fn type_errors_in_post_render_values_name_the_key_path_and_place() {
    // Issue 18: these used to be serde's `invalid type: string "abc", expected
    // u16` and `missing field `name``, with no key, file or line.
    let manifest = workload("w", r#"{"type":"stdio","stdioGateway":{"enabled":true}}"#);
    let dir = std::env::temp_dir().join(format!("mcp-chart-type-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("v.yaml"),
        "transport:\n  stdioGateway:\n    port: abc\n",
    )
    .expect("writes values");
    let cases: [(&[&str], &str); 3] = [
        (
            &["--set", "transport.stdioGateway.port=abc"],
            "--set transport.stdioGateway.port=abc:1:29: error[schema-type]: `transport.stdioGateway.port`: expected integer, found string \"abc\"",
        ),
        (
            &["--set", "transport.stdioGateway.server.env[0].value=x"],
            "--set transport.stdioGateway.server.env[0].value=x:1:38: error[schema-required]: `transport.stdioGateway.server.env[0]`: the key `name` is required",
        ),
        (
            &["--values", "v.yaml"],
            "v.yaml:3:11: error[schema-type]: `transport.stdioGateway.port`: expected integer, found string \"abc\"",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["post-render"];
        args.extend_from_slice(extra);
        let r = run(
            &args.join(" "),
            &args,
            manifest.clone().into_bytes(),
            Some(&dir),
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains(expected), "{}", r.stderr);
        assert!(
            !r.stderr.contains("invalid type") && !r.stderr.contains("missing field"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn post_render_values_from_stdin_only_with_the_manifests_from_a_file() {
    let manifest = workload("w", r#"{"type":"stdio","stdioGateway":{"enabled":true}}"#);
    let r = run(
        "post-render --values -",
        &["post-render", "--values", "-"],
        manifest.clone().into_bytes(),
        None,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("stdin carries the manifests"),
        "{}",
        r.stderr
    );
    let dir = std::env::temp_dir().join(format!("mcp-chart-stdin-values-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("m.yaml"), manifest).expect("writes manifests");
    let r = run(
        "post-render --input m.yaml --values -",
        &["post-render", "--input", "m.yaml", "--values", "-"],
        b"transport:\n  type: http-sse\n".to_vec(),
        Some(&dir),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The values from stdin won over the annotation: no gateway.
    assert!(!String::from_utf8_lossy(&r.stdout).contains("mcp-gateway"));
}
