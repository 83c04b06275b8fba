//! The post-renderer's error file and its outputs under hostile conditions:
//! symlinks, inputs named as the error file, usage errors under Helm 4,
//! parallel failures, a closed stdout and a reader that stops early.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BAD_SERVER_NAME: &str = "../../tests/fixtures/post-render/error-server-name/input.yaml";

fn failing_input() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(BAD_SERVER_NAME)).expect("fixture")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcp-chart-errfile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn mcp_chart() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcp-chart"));
    cmd.env_remove("MCP_CHART_ERROR_FILE");
    cmd
}

/// Runs post-render with `args` on `stdin`; returns (exit code, stderr).
fn post_render(args: &[&str], stdin: &[u8]) -> (i32, String) {
    let mut child = mcp_chart()
        .arg("post-render")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs mcp-chart");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("waits");
    writer.join().expect("writer");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn a_symlink_at_the_error_file_is_replaced_not_followed() {
    let dir = scratch("symlink");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious\n").expect("victim");
    let link = dir.join("last-error.txt");
    std::os::unix::fs::symlink(&victim, &link).expect("symlink");
    let (code, _) = post_render(&["--error-file", link.to_str().unwrap()], &failing_input());
    assert_eq!(code, 1);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    let meta = std::fs::symlink_metadata(&link).expect("report");
    assert!(meta.file_type().is_file(), "the link itself is replaced");
    assert!(std::fs::read_to_string(&link).unwrap().contains("docs/v2"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_success_removes_only_a_report_this_tool_wrote() {
    let dir = scratch("clear");
    let path = dir.join("last-error.txt");
    let arg = path.to_str().unwrap().to_string();

    std::fs::write(&path, "someone else's notes\n").expect("write");
    let (code, _) = post_render(&["--error-file", &arg], b"");
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "someone else's notes\n",
        "a file that is not a report is left alone"
    );

    std::fs::remove_file(&path).unwrap();
    let (code, _) = post_render(&["--error-file", &arg], &failing_input());
    assert_eq!(code, 1);
    assert!(path.exists(), "a failure writes the report");
    let (code, _) = post_render(&["--error-file", &arg], b"");
    assert_eq!(code, 0);
    assert!(!path.exists(), "a success removes the earlier report");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_error_file_that_is_an_input_is_refused() {
    let dir = scratch("input");
    let input = dir.join("manifests.yaml");
    std::fs::write(&input, failing_input()).expect("input");
    let arg = input.to_str().unwrap();
    let out = mcp_chart()
        .args(["post-render", "--input", arg, "--error-file", arg])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is also an input"));
    assert_eq!(
        std::fs::read(&input).unwrap(),
        failing_input(),
        "input kept"
    );

    let values = dir.join("values.yaml");
    std::fs::write(&values, "transport: {}\n").expect("values");
    let out = mcp_chart()
        .args(["post-render", "--values", values.to_str().unwrap()])
        .env("MCP_CHART_ERROR_FILE", &values)
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&values).unwrap(), "transport: {}\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_usage_error_replaces_an_earlier_report() {
    // Helm 3-style arguments reaching the Helm 4 plugin: the plugin's command
    // line already says `post-render --error-file …`, Helm adds more.
    let dir = scratch("usage");
    let path = dir.join("last-error.txt");
    std::fs::write(
        &path,
        "mcp-chart post-render: error: an old, unrelated failure\n",
    )
    .unwrap();
    let (code, stderr) = post_render(
        &["--error-file", path.to_str().unwrap(), "post-render"],
        b"",
    );
    assert_eq!(code, 2, "{stderr}");
    let report = std::fs::read_to_string(&path).expect("report");
    assert!(
        report.starts_with("mcp-chart post-render: usage error:"),
        "{report}"
    );
    assert!(report.contains("post-render"), "{report}");
    assert!(!report.contains("old, unrelated"), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn parallel_failures_each_leave_one_whole_report() {
    let dir = scratch("parallel");
    let path = dir.join("last-error.txt");
    let arg = path.to_str().unwrap().to_string();
    let input = failing_input();
    let runs: Vec<_> = (0..6)
        .map(|_| {
            let (arg, input) = (arg.clone(), input.clone());
            std::thread::spawn(move || post_render(&["--error-file", &arg], &input))
        })
        .collect();
    let mut reports = Vec::new();
    for run in runs {
        let (code, stderr) = run.join().expect("run");
        assert_eq!(code, 1);
        reports.push(stderr);
    }
    let written = std::fs::read_to_string(&path).expect("report");
    assert!(
        reports.contains(&written),
        "the file holds one whole report:\n{written}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "last-error.txt")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `mcp-chart SUB` from `sh` with stdout redirected by `redirect`.
#[cfg(target_os = "linux")]
fn with_stdout(redirect: &str, sub: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("exec \"$0\" \"$@\" {redirect}"))
        .arg(env!("CARGO_BIN_EXE_mcp-chart"))
        .args(sub)
        .env_remove("MCP_CHART_ERROR_FILE")
        .stdin(Stdio::null())
        .output()
        .expect("runs")
}

#[cfg(target_os = "linux")]
#[test]
fn a_closed_stdout_is_a_usage_error() {
    for sub in [&["post-render"][..], &["validate", "/dev/null"][..]] {
        let out = with_stdout(">&-", sub);
        assert_eq!(out.status.code(), Some(2), "{sub:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("stdout is closed"),
            "{sub:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Output thrown away on purpose is fine; so is /dev/null opened
        // read-write (Python's subprocess.DEVNULL), which looks like what
        // Rust's runtime puts in place of a closed stdout.
        for redirect in [">/dev/null", "1<>/dev/null"] {
            let out = with_stdout(redirect, sub);
            assert_eq!(out.status.code(), Some(0), "{sub:?} {redirect}");
        }
    }
}

#[test]
fn output_cut_by_a_closed_pipe_fails_and_is_reported() {
    let dir = scratch("cut");
    let path = dir.join("last-error.txt");
    // Pass-through documents, far more than a pipe buffer holds.
    let doc = format!(
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler\ndata:\n  a: \"{}\"\n",
        "x".repeat(1000)
    );
    let input = doc.repeat(2000);
    let mut child = mcp_chart()
        .args(["post-render", "--error-file", path.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let out = child.wait_with_output().expect("waits");
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = std::fs::read_to_string(&path).expect("report");
    assert!(report.contains("output was cut"), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}
