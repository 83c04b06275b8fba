//! The post-render contract over every fixture (tests/fixtures/post-render):
//! documents kept in order, untouched ones byte for byte, nothing added but
//! the servers ConfigMap, idempotent; errors located.

mod support;

use std::path::{Path, PathBuf};

use mcp_chart_core::postrender::{post_render_bytes, PostRenderOptions};
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
