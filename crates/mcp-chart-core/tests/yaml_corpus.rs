//! The YAML corpus (tests/fixtures/yaml-corpus): for every form, the
//! post-renderer's reader reads what Kubernetes reads (kubectl's JSON, recorded
//! in `<name>.oracle.json` by tests/e2e/yaml_corpus.py, which the chart e2e
//! stage re-checks against the real tools), refuses with a located error what
//! kubectl refuses, and reads the stream Helm 4 hands a post-renderer (its
//! re-serialisation of the form) as kubectl reads that stream.

use std::path::{Path, PathBuf};

use mcp_chart_core::yaml::go::float_json;
use mcp_chart_core::yaml::{
    decode_utf8, emit_document, load_documents, Limits, Node, NodeKind, YamlError,
};
use serde_json::Value;

/// Forms (`name`, or `name@helm4` for the stream Helm 4 hands on) where the
/// reader knowingly differs from kubectl, with the reason. A listed form that
/// starts to agree fails the test, so the list stays honest.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    "unicode-line-separators",
    "LS/PS inside a quoted scalar: libyaml breaks the line there but keeps the \
         character; the reader turns LS/PS into newlines first (right for plain \
         scalars, where go-yaml sees a line break), so a quoted one folds to a space",
)];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/yaml-corpus")
}

/// A number as the cluster keeps it: Go's `encoding/json` text of what the
/// YAML reader decoded, read back by Kubernetes' unstructured JSON decoder
/// (`int64` when the text is an integer that fits, else `float64`). kubectl
/// cannot tell an integral float from an integer, and neither may we.
fn canon_number(go_json: &str) -> Value {
    Value::String(match go_json.parse::<i64>() {
        Ok(i) => i.to_string(),
        Err(_) => float_json(go_json.parse::<f64>().expect("a JSON number")),
    })
}

fn canon_json(value: &Value) -> Value {
    match value {
        Value::Number(n) => canon_number(&n.to_string()),
        Value::Array(items) => Value::Array(items.iter().map(canon_json).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), canon_json(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn canon_node(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Int(i) => canon_number(&i.to_string()),
        NodeKind::Uint(u) => canon_number(&u.to_string()),
        NodeKind::Float(f) => canon_number(&float_json(*f)),
        NodeKind::Str(s) => Value::String(s.clone()),
        NodeKind::Seq(items) => Value::Array(items.iter().map(canon_node).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), canon_node(&e.value)))
                .collect(),
        ),
    }
}

/// The one document our reader makes of `bytes`.
fn read(bytes: &[u8]) -> Result<Node, YamlError> {
    let text = decode_utf8(bytes)?;
    let loaded = load_documents(text, &Limits::default())?;
    let mut docs = loaded
        .documents
        .into_iter()
        .filter(|d| d.kind != NodeKind::Null);
    let doc = docs.next().expect("the form has a document");
    assert!(docs.next().is_none(), "the form has one document");
    Ok(doc)
}

/// Compares our reading of `bytes` with kubectl's record; a message on mismatch.
fn check(bytes: &[u8], kubectl: &Value) -> Result<(), String> {
    let ours = read(bytes);
    if kubectl["ok"] == Value::Bool(true) {
        let want = canon_json(&kubectl["json"]);
        match ours {
            Ok(doc) if canon_node(&doc) == want => Ok(()),
            Ok(doc) => Err(format!(
                "reads differently from kubectl:\n ours:    {}\n kubectl: {want}",
                canon_node(&doc)
            )),
            Err(err) => Err(format!(
                "refused ({err} at {}), kubectl reads it",
                err.location()
            )),
        }
    } else {
        match ours {
            Err(err) if err.location().line > 0 => Ok(()),
            Err(err) => Err(format!("refused without a location: {err}")),
            Ok(doc) => Err(format!(
                "read as {} but kubectl refuses it: {}",
                canon_node(&doc),
                kubectl["error"]
            )),
        }
    }
}

#[test]
fn the_reader_reads_every_form_as_kubectl_does() {
    let mut forms: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    forms.sort();
    assert!(forms.len() >= 40, "the corpus has {} forms", forms.len());
    let mut failures = Vec::new();
    for form in &forms {
        let name = form.file_stem().unwrap().to_string_lossy().to_string();
        let record: Value = serde_json::from_str(
            &std::fs::read_to_string(form.with_extension("oracle.json"))
                .unwrap_or_else(|e| panic!("{name}: no oracle record ({e})")),
        )
        .expect("record is JSON");
        let bytes = std::fs::read(form).expect("form");
        let mut outcome = |id: String, result: Result<(), String>| {
            let known = KNOWN_DIFFERENCES.iter().any(|(k, _)| *k == id);
            match (result, known) {
                (Ok(()), true) => failures.push(format!(
                    "{id}: listed in KNOWN_DIFFERENCES but agrees now: remove it"
                )),
                (Err(m), false) => failures.push(format!("{id}: {m}")),
                _ => {}
            }
        };
        outcome(name.clone(), check(&bytes, &record["kubectl"]));
        let helm4 = &record["helm4"];
        if helm4["ok"] == Value::Bool(true) {
            let received = helm4["received"].as_str().expect("received text");
            outcome(
                format!("{name}@helm4"),
                check(received.as_bytes(), &helm4["kubectl"]),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} forms:\n{}",
        failures.len(),
        forms.len(),
        failures.join("\n")
    );
}

/// Issue 18 item 10: a re-emitted document is read as the original was. Every
/// form kubectl reads goes through the reader, the emitter and the reader
/// again, and must still be what kubectl read from the original.
#[test]
fn every_form_reads_the_same_after_re_emission() {
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(corpus()).expect("corpus directory") {
        let form = entry.expect("entry").path();
        if form.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let name = form.file_stem().unwrap().to_string_lossy().to_string();
        if KNOWN_DIFFERENCES.iter().any(|(k, _)| *k == name) {
            continue;
        }
        let record: Value = serde_json::from_str(
            &std::fs::read_to_string(form.with_extension("oracle.json")).expect("record"),
        )
        .expect("record is JSON");
        if record["kubectl"]["ok"] != Value::Bool(true) {
            continue;
        }
        let doc = read(&std::fs::read(&form).expect("form")).expect("reads");
        let emitted = emit_document(&doc.to_json());
        match read(emitted.as_bytes()) {
            Ok(again) if canon_node(&again) == canon_json(&record["kubectl"]["json"]) => {}
            Ok(again) => failures.push(format!(
                "{name}: re-emitted as\n{emitted}\nreads as {}",
                canon_node(&again)
            )),
            Err(err) => failures.push(format!("{name}: re-emitted text refused: {err}\n{emitted}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The five findings of issue 18 item 10, written out.
#[test]
fn re_emission_keeps_numbers_and_merges() {
    let text = "\
a: ._5
b: 0xFFFFFFFFFFFFFFFF
c: 0b1111111111111111111111111111111111111111111111111111111111111111
d: 01777777777777777777777
e: 1e3
base: &b {k: merged}
m:
  k: explicit
  <<: *b
";
    let doc = read(text.as_bytes()).expect("reads");
    let emitted = emit_document(&doc.to_json());
    assert_eq!(
        emitted,
        "a: \"._5\"\nb: 18446744073709551615\nc: 18446744073709551615\n\
         d: 18446744073709551615\ne: 1000\nbase:\n  k: merged\nm:\n  k: merged\n"
    );
}
