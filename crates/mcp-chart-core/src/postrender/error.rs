//! Errors of the post-renderer: what went wrong and where in the stream.

use serde::Serialize;

use crate::gateway::GatewayProblem;
use crate::location::Location;
use crate::yaml::YamlError;

/// Where in the manifest stream a problem is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StreamPlace {
    /// 1-based index of the document in the stream.
    pub document: usize,
    /// `Kind/name` of the document, when it has them.
    pub object: Option<String>,
    /// Line and column in the whole stream (1-based).
    pub location: Location,
}

impl std::fmt::Display for StreamPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}, document {}",
            self.location.line, self.location.column, self.document
        )?;
        if let Some(object) = &self.object {
            write!(f, " ({object})")?;
        }
        Ok(())
    }
}

/// Why the post-renderer refused the input. Nothing is written when it fails.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct PostRenderError {
    /// Where the problem is, when it is in the manifest stream.
    pub place: Option<StreamPlace>,
    /// What the problem is.
    pub problem: Problem,
}

impl std::fmt::Display for PostRenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.place {
            Some(place) => write!(f, "{place}: {}", self.problem),
            None => write!(f, "{}", self.problem),
        }
    }
}

impl PostRenderError {
    /// An error at `place`.
    pub fn at(place: StreamPlace, problem: Problem) -> Self {
        PostRenderError {
            place: Some(place),
            problem,
        }
    }

    /// An error that is not in the stream (options, `--values`).
    pub fn general(problem: Problem) -> Self {
        PostRenderError {
            place: None,
            problem,
        }
    }
}

/// The kinds of problem.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Problem {
    /// The stream is not UTF-8.
    #[error("the manifest stream is not valid UTF-8 (byte {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The stream is larger than the post-renderer accepts.
    #[error("the manifest stream is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A document is not readable YAML.
    #[error("{0}")]
    Yaml(YamlError),
    /// Aliases in the stream copy more YAML nodes than the post-renderer reads.
    #[error("aliases in the manifest stream copy more than {limit} YAML nodes")]
    TooManyNodes {
        /// The limit.
        limit: usize,
    },
    /// The transport settings (annotation or values) are not the chart's shape.
    #[error("invalid transport settings from {source_name}: {message}")]
    Transport {
        /// Where the settings came from (`the mcp-chart/transport annotation`, `--values`).
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// The values cannot make a working gateway (`validate` reports the same
    /// problems, located in the values files).
    #[error("{}", problems_text(.0))]
    Values(Vec<GatewayProblem>),
    /// The gateway cannot be built from the workload.
    #[error("stdio gateway: {message}")]
    Gateway {
        /// What is wrong.
        message: String,
    },
    /// No workload, or several, match what was asked for.
    #[error("{message}")]
    Selection {
        /// What is wrong, with the candidates.
        message: String,
    },
    /// The document is not the shape the post-renderer needs to change it.
    #[error("{message}")]
    Shape {
        /// What is wrong.
        message: String,
    },
    /// What the post-renderer would add clashes with what is already there.
    #[error("{message}")]
    Conflict {
        /// What clashes.
        message: String,
    },
    /// A timeout cannot be written in the target's format.
    #[error("transport.http.timeouts: {message}")]
    Timeout {
        /// What is wrong.
        message: String,
    },
}

fn problems_text(problems: &[GatewayProblem]) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    lines.join("\n")
}
