//! `mcp-chart post-render` on the fixtures in tests/fixtures/post-render: one
//! folder per case with `input.yaml` (rendered by the real chart through real
//! Helm, see scripts/render-fixtures.sh, or hand-written), an
//! optional `values.yaml` (passed as --values) and an optional `args` file
//! (more arguments, one per line). Each case's snapshot holds the exit code,
//! stderr, the `--check` explanation and the output stream.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/post-render")
}

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn run(args: &[String], stdin: &[u8], env: &[(&str, &Path)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcp-chart"));
    cmd.args(args)
        .env_remove("MCP_CHART_ERROR_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("runs mcp-chart");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("waits");
    writer.join().expect("writer");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn case_args(dir: &Path) -> Vec<String> {
    let mut args = vec!["post-render".to_string()];
    let values = dir.join("values.yaml");
    if values.is_file() {
        args.push("--values".into());
        args.push(values.display().to_string());
    }
    if let Ok(extra) = std::fs::read_to_string(dir.join("args")) {
        args.extend(extra.lines().filter(|l| !l.is_empty()).map(str::to_string));
    }
    args
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures exist")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Replaces the fixture folder's absolute path so snapshots do not depend on it.
fn portable(text: &str) -> String {
    let root = fixtures().display().to_string();
    text.replace(&root, "tests/fixtures/post-render")
}

#[test]
fn every_fixture_matches_its_snapshot_and_the_contract() {
    let cases = cases();
    assert!(
        cases.len() >= 30,
        "expected the fixture set, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let input = std::fs::read(dir.join("input.yaml")).expect("input");
        let args = case_args(dir);
        let result = run(&args, &input, &[]);
        let mut check_args = args.clone();
        check_args.push("--check".into());
        let check = run(&check_args, &input, &[]);
        let expect_error = name.starts_with("error-");

        // The contract: errors exit 1 with nothing on stdout; success says nothing on stderr.
        if expect_error {
            if result.code != 1 || !result.stdout.is_empty() || result.stderr.is_empty() {
                failures.push(format!(
                    "{name}: expected exit 1, empty stdout and an error"
                ));
            }
            if check.code != 1 {
                failures.push(format!("{name}: --check should exit 1"));
            }
        } else {
            if result.code != 0 || !result.stderr.is_empty() {
                failures.push(format!(
                    "{name}: expected success, got {} with {}",
                    result.code, result.stderr
                ));
            }
            if check.code != 0 {
                failures.push(format!("{name}: --check should exit 0"));
            }
            // Idempotent: the output run again comes out unchanged.
            let again = run(&args, &result.stdout, &[]);
            if again.code != 0 || again.stdout != result.stdout {
                failures.push(format!("{name}: a second run changed the output"));
            }
        }

        let snapshot = format!(
            "exit: {}\n--- stderr\n{}--- check\n{}--- stdout\n{}",
            result.code,
            portable(&result.stderr),
            portable(&String::from_utf8_lossy(&check.stdout)),
            String::from_utf8_lossy(&result.stdout),
        );
        insta::with_settings!({
            snapshot_path => "snapshots/post-render",
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("tests/fixtures/post-render/{name}"),
        }, {
            insta::assert_snapshot!(name.clone(), snapshot);
        });
    }
    assert!(
        failures.is_empty(),
        "contract failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn errors_also_go_to_the_error_file() {
    let dir = fixtures().join("error-server-name");
    let input = std::fs::read(dir.join("input.yaml")).expect("input");
    let tmp = std::env::temp_dir().join(format!("mcp-chart-error-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = run(
        &["post-render".into()],
        &input,
        &[("MCP_CHART_ERROR_FILE", tmp.as_path())],
    );
    assert_eq!(result.code, 1);
    assert!(result.stdout.is_empty());
    let written = std::fs::read_to_string(&tmp).expect("error file written");
    assert_eq!(written, result.stderr);
    assert!(written.contains("docs/v2"), "{written}");
    let _ = std::fs::remove_file(&tmp);

    let flag =
        std::env::temp_dir().join(format!("mcp-chart-error-flag-{}.txt", std::process::id()));
    let result = run(
        &[
            "post-render".into(),
            "--error-file".into(),
            flag.display().to_string(),
        ],
        &input,
        &[],
    );
    assert_eq!(result.code, 1);
    assert!(std::fs::read_to_string(&flag)
        .expect("written")
        .contains("docs/v2"));
    let _ = std::fs::remove_file(&flag);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let missing = run(
        &[
            "post-render".into(),
            "--values".into(),
            "/nonexistent/values.yaml".into(),
        ],
        b"",
        &[],
    );
    assert_eq!(missing.code, 2);
    assert!(missing.stdout.is_empty());
    let bad_flag = run(&["post-render".into(), "--bogus".into()], b"", &[]);
    assert_eq!(bad_flag.code, 2);
    // --workload takes KIND/NAME; anything else is a usage error.
    for bad in ["foo", "Deployment/", "/foo", "a/b/c"] {
        let run = run(
            &["post-render".into(), "--workload".into(), bad.into()],
            b"",
            &[],
        );
        assert_eq!(run.code, 2, "--workload {bad}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains("expected KIND/NAME"), "{}", run.stderr);
    }
}

#[test]
fn empty_input_gives_empty_output() {
    let r = run(&["post-render".into()], b"", &[]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty());
}

/// The tool venv's kubernetes-validate, when installed.
fn kubernetes_validate() -> Option<PathBuf> {
    let cache = std::env::var_os("MCP_CHART_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache"));
    let tool = cache.join("venv/bin/kubernetes-validate");
    tool.is_file().then_some(tool)
}

#[test]
fn fixture_outputs_are_valid_kubernetes_objects() {
    let Some(tool) = kubernetes_validate() else {
        panic!("kubernetes-validate not installed (scripts/install-tools.sh python)");
    };
    let work = std::env::temp_dir().join(format!("mcp-chart-k8s-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work dir");
    let mut files = Vec::new();
    for dir in cases() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        // error cases write nothing; odd-documents holds non-objects on purpose
        if name.starts_with("error-") || name == "odd-documents" {
            continue;
        }
        let input = std::fs::read(dir.join("input.yaml")).expect("input");
        let result = run(&case_args(&dir), &input, &[]);
        assert_eq!(result.code, 0, "{name}");
        let file = work.join(format!("{name}.yaml"));
        std::fs::write(&file, &result.stdout).expect("write");
        files.push(file);
    }
    let out = Command::new(tool)
        .args(["--strict", "-k", "1.33.0"])
        .args(&files)
        .output()
        .expect("runs kubernetes-validate");
    let _ = std::fs::remove_dir_all(&work);
    let report =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{report}");
    assert!(!report.contains("ERROR"), "{report}");
}

#[test]
fn io_errors_also_go_to_the_error_file() {
    let file = std::env::temp_dir().join(format!("mcp-chart-io-error-{}.txt", std::process::id()));
    let result = run(
        &[
            "post-render".into(),
            "--values".into(),
            "/nonexistent/values.yaml".into(),
        ],
        b"",
        &[("MCP_CHART_ERROR_FILE", file.as_path())],
    );
    assert_eq!(result.code, 2);
    let written = std::fs::read_to_string(&file).expect("error file");
    assert!(written.contains("/nonexistent/values.yaml"), "{written}");
    let _ = std::fs::remove_file(&file);
}
