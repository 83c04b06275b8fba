//! `mcp-chart values` end to end: the merged values as Helm's `.Values`, the
//! origins, the exit codes. (Equality with real Helm's `toJson .Values` is
//! checked case by case in crates/mcp-chart-core/tests/helm_oracle.rs and
//! tests/e2e/test_values_oracle.py.)

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn mcp_chart(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs mcp-chart");
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn dir_with(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcp-chart-values-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("writes fixture");
    }
    dir
}

const DEFAULTS: &str = "a: 1\nm:\n  x: true\n  l: [1, 2]\ne: {}\n";

#[test]
fn json_is_what_go_to_json_prints() {
    let dir = dir_with(
        "json",
        &[
            ("d.yaml", DEFAULTS),
            ("v.yaml", "m:\n  x: ~\n  z: 1e21\nextra: ~\nlt: '<&>'\n"),
        ],
    );
    let run = mcp_chart(
        &dir,
        &[
            "values",
            "--chart-defaults",
            "d.yaml",
            "-f",
            "v.yaml",
            "--set",
            "n=5,k={}",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "{\"a\":1,\"e\":{},\"extra\":null,\"k\":[\"\"],\"lt\":\"\\u003c\\u0026\\u003e\",\"m\":{\"l\":[1,2],\"z\":1e+21},\"n\":5}\n"
    );
}

/// A float with 17 significant digits came back one bit off: the reader
/// re-parsed Go's text of it with serde_json's default (inexact) float parser.
/// Only the shipped build shows it (a dev-dependency of the core turns on
/// serde_json's exact parser in the core's own tests).
#[test]
fn floats_keep_their_last_bit() {
    let dir = dir_with(
        "floats",
        &[
            ("d.yaml", "{}\n"),
            ("v.yaml", "f: 3.6758222874239216e+228\ng: 0.1\nh: 1e3\n"),
        ],
    );
    let run = mcp_chart(
        &dir,
        &[
            "values",
            "--chart-defaults",
            "d.yaml",
            "-f",
            "v.yaml",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "{\"f\":3.6758222874239216e+228,\"g\":0.1,\"h\":1000}\n"
    );
}

#[test]
fn show_origin_names_every_leaf_source() {
    let dir = dir_with(
        "origin",
        &[
            ("d.yaml", DEFAULTS),
            ("v.yaml", "# override\nm:\n  x: false\n"),
        ],
    );
    let run = mcp_chart(
        &dir,
        &[
            "values",
            "--chart-defaults",
            "d.yaml",
            "-f",
            "v.yaml",
            "--set",
            "m.l[2]=3",
            "--set-string",
            "s=007",
            "--show-origin",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    insta::assert_snapshot!("show_origin", run.stdout);
}

#[test]
fn yaml_output_of_the_chart_defaults_with_a_set() {
    let dir = dir_with("yaml", &[]);
    let run = mcp_chart(&dir, &["values", "--set", "replicaCount=2"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("replicaCount: 2\n"), "{}", run.stdout);
    let first_keys: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('-') && l.contains(':'))
        .collect();
    let mut sorted = first_keys.clone();
    sorted.sort_unstable();
    assert_eq!(first_keys, sorted, "keys are sorted as Helm prints them");
}

#[test]
fn helm_refused_inputs_exit_1_with_a_location() {
    let dir = dir_with(
        "refused",
        &[
            ("inf.yaml", "a:\n  b: .inf\n"),
            ("null.yaml", "nodeSelector:\n"),
        ],
    );
    let run = mcp_chart(&dir, &["values", "-f", "inf.yaml"]);
    assert_eq!(run.status, 1);
    assert!(run.stdout.is_empty());
    let conflict = mcp_chart(
        &dir,
        &[
            "values",
            "-f",
            "null.yaml",
            "--set",
            "nodeSelector.disktype=ssd",
        ],
    );
    assert_eq!(conflict.status, 1);
    insta::assert_snapshot!("refused", format!("{}{}", run.stderr, conflict.stderr));
    let missing = mcp_chart(&dir, &["values", "-f", "nope.yaml"]);
    assert_eq!(missing.status, 2, "{}", missing.stderr);
}

#[test]
fn helm_version_4_merges_every_document() {
    let dir = dir_with(
        "h4",
        &[("d.yaml", "a: 1\n"), ("v.yaml", "b: 2\n---\nc: 3\n")],
    );
    let args = [
        "values",
        "--chart-defaults",
        "d.yaml",
        "-f",
        "v.yaml",
        "--format",
        "json",
    ];
    let h3 = mcp_chart(&dir, &args);
    assert_eq!(h3.stdout, "{\"a\":1,\"b\":2}\n");
    let mut h4_args = args.to_vec();
    h4_args.extend(["--helm-version", "4"]);
    let h4 = mcp_chart(&dir, &h4_args);
    assert_eq!(h4.stdout, "{\"a\":1,\"b\":2,\"c\":3}\n");
}
