//! Whether stdout was closed when the process started.
//!
//! Rust's runtime reopens a closed stdout on `/dev/null` before `main`, which
//! then looks exactly like `subprocess.DEVNULL` (also `/dev/null`, read-write).
//! So the descriptor is probed earlier, from the ELF `.init_array`, which the
//! loader runs before the C `main` that starts Rust's runtime.

#[cfg(target_os = "linux")]
mod probe {
    use std::sync::atomic::{AtomicBool, Ordering};

    pub(super) static CLOSED: AtomicBool = AtomicBool::new(false);

    const F_GETFD: i32 = 1;

    extern "C" {
        fn fcntl(fd: i32, cmd: i32, ...) -> i32;
    }

    extern "C" fn probe_stdout() {
        // SAFETY: F_GETFD only reads descriptor flags; on a closed descriptor
        // it returns -1 (EBADF) and touches no memory.
        #[allow(unsafe_code)]
        let flags = unsafe { fcntl(1, F_GETFD) };
        if flags == -1 {
            CLOSED.store(true, Ordering::Relaxed);
        }
    }

    // The loader calls every pointer in `.init_array` before `main`.
    #[allow(unsafe_code)]
    #[used]
    #[link_section = ".init_array"]
    static PROBE: extern "C" fn() = probe_stdout;
}

/// True when the process started with descriptor 1 closed.
#[cfg(target_os = "linux")]
pub fn was_closed() -> bool {
    probe::CLOSED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Other systems: not detected (output to a closed stdout is lost silently).
#[cfg(not(target_os = "linux"))]
pub fn was_closed() -> bool {
    false
}
