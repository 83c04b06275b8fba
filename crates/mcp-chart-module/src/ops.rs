//! One function per op: DTOs in, core call, DTOs out.

use mcp_chart_core::values::{self, SetArg, ValuesSource};

use crate::{NamedText, Request, Response, SetDto, PROTOCOL, VERSION};

pub(crate) fn run(request: Request) -> Response {
    match request {
        Request::Info => Response::Info {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: VERSION.to_string(),
            protocol: PROTOCOL,
            test_ops: cfg!(feature = "test-ops"),
        },
        Request::Schema => Response::Schema {
            text: mcp_chart_core::schema::values_schema_text(),
        },
        Request::MergeValues { files, sets } => Response::MergeValues {
            result: merge_values(&files, &sets),
        },
        #[cfg(feature = "test-ops")]
        Request::Spin => spin(),
        #[cfg(feature = "test-ops")]
        Request::Grow { step } => grow(step),
    }
}

fn merge_values(files: &[NamedText], sets: &[SetDto]) -> Result<serde_json::Value, String> {
    let mut texts = Vec::with_capacity(files.len());
    for file in files {
        let text = mcp_chart_core::yaml::decode_utf8(file.text.as_bytes())
            .map_err(|err| format!("{}:{}: {err}", file.name, err.location()))?;
        texts.push((file.name.as_str(), text));
    }
    let sources: Vec<ValuesSource<'_>> = texts
        .iter()
        .map(|&(name, text)| ValuesSource { name, text })
        .collect();
    let sets: Vec<SetArg> = sets
        .iter()
        .map(|set| {
            if set.string {
                SetArg::string(set.text.clone())
            } else {
                SetArg::new(set.text.clone())
            }
        })
        .collect();
    values::merge(&sources, &sets)
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
