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
use mcp_chart_core::postrender::{self, MAX_INPUT_BYTES};
use mcp_chart_module::{Request, Text, ValuesInput};

use crate::engine::{Engine, EngineArgs};
use crate::error_file::ErrorFile;
use crate::exit_status::ExitStatus;
use crate::values_args::{ValuesArgs, ValuesReader};

/// Environment variable naming the error file (same as `--error-file`).
pub const ERROR_FILE_ENV: &str = "MCP_CHART_ERROR_FILE";
/// Environment variable naming a file that gets the stream exactly as
/// received (same as `--capture-input`): what Helm 4 hands the plugin.
pub const CAPTURE_INPUT_ENV: &str = "MCP_CHART_CAPTURE_INPUT";

/// Arguments of `mcp-chart post-render`.
#[derive(Args, Debug)]
pub struct PostRenderArgs {
    /// Values for charts whose workload has no `mcp-chart/transport`
    /// annotation: -f files (merged over the chart defaults in order, like
    /// helm -f), the --set family and --helm-version. When given, these
    /// values win over the annotation; they must pass `mcp-chart validate`.
    #[command(flatten)]
    values: ValuesArgs,
    /// The workload to change, as KIND/NAME (e.g. Deployment/my-mcp), when
    /// more than one could be meant.
    #[arg(long, value_name = "KIND/NAME", value_parser = kind_slash_name)]
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
    /// stderr); a successful run removes an earlier report there. Defaults to
    /// $MCP_CHART_ERROR_FILE. A symlink at the path is replaced, not followed.
    #[arg(long, value_name = "PATH")]
    error_file: Option<PathBuf>,
    /// Read the manifests from this file instead of stdin.
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Also write the stream exactly as received to this file, before
    /// anything else happens (what Helm 4 hands the plugin differs from
    /// `helm template`); replayed with --input. Defaults to
    /// $MCP_CHART_CAPTURE_INPUT. Written like the error file (a symlink is
    /// replaced, not followed; an input path is refused).
    #[arg(long, value_name = "PATH")]
    capture_input: Option<PathBuf>,
    /// Where the core runs (native, or WebAssembly under wasmtime).
    #[command(flatten)]
    engine: EngineArgs,
}

/// `--workload` must be KIND/NAME: anything else is a usage error (exit 2),
/// not a verdict about the manifests.
fn kind_slash_name(value: &str) -> Result<String, String> {
    match value.split_once('/') {
        Some((kind, name)) if !kind.is_empty() && !name.is_empty() && !name.contains('/') => {
            Ok(value.to_string())
        }
        _ => Err("expected KIND/NAME, e.g. Deployment/my-mcp".to_string()),
    }
}

/// The files this run reads, which its error and capture files must never be.
fn input_paths(args: &PostRenderArgs) -> Vec<&std::path::Path> {
    args.input
        .iter()
        .map(PathBuf::as_path)
        .chain(args.values.values.iter().map(std::path::Path::new))
        .collect()
}

