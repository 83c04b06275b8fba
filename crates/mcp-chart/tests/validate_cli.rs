//! `mcp-chart validate` end to end: Helm's merge order with provenance, the
//! output formats, exit codes, inputs (stdin, ./values.yaml, positional files)
//! and the shipped examples.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn mcp_chart(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs mcp-chart");
    if let Some(mut input) = child.stdin.take() {
        if let Some(bytes) = stdin {
            input.write_all(bytes).expect("writes stdin");
        }
    }
    let out = child.wait_with_output().expect("waits");
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh directory with `files` in it.
fn dir_with(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("mcp-chart-validate-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("writes fixture");
    }
    dir
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const BASE: &str = "\
# base values for every environment
mode: python
python:
  package: mcp-server-time
service:
  port: 3000
replicaCount: 2
";

const PROD: &str = "\
# production overrides
service:
  type: LoadBalancer

container:
  port: 3000
  env:
    - name: LOG_LEVEL
      value: info
transport:
  http:
    timeouts:
      readSeconds: 0
";

#[test]
fn two_files_and_a_set_point_into_the_second_file() {
    let dir = dir_with("two-files", &[("base.yaml", BASE), ("prod.yaml", PROD)]);
    let args = [
        "validate",
        "-f",
        "base.yaml",
        "-f",
        "prod.yaml",
        "--set",
        "replicaCount=1",
        "--format",
        "json",
    ];
    let run = mcp_chart(&dir, &args, None);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let report = json(&run);
    assert_eq!(report["valid"], false);
    let diagnostics = report["diagnostics"].as_array().expect("list");
    // The only problem: readSeconds 0, written on line 13 of prod.yaml.
    // (--set replicaCount=1 replaced base.yaml's 2, so no sse-replicas warning.)
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "schema-range");
    assert_eq!(d["file"], "prod.yaml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(13), Some(20))
    );
    assert_eq!(d["path"], "/transport/http/timeouts/readSeconds");

    let human = mcp_chart(&dir, &args[..7], None);
    insta::assert_snapshot!("two_files_and_a_set", human.stdout);

    // Without the --set, base.yaml's replicaCount: 2 is reported in base.yaml.
    let run = mcp_chart(
        &dir,
        &[
            "validate",
            "-f",
            "base.yaml",
            "-f",
            "prod.yaml",
            "--format",
            "json",
        ],
        None,
    );
    let report = json(&run);
    let sse: Vec<&Value> = report["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|d| d["code"] == "sse-replicas")
        .collect();
    assert_eq!(sse.len(), 1);
    assert_eq!(
        (sse[0]["file"].as_str(), sse[0]["line"].as_u64()),
        (Some("base.yaml"), Some(7))
    );
}

#[test]
fn later_files_fix_earlier_ones_and_null_deletes_a_default() {
    let dir = dir_with(
        "override",
        &[
            ("a.yaml", "service:\n  port: \"oops\"\n"),
            ("b.yaml", "service:\n  port: 8080\n"),
            (
                "gw.yaml",
                "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    allowOrigins: null\n    server:\n      command: mcp-server-time\n",
            ),
        ],
    );
    let run = mcp_chart(
        &dir,
        &[
            "validate", "-f", "a.yaml", "-f", "b.yaml", "--format", "json",
        ],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(json(&run)["diagnostics"], serde_json::json!([]));
    // The default allowOrigins ["*"] is deleted by null: no cors-any-origin.
    let run = mcp_chart(
        &dir,
        &["validate", "-f", "gw.yaml", "--format", "json"],
        None,
    );
    let codes: Vec<String> = json(&run)["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(codes, ["gateway-post-renderer"]);
    // Without the null the default is reported, located in the chart defaults.
    let run = mcp_chart(
        &dir,
        &[
            "validate",
            "-f",
            "gw.yaml",
            "--set",
            "transport.stdioGateway.allowOrigins={*}",
            "--format",
            "json",
        ],
        None,
    );
    let report = json(&run);
    let cors = report["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["code"] == "cors-any-origin")
        .cloned()
        .expect("cors warning");
    assert_eq!(
        cors["file"],
        "--set transport.stdioGateway.allowOrigins={*}"
    );
    assert_eq!(cors["line"], 1);
}

#[test]
fn set_errors_are_located_in_the_argument() {
    let dir = dir_with("set", &[("values.yaml", "mode: image\n")]);
    let run = mcp_chart(
        &dir,
        &[
            "validate",
            "--set",
            "service.port=http",
            "--set-string",
            "replicaCount=2",
        ],
        None,
    );
    assert_eq!(run.status, 1);
    insta::assert_snapshot!("set_errors", run.stdout);
    let run = mcp_chart(
        &dir,
        &[
            "validate",
            "--set",
            "service.port=http",
            "--format",
            "github",
        ],
        None,
    );
    insta::assert_snapshot!("set_errors_github", run.stdout);
}

#[test]
fn json_output_is_one_object_with_the_documented_fields() {
    let dir = repo().join("crates/mcp-chart/tests/fixtures/validate");
    let run = mcp_chart(
        &dir,
        &["validate", "-f", "unknown-key.yaml", "--format", "json"],
        None,
    );
    assert_eq!(run.status, 1);
    let report = json(&run);
    let keys: Vec<&String> = report.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["valid", "diagnostics"]);
    for d in report["diagnostics"].as_array().expect("list") {
        let keys: Vec<&String> = d.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            ["severity", "code", "message", "help", "path", "file", "line", "column"]
        );
    }
    insta::assert_json_snapshot!("unknown_key_json", report);
}

#[test]
fn github_annotations() {
    let dir = repo().join("crates/mcp-chart/tests/fixtures/validate");
    let run = mcp_chart(
        &dir,
        &["validate", "-f", "schema-type.yaml", "--format", "github"],
        None,
    );
    assert_eq!(run.status, 1);
    insta::assert_snapshot!("schema_type_github", run.stdout);
}

#[test]
fn exit_codes_deny_warnings_and_ignore() {
    let dir = dir_with("exit", &[("values.yaml", "replicaCount: 2\n")]);
    // A warning: exit 0 (valid), 1 with --deny-warnings.
    let run = mcp_chart(&dir, &["validate"], None);
    assert_eq!(run.status, 0, "{}", run.stdout);
    let run = mcp_chart(
        &dir,
        &["validate", "--deny-warnings", "--format", "json"],
        None,
    );
    assert_eq!(run.status, 1);
    assert_eq!(json(&run)["valid"], false);
    let run = mcp_chart(
        &dir,
        &["validate", "--deny-warnings", "--ignore", "sse-replicas"],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stdout);
    // Usage errors: exit 2, nothing on stdout.
    for args in [
        &["validate", "--ignore", "no-such-code"][..],
        &["validate", "--ignore", "yaml-syntax"],
        &["validate", "--format", "xml"],
        &["validate", "-f", "missing.yaml"],
        &["validate", "-f", "."],
    ] {
        let run = mcp_chart(&dir, args, None);
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(!run.stderr.is_empty(), "{args:?}");
    }
    let empty = dir_with("no-values", &[]);
    let run = mcp_chart(&empty, &["validate"], None);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("values.yaml"), "{}", run.stderr);
}

#[test]
fn stdin_and_default_values_file() {
    let dir = dir_with("stdin", &[("values.yaml", "mode: image\n")]);
    let run = mcp_chart(
        &dir,
        &["validate", "-f", "-", "--format", "json"],
        Some(b"mode: nodejs\n"),
    );
    assert_eq!(run.status, 1);
    let d = &json(&run)["diagnostics"][0];
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64()),
        (Some("<stdin>"), Some(1))
    );
    let run = mcp_chart(&dir, &["validate"], None);
    assert_eq!(run.status, 0);
    assert_eq!(run.stdout, "values.yaml: no problems\n");
}

