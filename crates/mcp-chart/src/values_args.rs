//! The values flags every command that takes values shares (`validate`,
//! `values`, `post-render`): `-f/--values`, the `--set` family and
//! `--helm-version`, one bounded reader for the files, and the core's one
//! input type ([`ValuesInput`]) built from them.

use std::io::Read;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use mcp_chart_core::validate::MAX_VALUES_BYTES;
use mcp_chart_core::values::{HelmVersion, SetArg, SetFile, ValuesFile, ValuesInput};

/// `-f/--values` and the `--set` family.
#[derive(Args, Debug, Default)]
pub struct ValuesArgs {
    /// A values file, merged in order like Helm's -f (`-` reads stdin).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<String>,
    /// The --set family (applied by flag, as Helm does) and --helm-version.
    #[command(flatten)]
    pub sets: SetFlags,
}

/// The `--set` family and `--helm-version`.
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

    /// The values input with these flags over `files`; the files `--set-file`
    /// names are read now (one that cannot be read is Helm's error, which the
    /// merge reports).
    pub fn input(&self, files: Vec<ValuesFile>) -> ValuesInput {
        let set_files = self
            .set_file
            .iter()
            .map(|text| SetFile {
                text: text.clone(),
                files: SetArg::file_paths(text)
                    .into_iter()
                    .map(|path| {
                        let content = match read_bounded(std::fs::File::open(&path), &path) {
                            Ok(bytes) if bytes.len() > MAX_VALUES_BYTES => {
                                Err(format!("larger than the limit of {MAX_VALUES_BYTES} bytes"))
                            }
                            Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
                            Err(err) => Err(go_reason(&err)),
                        };
                        (path, content)
                    })
                    .collect(),
            })
            .collect();
        ValuesInput {
            files,
            sets: self.set.clone(),
            set_strings: self.set_string.clone(),
            set_json: self.set_json.clone(),
            set_files,
            set_literals: self.set_literal.clone(),
            helm: self.helm(),
        }
    }
}

impl ValuesArgs {
    /// Whether no file and no `--set`-family flag was given.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.sets.is_empty()
    }

    /// Reads the `-f` files (with `reader`) and builds the input.
    pub fn input(&self, reader: &mut ValuesReader) -> anyhow::Result<ValuesInput> {
        let files = self
            .values
            .iter()
            .map(|name| reader.read(name))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(self.sets.input(files))
    }
}

/// Reads values files: at most one byte more than the core accepts (so that a
/// larger file, `/dev/zero` or an endless pipe is the core's located
/// `yaml-limit` error, not memory), stdin (`-`) at most once, no directories.
#[derive(Debug, Default)]
pub struct ValuesReader {
    stdin_used: bool,
}

impl ValuesReader {
    /// Reads `name` (`-`: stdin, named `<stdin>`).
    pub fn read(&mut self, name: &str) -> anyhow::Result<ValuesFile> {
        if name == "-" {
            if self.stdin_used {
                bail!("`-` (stdin) can be given only once");
            }
            self.stdin_used = true;
            let bytes =
                read_limited(std::io::stdin().lock()).context("cannot read values from stdin")?;
            return Ok(ValuesFile::new("<stdin>", bytes));
        }
        let bytes = read_bounded(std::fs::File::open(name), name)
            .with_context(|| format!("cannot read {name}"))?;
        Ok(ValuesFile::new(name, bytes))
    }
}

/// An opened file's first `MAX_VALUES_BYTES + 1` bytes; a directory is an error.
fn read_bounded(file: std::io::Result<std::fs::File>, name: &str) -> std::io::Result<Vec<u8>> {
    let file = file?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(std::io::Error::other(format!("{name} is a directory")));
    }
    read_limited(file)
}

fn read_limited(reader: impl Read) -> std::io::Result<Vec<u8>> {
    let limit = u64::try_from(MAX_VALUES_BYTES).unwrap_or(u64::MAX) + 1;
    let mut bytes = Vec::new();
    reader.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The reason Go prints for a failed open (`no such file or directory`).
fn go_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    }
}
