//! `mcp-chart validate`: check values files the way Helm will read them.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use mcp_chart_core::validate::{Code, RULES};
use mcp_chart_core::values::ValuesFile;

use crate::engine::EngineArgs;
use crate::exit_status::ExitStatus;
use crate::render;
use crate::values_args::{ValuesArgs, ValuesReader};

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with a caret under the problem, for people.
    Human,
    /// One JSON object: {"valid": bool, "diagnostics": [...]}.
    Json,
    /// GitHub Actions annotations (::error file=…,line=…,col=…::message).
    Github,
}

/// Arguments of `mcp-chart validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Values files to check one by one, each on top of the chart defaults, the
    /// -f files and the --set values (this is how pre-commit passes files).
    #[arg(value_name = "FILE")]
    files: Vec<String>,
    /// -f files (without -f or FILE, ./values.yaml is read), the --set
    /// family and --helm-version.
    #[command(flatten)]
    values: ValuesArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit 1 when there are warnings, too.
    #[arg(long)]
    deny_warnings: bool,
    /// Do not report diagnostics with this code (repeatable), e.g.
    /// `--ignore gateway-post-renderer`.
    #[arg(long = "ignore", value_name = "CODE")]
    ignore: Vec<String>,
    /// Where the core runs (native, or WebAssembly under wasmtime).
    #[command(flatten)]
    engine: EngineArgs,
}

/// Runs `mcp-chart validate`.
pub fn run(args: &ValidateArgs) -> anyhow::Result<ExitStatus> {
    let ignore = ignored_codes(&args.ignore)?;
    let mut reader = ValuesReader::default();
    let mut base = Vec::new();
    for name in &args.values.values {
        base.push(reader.read(name)?);
    }
    let mut each = Vec::new();
    for name in &args.files {
        each.push(reader.read(name)?);
    }
    if base.is_empty() && each.is_empty() {
        let default = "values.yaml";
        if Path::new(default).exists() || args.values.sets.is_empty() {
            base.push(
                reader
                    .read(default)
                    .context("no values file given (-f FILE) and ./values.yaml cannot be read")?,
            );
        }
    }

    // One run for the -f files, or one per positional FILE on top of them.
    let runs: Vec<Vec<ValuesFile>> = if each.is_empty() {
        vec![base]
    } else {
        each.into_iter()
            .map(|file| base.iter().cloned().chain(std::iter::once(file)).collect())
            .collect()
    };
    let mut reports = Vec::new();
    for files in runs {
        let input = args.values.sets.input(files);
        let mut report = args.engine.validate(&input)?;
        report.ignore(&ignore);
        let mut label = input
            .files
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(" + ");
        match input.set_args().len() {
            0 => {}
            1 => label.push_str(" + 1 --set argument"),
            n => label.push_str(&format!(" + {n} --set arguments")),
        }
        reports.push((label, report));
    }

    let errors: usize = reports.iter().map(|(_, r)| r.errors()).sum();
    let warnings: usize = reports.iter().map(|(_, r)| r.warnings()).sum();
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    let mut out = String::new();
    match args.format {
        Format::Human => {
            for (label, report) in &reports {
                render::human::render(report, &mut out);
                let label = if label.is_empty() {
                    "chart defaults"
                } else {
                    label
                };
                out.push_str(&format!(
                    "{label}: {}\n",
                    render::human::summary(report.errors(), report.warnings())
                ));
            }
            if args.deny_warnings && errors == 0 && warnings > 0 {
                out.push_str("failing because of --deny-warnings\n");
            }
        }
        Format::Json => {
            let reports: Vec<&_> = reports.iter().map(|(_, report)| report).collect();
            render::json::render(&reports, !failed, &mut out)?;
        }
        Format::Github => {
            for (_, report) in &reports {
                render::github::render(report, &mut out);
            }
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The codes of `--ignore`, checked against the rule table.
fn ignored_codes(codes: &[String]) -> anyhow::Result<Vec<Code>> {
    codes
        .iter()
        .map(|name| match Code::parse(name) {
            Some(code) if code.is_input() => {
                bail!("--ignore {name}: `{name}` reports unreadable input and cannot be ignored")
            }
            Some(code) => Ok(code),
            None => {
                let known: Vec<&str> = RULES.iter().map(|r| r.code.as_str()).collect();
                bail!(
                    "--ignore {name}: unknown code; known codes: {}",
                    known.join(", ")
                )
            }
        })
        .collect()
}
