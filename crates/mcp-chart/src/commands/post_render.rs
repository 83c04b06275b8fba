//! `mcp-chart post-render`: Helm's post-renderer. Reads the rendered manifests
//! on stdin, writes the transformed stream on stdout, and nothing else.
//!
//! Helm 3: `helm install … --post-renderer mcp-chart --post-renderer-args post-render`.
//! Helm 4 runs it through the `mcp-chart` plugin and drops its stderr, so
//! `--error-file` (or `MCP_CHART_ERROR_FILE`) also writes failures to a file, and
//! `--check` explains what would be injected without Helm in the way.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use mcp_chart_core::postrender::{self, PostRenderError, PostRenderOptions, MAX_INPUT_BYTES};
use mcp_chart_core::values::{self, SetArg, ValuesSource};

use crate::exit_status::ExitStatus;

/// Environment variable naming the error file (same as `--error-file`).
pub const ERROR_FILE_ENV: &str = "MCP_CHART_ERROR_FILE";

/// Arguments of `mcp-chart post-render`.
#[derive(Args, Debug)]
pub struct PostRenderArgs {
    /// Values file for charts whose workload has no `mcp-chart/transport`
    /// annotation (merged over the chart defaults in order, like helm -f).
    /// When given, these values win over the annotation.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    values: Vec<PathBuf>,
    /// A value in Helm's --set syntax, applied after the files.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Like --set, but every value stays a string.
    #[arg(long = "set-string", value_name = "KEY=VALUE")]
    set_string: Vec<String>,
    /// The workload to change, as KIND/NAME (e.g. Deployment/my-mcp), when
    /// more than one could be meant.
    #[arg(long, value_name = "KIND/NAME")]
    workload: Option<String>,
    /// The stdio server container the gateway replaces (default: mcp-server,
    /// else the only container).
    #[arg(long, value_name = "NAME")]
    container: Option<String>,
    /// Explain what would be injected (on stdout) instead of writing the
    /// stream; exit 1 if post-rendering would fail.
    #[arg(long)]
    check: bool,
    /// Also write any error to this file (Helm 4 hides a post-renderer's
    /// stderr). Defaults to $MCP_CHART_ERROR_FILE.
    #[arg(long, value_name = "PATH")]
    error_file: Option<PathBuf>,
    /// Read the manifests from this file instead of stdin.
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
}

/// Runs `mcp-chart post-render`.
pub fn run(args: &PostRenderArgs) -> anyhow::Result<ExitStatus> {
    let error_file = args
        .error_file
        .clone()
        .or_else(|| std::env::var_os(ERROR_FILE_ENV).map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty());
    let input = read_input(args.input.as_ref())?;
    let options = match options(args)? {
        Ok(options) => options,
        Err(message) => return Ok(fail(&message, error_file.as_ref(), args.check)),
    };
    match postrender::post_render_bytes(&input, &options) {
        Ok(rendered) => {
            let mut stdout = std::io::stdout().lock();
            if args.check {
                stdout.write_all(rendered.summary.render_text().as_bytes())?;
            } else {
                stdout.write_all(rendered.output.as_bytes())?;
            }
            stdout.flush()?;
            Ok(ExitStatus::Success)
        }
        Err(err) => Ok(fail(&describe(&err), error_file.as_ref(), args.check)),
    }
}

fn describe(err: &PostRenderError) -> String {
    err.to_string()
}

/// Reports a failure: stderr, the error file, and stdout for --check.
fn fail(message: &str, error_file: Option<&PathBuf>, check: bool) -> ExitStatus {
    let text = format!("mcp-chart post-render: error: {message}\n");
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
    if let Some(path) = error_file {
        if let Err(err) = std::fs::write(path, &text) {
            let _ = writeln!(
                std::io::stderr().lock(),
                "mcp-chart: could not write the error file {}: {err}",
                path.display()
            );
        }
    }
    if check {
        let _ = std::io::stdout()
            .lock()
            .write_all(format!("Post-rendering would fail:\n  {message}\n").as_bytes());
    }
    ExitStatus::Failure
}

/// Reads the whole stream, refusing more than the core accepts.
fn read_input(path: Option<&PathBuf>) -> anyhow::Result<Vec<u8>> {
    let limit = (MAX_INPUT_BYTES as u64) + 1;
    let mut buf = Vec::new();
    match path {
        Some(path) => {
            std::fs::File::open(path)
                .with_context(|| format!("opening {}", path.display()))?
                .take(limit)
                .read_to_end(&mut buf)
                .with_context(|| format!("reading {}", path.display()))?;
        }
        None => {
            std::io::stdin()
                .lock()
                .take(limit)
                .read_to_end(&mut buf)
                .context("reading the manifests from stdin")?;
        }
    }
    Ok(buf)
}

/// The core's options; `Err(message)` for values problems (exit 1), `?` for I/O.
fn options(args: &PostRenderArgs) -> anyhow::Result<Result<PostRenderOptions, String>> {
    let mut options = PostRenderOptions {
        values: None,
        workload: args.workload.clone(),
        container: args.container.clone(),
    };
    if args.values.is_empty() && args.set.is_empty() && args.set_string.is_empty() {
        return Ok(Ok(options));
    }
    let mut texts = Vec::new();
    for path in &args.values {
        let bytes =
            std::fs::read(path).with_context(|| format!("reading values file {}", path.display()))?;
        match mcp_chart_core::yaml::decode_utf8(&bytes) {
            Ok(text) => texts.push((path.display().to_string(), text.to_string())),
            Err(err) => {
                return Ok(Err(format!(
                    "{}:{}: {err}",
                    path.display(),
                    err.location()
                )))
            }
        }
    }
    let sources: Vec<ValuesSource<'_>> = texts
        .iter()
        .map(|(name, text)| ValuesSource { name, text })
        .collect();
    let sets: Vec<SetArg> = args
        .set
        .iter()
        .map(SetArg::new)
        .chain(args.set_string.iter().map(SetArg::string))
        .collect();
    match values::merge(&sources, &sets) {
        Ok(merged) => {
            options.values = Some(merged.json);
            Ok(Ok(options))
        }
        Err(err) => Ok(Err(err.to_string())),
    }
}
