//! The post-renderer's error file: the only place Helm 4 users see why the
//! plugin failed (Helm 4 drops a plugin's stderr).
//!
//! Policy (docs/helm.md): a report is written to a new file next to the path and
//! renamed over it, so a symlink at the path is replaced, never followed, and
//! two failing runs each leave one whole report (the last one wins); the path
//! may not be one of the run's inputs; a successful run removes the file only
//! when it holds a report this tool wrote.

use std::io::Write;
use std::path::{Path, PathBuf};

/// How every report starts; a success removes only files that start so.
pub const REPORT_PREFIX: &str = "mcp-chart post-render: ";

/// Where failures are reported.
#[derive(Debug)]
pub struct ErrorFile {
    path: PathBuf,
}

impl ErrorFile {
    /// The error file at `path`, refused when it names one of `inputs`.
    pub fn new(path: PathBuf, inputs: &[&Path]) -> anyhow::Result<Self> {
        Self::for_option("--error-file", path, inputs)
    }

    /// A file written with this policy for `option` (named in the refusal).
    pub fn for_option(option: &str, path: PathBuf, inputs: &[&Path]) -> anyhow::Result<Self> {
        let target = resolve_parent(&path);
        for input in inputs {
            if let (Some(target), Ok(input_path)) = (&target, std::fs::canonicalize(input)) {
                if *target == input_path {
                    anyhow::bail!(
                        "{option} {} is also an input of this run: choose another path",
                        path.display()
                    );
                }
            }
        }
        Ok(ErrorFile { path })
    }

    /// The path as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces whatever is at the path with `report`, atomically.
    pub fn write(&self, report: &str) -> std::io::Result<()> {
        self.write_bytes(report.as_bytes())
    }

    /// Replaces whatever is at the path with `bytes`, atomically (also used
    /// for `MCP_CHART_CAPTURE_INPUT`, the received stream).
    pub fn write_bytes(&self, bytes: &[u8]) -> std::io::Result<()> {
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "error".into());
        let (tmp, mut file) = new_sibling(dir, &name)?;
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        drop(file);
        let renamed = written.and_then(|()| std::fs::rename(&tmp, &self.path));
        if renamed.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        renamed
    }

    /// After a success: removes an earlier report, and nothing else (not a
    /// symlink, not a file this tool did not write).
    pub fn clear(&self) {
        let Ok(meta) = std::fs::symlink_metadata(&self.path) else {
            return;
        };
        if !meta.file_type().is_file() {
            return;
        }
        let mut head = [0u8; REPORT_PREFIX.len()];
        let is_report = std::fs::File::open(&self.path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok()
            && head == REPORT_PREFIX.as_bytes();
        if is_report {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A new file beside the target, created exclusively (never an existing file
/// or a symlink's target).
fn new_sibling(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut last = None;
    for attempt in 0..16u32 {
        let tmp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => last = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// `path` with its directory resolved but its last component kept as is (a
/// symlink there is what gets replaced, so it is not followed).
fn resolve_parent(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(name))
}

/// The error file named by raw arguments (`--error-file X`, `--error-file=X`)
/// or the environment, for reporting a usage error that clap refused before
/// the arguments could be read.
pub fn from_raw_args(args: &[std::ffi::OsString], env_var: &str) -> Option<PathBuf> {
    let mut found = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let text = arg.to_string_lossy();
        if text == "--" {
            break;
        }
        if text == "--error-file" {
            found = iter.next().map(PathBuf::from);
        } else if let Some(value) = text.strip_prefix("--error-file=") {
            found = Some(PathBuf::from(value));
        }
    }
    found
        .or_else(|| std::env::var_os(env_var).map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
}