/// Runs `mcp-chart post-render`.
pub fn run(args: &PostRenderArgs) -> anyhow::Result<ExitStatus> {
    let error_file = match args
        .error_file
        .clone()
        .or_else(|| std::env::var_os(ERROR_FILE_ENV).map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
    {
        Some(path) => Some(ErrorFile::new(path, &input_paths(args))?),
        None => None,
    };
    let capture = match args
        .capture_input
        .clone()
        .or_else(|| std::env::var_os(CAPTURE_INPUT_ENV).map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
    {
        Some(path) => {
            let mut inputs = input_paths(args);
            if let Some(file) = &error_file {
                inputs.push(file.path());
            }
            Some(ErrorFile::new(path, &inputs)?)
        }
        None => None,
    };
    let result =
        crate::stdout_open().and_then(|()| run_with(args, error_file.as_ref(), capture.as_ref()));
    match result {
        Err(err) if crate::is_broken_pipe(&err) => {
            // Helm (or the next command) stopped reading: what it got is cut.
            Ok(fail(
                "the output was cut: stdout was closed before the whole stream was written (broken pipe)",
                error_file.as_ref(),
                false,
            ))
        }
        Err(err) => {
            if let Some(file) = &error_file {
                let _ = file.write(&format!("mcp-chart post-render: error: {err:#}\n"));
            }
            Err(err)
        }
        ok => ok,
    }
}

fn run_with(
    args: &PostRenderArgs,
    error_file: Option<&ErrorFile>,
    capture: Option<&ErrorFile>,
) -> anyhow::Result<ExitStatus> {
    let input = read_input(args.input.as_ref())?;
    if let Some(file) = capture {
        file.write_bytes(&input)
            .with_context(|| format!("writing the received stream to {}", file.path().display()))?;
    }
    let outcome = match args.engine.engine {
        Engine::Native => run_native(args, &input)?,
        Engine::Wasm => run_wasm(args, input)?,
    };
    match outcome {
        Ok(()) => {
            // The error file reports the last run: a success clears an old failure.
            if let Some(file) = error_file {
                file.clear();
            }
            Ok(ExitStatus::Success)
        }
        Err(Failure::Input(message)) => Ok(fail(&message, error_file, args.check)),
        // The engine could not finish the run (a wasm limit, no module): exit 2.
        Err(Failure::Engine(message)) => {
            fail(&message, error_file, args.check);
            Ok(ExitStatus::Usage)
        }
    }
}

/// Why nothing was written.
enum Failure {
    /// The input or the values are wrong (exit 1).
    Input(String),
    /// The wasm engine stopped (exit 2).
    Engine(String),
}

/// The core linked in, writing chunk by chunk (unchanged documents straight
/// from the input): no second copy of a large stream in memory.
fn run_native(args: &PostRenderArgs, input: &[u8]) -> anyhow::Result<Result<(), Failure>> {
    let values = values(args)?;
    let (options, warnings) = match mcp_chart_module::post_render_options(
        values.as_ref(),
        args.workload.clone(),
        args.container.clone(),
    ) {
        Ok(options) => options,
        Err(message) => return Ok(Err(Failure::Input(message))),
    };
    // The values' warnings: stderr always (Helm 4 drops it), stdout with --check.
    for warning in &warnings {
        let _ = writeln!(std::io::stderr().lock(), "mcp-chart post-render: {warning}");
    }
    // Without --check only the output is needed, not what was done to each object.
    let rendered = if args.check {
        postrender::post_render_bytes_stream(input, &options)
    } else {
        postrender::post_render_bytes_output(input, &options)
    };
    let rendered = match rendered {
        Ok(rendered) => rendered,
        Err(err) => return Ok(Err(Failure::Input(err.to_string()))),
    };
    let mut stdout = std::io::stdout().lock();
    if args.check {
        stdout.write_all(mcp_chart_module::warnings_text(&warnings).as_bytes())?;
        stdout.write_all(rendered.summary().render_text().as_bytes())?;
    } else {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut stdout);
        let mut result = Ok(());
        rendered.for_each_chunk(|chunk| {
            if result.is_ok() {
                result = out.write_all(chunk.as_bytes());
            }
        });
        result?;
        out.flush()?;
    }
    stdout.flush()?;
    Ok(Ok(()))
}

/// The core's WebAssembly module under wasmtime (docs/wasm-engine.md).
fn run_wasm(args: &PostRenderArgs, input: Vec<u8>) -> anyhow::Result<Result<(), Failure>> {
    let request = Request::PostRender {
        input: Text(input),
        values: values(args)?,
        workload: args.workload.clone(),
        container: args.container.clone(),
        check: args.check,
    };
    match args.engine.post_render(request) {
        Ok(Ok(text)) => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(Ok(()))
        }
        Ok(Err(message)) => Ok(Err(Failure::Input(message))),
        Err(err) => Ok(Err(Failure::Engine(err.to_string()))),
    }
}

/// Reports a failure: stderr, the error file, and stdout for --check.
fn fail(message: &str, error_file: Option<&ErrorFile>, check: bool) -> ExitStatus {
    let text = format!("mcp-chart post-render: error: {message}\n");
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
    if let Some(file) = error_file {
        if let Err(err) = file.write(&text) {
            let _ = writeln!(
                std::io::stderr().lock(),
                "mcp-chart: could not write the error file {}: {err}",
                file.path().display()
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

/// The `--values` files (read here, bounded; merged by the core) and the
/// `--set` family, or `None` when none is given (the chart's annotation is
/// used).
fn values(args: &PostRenderArgs) -> anyhow::Result<Option<ValuesInput>> {
    if args.values.is_empty() {
        return Ok(None);
    }
    if args.input.is_none() && args.values.values.iter().any(|v| v == "-") {
        anyhow::bail!(
            "--values -: stdin carries the manifests; give the values as a file, or the manifests with --input FILE"
        );
    }
    Ok(Some(args.values.input(&mut ValuesReader::default())?))
}
