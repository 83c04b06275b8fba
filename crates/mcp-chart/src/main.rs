//! mcp-chart: the command-line host of mcp-chart-core.
//!
//! It owns everything the core may not do: reading files and stdin, writing
//! stdout and stderr, exit codes, and the processes Helm runs it as.

mod commands;
mod engine;
mod exit_status;
mod render;

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
    Values(commands::values::ValuesArgs),
    /// Helm post-renderer: inject the stdio gateway and connection timeouts
    /// into the manifests on stdin, write them to stdout.
    PostRender(commands::post_render::PostRenderArgs),
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
        Command::Validate(args) => commands::validate::run(&args),
        Command::Values(args) => commands::values::run(&args),
        Command::PostRender(args) => commands::post_render::run(&args),
        Command::EngineRequest(args) => commands::engine_request::run(&args),
    };
    match result {
        Ok(status) => status.into(),
        Err(err) => {
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

/// A closed pipe (`mcp-chart schema | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
