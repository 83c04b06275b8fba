//! `--capture-input` / `MCP_CHART_CAPTURE_INPUT`: the stream exactly as
//! received, written before anything else happens (so a failing run leaves it
//! too), with the error file's safe file policy.

use std::io::Write;
use std::process::{Command, Stdio};

fn post_render(
    args: &[&str],
    env: &[(&str, &std::path::Path)],
    stdin: &[u8],
) -> (i32, Vec<u8>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mcp-chart"));
    command
        .arg("post-render")
        .args(args)
        .env_remove("MCP_CHART_ERROR_FILE")
        .env_remove("MCP_CHART_CAPTURE_INPUT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("runs mcp-chart");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("writes");
    let out = child.wait_with_output().expect("waits");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh directory of this test process.
fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mcp-chart-capture-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creates");
    dir
}

#[test]
fn the_received_stream_is_captured_byte_for_byte() {
    let dir = temp("bytes");
    let path = dir.join("received.yaml");
    let stream = b"---\r\n# Source: x\r\nkind: ConfigMap\r\nmetadata: {name: a}\r\n";
    let (code, out, err) = post_render(&[], &[("MCP_CHART_CAPTURE_INPUT", &path)], stream);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, stream);
    assert_eq!(std::fs::read(&path).expect("captured"), stream);
    // A failing run (not UTF-8) still leaves what it received.
    let bad = b"---\nkind: A\nmetadata:\n  name: \xff\n";
    let (code, _, _) = post_render(
        &["--capture-input", path.to_str().expect("utf-8")],
        &[],
        bad,
    );
    assert_eq!(code, 1);
    assert_eq!(std::fs::read(&path).expect("captured"), bad);
}

#[test]
fn a_symlink_is_replaced_and_an_input_is_refused() {
    let dir = temp("symlink");
    let target = dir.join("precious");
    std::fs::write(&target, "keep me").expect("writes");
    let link = dir.join("capture.yaml");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let (code, _, err) = post_render(&[], &[("MCP_CHART_CAPTURE_INPUT", &link)], b"kind: A\n");
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&target).expect("reads"), "keep me");
    assert_eq!(std::fs::read_to_string(&link).expect("reads"), "kind: A\n");
    let input = dir.join("in.yaml");
    std::fs::write(&input, "kind: A\n").expect("writes");
    let (code, out, err) = post_render(
        &["--input", input.to_str().expect("utf-8")],
        &[("MCP_CHART_CAPTURE_INPUT", &input)],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("also an input"), "{err}");
    assert_eq!(std::fs::read_to_string(&input).expect("reads"), "kind: A\n");
}
