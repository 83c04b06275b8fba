//! mcp-chart: the command-line host of mcp-chart-core.
//!
//! It owns everything the core may not do: reading files and stdin, writing
//! stdout and stderr, exit codes, and the processes Helm runs it as.

mod closed_stdout;
mod commands;
mod engine;
mod error_file;
mod exit_status;
mod render;
mod values_args;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use exit_status::ExitStatus;

/// Validate values and post-render manifests for the mcp-server Helm chart.
#[derive(Parser, Debug)]
#[command(name = "mcp-chart", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the chart's values JSON Schema (or write the committed copies).
    Schema(commands::schema::SchemaArgs),
    /// Check values files the way Helm reads them (file:line:col diagnostics).
    Validate(commands::validate::ValidateArgs),
    /// Print the merged values exactly as Helm's `.Values` (YAML or
    /// `toJson` JSON), optionally with the origin of every value.
    Values(commands::values::ValuesCommandArgs),
    /// Helm post-renderer: inject the stdio gateway and connection timeouts
    /// into the manifests on stdin, write them to stdout.
    PostRender(commands::post_render::PostRenderArgs),
    /// The post-renderer's changes as Flux HelmRelease postRenderers
    /// (kustomize patches) for the manifests on stdin.
    Flux(commands::flux::FluxArgs),
    /// Send one raw JSON request to an engine and print its JSON response
    /// (tests and debugging; see docs/wasm-engine.md).
    #[command(hide = true)]
    EngineRequest(commands::engine_request::EngineRequestArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            if err.use_stderr() {
                report_usage_error(&err);
            }
            return if err.use_stderr() {
                ExitStatus::Usage
            } else {
                ExitStatus::Success
            }
            .into();
        }
    };
    let result = match cli.command {
        Command::Schema(args) => commands::schema::run(&args),
        Command::Validate(args) => stdout_open().and_then(|()| commands::validate::run(&args)),
        Command::Values(args) => stdout_open().and_then(|()| commands::values::run(&args)),
        Command::PostRender(args) => commands::post_render::run(&args),
        Command::Flux(args) => commands::flux::run(&args),
        Command::EngineRequest(args) => commands::engine_request::run(&args),
    };
    match result {
        Ok(status) => status.into(),
        Err(err) => {
            // A reader that stopped early (`mcp-chart schema | head`) is not an
            // error; post-render reports a cut stream itself.
            if is_broken_pipe(&err) {
                return ExitStatus::Success.into();
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "mcp-chart: error: {err}");
            for cause in err.chain().skip(1) {
                let _ = writeln!(stderr, "  caused by: {cause}");
            }
            ExitStatus::Usage.into()
        }
    }
}

/// Whether the error is a closed pipe on an output.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A post-render usage error (say Helm 3-style arguments reaching the Helm 4
/// plugin) goes to the error file too: Helm 4 shows nothing else.
fn report_usage_error(err: &clap::Error) {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_none_or(|a| a != "post-render") {
        return;
    }
    let Some(path) = error_file::from_raw_args(&args[1..], commands::post_render::ERROR_FILE_ENV)
    else {
        return;
    };
    let Ok(file) = error_file::ErrorFile::new(path, &[]) else {
        return;
    };
    let text = err.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    let _ = file.write(&format!("mcp-chart post-render: usage error: {text}"));
}

/// Fails when stdout is closed (`mcp-chart … >&-`): writes to it would vanish
/// without an error, and the run would look successful.
fn stdout_open() -> anyhow::Result<()> {
    if closed_stdout::was_closed() {
        anyhow::bail!(
            "stdout is closed, so nothing can be written (run with an output, e.g. `> FILE`)"
        );
    }
    Ok(())
}
