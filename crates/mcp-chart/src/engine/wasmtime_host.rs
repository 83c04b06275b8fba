//! The wasm engine's host: the module under wasmtime with fuel and memory
//! limits (the `wasm-engine` cargo feature; `disabled.rs` stands in without it).

use std::path::{Path, PathBuf};

use mcp_chart_module::Response;
use wasmtime::{Config, Engine as Wasmtime, Instance, Module, Store, Trap, TypedFunc};

use super::{cache_dir, EngineError, Limits};

#[path = "code_cache.rs"]
mod code_cache;

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
        let module = compiled(&engine, &bytes).map_err(|err| bad(format!("{err}")))?;
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

    /// The module file this host runs.
    pub fn path(&self) -> &Path {
        &self.path
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

/// The module compiled for `engine`: from the compiled-code cache when it has
/// it, else compiled here (and stored for the next run).
fn compiled(engine: &Wasmtime, bytes: &[u8]) -> wasmtime::Result<Module> {
    let Some(dir) = cache_dir() else {
        return Module::new(engine, bytes);
    };
    let entry = code_cache::entry(&dir, engine, bytes);
    if let Some(module) = code_cache::load(engine, &entry) {
        return Ok(module);
    }
    let module = Module::new(engine, bytes)?;
    code_cache::store(&module, &entry);
    Ok(module)
}

fn wasmtime_engine() -> wasmtime::Result<Wasmtime> {
    let mut config = Config::new();
    config.consume_fuel(true);
    Wasmtime::new(&config)
}
