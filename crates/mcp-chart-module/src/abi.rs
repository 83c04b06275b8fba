//! The module's exports (see docs/wasm-engine.md, "ABI"). Only compiled for
//! `wasm32` with the `abi` feature. All pointers and lengths are `u32` offsets
//! into the module's linear memory.
//!
//! - `alloc(len) -> ptr`: reserves `len` bytes for the host to write into.
//! - `dealloc(ptr, len)`: frees a buffer from `alloc` or from `run`'s result.
//! - `run(ptr, len) -> (ptr << 32) | len`: takes ownership of the request
//!   buffer (a JSON [`crate::Request`]), returns a buffer with the JSON
//!   [`crate::Response`].
//! - `panic_message() -> (ptr << 32) | len`: after a trap, the message of the
//!   panic that caused it (empty if none); the host reads it to explain the trap.
//! - `abi_version() -> u32`: this ABI's version ([`ABI_VERSION`]).
// The exports must be unmangled and take raw pointers: this is the one place
// where the crate uses unsafe code.
#![allow(unsafe_code)]

use std::cell::RefCell;

/// Version of this ABI (the export names and their signatures).
pub const ABI_VERSION: u32 = 1;

thread_local! {
    static PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

fn pack(bytes: Vec<u8>) -> u64 {
    let bytes = bytes.into_boxed_slice();
    let len = bytes.len() as u64;
    let ptr = Box::into_raw(bytes).cast::<u8>() as usize as u64;
    (ptr << 32) | len
}

/// The ABI version.
#[no_mangle]
pub extern "C" fn abi_version() -> u32 {
    ABI_VERSION
}

/// Reserves `len` bytes and returns their address.
#[no_mangle]
pub extern "C" fn alloc(len: u32) -> u32 {
    let mut buffer = std::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(len as usize));
    buffer.as_mut_ptr() as usize as u32
}

/// Frees `len` bytes at `ptr`, from `alloc` or from `run`'s result.
///
/// # Safety
/// `ptr` and `len` must come from one `alloc(len)` or one `run` result, and
/// be freed once.
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: u32, len: u32) {
    // SAFETY: per the contract above, this is a live allocation of exactly
    // `len` bytes of capacity made by this module's allocator.
    drop(unsafe { Vec::from_raw_parts(ptr as usize as *mut u8, 0, len as usize) });
}

/// Runs the JSON request in `len` bytes at `ptr` (which it frees) and returns
/// the response buffer as `(ptr << 32) | len`.
///
/// # Safety
/// `ptr` must come from `alloc(len)`, with all `len` bytes written.
#[no_mangle]
pub unsafe extern "C" fn run(ptr: u32, len: u32) -> u64 {
    std::panic::set_hook(Box::new(|info| {
        PANIC.with(|slot| *slot.borrow_mut() = info.to_string());
    }));
    // SAFETY: per the contract above, `alloc(len)` made this buffer and the
    // host filled it, so it holds `len` initialised bytes.
    let request =
        unsafe { Vec::from_raw_parts(ptr as usize as *mut u8, len as usize, len as usize) };
    let response = crate::handle(&request);
    drop(request);
    pack(response)
}

/// The message of the last panic (after a trap), as `(ptr << 32) | len`.
#[no_mangle]
pub extern "C" fn panic_message() -> u64 {
    pack(PANIC.with(|slot| slot.borrow().clone().into_bytes()))
}
