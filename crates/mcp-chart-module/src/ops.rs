//! One function per op: DTOs in, core call, DTOs out.

use mcp_chart_core::postrender::{self, PostRenderOptions};
use mcp_chart_core::validate::{self, BytesSource};
use mcp_chart_core::values::{self, SetArg, ValuesSource};

use crate::{NamedText, ReportDto, Request, Response, SetDto, Text, ValuesDto, PROTOCOL, VERSION};

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
        Request::Validate { files, sets } => Response::Validate {
            report: validate(&files, &sets),
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

fn set_args(sets: &[SetDto]) -> Vec<SetArg> {
    sets.iter()
        .map(|set| {
            if set.string {
                SetArg::string(set.text.clone())
            } else {
                SetArg::new(set.text.clone())
            }
        })
        .collect()
}

fn validate(files: &[NamedText], sets: &[SetDto]) -> ReportDto {
    let sources: Vec<BytesSource<'_>> = files
        .iter()
        .map(|file| BytesSource {
            name: &file.name,
            bytes: file.text.as_bytes(),
        })
        .collect();
    ReportDto::from(&validate::validate_bytes(&sources, &set_args(sets)))
}

fn post_render(
    input: &Text,
    values: Option<&ValuesDto>,
    workload: Option<String>,
    container: Option<String>,
    check: bool,
) -> Result<String, String> {
    let options = post_render_options(values, workload, container)?;
    let rendered =
        postrender::post_render_bytes(input.as_bytes(), &options).map_err(|err| err.to_string())?;
    Ok(if check {
        rendered.summary.render_text()
    } else {
        rendered.output
    })
}

/// The core's post-render options: the `--values`/`--set` merged the Helm way,
/// or the message `mcp-chart post-render` reports (both engines use this).
pub fn post_render_options(
    values: Option<&ValuesDto>,
    workload: Option<String>,
    container: Option<String>,
) -> Result<PostRenderOptions, String> {
    Ok(PostRenderOptions {
        values: values.map(merge_values).transpose()?,
        workload,
        container,
    })
}

/// The merged values, or the message `mcp-chart post-render` reports.
fn merge_values(values: &ValuesDto) -> Result<serde_json::Value, String> {
    let mut texts = Vec::with_capacity(values.files.len());
    for file in &values.files {
        let text = mcp_chart_core::yaml::decode_utf8(file.text.as_bytes())
            .map_err(|err| format!("{}:{}: {err}", file.name, err.location()))?;
        texts.push((file.name.as_str(), text));
    }
    let sources: Vec<ValuesSource<'_>> = texts
        .iter()
        .map(|&(name, text)| ValuesSource { name, text })
        .collect();
    values::merge(&sources, &set_args(&values.sets))
        .map(|merged| merged.json)
        .map_err(|err| err.to_string())
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
