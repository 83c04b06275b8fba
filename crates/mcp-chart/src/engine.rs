//! Where the core runs: natively (linked in) or as the mcp-chart WebAssembly
//! module under wasmtime (`--engine wasm`). Commands build a
//! [`Request`], call [`EngineArgs::call`], and render the [`Response`], so the
//! output does not depend on the engine. See docs/wasm-engine.md.
// Without the wasm engine, its limits, errors and cache are not used.
#![cfg_attr(not(feature = "wasm-engine"), allow(dead_code))]

use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;

use clap::{Args, ValueEnum};
use mcp_chart_core::validate::Report;
use mcp_chart_module::{Request, Response, ValuesInput};

// wasmtime is behind the `wasm-engine` feature (on in the release archives):
// without it `--engine wasm` explains how to get it (docs/shipping.md).
#[cfg(feature = "wasm-engine")]
#[path = "engine/wasmtime_host.rs"]
mod host;
#[cfg(not(feature = "wasm-engine"))]
#[path = "engine/disabled.rs"]
mod host;
pub use host::WasmHost;

/// File name of the module, looked for next to the executable.
pub const MODULE_FILE_NAME: &str = "mcp-chart-module.wasm";
/// Environment variable naming the module file.
pub const MODULE_ENV: &str = "MCP_CHART_MODULE";
/// Environment variable naming the compiled-code cache directory (`off`: none).
pub const CACHE_ENV: &str = "MCP_CHART_WASM_CACHE";
/// Default memory cap of the module, in MiB.
pub const DEFAULT_MAX_MEMORY_MIB: u64 = 1024;
/// Fuel every run gets, whatever its input size.
pub const FUEL_FLOOR: u64 = 2_000_000_000;
/// Extra fuel per byte of request.
pub const FUEL_PER_BYTE: u64 = 20_000;

/// Which engine runs the core.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// The core linked into this binary.
    #[default]
    Native,
    /// The core's WebAssembly module, run under wasmtime with fuel and memory limits.
    Wasm,
}

/// The engine options shared by the commands that run the core.
#[derive(Args, Clone, Debug)]
#[command(next_help_heading = "Engine")]
pub struct EngineArgs {
    /// Run the core natively or as WebAssembly under wasmtime; both give the
    /// same output.
    #[arg(long, value_enum, default_value_t = Engine::Native)]
    pub engine: Engine,
    /// The module for --engine wasm [default: $MCP_CHART_MODULE, else
    /// mcp-chart-module.wasm next to the mcp-chart executable].
    #[arg(long, value_name = "FILE")]
    pub wasm_module: Option<PathBuf>,
    /// Fuel for --engine wasm (about one unit per WebAssembly instruction)
    /// [default: 2e9 + 20000 per input byte].
    #[arg(long, value_name = "N")]
    pub wasm_fuel: Option<u64>,
    /// Memory cap for --engine wasm, in MiB (at most 4096).
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_MEMORY_MIB,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub wasm_max_memory: u64,
}

impl EngineArgs {
    /// Runs `request` on the chosen engine.
    pub fn call(&self, request: Request) -> Result<Response, EngineError> {
        match self.engine {
            Engine::Native => Ok(mcp_chart_module::run(request)),
            Engine::Wasm => {
                let bytes = serde_json::to_vec(&request)
                    .map_err(|err| EngineError::Protocol(format!("encoding the request: {err}")))?;
                let response = self.call_raw(&bytes)?;
                decode(&response)
            }
        }
    }

    /// Runs one JSON request on the chosen engine and returns the JSON response
    /// (for `mcp-chart engine-request`, which exists for tests and debugging).
    ///
    /// The wasm engine compiles and instantiates the module once per process
    /// and reuses the instance for later requests (`validate` with several
    /// FILEs); each request gets fresh fuel. After a failed request the
    /// instance is dropped.
    pub fn call_raw(&self, request: &[u8]) -> Result<Vec<u8>, EngineError> {
        match self.engine {
            Engine::Native => Ok(mcp_chart_module::handle(request)),
            Engine::Wasm => {
                if !cfg!(feature = "wasm-engine") {
                    return Err(EngineError::NotBuilt);
                }
                static HOST: Mutex<Option<WasmHost>> = Mutex::new(None);
                let path = self.module_path()?;
                let limits = self.limits(request.len());
                let mut cached = HOST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let mut host = match cached.take() {
                    Some(host) if host.path() == path => host,
                    _ => WasmHost::load(&path, limits)?,
                };
                let response = host.run(request, limits)?;
                *cached = Some(host);
                Ok(response)
            }
        }
    }

    /// One `validate` run: the report as the core makes it.
    pub fn validate(&self, input: &ValuesInput) -> Result<Report, EngineError> {
        let request = Request::Validate {
            values: input.clone(),
        };
        match self.call(request)? {
            Response::Validate { report } => Ok(report),
            other => Err(unexpected("validate", &other)),
        }
    }

    /// One `post-render` run (`request` must be [`Request::PostRender`]):
    /// `Ok(Ok(text))` to print, `Ok(Err(message))` when nothing may be printed.
    pub fn post_render(&self, request: Request) -> Result<Result<String, String>, EngineError> {
        match self.call(request)? {
            Response::PostRender { result } => Ok(result),
            other => Err(unexpected("post-render", &other)),
        }
    }

    fn limits(&self, request_len: usize) -> Limits {
        let fuel = self.wasm_fuel.unwrap_or_else(|| {
            FUEL_FLOOR.saturating_add(FUEL_PER_BYTE.saturating_mul(request_len as u64))
        });
        Limits {
            fuel,
            max_memory: usize::try_from(self.wasm_max_memory.saturating_mul(1 << 20))
                .unwrap_or(usize::MAX),
        }
    }

