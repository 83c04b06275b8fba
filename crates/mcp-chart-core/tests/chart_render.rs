//! The core's chart rendering (`mcp_chart_core::chart`) against Helm: for
//! every fixture rendered by real Helm from `chart-values.yaml`
//! (tests/fixtures/post-render, scripts/render-post-render-fixtures.sh), the
//! post-renderer must say the same about the core's rendering as about
//! Helm's: the same gateway (argv, setup steps, servers.json, probes), the
//! same Ingress annotations and HTTPRoute timeouts, or the same error.

use std::path::{Path, PathBuf};

use mcp_chart_core::chart;
use mcp_chart_core::postrender::{post_render, InjectionSummary, PostRenderOptions};
use mcp_chart_core::values::{merge, ValuesSource};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/post-render")
}

/// What the post-renderer did, without document indexes (the core renders
/// only the objects the post-renderer reads, so indexes differ).
fn comparable(s: &InjectionSummary) -> String {
    let workloads: Vec<_> = s
        .workloads
        .iter()
        .map(|w| (&w.object, &w.transport, &w.gateway))
        .collect();
    let ingresses: Vec<_> = s
        .ingresses
        .iter()
        .map(|i| (&i.object, &i.class, &i.controller, &i.added, &i.kept))
        .collect();
    let routes: Vec<_> = s
        .http_routes
        .iter()
        .map(|r| (&r.object, &r.rules))
        .collect();
    let services: Vec<_> = s
        .services
        .iter()
        .map(|v| (&v.object, &v.retargeted))
        .collect();
    format!("{workloads:#?}\n{ingresses:#?}\n{routes:#?}\n{services:#?}")
}

#[test]
fn the_core_renders_what_helm_rendered_for_the_post_renderer() {
    let mut checked = 0;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("chart-values.yaml").is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let values = std::fs::read_to_string(dir.join("chart-values.yaml")).expect("values");
        let helm = std::fs::read_to_string(dir.join("input.yaml")).expect("input");
        let merged = merge(
            &[ValuesSource {
                name: "chart-values.yaml",
                text: &values,
            }],
            &[],
        )
        .expect("fixture values merge");
        let ours = chart::render(&merged.json, "demo")
            .unwrap_or_else(|e| panic!("{name}: the core does not render: {e}"));
        let options = PostRenderOptions::default();
        match (post_render(&helm, &options), post_render(&ours, &options)) {
            (Ok(h), Ok(o)) => assert_eq!(
                comparable(&h.summary),
                comparable(&o.summary),
                "{name}: the post-renderer sees Helm's rendering and the core's differently"
            ),
            (Err(h), Err(o)) => assert_eq!(h.problem, o.problem, "{name}"),
            (h, o) => panic!(
                "{name}: Helm's rendering post-renders {:?}, the core's {:?}",
                h.map(|_| ()),
                o.map(|_| ())
            ),
        }
        checked += 1;
    }
    assert!(
        checked >= 25,
        "expected the Helm-rendered fixtures, found {checked}"
    );
}
