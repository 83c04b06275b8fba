//! `mcp-chart values`: the merged values exactly as Helm's `.Values` (the
//! JSON is what `{{ toJson .Values }}` prints), optionally with the origin
//! of every leaf. The core merges; this reads files and prints.

use std::io::Write;

use anyhow::Context;
use clap::{Args, ValueEnum};

use mcp_chart_core::validate::{MAX_VALUES_BYTES, MAX_VALUES_DEPTH};
use mcp_chart_core::values::{self, MergeOptions, MergedValues, ValuesError, ValuesSource};
use mcp_chart_core::yaml::{decode_utf8, emit_document, Limits};

use crate::exit_status::ExitStatus;
use crate::values_args::{ValuesArgs, ValuesReader};

/// Output format of `values`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// YAML, keys sorted (as `helm get values` prints).
    Yaml,
    /// One line of JSON, byte for byte what `{{ toJson .Values }}` prints.
    Json,
    /// The JSON shape with each leaf's Go type (the differential tests' oracle).
    #[value(name = "go-types", hide = true)]
    GoTypes,
}

/// Arguments of `mcp-chart values`.
#[derive(Args, Debug)]
pub struct ValuesCommandArgs {
    /// -f files, the --set family and --helm-version.
    #[command(flatten)]
    values: ValuesArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
    /// Print every leaf with the file:line:col or --set argument that supplied it.
    #[arg(long)]
    show_origin: bool,
    /// Another chart's defaults instead of the mcp-server chart's values.yaml
    /// (the differential tests use it).
    #[arg(long, value_name = "FILE", hide = true)]
    chart_defaults: Option<String>,
}

/// Runs `mcp-chart values`.
pub fn run(args: &ValuesCommandArgs) -> anyhow::Result<ExitStatus> {
    let mut reader = ValuesReader::default();
    let input = args.values.input(&mut reader)?;
    let mut texts = Vec::new();
    for file in &input.files {
        let (name, bytes) = (&file.name, file.text.as_bytes());
        if bytes.len() > MAX_VALUES_BYTES {
            eprintln!("mcp-chart: {name}: larger than the limit of {MAX_VALUES_BYTES} bytes");
            return Ok(ExitStatus::Failure);
        }
        match decode_utf8(bytes) {
            Ok(text) => texts.push((name.as_str(), text)),
            Err(err) => {
                eprintln!("mcp-chart: {name}:{}: {err}", err.location());
                return Ok(ExitStatus::Failure);
            }
        }
    }
    let defaults_file = match &args.chart_defaults {
        Some(path) => Some(reader.read(path)?),
        None => None,
    };
    let defaults_text = match &defaults_file {
        Some(file) => Some(decode_utf8(file.text.as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => None,
    };
    let files: Vec<ValuesSource<'_>> = texts
        .iter()
        .map(|(name, text)| ValuesSource { name, text })
        .collect();
    let sets = input.set_args();
    let options = MergeOptions {
        helm: input.helm,
        limits: Some(Limits {
            max_bytes: MAX_VALUES_BYTES,
            max_depth: MAX_VALUES_DEPTH,
            ..Limits::default()
        }),
        defaults: defaults_text.map(|text| ValuesSource {
            name: args.chart_defaults.as_deref().unwrap_or("values.yaml"),
            text,
        }),
    };
    let merged = match values::merge_with(&files, &sets, &options) {
        Ok(merged) => merged,
        Err(err) => {
            eprintln!("mcp-chart: Helm refuses these values: {}", located(&err));
            return Ok(ExitStatus::Failure);
        }
    };
    let out = if args.show_origin {
        origins(&merged)
    } else {
        match args.format {
            Format::Json => format!("{}\n", merged.go_json()),
            Format::GoTypes => format!("{}\n", merged.go_types()),
            Format::Yaml => {
                let sorted: serde_json::Value = serde_json::from_str(&merged.go_json())
                    .context("re-reading the merged values")?;
                emit_document(&sorted)
            }
        }
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(ExitStatus::Success)
}

/// `file:line:col: message` for a merge error.
fn located(err: &ValuesError) -> String {
    match err {
        ValuesError::Yaml { source_name, error } => {
            format!("{source_name}:{}: {error}", error.location())
        }
        ValuesError::NotAMap {
            source_name,
            location,
            found,
        } => {
            format!("{source_name}:{location}: a values file must be a map of keys, found {found}")
        }
        ValuesError::Set {
            arg,
            column,
            message,
        } => format!("`{arg}` (column {column}): {message}"),
    }
}

/// One line per leaf: `path = value   source:line:col`.
fn origins(merged: &MergedValues) -> String {
    let leaves = merged.leaves();
    let rows: Vec<(String, String, String)> = leaves
        .iter()
        .map(|leaf| {
            let path = mcp_chart_core::validate::display_path(&merged.json, &leaf.pointer);
            let place = leaf.origin.map_or_else(String::new, |origin| {
                let name = merged.sources.get(origin.source).map_or("", String::as_str);
                let at = origin.key.unwrap_or(origin.value).start;
                if name.starts_with("--set") {
                    format!("{name} (column {})", at.column)
                } else {
                    format!("{name}:{at}")
                }
            });
            (path, leaf.value.clone(), place)
        })
        .collect();
    let width = rows
        .iter()
        .map(|(p, v, _)| p.chars().count() + v.chars().count() + 3)
        .max()
        .unwrap_or(0)
        .min(72);
    let mut out = String::new();
    for (path, value, place) in rows {
        let cell = format!("{path} = {value}");
        let pad = width.saturating_sub(cell.chars().count());
        out.push_str(&format!("{cell}{}  # {place}\n", " ".repeat(pad)));
    }
    out
}
