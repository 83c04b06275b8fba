//! One fixture per diagnostic code (`tests/fixtures/validate/<code>.yaml`):
//! the human output is snapshotted (so the file:line:col and the caret are
//! reviewed), and the JSON output must contain that code with a location.

use std::path::{Path, PathBuf};
use std::process::Command;

use mcp_chart_core::validate::RULES;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate")
}

/// Extra arguments from a first line `# args: ...`.
fn extra_args(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("fixture");
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("# args:"))
        .map(|a| a.split_whitespace().map(String::from).collect())
        .unwrap_or_default()
}

fn run(name: &str, extra: &[String], format: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-chart"))
        .current_dir(fixtures())
        .args(["validate", "--format", format, "-f", name])
        .args(extra)
        .output()
        .expect("runs mcp-chart");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Codes no values file can produce with the current schema.
const NO_FIXTURE: &[&str] = &["schema-invalid"];

#[test]
fn every_code_has_a_fixture() {
    for rule in RULES {
        let path = fixtures().join(format!("{}.yaml", rule.code));
        assert!(
            path.exists() || NO_FIXTURE.contains(&rule.code.as_str()),
            "missing fixture {}",
            path.display()
        );
    }
}

#[test]
fn each_fixture_reports_its_code_with_a_location() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 35, "{names:?}");
    for name in &names {
        let code = name.trim_end_matches(".yaml");
        let rule = RULES.iter().find(|r| r.code.as_str() == code);
        let rule = rule.unwrap_or_else(|| panic!("{name}: not a rule code"));
        let extra = extra_args(&fixtures().join(name));
        let (status, stdout, stderr) = run(name, &extra, "json");
        assert_eq!(stderr, "", "{name}");
        let report: Value = serde_json::from_str(&stdout).expect("one JSON object");
        let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
        let mine: Vec<&Value> = diagnostics.iter().filter(|d| d["code"] == code).collect();
        assert!(!mine.is_empty(), "{name}: no `{code}` in {stdout}");
        for d in &mine {
            assert!(d["line"].as_u64().is_some_and(|l| l >= 1), "{name}: {d}");
            assert!(d["column"].as_u64().is_some_and(|c| c >= 1), "{name}: {d}");
            assert_eq!(d["severity"], rule.severity.as_str(), "{name}");
            assert!(
                d["help"].is_string(),
                "{name}: every rule says what to do: {d}"
            );
            if code != "set-syntax" {
                assert_eq!(d["file"], name.as_str(), "{name}");
            }
        }
        let expected = if diagnostics.iter().any(|d| d["severity"] == "error") {
            1
        } else {
            0
        };
        assert_eq!(status, expected, "{name}");
        assert_eq!(report["valid"], expected == 0, "{name}");
    }
}

#[test]
fn human_output_snapshots() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/validate");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for name in &names {
            let extra = extra_args(&fixtures().join(name));
            let (status, stdout, stderr) = run(name, &extra, "human");
            let command = std::iter::once(format!("mcp-chart validate -f {name}"))
                .chain(extra.iter().cloned())
                .collect::<Vec<_>>()
                .join(" ");
            let shown = format!("$ {command}\nexit status: {status}\n{stderr}{stdout}");
            insta::assert_snapshot!(name.trim_end_matches(".yaml"), shown);
        }
    });
}
