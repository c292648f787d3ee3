//! Threads: those started for C code by `zmq_threadstart`, and the
//! scheduling the context options ask of the I/O threads.
//!
//! Owns: spawning a thread that runs a C callback with all signals blocked
//! (libzmq does the same for predictable latency, so signals go to the
//! application's other threads) and joining it; naming a thread and
//! applying a scheduling policy, priority and CPU set to it. Must not:
//! know the callback's meaning or what the thread serves.

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

/// What `ZMQ_THREAD_NAME_PREFIX`, `ZMQ_THREAD_SCHED_POLICY`,
/// `ZMQ_THREAD_PRIORITY` and `ZMQ_THREAD_AFFINITY_CPU_ADD/REMOVE` ask of a
/// context's threads (-1: the system's default, as libzmq's `_DFLT`).
#[derive(Clone, Debug, Default)]
pub struct Scheduling {
    /// ZMQ_THREAD_NAME_PREFIX as set (raw bytes; a NUL ends it), if any.
    pub name_prefix: Option<Vec<u8>>,
    pub policy: i32,
    pub priority: i32,
    pub cpus: Vec<i32>,
}

impl Scheduling {
    /// libzmq's name for a background thread: `[prefix/]ZMQbg/<name>`,
    /// cut to the 15 bytes Linux keeps.
    pub fn thread_name(&self, name: &str) -> String {
        let mut n = match self.name_prefix.as_deref() {
            Some(p) if !p.is_empty() => {
                let p = &p[..p.iter().position(|&b| b == 0).unwrap_or(p.len())];
                format!("{}/ZMQbg/{name}", String::from_utf8_lossy(p))
            }
            _ => format!("ZMQbg/{name}"),
        };
        // 15 bytes, on a character boundary (a prefix need not be ASCII).
        let mut cut = n.len().min(15);
        while !n.is_char_boundary(cut) {
            cut -= 1;
        }
        n.truncate(cut);
        n
    }

    /// Applies the policy, priority and CPU set to the calling thread, as
    /// libzmq's `applySchedulingParameters` does, except that a failure
    /// (typically EPERM without CAP_SYS_NICE) leaves the thread as it was
    /// instead of aborting the process.
    pub fn apply_to_current_thread(&self) {
        if self.policy != -1 || self.priority != -1 {
            let mut policy: libc::c_int = 0;
            // SAFETY: sched_param is a plain C struct; an all-zero value is
            // valid and pthread_getschedparam overwrites it.
            let mut param: libc::sched_param = unsafe { std::mem::zeroed() };
            // SAFETY: both out-pointers are to locals of the right types,
            // for the calling thread.
            if unsafe { libc::pthread_getschedparam(libc::pthread_self(), &mut policy, &mut param) } == 0 {
                if self.policy != -1 {
                    policy = self.policy;
                }
                // Linux gives SCHED_FIFO and SCHED_RR priorities 1-99; the
                // other policies only 0, and a nice value instead.
                let realtime = policy == libc::SCHED_FIFO || policy == libc::SCHED_RR;
                if self.priority != -1 {
                    param.sched_priority = if realtime { self.priority } else { 0 };
                }
                // SAFETY: `param` is an initialised local; this only changes
                // the calling thread's scheduling.
                let ok = unsafe { libc::pthread_setschedparam(libc::pthread_self(), policy, &param) } == 0;
                if ok && !realtime && self.priority != -1 {
                    // As libzmq: the highest priority the nice value gives.
                    // SAFETY: nice(2) only changes this thread's nice value.
                    let _ = unsafe { libc::nice(-20) };
                }
            }
        }
        if !self.cpus.is_empty() {
            // SAFETY: cpu_set_t is a plain bit set; all-zero is the empty set.
            let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
            for &c in &self.cpus {
                if (0..libc::CPU_SETSIZE).contains(&c) {
                    // SAFETY: `c` is below CPU_SETSIZE, inside the set.
                    unsafe { libc::CPU_SET(c as usize, &mut set) };
                }
            }
            // SAFETY: `set` is an initialised local of the size passed.
            let _ = unsafe {
                libc::pthread_setaffinity_np(libc::pthread_self(), std::mem::size_of::<libc::cpu_set_t>(), &set)
            };
        }
    }
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
