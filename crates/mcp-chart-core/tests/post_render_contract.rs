//! The post-render contract over every fixture (tests/fixtures/post-render):
//! documents kept in order, untouched ones byte for byte, nothing added but
//! the servers ConfigMap, idempotent; errors located.

mod support;

use std::path::{Path, PathBuf};

use mcp_chart_core::postrender::{
    post_render_bytes, post_render_bytes_output, post_render_bytes_stream, PostRenderOptions,
};
use mcp_chart_core::values::{merge, ValuesSource};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/post-render")
}

fn options(dir: &Path) -> PostRenderOptions {
    let mut options = PostRenderOptions::default();
    if let Ok(text) = std::fs::read_to_string(dir.join("values.yaml")) {
        let merged = merge(
            &[ValuesSource {
                name: "values.yaml",
                text: &text,
            }],
            &[],
        )
        .expect("fixture values merge");
        options.values = Some(merged.json);
    }
    if let Ok(args) = std::fs::read_to_string(dir.join("args")) {
        let args: Vec<&str> = args.lines().filter(|l| !l.is_empty()).collect();
        for pair in args.chunks(2) {
            match pair {
                ["--workload", v] => options.workload = Some(v.to_string()),
                ["--container", v] => options.container = Some(v.to_string()),
                other => panic!("unsupported fixture args {other:?}"),
            }
        }
    }
    options
}

#[test]
fn every_fixture_keeps_the_contract() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input.yaml").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 30);
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let input = std::fs::read(dir.join("input.yaml")).expect("input");
        let options = options(&dir);
        match post_render_bytes(&input, &options) {
            Ok(result) => {
                assert!(!name.starts_with("error-"), "{name} should fail");
                let text = String::from_utf8(input).expect("utf-8");
                support::check_contract(&text, &options, &result);
            }
            Err(err) => {
                assert!(name.starts_with("error-"), "{name} failed: {err}");
                if name != "error-ambiguous-workload" {
                    assert!(
                        err.place.is_some(),
                        "{name}: the error is not located: {err}"
                    );
                }
            }
        }
    }
}

/// The output-only entry point (the CLI without --check) writes the same
/// stream and fails the same way; its summary keeps counts and notes only.
#[test]
fn output_only_post_render_writes_the_same_stream() {
    let mut checked = 0;
    for entry in std::fs::read_dir(fixtures()).expect("fixtures") {
        let dir = entry.expect("entry").path();
        let Ok(input) = std::fs::read(dir.join("input.yaml")) else {
            continue;
        };
        let options = options(&dir);
        let full = post_render_bytes_stream(&input, &options);
        let lean = post_render_bytes_output(&input, &options);
        match (full, lean) {
            (Ok(full), Ok(lean)) => {
                let (full, lean) = (full.into_output(), lean.into_output());
                assert_eq!(full.output, lean.output, "{}", dir.display());
                assert_eq!(full.summary.changed, lean.summary.changed);
                assert_eq!(full.summary.notes, lean.summary.notes);
                assert_eq!(full.summary.documents_out, lean.summary.documents_out);
                assert!(lean.summary.workloads.is_empty() && lean.summary.ingresses.is_empty());
                checked += usize::from(!full.summary.workloads.is_empty());
            }
            (Err(full), Err(lean)) => assert_eq!(full.to_string(), lean.to_string()),
            (full, lean) => panic!(
                "{}: full {:?} vs output-only {:?}",
                dir.display(),
                full.err(),
                lean.err()
            ),
        }
    }
    assert!(checked >= 20, "only {checked} fixtures changed a workload");
}
