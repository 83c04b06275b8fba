//! The core's merged values against real Helm's, case by case.
//!
//! tests/helm_values/cases/*.json are the inputs (files, `--set` family,
//! defaults); tests/helm_values/recorded/*.json are what Helm 3.18 and Helm
//! 4.3.1 printed for `toJson .Values` (and the Go type of every leaf), or that
//! they refused the input. record.py writes them; the e2e stage re-runs it
//! against the real binaries so they cannot drift. Every case must agree, or
//! be listed with its reason in tests/helm_values/exceptions.json.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mcp_chart_core::values::{merge_with, HelmVersion, MergeOptions, SetArg, ValuesSource};
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/helm_values")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What the core says for one case: `Ok((values, types))` or the error text.
pub fn core_answer(case: &Value, helm: HelmVersion) -> Result<(String, String), String> {
    let chart_defaults;
    let defaults_text = match case.get("defaults") {
        None | Some(Value::Null) => "",
        Some(Value::String(s)) if s == "chart" => {
            chart_defaults = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../charts/mcp-server/values.yaml"),
            )
            .expect("chart values");
            &chart_defaults
        }
        Some(Value::String(s)) => s,
        Some(other) => panic!("defaults: {other}"),
    };
    let texts: Vec<String> = case
        .get("files")
        .and_then(Value::as_array)
        .map(|files| {
            files
                .iter()
                .map(|f| f.as_str().expect("file text").to_string())
                .collect()
        })
        .unwrap_or_default();
    let names: Vec<String> = (0..texts.len()).map(|i| format!("f{i}.yaml")).collect();
    let files: Vec<ValuesSource<'_>> = names
        .iter()
        .zip(&texts)
        .map(|(name, text)| ValuesSource { name, text })
        .collect();
    let assets = case.get("assets").and_then(Value::as_object);
    let sets: Vec<SetArg> = case
        .get("args")
        .and_then(Value::as_array)
        .map(|args| {
            args.iter()
                .map(|pair| {
                    let flag = pair[0].as_str().expect("flag");
                    let text = pair[1].as_str().expect("value");
                    match flag {
                        "--set" => SetArg::new(text),
                        "--set-string" => SetArg::string(text),
                        "--set-json" => SetArg::json(text),
                        "--set-literal" => SetArg::literal(text),
                        "--set-file" => {
                            let files = SetArg::file_paths(text)
                                .into_iter()
                                .map(|path| {
                                    let content = assets
                                        .and_then(|a| a.get(&path))
                                        .and_then(Value::as_str)
                                        .map(str::to_string)
                                        .ok_or_else(|| "no such file or directory".to_string());
                                    (path, content)
                                })
                                .collect();
                            SetArg::file(text, files)
                        }
                        other => panic!("unknown flag {other}"),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let options = MergeOptions {
        helm,
        defaults: Some(ValuesSource {
            name: "values.yaml",
            text: defaults_text,
        }),
        limits: None,
    };
    merge_with(&files, &sets, &options)
        .map(|m| (m.go_json(), m.go_types()))
        .map_err(|e| e.to_string())
}

#[test]
// The counts are the test's report (cargo shows them with --nocapture).
#[allow(clippy::print_stderr)]
fn every_case_agrees_with_real_helm() {
    let exceptions = read_json(&dir().join("exceptions.json"));
    let exceptions = exceptions["exceptions"]
        .as_object()
        .expect("exceptions map");
    let mut cases = 0;
    let mut agree = 0;
    let mut excused = BTreeMap::new();
    let mut failures = Vec::new();
    let mut suites: Vec<PathBuf> = std::fs::read_dir(dir().join("cases"))
        .expect("cases dir")
        .map(|e| e.expect("entry").path())
        .collect();
    suites.sort();
    assert!(
        suites.len() >= 4,
        "expected the case suites in {}",
        dir().display()
    );
    for path in suites {
        let suite = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("name")
            .to_string();
        let data = read_json(&path);
        let recorded = read_json(&dir().join("recorded").join(format!("{suite}.json")));
        for case in data["cases"].as_array().expect("cases") {
            let name = case["name"].as_str().expect("name");
            let answers = &recorded["cases"][name];
            assert!(
                answers.is_object(),
                "{suite}/{name}: not recorded (run record.py)"
            );
            for (key, helm) in [("3", HelmVersion::V3), ("4", HelmVersion::V4)] {
                cases += 1;
                let id = format!("{suite}/{name}@helm{key}");
                let want = &answers[key];
                let got = core_answer(case, helm);
                let same = match (&got, want["ok"].as_bool()) {
                    (Ok((values, types)), Some(true)) => {
                        Some(values.as_str()) == want["values"].as_str()
                            && Some(types.as_str()) == want["types"].as_str()
                    }
                    (Err(_), Some(false)) => true,
                    _ => false,
                };
                let excuse = exceptions
                    .get(&id)
                    .or_else(|| exceptions.get(&format!("{suite}/{name}")));
                match (same, excuse) {
                    (true, None) => agree += 1,
                    (true, Some(_)) => failures.push(format!(
                        "{id}: listed in exceptions.json but agrees now: remove it"
                    )),
                    (false, Some(reason)) => {
                        excused.insert(id, reason.clone());
                    }
                    (false, None) => failures.push(format!(
                        "{id}:\n  input: {case}\n  helm: {want}\n  core: {got:?}"
                    )),
                }
            }
        }
    }
    eprintln!(
        "helm oracle: {agree}/{cases} case runs agree, {} excused in exceptions.json",
        excused.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} case runs disagree with real Helm:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
