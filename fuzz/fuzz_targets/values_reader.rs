//! The values reader: YAML load with limits, Helm-order merge over the chart
//! defaults with a --set argument, and validation. Input: a values file, then
//! optionally a NUL byte and a --set text. Nothing may panic, and every
//! diagnostic has a location inside its source.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_chart_core::validate::validate_input;
use mcp_chart_core::values::{merge, SetArg, ValuesFile, ValuesInput, ValuesSource};
use mcp_chart_core::yaml::{decode_utf8, load_documents, Limits};

fuzz_target!(|data: &[u8]| {
    let (file, set) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(String::from_utf8_lossy(&data[i + 1..]).into_owned())),
        None => (data, None),
    };
    let sets: Vec<SetArg> = set.iter().map(SetArg::new).collect();
    if let Ok(text) = decode_utf8(file) {
        let _ = load_documents(text, &Limits::default());
        let _ = merge(&[ValuesSource { name: "values.yaml", text }], &sets);
    }
    let report = validate_input(&ValuesInput {
        files: vec![ValuesFile::new("values.yaml", file.to_vec())],
        sets: set.into_iter().collect(),
        ..ValuesInput::default()
    });
    for d in &report.diagnostics {
        if let Some(at) = d.location() {
            assert!(at.line >= 1 && at.column >= 1, "{d:?}");
        }
    }
});
