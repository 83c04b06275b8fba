//! Hostile and odd inputs (DESIGN §11): each returns quickly, with a clear,
//! located message, the right exit code and no panic. The bound (10 s) is a
//! guard against hangs, not a benchmark; the measured time is printed.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BOUND: Duration = Duration::from_secs(10);

struct Outcome {
    status: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs `mcp-chart validate --format json -f <file>` (plus `extra`), killing it
/// after [`BOUND`].
fn validate(case: &str, bytes: &[u8], extra: &[&str]) -> Outcome {
    let dir = std::env::temp_dir().join(format!("mcp-chart-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path: PathBuf = dir.join(format!("{case}.yaml"));
    std::fs::write(&path, bytes).expect("writes input");
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .current_dir(&dir)
        .args([
            "validate",
            "--format",
            "json",
            "-f",
            &format!("{case}.yaml"),
        ])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs mcp-chart");
    let mut stdout_pipe = child.stdout.take().expect("stdout");
    let mut stderr_pipe = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout_pipe.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            panic!("{case}: still running after {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&out_reader.join().expect("reader")).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().expect("reader")).into_owned();
    let _ = std::fs::remove_file(&path);
    let mut log = std::io::stderr().lock();
    let _ = writeln!(
        log,
        "{case}: {:.1} ms, exit {:?}",
        elapsed.as_secs_f64() * 1000.0,
        status.code()
    );
    Outcome {
        status: status.code().unwrap_or(-1),
        stdout,
        stderr,
        elapsed,
    }
}

/// The single diagnostic: `(code, line, column, message)`.
fn only(o: &Outcome) -> (String, u64, u64, String) {
    assert!(o.stderr.is_empty(), "stderr: {}", o.stderr);
    assert!(!o.stderr.contains("panicked"));
    let report: Value = serde_json::from_str(&o.stdout).expect("one JSON object");
    let list = report["diagnostics"].as_array().expect("list");
    assert_eq!(list.len(), 1, "{list:#?}");
    let d = &list[0];
    (
        d["code"].as_str().unwrap_or_default().to_string(),
        d["line"].as_u64().unwrap_or(0),
        d["column"].as_u64().unwrap_or(0),
        d["message"].as_str().unwrap_or_default().to_string(),
    )
}

fn no_diagnostics(o: &Outcome) {
    assert_eq!(o.status, 0, "{}", o.stdout);
    let report: Value = serde_json::from_str(&o.stdout).expect("one JSON object");
    assert_eq!(
        report,
        serde_json::json!({"valid": true, "diagnostics": []})
    );
}

#[test]
fn alias_bomb_is_refused_at_the_alias_that_crosses_the_limit() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for level in 1..9u8 {
        let (prev, cur) = ((b'a' + level - 1) as char, (b'a' + level) as char);
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{cur}: &{cur} [{refs}]\n"));
    }
    let o = validate("alias-bomb", text.as_bytes(), &[]);
    assert_eq!(o.status, 1);
    let (code, line, column, message) = only(&o);
    // go-yaml's alias rule (more than 99% of a small document's nodes
    // copied by aliases) fires at the 6th alias of `d`, as in Helm.
    assert_eq!((code.as_str(), line, column), ("yaml-limit", 4, 17));
    assert!(message.contains("aliases"), "{message}");
    assert!(o.elapsed < BOUND);
}

#[test]
fn thousand_deep_flow_nesting() {
    let text = format!("x: {}{}\n", "[".repeat(1000), "]".repeat(1000));
    let o = validate("deep-flow", text.as_bytes(), &[]);
    assert_eq!(o.status, 1);
    let (code, line, _, message) = only(&o);
    assert_eq!((code.as_str(), line), ("yaml-limit", 1));
    assert!(message.contains("nesting"), "{message}");
}

#[test]
fn thousand_deep_block_nesting() {
    let mut text = String::new();
    for depth in 0..1000 {
        text.push_str(&"  ".repeat(depth));
        text.push_str("a:\n");
    }
    text.push_str(&"  ".repeat(1000));
    text.push_str("b: 1\n");
    let o = validate("deep-block", text.as_bytes(), &[]);
    assert_eq!(o.status, 1);
    let (code, line, column, message) = only(&o);
    assert_eq!((code.as_str(), line, column), ("yaml-limit", 65, 129));
    assert!(message.contains("nesting depth"), "{message}");
}

#[test]
fn non_utf8_is_located_at_the_first_bad_byte() {
    let o = validate("latin1", b"replicaCount: 1\nmode: caf\xe9\n", &[]);
    assert_eq!(o.status, 1);
    let (code, line, column, _) = only(&o);
    assert_eq!((code.as_str(), line, column), ("not-utf8", 2, 10));
    // UTF-16 (with its BOM) is not UTF-8 either.
    let o = validate("utf16", b"\xff\xfer\x00:\x00", &[]);
    let (code, line, column, _) = only(&o);
    assert_eq!((code.as_str(), line, column), ("not-utf8", 1, 1));
}

#[test]
fn empty_comment_only_and_null_files_are_no_overrides() {
    no_diagnostics(&validate("empty", b"", &[]));
    no_diagnostics(&validate(
        "comments",
        b"# nothing to override\n# at all\n",
        &[],
    ));
    no_diagnostics(&validate("null", b"~\n", &[]));
    no_diagnostics(&validate("doc-markers", b"---\n...\n", &[]));
    no_diagnostics(&validate("blank-lines", b"\n\n   \n", &[]));
}

#[test]
fn bom_crlf_and_tabs() {
    // A BOM is skipped: the columns of line 1 count from the first real character.
    let o = validate("bom", "\u{feff}replicaCount: x\n".as_bytes(), &[]);
    let (code, line, column, _) = only(&o);
    assert_eq!((code.as_str(), line, column), ("schema-type", 1, 15));
    no_diagnostics(&validate(
        "bom-valid",
        "\u{feff}replicaCount: 1\n".as_bytes(),
        &[],
    ));
    // CRLF line ends: same lines and columns as LF.
    let o = validate("crlf", b"service:\r\n  type: ClusterIp\r\n", &[]);
    let (code, line, column, _) = only(&o);
    assert_eq!((code.as_str(), line, column), ("schema-enum", 2, 9));
    // A tab in indentation is a syntax error, located.
    let o = validate("tabs", b"service:\n\tport: 80\n", &[]);
    assert_eq!(o.status, 1);
    let (code, line, _, message) = only(&o);
    assert_eq!((code.as_str(), line), ("yaml-syntax", 2));
    assert!(message.contains("tab"), "{message}");
}

#[test]
fn not_a_map_and_second_documents() {
    let o = validate("scalar", b"just a string\n", &[]);
    let (code, line, column, _) = only(&o);
    assert_eq!((code.as_str(), line, column), ("values-not-a-map", 1, 1));
    // Helm 3 reads only the first document of a values file (Helm 4 merges
    // them): the second one is not validated, but it is pointed out.
    let o = validate(
        "two-docs",
        b"replicaCount: 1\n---\nnot: [valid, for, the, chart]\n",
        &[],
    );
    assert_eq!(o.status, 0);
    let (code, line, column, _) = only(&o);
    assert_eq!(
        (code.as_str(), line, column),
        ("values-multi-document", 3, 1)
    );
    let o = validate("kind-list", b"apiVersion: v1\nkind: List\nitems: []\n", &[]);
    let (code, _, _, message) = only(&o);
    assert_eq!(code, "values-is-manifest");
    assert!(message.contains("List"), "{message}");
}

#[test]
fn oversized_file_is_refused_without_being_parsed() {
    let big = format!("# {}\n", "x".repeat(17 * 1024 * 1024));
    let o = validate("oversized", big.as_bytes(), &[]);
    assert_eq!(o.status, 1);
    let (code, line, column, message) = only(&o);
    assert_eq!((code.as_str(), line, column), ("yaml-limit", 1, 1));
    assert!(message.contains("file size"), "{message}");
}

#[test]
fn deep_json_and_huge_set_index() {
    let json = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let text = format!("transport:\n  stdioGateway:\n    namedServersJson: '{json}'\n");
    let o = validate("deep-json", text.as_bytes(), &[]);
    let report: Value = serde_json::from_str(&o.stdout).expect("JSON");
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"named-servers-json-invalid"), "{codes:?}");
    // Refused without allocating the list; located where Helm's parser stops
    // (after the value: the index is only checked when the value is set).
    let o = validate("set-index", b"", &["--set", "a[99999999]=1"]);
    let (code, line, column, message) = only(&o);
    assert_eq!((code.as_str(), line, column), ("set-syntax", 1, 14));
    assert!(
        message.contains("greater than maximum supported index"),
        "{message}"
    );
}

#[test]
fn shell_metacharacters_and_odd_keys_are_just_data() {
    let text = "container:\n  args: [\"$(rm -rf /)\", \"; reboot\", \"`id`\", \"a\\nb\"]\nmode: image\n\"\": 1\n\"a/b~c\": 2\n";
    let o = validate("metachars", text.as_bytes(), &[]);
    assert_eq!(o.status, 1);
    let report: Value = serde_json::from_str(&o.stdout).expect("JSON");
    let paths: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["path"].as_str())
        .collect();
    assert_eq!(paths, ["/", "/a~1b~0c"]);
}

