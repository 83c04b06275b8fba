//! One function per op: DTOs in, core call, DTOs out.

use mcp_chart_core::postrender::{self, PostRenderOptions};
use mcp_chart_core::validate;

use crate::{Request, Response, Text, ValuesInput, PROTOCOL, VERSION};

pub(crate) fn run(request: Request) -> Response {
    match request {
        Request::Info => Response::Info {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: VERSION.to_string(),
            protocol: PROTOCOL,
            test_ops: cfg!(feature = "test-ops"),
        },
        // The committed schema (tests hold it equal to the generated one):
        // generating it would link the schema generator into the module.
        Request::Schema => Response::Schema {
            text: mcp_chart_core::embedded::VALUES_SCHEMA_JSON.to_string(),
        },
        Request::Validate { values } => Response::Validate {
            report: validate::validate_input(&values),
        },
        Request::PostRender {
            input,
            values,
            workload,
            container,
            check,
        } => Response::PostRender {
            result: post_render(&input, values.as_ref(), workload, container, check),
        },
        #[cfg(feature = "test-ops")]
        Request::Spin => spin(),
        #[cfg(feature = "test-ops")]
        Request::Grow { step } => grow(step),
        #[cfg(feature = "test-ops")]
        Request::Panic { message } => panic!("{message}"),
    }
}

fn post_render(
    input: &Text,
    values: Option<&ValuesInput>,
    workload: Option<String>,
    container: Option<String>,
    check: bool,
) -> Result<String, String> {
    let (options, warnings) = post_render_options(values, workload, container)?;
    let rendered =
        postrender::post_render_bytes(input.as_bytes(), &options).map_err(|err| err.to_string())?;
    Ok(if check {
        format!(
            "{}{}",
            warnings_text(&warnings),
            rendered.summary.render_text()
        )
    } else {
        rendered.output
    })
}

/// The values' warnings as `--check` shows them before the summary.
pub fn warnings_text(warnings: &[String]) -> String {
    warnings
        .iter()
        .map(|w| format!("{w}\n"))
        .collect::<String>()
}

/// The core's post-render options: the `--values`/`--set` checked as
/// `mcp-chart validate` checks them and merged the Helm way, with the
/// warnings (one located line each); or the message `mcp-chart post-render`
/// reports (both engines use this).
pub fn post_render_options(
    values: Option<&ValuesInput>,
    workload: Option<String>,
    container: Option<String>,
) -> Result<(PostRenderOptions, Vec<String>), String> {
    let (values, warnings) = match values.map(checked_values).transpose()? {
        Some((values, warnings)) => (Some(values), warnings),
        None => (None, Vec::new()),
    };
    let options = PostRenderOptions {
        values,
        workload,
        container,
    };
    Ok((options, warnings))
}

/// The merged values and their warnings, or the message `mcp-chart
/// post-render` reports: every error `mcp-chart validate` would report.
fn checked_values(values: &ValuesInput) -> Result<(serde_json::Value, Vec<String>), String> {
    match validate::checked_values(values) {
        Ok((json, report)) => {
            let mut warnings: Vec<String> =
                report.diagnostics.iter().map(|d| d.one_line()).collect();
            let more = report.warnings().saturating_sub(warnings.len());
            if more > 0 {
                warnings.push(format!(
                    "…and {more} more warnings: only the first {} of each file or --set argument are listed",
                    validate::MAX_DIAGNOSTICS_PER_SOURCE
                ));
            }
            Ok((json, warnings))
        }
        Err(report) => {
            let lines: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == validate::Severity::Error)
                .map(|d| d.one_line())
                .collect();
            let errors = report.errors();
            let mut message = format!(
                "the values do not pass `mcp-chart validate` ({errors} error{}):\n{}",
                if errors == 1 { "" } else { "s" },
                lines.join("\n")
            );
            if errors > lines.len() {
                message.push_str(&format!(
                    "\n…and {} more errors: only the first {} of each file or --set argument are listed",
                    errors - lines.len(),
                    validate::MAX_DIAGNOSTICS_PER_SOURCE
                ));
            }
            Err(message)
        }
    }
}

/// Never returns: the host's fuel limit must stop it.
#[cfg(feature = "test-ops")]
fn spin() -> Response {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

/// Allocates until the allocator fails: the host's memory cap must stop it.
#[cfg(feature = "test-ops")]
fn grow(step: u32) -> Response {
    let step = (step as usize).max(1);
    let mut kept: Vec<Vec<u8>> = Vec::new();
    loop {
        // Touch the memory so that nothing is optimised away.
        kept.push(std::hint::black_box(vec![1u8; step]));
    }
}

#[cfg(test)]
mod tests {
    use mcp_chart_core::validate::Report;

    use crate::{Request, Response, ValuesFile, ValuesInput};

    #[test]
    fn a_report_survives_the_json_round_trip() {
        let request = Request::Validate {
            values: ValuesInput {
                files: vec![ValuesFile::new(
                    "values.yaml",
                    "mode: python\nunknwon: 1\nreplicaCount: yes\n",
                )],
                sets: vec!["service.port=99999".into()],
                ..ValuesInput::default()
            },
        };
        let Response::Validate { report } = super::run(request) else {
            panic!("not a validate response");
        };
        assert!(report.diagnostics.len() >= 3, "{:?}", report.diagnostics);
        assert!(report.diagnostics.iter().any(|d| d.end.is_some()));
        let json = serde_json::to_vec(&report).unwrap();
        assert_eq!(serde_json::from_slice::<Report>(&json).unwrap(), report);
    }
}
