//! mcp-chart-module: the mcp-chart core behind one JSON request/response
//! boundary, so the same code answers whether the CLI calls it natively or
//! runs it as a WebAssembly module under wasmtime.
//!
//! - [`Request`] and [`Response`] are the DTOs of that boundary. The CLI builds
//!   a [`Request`], hands it to an engine, and renders the [`Response`]: the
//!   native engine calls [`run`] in-process; the wasm engine serialises the
//!   request, calls the module's `run` export (which calls [`handle`]), and
//!   deserialises the response. Both therefore run the very same code.
//! - Built as a `cdylib` for `wasm32-unknown-unknown` with the `abi` feature,
//!   the crate exports the tiny ABI documented in `docs/wasm-engine.md`
//!   (`alloc`, `dealloc`, `run`, `panic_message`) and imports nothing: no
//!   files, no network, no clock.
//!
//! The module is pure computation; limits (fuel, memory) are the host's job.

#[cfg(all(feature = "abi", target_arch = "wasm32"))]
mod abi;
mod ops;

use mcp_chart_core::validate::Report;
use serde::{Deserialize, Serialize};

pub use mcp_chart_core::values::{Text, ValuesFile, ValuesInput};
pub use ops::{post_render_options, warnings_text};

/// Version of the request/response protocol. The host refuses a module whose
/// [`Response::Info`] reports another protocol or another crate version.
pub const PROTOCOL: u32 = 2;

/// The crate version the module was built from.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the host asks the core to do. JSON: `{"op": "<name>", ...fields}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Request {
    /// Name, crate version and protocol of the module.
    Info,
    /// The chart's values JSON Schema.
    Schema,
    /// `mcp-chart validate`, one run: the chart defaults and the values
    /// merged as Helm does, then checked.
    Validate {
        /// The `-f` files and the `--set` family.
        values: ValuesInput,
    },
    /// `mcp-chart post-render`.
    PostRender {
        /// The manifest stream.
        input: Text,
        /// Values for charts whose workload carries no transport annotation
        /// (`--values` / `--set`); `None` reads the annotation.
        #[serde(default)]
        values: Option<ValuesInput>,
        /// `--workload KIND/NAME`.
        #[serde(default)]
        workload: Option<String>,
        /// `--container NAME`.
        #[serde(default)]
        container: Option<String>,
        /// `--check`: answer what would be injected, in words, instead of the stream.
        #[serde(default)]
        check: bool,
    },
    /// Test only (feature `test-ops`): loops forever, to test the fuel limit.
    #[cfg(feature = "test-ops")]
    Spin,
    /// Test only (feature `test-ops`): allocates `step` bytes at a time
    /// forever, to test the memory limit.
    #[cfg(feature = "test-ops")]
    Grow {
        /// Bytes per allocation.
        step: u32,
    },
    /// Test only (feature `test-ops`): panics with `message`, to test how
    /// the host reports a trap.
    #[cfg(feature = "test-ops")]
    Panic {
        /// The panic message.
        message: String,
    },
}

/// What the core answers. JSON: `{"op": "<name>", ...fields}`; every request
/// gets the response of the same name, or [`Response::Error`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Response {
    /// Answer to [`Request::Info`].
    Info {
        /// `mcp-chart-module`.
        name: String,
        /// The crate version it was built from.
        version: String,
        /// [`PROTOCOL`].
        protocol: u32,
        /// The test-only ops are compiled in.
        test_ops: bool,
    },
    /// Answer to [`Request::Schema`].
    Schema {
        /// The schema, as the committed file holds it.
        text: String,
    },
    /// Answer to [`Request::Validate`].
    Validate {
        /// The core's report, whole (problems in the input are diagnostics,
        /// never an error).
        report: Report,
    },
    /// Answer to [`Request::PostRender`].
    PostRender {
        /// `{"Ok": text}`: the output stream (or, for `check`, the
        /// explanation); `{"Err": message}`: why nothing can be written.
        result: Result<String, String>,
    },
    /// The request itself was unusable (not JSON, unknown op, missing field):
    /// a bug of the host, never a problem of the user's input.
    Error {
        /// What was wrong with the request.
        message: String,
    },
}

/// Runs one request. Pure: no I/O, no clock, deterministic.
pub fn run(request: Request) -> Response {
    ops::run(request)
}

/// The module's boundary: JSON request bytes in, JSON response bytes out.
/// A request that does not parse gets [`Response::Error`].
pub fn handle(request: &[u8]) -> Vec<u8> {
    let response = match serde_json::from_slice::<Request>(request) {
        Ok(request) => run(request),
        Err(err) => Response::Error {
            message: format!("bad request: {err}"),
        },
    };
    encode(&response)
}

/// Serialises a response. Serialising these types cannot fail (string keys,
/// no non-finite floats), but if it ever did, the host still gets JSON.
pub fn encode(response: &Response) -> Vec<u8> {
    serde_json::to_vec(response).unwrap_or_else(|err| {
        let fallback = Response::Error {
            message: format!("could not encode the response: {err}"),
        };
        serde_json::to_vec(&fallback).unwrap_or_default()
    })
}
