//! `mcp-chart values`: the merged values exactly as Helm's `.Values` (the
//! JSON is what `{{ toJson .Values }}` prints), optionally with the origin
//! of every leaf. The core merges; this reads files and prints.

use std::io::Write;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use mcp_chart_core::validate::{MAX_VALUES_BYTES, MAX_VALUES_DEPTH};
use mcp_chart_core::values::{
    self, HelmVersion, MergeOptions, MergedValues, SetArg, ValuesError, ValuesSource,
};
use mcp_chart_core::yaml::{decode_utf8, emit_document, Limits};

use crate::exit_status::ExitStatus;

/// The `--set` family and `--helm-version`, shared by `validate` and `values`.
#[derive(Args, Debug, Default)]
pub struct SetFlags {
    /// Set a value like Helm's --set (`a.b=c`, `a.list[0]=x`, `a=null`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Set a string value like Helm's --set-string.
    #[arg(long = "set-string", value_name = "KEY=VALUE")]
    pub set_string: Vec<String>,
    /// Set a JSON value like Helm's --set-json (`a={"b":[1,2]}`).
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set a value to a file's text like Helm's --set-file (`a=path`).
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set one literal string like Helm's --set-literal (no escapes, no commas).
    #[arg(long = "set-literal", value_name = "KEY=VALUE")]
    pub set_literal: Vec<String>,
    /// Read the values the way this Helm major version does where Helm 3 and
    /// 4 differ (multi-document files, `null` chart defaults).
    #[arg(long = "helm-version", value_enum, default_value_t = HelmMajor::V3)]
    pub helm_version: HelmMajor,
}

/// `--helm-version`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum HelmMajor {
    /// Helm 3 (the default).
    #[default]
    #[value(name = "3")]
    V3,
    /// Helm 4.
    #[value(name = "4")]
    V4,
}

impl SetFlags {
    /// Whether any value flag was given.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
            && self.set_string.is_empty()
            && self.set_json.is_empty()
            && self.set_file.is_empty()
            && self.set_literal.is_empty()
    }

    /// The Helm version to follow.
    pub fn helm(&self) -> HelmVersion {
        match self.helm_version {
            HelmMajor::V3 => HelmVersion::V3,
            HelmMajor::V4 => HelmVersion::V4,
        }
    }

    /// The arguments, with the files `--set-file` names read now (a file that
    /// cannot be read is Helm's error, reported by the merge).
    pub fn set_args(&self) -> Vec<SetArg> {
        let mut out: Vec<SetArg> = self.set_json.iter().map(SetArg::json).collect();
        out.extend(self.set.iter().map(SetArg::new));
        out.extend(self.set_string.iter().map(SetArg::string));
        for text in &self.set_file {
            let files = SetArg::file_paths(text)
                .into_iter()
                .map(|path| {
                    let content = std::fs::read(&path)
                        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                        .map_err(|err| io_reason(&err));
                    (path, content)
                })
                .collect();
            out.push(SetArg::file(text, files));
        }
        out.extend(self.set_literal.iter().map(SetArg::literal));
        out
    }
}

/// The reason Go prints for a failed open (`no such file or directory`).
fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    }
}

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
pub struct ValuesArgs {
    /// A values file, merged in order like Helm's -f (`-` reads stdin).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    values: Vec<String>,
    /// The --set family and --helm-version.
    #[command(flatten)]
    sets: SetFlags,
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
pub fn run(args: &ValuesArgs) -> anyhow::Result<ExitStatus> {
    let mut stdin_used = false;
    let mut inputs = Vec::new();
    for name in &args.values {
        let bytes = read_input(name, &mut stdin_used)?;
        inputs.push((name.clone(), bytes));
    }
    let mut texts = Vec::new();
    for (name, bytes) in &inputs {
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
    let defaults_bytes = match &args.chart_defaults {
        Some(path) => Some(read_input(path, &mut stdin_used)?),
        None => None,
    };
    let defaults_text = match &defaults_bytes {
        Some(bytes) => Some(decode_utf8(bytes).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => None,
    };
    let files: Vec<ValuesSource<'_>> = texts
        .iter()
        .map(|(name, text)| ValuesSource { name, text })
        .collect();
    let sets = args.sets.set_args();
    let options = MergeOptions {
        helm: args.sets.helm(),
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

fn read_input(name: &str, stdin_used: &mut bool) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
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
            .context("reading stdin")?;
    } else {
        std::fs::File::open(name)
            .and_then(|f| f.take(limit).read_to_end(&mut bytes))
            .with_context(|| format!("cannot read {name}"))?;
    }
    Ok(bytes)
}
