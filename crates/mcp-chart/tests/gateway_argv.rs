//! End to end: the gateway container the post-renderer writes, expanded the
//! way the kubelet expands `command`/`args` (`$(VAR)`, `$$`), run through a
//! real `sh` when there are setup steps, reaches mcp-proxy's real argument
//! parser (mcp-proxy 0.13 from the project's tool venv) with every value
//! exactly as written in the values: `$(whoami)`, `$HOME`, backticks, quotes,
//! spaces, newlines and `;` included. Skipped when the venv is not installed
//! (scripts/install-tools.sh python).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python() -> Option<PathBuf> {
    let cache = std::env::var_os("MCP_CHART_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".cache"));
    let python = cache.join("venv/bin/python");
    let ok = python.is_file()
        && Command::new(&python)
            .args(["-c", "import mcp_proxy.__main__"])
            .output()
            .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

/// Kubernetes' expansion of container command/args: `$$` is `$`, `$(NAME)`
/// is the container env var NAME when defined, anything else stays.
fn k8s_expand(s: &str, env: &HashMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('(') {
            match inner.find(')') {
                Some(close) => {
                    let name = &inner[..close];
                    match env.get(name) {
                        Some(v) => out.push_str(v),
                        None => {
                            out.push_str("$(");
                            out.push_str(name);
                            out.push(')');
                        }
                    }
                    rest = &inner[close + 1..];
                }
                None => {
                    out.push_str("$(");
                    rest = inner;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn post_render(input: &[u8], args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .arg("post-render")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("writes");
    let out = child.wait_with_output().expect("waits");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The gateway container of the stream's Deployment, as JSON.
fn gateway_container(stream: &str) -> Value {
    let loaded = mcp_chart_core::yaml::load_documents(stream, &Default::default()).expect("YAML");
    loaded
        .documents
        .iter()
        .map(|d| d.to_json())
        .find(|d| d["kind"] == "Deployment")
        .and_then(|d| {
            d.pointer("/spec/template/spec/containers")
                .and_then(Value::as_array)
                .and_then(|cs| cs.iter().find(|c| c["name"] == "mcp-gateway").cloned())
        })
        .expect("gateway container")
}

/// Runs the container's argv as the kubelet would, with `mcp-proxy` being a
/// script that parses its arguments with mcp-proxy's own parser.
fn proxy_sees(python: &Path, container: &Value, work: &Path) -> Value {
    let env: HashMap<String, String> = container["env"]
        .as_array()
        .map(|vars| {
            vars.iter()
                .filter_map(|v| {
                    Some((
                        v["name"].as_str()?.to_string(),
                        v["value"].as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let items = |key: &str| -> Vec<String> {
        container[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| k8s_expand(s.as_str().expect("string"), &env))
                    .collect()
            })
            .unwrap_or_default()
    };
    let argv: Vec<String> = items("command").into_iter().chain(items("args")).collect();
    let bin = work.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let script = bin.join("mcp-proxy");
    write_script(
        &script,
        python,
        "import json, os, sys\nfrom mcp_proxy.__main__ import _setup_argument_parser\n\
         a = _setup_argument_parser().parse_args(sys.argv[1:])\n\
         json.dump({'command': a.command_or_url, 'args': a.args, 'env': a.env, \
         'allow_origin': a.allow_origin, 'cwd': a.cwd, 'host': a.host, 'port': a.port, \
         'pass_environment': a.pass_environment, 'named_server_config': a.named_server_config}, \
         open(os.environ['PROXY_OUT'], 'w'))\n",
    );
    let out_file = work.join("proxy.json");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let program = if argv[0] == "mcp-proxy" {
        script.clone()
    } else {
        PathBuf::from(&argv[0])
    };
    let status = Command::new(program)
        .args(&argv[1..])
        .env("PATH", path)
        .env("PROXY_OUT", &out_file)
        .env("STEP_OUT", work.join("step.txt"))
        .env("HOME", "/home/gateway")
        .status()
        .expect("runs the container argv");
    assert!(status.success(), "the container argv failed: {argv:?}");
    serde_json::from_str(&std::fs::read_to_string(&out_file).expect("proxy ran")).expect("JSON")
}

/// Writes an executable Python script at `path` (the interpreter is the
/// tool venv's, so the script can import mcp-proxy).
fn write_script(path: &Path, python: &Path, body: &str) {
    std::fs::write(path, format!("#!{}\n{body}", python.display())).expect("script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

/// Runs what mcp-proxy would spawn (`sh` with the arguments it parsed, in
/// `work`, with `work/bin` first on PATH and `env` added) and returns the JSON
/// the server script wrote to `work/srv.json`.
fn run_spawned_server(seen: &Value, work: &Path, env: &[(&str, &str)]) -> Value {
    let args: Vec<String> = seen["args"]
        .as_array()
        .expect("args")
        .iter()
        .map(|a| a.as_str().expect("string").to_string())
        .collect();
    let path = format!(
        "{}:{}",
        work.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = Command::new("sh")
        .args(&args)
        .current_dir(work)
        .env("PATH", path)
        .env("SRV_OUT", work.join("srv.json"))
        .envs(env.iter().copied())
        .status()
        .expect("sh runs");
    assert!(status.success(), "the spawned server failed: {args:?}");
    serde_json::from_str(&std::fs::read_to_string(work.join("srv.json")).expect("srv ran"))
        .expect("JSON")
}

const HOSTILE: &[&str] = &[
    "$(whoami)",
    "$HOME",
    "`id`",
    "it's \"quoted\"",
    "two words",
    "line1\nline2",
    "a;b && c | d > e",
    "$$ and $(VAR) and $${x}",
    "-x",
];

#[test]
fn values_reach_mcp_proxy_literally() {
    let Some(python) = python() else {
        panic!("mcp-proxy venv not installed (scripts/install-tools.sh python)");
    };
    let fixture = repo().join("tests/fixtures/post-render/hostile-literal/input.yaml");
    let stream = post_render(&std::fs::read(fixture).expect("fixture"), &[]);
    let work = std::env::temp_dir().join(format!("mcp-chart-argv-{}", std::process::id()));
    let seen = proxy_sees(&python, &gateway_container(&stream), &work);
    assert_eq!(seen["command"], "/opt/srv/bin/server");
    assert_eq!(seen["args"], json!(HOSTILE));
    assert_eq!(
        seen["allow_origin"],
        json!(["https://a.example", "https://b.example; rm -rf /"])
    );
    assert_eq!(seen["cwd"], "/srv/$(whoami)/dir with spaces");
    assert_eq!(seen["env"], json!([["SECRET", "p@ss $(word) `x` ;"]]));
    assert_eq!(seen["host"], "0.0.0.0");
    assert_eq!(seen["port"], 8096);
    assert_eq!(seen["pass_environment"], true);
    assert_eq!(seen["named_server_config"], "/etc/mcp-gateway/servers.json");
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn setup_steps_run_as_shell_and_the_argv_as_positional_parameters() {
    let Some(python) = python() else {
        panic!("mcp-proxy venv not installed (scripts/install-tools.sh python)");
    };
    let work = std::env::temp_dir().join(format!("mcp-chart-steps-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work");
    let values = work.join("values.yaml");
    let args_yaml: Vec<String> = HOSTILE
        .iter()
        .map(|a| format!("        - {}\n", serde_json::to_string(a).expect("json")))
        .collect();
    std::fs::write(
        &values,
        format!(
            "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    allowOrigins: []\n    \
             preStart:\n      - 'printf \"%s|%s|%s\" \"$HOME\" \"$(echo sub)\" \"`echo tick`\" > \"$STEP_OUT\"'\n    \
             server:\n      command: \"srv $(x)\"\n      args:\n{}",
            args_yaml.concat()
        ),
    )
    .expect("values");
    let fixture = repo().join("tests/fixtures/post-render/gateway-named-only/input.yaml");
    let stream = post_render(
        &std::fs::read(fixture).expect("fixture"),
        &["--values", values.to_str().expect("path")],
    );
    let container = gateway_container(&stream);
    assert_eq!(container["command"][0], "sh");
    assert!(container.get("args").is_none());
    let seen = proxy_sees(&python, &container, &work);
    // The steps are shell: $HOME, $(...) and backticks were expanded by sh.
    assert_eq!(
        std::fs::read_to_string(work.join("step.txt")).expect("step ran"),
        "/home/gateway|sub|tick"
    );
    // The argv is not: every value arrived as written.
    assert_eq!(seen["command"], "srv $(x)");
    assert_eq!(seen["args"], json!(HOSTILE));
    assert_eq!(seen["allow_origin"], json!([]));
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn kubernetes_expansion_model() {
    let env: HashMap<String, String> = [("A".to_string(), "1".to_string())].into();
    assert_eq!(
        k8s_expand("$(A) $$(A) $(B) $$ $x $(", &env),
        "1 $(A) $(B) $ $x $("
    );
}

/// What argparse would misread is carried another way: a bare `--` among the
/// default server's arguments through a quoted `sh -c`, a `-`-value of
/// `server.env` through the container's env. The server (a script standing
/// for it) must get exactly what the values say.
#[test]
fn a_bare_double_dash_and_a_dash_env_value_reach_the_server() {
    let Some(python) = python() else {
        panic!("mcp-proxy venv not installed (scripts/install-tools.sh python)");
    };
    let work = std::env::temp_dir().join(format!("mcp-chart-dashes-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work");
    let values = work.join("values.yaml");
    std::fs::write(
        &values,
        "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    allowOrigins: []\n    \
         server:\n      command: srv\n      args: [a, --, -x, \"$(HOME) it's\"]\n      env:\n        \
         - name: JAVA_TOOL_OPTIONS\n          value: -Xmx512m $(HOME)\n",
    )
    .expect("values");
    let fixture = repo().join("tests/fixtures/post-render/gateway-named-only/input.yaml");
    let stream = post_render(
        &std::fs::read(fixture).expect("fixture"),
        &["--values", values.to_str().expect("path")],
    );
    let container = gateway_container(&stream);
    let seen = proxy_sees(&python, &container, &work);
    assert_eq!(seen["command"], "sh");
    assert_eq!(seen["env"], json!([]));
    // mcp-proxy spawns `sh -c <script>` with the container's environment.
    let env_value = container["env"]
        .as_array()
        .and_then(|vars| vars.iter().find(|v| v["name"] == "JAVA_TOOL_OPTIONS"))
        .and_then(|v| v["value"].as_str())
        .map(|v| k8s_expand(v, &HashMap::new()))
        .expect("JAVA_TOOL_OPTIONS in the container env");
    write_script(
        &work.join("bin/srv"),
        &python,
        "import json, os, sys\njson.dump({'args': sys.argv[1:], 'java': os.environ.get('JAVA_TOOL_OPTIONS')}, open(os.environ['SRV_OUT'], 'w'))\n",
    );
    let got = run_spawned_server(
        &seen,
        &work,
        &[("JAVA_TOOL_OPTIONS", &env_value), ("HOME", "/home/gateway")],
    );
    assert_eq!(got["args"], json!(["a", "--", "-x", "$(HOME) it's"]));
    assert_eq!(got["java"], "-Xmx512m $(HOME)");
    let _ = std::fs::remove_dir_all(&work);
}

/// Issue 18: a `$(NAME)` in the server container's argv is judged as the
/// kubelet expands it. Here `$(SEP)` expands to a bare `--` (so the server runs
/// through `sh -c`) and `$(Q)` to text that would end a single-quoted word: the
/// script must hold the expanded values quoted, and the server (a script
/// standing for it) must receive exactly them; before, the kubelet expanded
/// `$(Q)` inside the quotes and the shell ran `touch pwned`.
#[test]
fn a_kubelet_variable_in_the_argv_reaches_the_server_as_expanded() {
    // `$(SEP)` is the bare `--`; or a literal `--` with `$(Q)` in the script.
    for (i, sep) in ["$(SEP)", "--"].into_iter().enumerate() {
        kubelet_variable_case(i, sep);
    }
}

fn kubelet_variable_case(case: usize, sep: &str) {
    let Some(python) = python() else {
        panic!("mcp-proxy venv not installed (scripts/install-tools.sh python)");
    };
    let work = std::env::temp_dir().join(format!("mcp-chart-kvars-{}-{case}", std::process::id()));
    let bin = work.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let q = "it's $x'; touch pwned; '";
    let transport = r#"{"type":"stdio","stdioGateway":{"enabled":true,"allowOrigins":[]}}"#;
    let input = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mcp\n  annotations:\n    \
         mcp-chart/transport: {}\nspec:\n  template:\n    spec:\n      containers:\n      \
         - name: mcp-server\n        image: x\n        command: [srv, \"{sep}\", \"$(Q)\"]\n        \
         env:\n        - name: SEP\n          value: \"--\"\n        - name: Q\n          value: {}\n",
        serde_json::to_string(transport).expect("json"),
        serde_json::to_string(q).expect("json"),
    );
    let stream = post_render(input.as_bytes(), &[]);
    let container = gateway_container(&stream);
    let seen = proxy_sees(&python, &container, &work);
    assert_eq!(seen["command"], "sh");
    write_script(
        &bin.join("srv"),
        &python,
        "import json, os, sys\njson.dump(sys.argv[1:], open(os.environ['SRV_OUT'], 'w'))\n",
    );
    let got = run_spawned_server(&seen, &work, &[]);
    assert_eq!(got, json!(["--", q]));
    assert!(!work.join("pwned").exists(), "the shell ran a value");
    let _ = std::fs::remove_dir_all(&work);
}
