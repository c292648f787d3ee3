//! Threads started for C code by `zmq_threadstart`.
//!
//! Owns: spawning a thread that runs a C callback with all signals blocked
//! (libzmq does the same for predictable latency, so signals go to the
//! application's other threads) and joining it. Must not: know the
//! callback's meaning.

use std::thread::{Builder, JoinHandle};

/// Stack size of the new thread: glibc's usual pthread default, since C
/// callers may expect more than Rust's 2 MiB default.
const STACK_SIZE: usize = 8 * 1024 * 1024;

/// Spawns a thread that blocks every signal and then runs `f`.
pub fn spawn(f: impl FnOnce() + Send + 'static) -> std::io::Result<JoinHandle<()>> {
    Builder::new()
        .name("zmq-user".into())
        .stack_size(STACK_SIZE)
        .spawn(move || {
            block_all_signals();
            f();
        })
}

fn block_all_signals() {
    // SAFETY: `set` is a local, initialised by sigfillset before use;
    // pthread_sigmask only changes this thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        if libc::sigfillset(&mut set) == 0 {
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_with_signals_blocked() {
        let h = spawn(|| {
            // SAFETY: reading this thread's own mask into a local.
            let blocked = unsafe {
                let mut cur: libc::sigset_t = std::mem::zeroed();
                libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut cur);
                libc::sigismember(&cur, libc::SIGINT) == 1
            };
            assert!(blocked);
        })
        .unwrap();
        h.join().unwrap();
    }
}
