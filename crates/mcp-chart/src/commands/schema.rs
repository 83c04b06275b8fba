//! `mcp-chart schema`: print or write the generated values schema and defaults.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use crate::engine::EngineArgs;
use crate::exit_status::ExitStatus;

/// Arguments of `mcp-chart schema`.
#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// Write the generated files into the repository instead of printing the
    /// schema: schema/values.schema.json and, when the chart exists,
    /// charts/mcp-server/values.schema.json, values.yaml and README.md (whose
    /// examples are the values files in examples/), and the core crate's
    /// copies of the schema, values.yaml and Chart.yaml (crates/mcp-chart-core/chart/).
    #[arg(long)]
    write: bool,
    /// With --write, exit 1 instead of writing when a file differs (CI drift check).
    #[arg(long, requires = "write")]
    check: bool,
    /// Repository root for --write.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Which engine prints the schema (--write always uses the native core).
    #[command(flatten)]
    engine: EngineArgs,
}

/// Runs `mcp-chart schema`.
pub fn run(args: &SchemaArgs) -> anyhow::Result<ExitStatus> {
    if !args.write {
        let schema = match args.engine.call(mcp_chart_module::Request::Schema)? {
            mcp_chart_module::Response::Schema { text } => text,
            other => anyhow::bail!("unexpected response to `schema`: {other:?}"),
        };
        std::io::stdout().lock().write_all(schema.as_bytes())?;
        return Ok(ExitStatus::Success);
    }
    let schema = mcp_chart_core::schema::values_schema_text();
    let mut files = vec![(args.root.join("schema/values.schema.json"), schema.clone())];
    let chart = args.root.join("charts/mcp-server");
    if chart.join("Chart.yaml").is_file() {
        files.push((chart.join("values.schema.json"), schema));
        files.push((
            chart.join("values.yaml"),
            mcp_chart_core::defaults::default_values_yaml(),
        ));
        files.push((
            chart.join("README.md"),
            mcp_chart_core::readme::chart_readme(&values_examples(&args.root.join("examples"))?),
        ));
    }
    // The core embeds these copies: a published crate cannot reach the chart.
    let core = args.root.join("crates/mcp-chart-core/chart");
    if core.is_dir() {
        let schema = mcp_chart_core::schema::values_schema_text();
        files.push((core.join("values.schema.json"), schema));
        files.push((
            core.join("values.yaml"),
            mcp_chart_core::defaults::default_values_yaml(),
        ));
        let chart_yaml = args.root.join("charts/mcp-server/Chart.yaml");
        if let Ok(text) = std::fs::read_to_string(&chart_yaml) {
            files.push((core.join("Chart.yaml"), text));
        }
    }
    let mut drift = false;
    for (path, content) in files {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == content {
            continue;
        }
        if args.check {
            drift = true;
            eprintln!(
                "{} is out of date: run `mcp-chart schema --write`",
                path.display()
            );
        } else {
            write_file(&path, &content)?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(if drift {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn write_file(path: &Path, content: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, content).with_context(|| format!("writing {}", path.display()))
}

/// The values examples (examples/*.yaml that are not Kubernetes manifests), by name.
fn values_examples(dir: &Path) -> anyhow::Result<Vec<mcp_chart_core::readme::Example>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        if text
            .lines()
            .any(|l| l.starts_with("apiVersion:") || l.starts_with("kind:"))
        {
            continue;
        }
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push(mcp_chart_core::readme::Example { file, text });
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(out)
}
