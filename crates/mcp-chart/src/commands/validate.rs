//! `mcp-chart validate`: check values files the way Helm will read them.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use mcp_chart_core::validate::{BytesSource, Code, MAX_VALUES_BYTES, RULES};
use mcp_chart_core::values::SetArg;

use crate::engine::EngineArgs;
use crate::exit_status::ExitStatus;
use crate::render;

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
    /// A values file, merged in order like Helm's -f (`-` reads stdin). Without
    /// -f or FILE, ./values.yaml is read.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    values: Vec<String>,
    /// The --set family (applied by flag, as Helm does) and --helm-version.
    #[command(flatten)]
    sets: crate::commands::values::SetFlags,
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

/// One input file, read.
struct Input {
    name: String,
    bytes: Vec<u8>,
}

/// Runs `mcp-chart validate`.
pub fn run(args: &ValidateArgs) -> anyhow::Result<ExitStatus> {
    let ignore = ignored_codes(&args.ignore)?;
    let mut stdin_used = false;
    let mut base = Vec::new();
    for name in &args.values {
        base.push(read_input(name, &mut stdin_used)?);
    }
    let mut each = Vec::new();
    for name in &args.files {
        each.push(read_input(name, &mut stdin_used)?);
    }
    if base.is_empty() && each.is_empty() {
        let default = "values.yaml";
        if Path::new(default).exists() || args.sets.is_empty() {
            base.push(
                read_input(default, &mut stdin_used)
                    .context("no values file given (-f FILE) and ./values.yaml cannot be read")?,
            );
        }
    }
    let sets: Vec<SetArg> = args.sets.set_args();

    // One run for the -f files, or one per positional FILE on top of them.
    let runs: Vec<Vec<&Input>> = if each.is_empty() {
        vec![base.iter().collect()]
    } else {
        each.iter()
            .map(|file| base.iter().chain(std::iter::once(file)).collect())
            .collect()
    };
    let mut reports = Vec::new();
    for files in &runs {
        let sources: Vec<BytesSource<'_>> = files
            .iter()
            .map(|f| BytesSource {
                name: &f.name,
                bytes: &f.bytes,
            })
            .collect();
        let mut report = args.engine.validate(&sources, &sets, args.sets.helm())?;
        report.ignore(&ignore);
        let mut label = files
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(" + ");
        match sets.len() {
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

/// Reads a file (or stdin for `-`), at most one byte more than the core accepts.
fn read_input(name: &str, stdin_used: &mut bool) -> anyhow::Result<Input> {
    let limit = u64::try_from(MAX_VALUES_BYTES).unwrap_or(u64::MAX) + 1;
    let mut bytes = Vec::new();
    if name == "-" {
        if *stdin_used {
            bail!("`-` (stdin) can be given only once");
        }
        *stdin_used = true;
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("reading values from stdin")?;
        return Ok(Input {
            name: "<stdin>".to_string(),
            bytes,
        });
    }
    let file = std::fs::File::open(name).with_context(|| format!("cannot read {name}"))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        bail!("cannot read {name}: it is a directory");
    }
    file.take(limit)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {name}"))?;
    Ok(Input {
        name: name.to_string(),
        bytes,
    })
}