/// `validate` with `args` (no `--format`), the values file `case.yaml` holding `bytes`.
fn validate_as(case: &str, bytes: &[u8], args: &[&str]) -> String {
    let dir = std::env::temp_dir().join(format!("mcp-chart-hostile-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join(format!("{case}.yaml")), bytes).expect("writes input");
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .current_dir(&dir)
        .arg("validate")
        .args(args)
        .args(["-f", &format!("{case}.yaml")])
        .output()
        .expect("runs mcp-chart");
    assert_eq!(out.status.code(), Some(1), "{case}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn diagnostics_are_capped_per_file_and_the_rest_counted_in_every_format() {
    // One `yaml11-bool` per line, one `duplicate-key` per line but the first,
    // and one error (`a` is no key of the chart), located at the last line.
    let lines = |n: usize| "a: yes\n".repeat(n).into_bytes();
    let o = validate("many-diagnostics", &lines(20_000), &[]);
    assert_eq!(o.status, 1);
    let report: Value = serde_json::from_str(&o.stdout).expect("JSON");
    let listed = report["diagnostics"].as_array().expect("list");
    assert_eq!(listed.len(), 100);
    // The error is listed first-class, whatever its line.
    assert_eq!(
        listed
            .iter()
            .filter(|d| d["code"] == "unknown-key" && d["line"] == 20_000)
            .count(),
        1
    );
    let omitted = report["omitted"].as_array().expect("omitted");
    let count = |code: &str| -> u64 {
        omitted
            .iter()
            .filter(|o| o["code"] == code)
            .map(|o| o["count"].as_u64().unwrap_or(0))
            .sum()
    };
    assert_eq!(count("yaml11-bool") + count("duplicate-key"), 39_999 - 99);
    assert_eq!(count("unknown-key"), 0);
    assert!(omitted
        .iter()
        .all(|o| o["file"] == "many-diagnostics.yaml" && o["severity"] == "warning"));

    let human = validate_as("many", &lines(20_000), &[]);
    assert_eq!(human.matches("warning[").count(), 99, "{human:.2000}");
    assert!(
        human.contains("note: …and 39900 more in many.yaml (39900 warnings)"),
        "{}",
        &human[human.len().saturating_sub(600)..]
    );
    assert!(human.ends_with("many.yaml: 1 error, 39999 warnings\n"));
    let github = validate_as("many", &lines(20_000), &["--format", "github"]);
    assert_eq!(
        github
            .lines()
            .filter(|l| l.starts_with("::warning "))
            .count(),
        99
    );
    assert_eq!(
        github
            .lines()
            .filter(|l| l.starts_with("::notice "))
            .count(),
        1
    );

    // Twice the diagnostics, the same output size (give or take the digits).
    let twice = validate("many-diagnostics-2", &lines(40_000), &[]);
    let ratio = twice.stdout.len() as f64 / o.stdout.len() as f64;
    assert!(ratio < 1.01, "output grew by {ratio}");
}

#[test]
fn list_elements_added_by_set_indexes_are_bounded_in_all() {
    // Helm's largest index in 400 arguments would be 26 million elements
    // (several GB here): refused at the fourth, located in its argument.
    let sets: Vec<String> = (0..400).map(|i| format!("x{i}[65536]=1")).collect();
    let mut args = Vec::new();
    for set in &sets {
        args.extend(["--set", set.as_str()]);
    }
    let o = validate("set-elements", b"", &args);
    let (code, line, column, message) = only(&o);
    assert_eq!((code.as_str(), line, column), ("set-syntax", 1, 12));
    assert!(
        message.contains("x3[65536]=1") && message.contains("262144 list elements in all"),
        "{message}"
    );
}
