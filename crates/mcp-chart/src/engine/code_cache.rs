//! The wasm engine's compiled-code cache: the one place that loads compiled
//! code with `Module::deserialize_file` (one of the two `unsafe` places in mcp-chart; the other is `closed_stdout.rs`).
//!
//! Why not wasmtime's own cache: per warm run it hashes the module, reads a
//! zstd file, decompresses it into a buffer, copies it into executable memory
//! and starts a worker thread that rewrites statistics files (docs/wasm-engine.md,
//! "Numbers"). Here a warm run hashes the module, maps one uncompressed file
//! and starts nothing; the `cache` feature (and zstd's C sources) leave the build.
//!
//! # Safety argument
//!
//! `Module::deserialize_file` trusts its file to be the unmodified output of
//! `Module::serialize` for a compatible engine, and to stay unchanged while
//! mapped. This module keeps that promise as far as a process can:
//! - only `store` writes cache files, with `Module::serialize`'s bytes, into a
//!   fresh temporary file that is renamed into place: a reader never sees a
//!   partial file, and a file is never modified after its rename (a newer one
//!   replaces the directory entry, not the mapped inode);
//! - the file name carries the SHA-256 of the module bytes and a hash of the
//!   engine's compilation settings (`Engine::precompile_compatibility_hash`),
//!   so it is only looked up for the same module and settings; wasmtime also
//!   checks its version and settings in the file's header and refuses a
//!   mismatch with an error (then we compile again);
//! - the directory is the user's own (`$MCP_CHART_WASM_CACHE`, else
//!   `$XDG_CACHE_HOME` or `~/.cache`): whoever can write there can already
//!   change the user's environment and binaries, so trusting it adds no new
//!   attacker. That is the same trust wasmtime's own cache placed in it.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

/// The cache file for `module_bytes` under `engine`, in `dir`.
pub fn entry(dir: &Path, engine: &Engine, module_bytes: &[u8]) -> PathBuf {
    let digest = Sha256::digest(module_bytes);
    let mut settings = std::hash::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut settings);
    let mut name = String::with_capacity(96);
    for byte in &digest[..16] {
        name.push_str(&format!("{byte:02x}"));
    }
    name.push_str(&format!(
        "-{:016x}-{}.cwasm",
        settings.finish(),
        env!("CARGO_PKG_VERSION")
    ));
    dir.join(name)
}

/// The compiled module in `path`, if there is a usable one (a missing,
/// foreign or stale file is `None`: compile instead).
pub fn load(engine: &Engine, path: &Path) -> Option<Module> {
    if !path.is_file() {
        return None;
    }
    // SAFETY: see the module docs: `path` was written only by `store` below
    // (serialize, temporary file, rename), is named by the module's hash and
    // the engine's settings, and is never modified in place.
    #[allow(unsafe_code)]
    let module = unsafe { Module::deserialize_file(engine, path) };
    module.ok()
}

/// Stores `module`'s compiled code at `path`. A cache that cannot be written
/// only costs time, so failures are ignored.
pub fn store(module: &Module, path: &Path) {
    let Some(dir) = path.parent() else { return };
    let Ok(bytes) = module.serialize() else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
        std::process::id()
    ));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut file| file.write_all(&bytes).and_then(|()| file.sync_all()));
    if written.is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}