    /// `--wasm-module`, else `$MCP_CHART_MODULE`, else the file next to the executable.
    pub fn module_path(&self) -> Result<PathBuf, EngineError> {
        if let Some(path) = &self.wasm_module {
            return Ok(path.clone());
        }
        if let Some(path) = std::env::var_os(MODULE_ENV).filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(path));
        }
        let beside = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(MODULE_FILE_NAME)));
        match beside {
            Some(path) if path.is_file() => Ok(path),
            beside => Err(EngineError::ModuleNotFound(beside)),
        }
    }
}

fn unexpected(op: &str, response: &Response) -> EngineError {
    let name = serde_json::to_value(response)
        .ok()
        .and_then(|v| v.get("op").and_then(|op| op.as_str()).map(str::to_string))
        .unwrap_or_default();
    EngineError::Protocol(format!("the answer to `{op}` is `{name}`"))
}

fn decode(response: &[u8]) -> Result<Response, EngineError> {
    match serde_json::from_slice::<Response>(response) {
        Ok(Response::Error { message }) => Err(EngineError::Protocol(message)),
        Ok(response) => Ok(response),
        Err(err) => Err(EngineError::Protocol(format!(
            "the module's response does not parse: {err}"
        ))),
    }
}

/// The host's limits for one run.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Fuel (about one unit per WebAssembly instruction).
    pub fuel: u64,
    /// Largest linear memory, in bytes.
    pub max_memory: usize,
}

/// Why the wasm engine could not answer.
#[derive(Debug)]
pub enum EngineError {
    /// This binary was built without the `wasm-engine` feature.
    NotBuilt,
    /// No module file was given and none is next to the executable.
    ModuleNotFound(Option<PathBuf>),
    /// The module file could not be read.
    Read(PathBuf, std::io::Error),
    /// The file is not a usable module (not wasm, wrong exports, imports).
    BadModule(PathBuf, String),
    /// The module was built from another version of mcp-chart.
    Version {
        /// The module file.
        path: PathBuf,
        /// What it reports.
        found: String,
    },
    /// The run used up its fuel.
    OutOfFuel {
        /// The fuel it had.
        fuel: u64,
    },
    /// The module wanted more memory than the cap.
    OutOfMemory {
        /// The cap in bytes.
        max: usize,
        /// The size it asked for.
        wanted: usize,
    },
    /// The module trapped for another reason (a bug: the core panicked).
    Trap(String),
    /// The request or response broke the protocol (a bug).
    Protocol(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("wasm engine: ")?;
        match self {
            EngineError::NotBuilt => f.write_str(
                "this mcp-chart was built without the wasm engine: use a release archive, \
                 or `cargo install --locked mcp-chart --features wasm-engine`",
            ),
            EngineError::ModuleNotFound(beside) => {
                write!(f, "no module to run: pass --wasm-module FILE or set ${MODULE_ENV}")?;
                if let Some(beside) = beside {
                    write!(f, ", or put {MODULE_FILE_NAME} at {}", beside.display())?;
                }
                f.write_str(
                    " (in a checkout of mcp-chart, scripts/build-wasm-module.sh --install builds \
                     it and puts it next to target/*/mcp-chart, the cargo-installed mcp-chart \
                     and the one on PATH)",
                )
            }
            EngineError::Read(path, err) => write!(f, "cannot read {}: {err}", path.display()),
            EngineError::BadModule(path, why) => {
                write!(f, "{} is not an mcp-chart module: {why}", path.display())
            }
            EngineError::Version { path, found } => write!(
                f,
                "{} was built from {found}, but this is mcp-chart {} (protocol {}): rebuild the module",
                path.display(),
                mcp_chart_module::VERSION,
                mcp_chart_module::PROTOCOL
            ),
            EngineError::OutOfFuel { fuel } => write!(
                f,
                "the module ran out of fuel after {fuel} instructions: the input is too \
                 expensive to process (raise the limit with --wasm-fuel N)"
            ),
            EngineError::OutOfMemory { max, wanted } => write!(
                f,
                "the module needed more than its memory limit of {} MiB (it asked for {} MiB): \
                 the input is too large to process (raise the limit with --wasm-max-memory MIB)",
                max >> 20,
                wanted.div_ceil(1 << 20)
            ),
            EngineError::Trap(why) => write!(f, "the module stopped with an error: {why}"),
            EngineError::Protocol(why) => write!(f, "protocol error: {why}"),
        }
    }
}

impl std::error::Error for EngineError {}

/// Where compiled modules are cached: `$MCP_CHART_WASM_CACHE` (a directory,
/// relative ones against the current directory, or `off`), else `$XDG_CACHE_HOME/mcp-chart/wasmtime`, else
/// `~/.cache/mcp-chart/wasmtime`.
pub fn cache_dir() -> Option<PathBuf> {
    let absolute = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    match std::env::var_os(CACHE_ENV).filter(|v| !v.is_empty()) {
        Some(value) if value == "off" => return None,
        // wasmtime wants an absolute directory; a relative one is the user's
        // intent about the current directory, not a request to turn caching off.
        Some(value) => {
            let dir = PathBuf::from(value);
            return if dir.is_absolute() {
                Some(dir)
            } else {
                std::env::current_dir().ok().map(|cwd| cwd.join(dir))
            };
        }
        None => {}
    }
    absolute("XDG_CACHE_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".cache")))
        .map(|cache| cache.join("mcp-chart").join("wasmtime"))
}
