//! Where the core runs: natively (linked in) or as the mcp-chart WebAssembly
//! module under wasmtime (`--engine wasm`). Commands build a
//! [`Request`], call [`EngineArgs::call`], and render the [`Response`], so the
//! output does not depend on the engine. See docs/wasm-engine.md.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::{Args, ValueEnum};
use mcp_chart_core::validate::{BytesSource, Report};
use mcp_chart_core::values::{HelmVersion, SetArg, SetKind};
use mcp_chart_module::{NamedText, Request, Response, SetDto, Text};
use wasmtime::{Config, Engine as Wasmtime, Instance, Module, Store, Trap, TypedFunc};

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
                static HOST: Mutex<Option<WasmHost>> = Mutex::new(None);
                let path = self.module_path()?;
                let limits = self.limits(request.len());
                let mut cached = HOST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let mut host = match cached.take() {
                    Some(host) if host.path == path => host,
                    _ => WasmHost::load(&path, limits)?,
                };
                let response = host.run(request, limits)?;
                *cached = Some(host);
                Ok(response)
            }
        }
    }

    /// One `validate` run: the report as the core makes it.
    pub fn validate(
        &self,
        files: &[BytesSource<'_>],
        sets: &[SetArg],
        helm: HelmVersion,
    ) -> Result<Report, EngineError> {
        // The engine protocol carries --set and --set-string and reads as
        // Helm 3; anything else runs in the linked core.
        let protocol = helm == HelmVersion::V3
            && sets
                .iter()
                .all(|s| matches!(s.kind, SetKind::Set | SetKind::String));
        if !protocol {
            return match self.engine {
                Engine::Native => Ok(mcp_chart_core::validate::validate_bytes_as(
                    files, sets, helm,
                )),
                Engine::Wasm => Err(EngineError::Protocol(
                    "--engine wasm takes only --set and --set-string, read as Helm 3".into(),
                )),
            };
        }
        let request = Request::Validate {
            files: files
                .iter()
                .map(|file| NamedText {
                    name: file.name.to_string(),
                    text: Text(file.bytes.to_vec()),
                })
                .collect(),
            sets: sets.iter().map(set_dto).collect(),
        };
        match self.call(request)? {
            Response::Validate { report } => report.into_report().map_err(EngineError::Protocol),
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

/// A `--set` / `--set-string` argument as the request carries it.
pub fn set_dto(set: &SetArg) -> SetDto {
    SetDto {
        text: set.text.clone(),
        string: set.force_string(),
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

/// Per-store state: the memory limiter, which remembers a refused growth so
/// the trap that follows can be explained.
struct HostState {
    max_memory: usize,
    refused: Option<usize>,
}

impl wasmtime::ResourceLimiter for HostState {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_memory {
            self.refused = Some(desired);
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1 << 20)
    }
}

/// One instantiated module with its limits, ready for one request.
pub struct WasmHost {
    path: PathBuf,
    store: Store<HostState>,
    instance: Instance,
    fuel: u64,
}

impl WasmHost {
    /// Compiles and instantiates the module at `path` with `limits`, and checks
    /// that it is the module of this mcp-chart version.
    pub fn load(path: &Path, limits: Limits) -> Result<WasmHost, EngineError> {
        let bytes =
            std::fs::read(path).map_err(|err| EngineError::Read(path.to_path_buf(), err))?;
        let bad = |why: String| EngineError::BadModule(path.to_path_buf(), why);
        let engine = wasmtime_engine().map_err(|err| bad(format!("{err}")))?;
        let module = Module::new(&engine, &bytes).map_err(|err| bad(format!("{err}")))?;
        if let Some(import) = module.imports().next() {
            return Err(bad(format!(
                "it imports `{}::{}`, and the host provides nothing",
                import.module(),
                import.name()
            )));
        }
        let mut store = Store::new(
            &engine,
            HostState {
                max_memory: limits.max_memory,
                refused: None,
            },
        );
        store.limiter(|state| state as &mut dyn wasmtime::ResourceLimiter);
        store
            .set_fuel(limits.fuel)
            .map_err(|err| EngineError::Trap(format!("{err}")))?;
        let instance = match Instance::new(&mut store, &module, &[]) {
            Ok(instance) => instance,
            Err(err) => {
                if let Some(wanted) = store.data().refused {
                    return Err(EngineError::OutOfMemory {
                        max: limits.max_memory,
                        wanted,
                    });
                }
                return Err(bad(format!("cannot instantiate it: {err}")));
            }
        };
        let mut host = WasmHost {
            path: path.to_path_buf(),
            store,
            instance,
            fuel: limits.fuel,
        };
        host.check_version()?;
        Ok(host)
    }

    fn check_version(&mut self) -> Result<(), EngineError> {
        let abi = self
            .instance
            .get_typed_func::<(), u32>(&mut self.store, "abi_version")
            .map_err(|err| EngineError::BadModule(self.path.clone(), format!("{err}")))?;
        let abi_version = abi
            .call(&mut self.store, ())
            .map_err(|err| EngineError::Trap(format!("{err}")))?;
        let info = self.call(br#"{"op":"info"}"#)?;
        match serde_json::from_slice::<Response>(&info) {
            Ok(Response::Info {
                version, protocol, ..
            }) if version == mcp_chart_module::VERSION
                && protocol == mcp_chart_module::PROTOCOL
                && abi_version == 1 =>
            {
                Ok(())
            }
            Ok(Response::Info {
                version, protocol, ..
            }) => Err(EngineError::Version {
                path: self.path.clone(),
                found: format!("mcp-chart {version} (protocol {protocol}, ABI {abi_version})"),
            }),
            _ => Err(EngineError::BadModule(
                self.path.clone(),
                "its `info` answer does not parse".to_string(),
            )),
        }
    }

    /// Runs one JSON request with fresh `limits.fuel` and returns the JSON
    /// response. (The memory cap is the one the host was loaded with.)
    pub fn run(&mut self, request: &[u8], limits: Limits) -> Result<Vec<u8>, EngineError> {
        self.fuel = limits.fuel;
        self.store
            .set_fuel(limits.fuel)
            .map_err(|err| EngineError::Trap(format!("{err}")))?;
        self.call(request)
    }

    fn func<P, R>(&mut self, name: &str) -> Result<TypedFunc<P, R>, EngineError>
    where
        P: wasmtime::WasmParams,
        R: wasmtime::WasmResults,
    {
        self.instance
            .get_typed_func::<P, R>(&mut self.store, name)
            .map_err(|err| {
                EngineError::BadModule(self.path.clone(), format!("export `{name}`: {err}"))
            })
    }

    fn call(&mut self, request: &[u8]) -> Result<Vec<u8>, EngineError> {
        let alloc = self.func::<u32, u32>("alloc")?;
        let run = self.func::<(u32, u32), u64>("run")?;
        let dealloc = self.func::<(u32, u32), ()>("dealloc")?;
        let memory = self
            .instance
            .get_memory(&mut self.store, "memory")
            .ok_or_else(|| {
                EngineError::BadModule(self.path.clone(), "no exported memory".to_string())
            })?;
        let len = u32::try_from(request.len()).map_err(|_| EngineError::OutOfMemory {
            max: self.store.data().max_memory,
            wanted: request.len(),
        })?;
        let ptr = alloc
            .call(&mut self.store, len)
            .map_err(|err| self.explain(err))?;
        memory
            .write(&mut self.store, ptr as usize, request)
            .map_err(|err| EngineError::Protocol(format!("writing the request: {err}")))?;
        let packed = run
            .call(&mut self.store, (ptr, len))
            .map_err(|err| self.explain(err))?;
        let (out_ptr, out_len) = ((packed >> 32) as u32, packed as u32);
        let mut response = vec![0; out_len as usize];
        memory
            .read(&self.store, out_ptr as usize, &mut response)
            .map_err(|err| EngineError::Protocol(format!("reading the response: {err}")))?;
        dealloc
            .call(&mut self.store, (out_ptr, out_len))
            .map_err(|err| self.explain(err))?;
        Ok(response)
    }

    /// Turns a failed call into the reason a user can act on.
    fn explain(&mut self, err: wasmtime::Error) -> EngineError {
        if let Some(wanted) = self.store.data().refused {
            return EngineError::OutOfMemory {
                max: self.store.data().max_memory,
                wanted,
            };
        }
        match err.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => EngineError::OutOfFuel { fuel: self.fuel },
            Some(Trap::StackOverflow) => {
                EngineError::Trap("the module overflowed its stack".to_string())
            }
            Some(trap) => {
                let panic = self.panic_message();
                EngineError::Trap(match panic {
                    Some(message) => format!("{trap}: {message}"),
                    None => trap.to_string(),
                })
            }
            None => EngineError::Trap(format!("{err}")),
        }
    }

    /// The module's record of the panic that caused a trap, if any.
    fn panic_message(&mut self) -> Option<String> {
        let get = self.func::<(), u64>("panic_message").ok()?;
        // A little fuel of its own: the run's may be gone.
        self.store.set_fuel(10_000_000).ok()?;
        let packed = get.call(&mut self.store, ()).ok()?;
        let memory = self.instance.get_memory(&mut self.store, "memory")?;
        let mut message = vec![0; packed as u32 as usize];
        memory
            .read(&self.store, (packed >> 32) as usize, &mut message)
            .ok()?;
        let message = String::from_utf8_lossy(&message).into_owned();
        (!message.is_empty()).then_some(message)
    }
}

fn wasmtime_engine() -> wasmtime::Result<Wasmtime> {
    let mut config = Config::new();
    config.consume_fuel(true);
    config.cache(cache_dir().and_then(|dir| {
        let mut cache = wasmtime::CacheConfig::new();
        cache.with_directory(dir);
        // A cache that cannot be set up only costs time: run without it.
        wasmtime::Cache::new(cache).ok()
    }));
    Wasmtime::new(&config)
}

/// Where compiled modules are cached: `$MCP_CHART_WASM_CACHE` (a directory,
/// relative ones against the current directory, or `off`), else
/// `$XDG_CACHE_HOME/mcp-chart/wasmtime`, else `~/.cache/mcp-chart/wasmtime`.
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
