//! Values reach the human diagnostics and the `--check` explanation: control
//! characters in them must not reach the terminal (no ESC sequences, no CR or
//! newline that fakes a line of the output).

use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .args(args)
        .env_remove("MCP_CHART_ERROR_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child.stdin.take().unwrap().write_all(stdin).expect("stdin");
    let out = child.wait_with_output().expect("waits");
    let text =
        String::from_utf8(out.stdout).expect("utf-8") + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn assert_no_controls(text: &str) {
    for c in ['\u{1b}', '\r', '\u{7}', '\u{9b}'] {
        assert!(
            !text.contains(c),
            "U+{:04X} reached the output:\n{text}",
            c as u32
        );
    }
}

fn scratch_values(name: &str, text: &str) -> std::path::PathBuf {
    let path =
        std::env::temp_dir().join(format!("mcp-chart-term-{name}-{}.yaml", std::process::id()));
    std::fs::write(&path, text).expect("values");
    path
}

#[test]
fn human_diagnostics_show_control_characters_visibly() {
    // An unknown key and a bad value, each holding ESC, CR, BEL and a newline.
    let values = scratch_values(
        "validate",
        "\"repl\\e[2J\\ricaCount\": 1\nimage:\n  pullPolicy: \"x\\u0007\\nerror[fake]: all good\"\n",
    );
    let (code, text) = run(&["validate", values.to_str().unwrap()], b"");
    assert_eq!(code, 1, "{text}");
    assert_no_controls(&text);
    assert!(text.contains("repl␛[2J␍icaCount"), "{text}");
    assert!(
        !text.contains("\nerror[fake]"),
        "a value faked a line:\n{text}"
    );
    let _ = std::fs::remove_file(values);
}

#[test]
fn check_explanation_shows_control_characters_visibly() {
    let values = scratch_values(
        "check",
        "mode: node\nnode:\n  package: pkg\ntransport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n    server:\n      command: srv\n      args: [\"a\\e[31mred\\r\\u0007\"]\n",
    );
    let manifests = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - name: mcp-server\n        image: node\n";
    let (code, text) = run(
        &[
            "post-render",
            "--check",
            "--values",
            values.to_str().unwrap(),
        ],
        manifests.as_bytes(),
    );
    assert_eq!(code, 0, "{text}");
    assert_no_controls(&text);
    assert!(text.contains("a␛[31mred␍␇"), "{text}");
    let _ = std::fs::remove_file(values);
}