#[test]
fn positional_files_are_checked_one_by_one() {
    // pre-commit passes changed files as arguments: each is checked on its own
    // (over the -f files), so one file cannot hide another's mistake.
    let dir = dir_with(
        "positional",
        &[
            (
                "base.yaml",
                "mode: python\npython:\n  package: mcp-server-time\n",
            ),
            ("values-dev.yaml", "replicaCount: many\n"),
            ("values-prod.yaml", "replicaCount: 1\nmode: nodejs\n"),
        ],
    );
    let run = mcp_chart(
        &dir,
        &[
            "validate",
            "-f",
            "base.yaml",
            "values-dev.yaml",
            "values-prod.yaml",
        ],
        None,
    );
    assert_eq!(run.status, 1);
    insta::assert_snapshot!("positional_files", run.stdout);
}

#[test]
fn examples_validate_and_the_gateway_manifest_does_not() {
    let examples = repo().join("examples");
    let mut names: Vec<String> = std::fs::read_dir(&examples)
        .expect("examples")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 7);
    for name in &names {
        let run = mcp_chart(&examples, &["validate", "-f", name], None);
        if name == "gateway-http.yaml" {
            assert_eq!(run.status, 1, "{}", run.stdout);
            assert!(
                run.stdout.contains("this is a Kubernetes Gateway manifest"),
                "{}",
                run.stdout
            );
            assert!(
                run.stdout.contains("gateway-http.yaml:6:1"),
                "{}",
                run.stdout
            );
        } else {
            assert_eq!(run.status, 0, "{name}: {}", run.stdout);
            assert!(!run.stdout.contains("error["), "{name}: {}", run.stdout);
        }
    }
}

#[test]
fn docs_table_lists_every_code() {
    let docs =
        std::fs::read_to_string(repo().join("docs/validation.md")).expect("docs/validation.md");
    for rule in mcp_chart_core::validate::RULES {
        let row = format!("| `{}` | {} |", rule.code, rule.severity);
        assert!(
            docs.contains(&row),
            "docs/validation.md has no row starting {row}"
        );
    }
}

#[test]
fn pre_commit_hook_runs_the_validator() {
    let hooks = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).expect("hooks file");
    assert!(hooks.contains("id: mcp-chart-validate"));
    assert!(hooks.contains("entry: mcp-chart validate"));
}
