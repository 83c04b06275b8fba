//! The process exit codes: 0 success, 1 problems found, 2 usage or I/O error.

use std::process::ExitCode;

/// How a run of mcp-chart ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything was valid (warnings allowed).
    Success,
    /// The input has problems (or warnings under `--deny-warnings`).
    Failure,
    /// Bad arguments, unreadable files, or another error of the run itself.
    Usage,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::from(0),
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Usage => ExitCode::from(2),
        }
    }
}
