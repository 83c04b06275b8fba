//! `mcp-chart engine-request` (hidden): sends one raw JSON request from stdin
//! to the chosen engine and prints the JSON response (exit 2 when it is an
//! `error` response). For tests and for debugging the module's ABI; see
//! docs/wasm-engine.md.

use std::io::{Read, Write};

use anyhow::Context;
use clap::Args;

use crate::engine::EngineArgs;
use crate::exit_status::ExitStatus;

/// Arguments of `mcp-chart engine-request`.
#[derive(Args, Debug)]
pub struct EngineRequestArgs {
    #[command(flatten)]
    engine: EngineArgs,
}

/// Runs `mcp-chart engine-request`.
pub fn run(args: &EngineRequestArgs) -> anyhow::Result<ExitStatus> {
    let mut request = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut request)
        .context("reading the request from stdin")?;
    let response = args.engine.call_raw(&request)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&response)?;
    stdout.write_all(b"\n")?;
    // A request the engine refused (`{"op":"error"}`) is a usage error.
    let refused = serde_json::from_slice::<serde_json::Value>(&response).map_or(true, |v| {
        v.get("op").and_then(|op| op.as_str()) == Some("error")
    });
    Ok(if refused {
        ExitStatus::Usage
    } else {
        ExitStatus::Success
    })
}
