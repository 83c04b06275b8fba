//! Stands in for the wasm engine's host when mcp-chart is built without the
//! `wasm-engine` feature (the lean default of `cargo install`): `--engine wasm`
//! then fails with [`EngineError::NotBuilt`], which says how to get it.

use std::path::Path;

use super::{EngineError, Limits};

/// The wasm engine is not part of this build.
pub enum WasmHost {}

impl WasmHost {
    /// Always [`EngineError::NotBuilt`].
    pub fn load(_path: &Path, _limits: Limits) -> Result<WasmHost, EngineError> {
        Err(EngineError::NotBuilt)
    }

    /// Never called: no `WasmHost` exists.
    pub fn path(&self) -> &Path {
        match *self {}
    }

    /// Never called: no `WasmHost` exists.
    pub fn run(&mut self, _request: &[u8], _limits: Limits) -> Result<Vec<u8>, EngineError> {
        match *self {}
    }
}
