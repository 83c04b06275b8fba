//! Randomness for a module that imports nothing.
//!
//! jsonschema's hash maps (ahash) seed themselves through `getrandom`, whose
//! `wasm32-unknown-unknown` backend would import `crypto.getRandomValues` from
//! JavaScript. The module build selects getrandom's `custom` backend instead
//! (`--cfg getrandom_backend="custom"` in scripts/build-wasm-module.sh) and
//! this function serves it with a fixed sequence, so the module stays
//! import-free and deterministic. A fixed hash seed lets a hostile input aim
//! for hash collisions; the host's fuel limit bounds what that can cost.
//! Without the cfg (the browser build, clippy) this function is unused.
#![allow(unsafe_code)] // the getrandom custom-backend hook is an unmangled extern fn

use std::sync::atomic::{AtomicU64, Ordering};

static STATE: AtomicU64 = AtomicU64::new(0x6d63_702d_6368_6172); // "mcp-char"

/// getrandom 0.3's custom backend hook: fills `len` bytes at `dest` with
/// splitmix64 output.
///
/// # Safety
/// `dest` must be valid for writes of `len` bytes (getrandom guarantees it).
#[no_mangle]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom::Error> {
    for i in 0..len {
        let mut z = STATE
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        // SAFETY: `i < len`, and `dest` is valid for `len` bytes.
        unsafe { dest.add(i).write((z ^ (z >> 31)) as u8) };
    }
    Ok(())
}
