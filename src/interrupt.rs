//! Interruptions (Ctrl-C, `kill`, a closed terminal) while a command
//! changes files.
//!
//! SIGINT, SIGTERM and SIGHUP end a process at once by default, which would
//! leave a destination half-written. While a `Guard` is alive, they only
//! record that they arrived. The loops that write call `check` between
//! steps, and once it fails they undo what they changed and end with an
//! error.
//! Child processes (tasks) get the default handlers back when they start,
//! so Ctrl-C still stops a running task, whose failure then undoes the run.
//!
//! SIGKILL cannot be caught; `docs/safety.md` says what it can leave.

use std::sync::atomic::{AtomicI32, Ordering};

use libc::c_int;

/// The signals that a `Guard` turns into an error.
const SIGNALS: [c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// The last signal received while a guard was alive, or 0.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

extern "C" fn record(signal: c_int) {
    RECEIVED.store(signal, Ordering::SeqCst);
}

/// A run stopped by a signal.
#[derive(Debug, thiserror::Error)]
#[error("interrupted by {name}; the changes made so far are undone")]
pub struct Interrupted {
    pub name: &'static str,
}

/// Catches SIGINT, SIGTERM and SIGHUP until dropped, then restores the
/// handlers that were there before. Guards may nest.
pub struct Guard {
    previous: Vec<(c_int, libc::sigaction)>,
}

impl Guard {
    pub fn install() -> Guard {
        let mut previous = Vec::new();
        for signal in SIGNALS {
            // SAFETY: `action` is fully initialised (zeroed, then the
            // handler and an empty mask are set). `record` only stores to
            // an atomic, which is async-signal-safe. SA_RESTART keeps
            // blocking reads and waits from failing with EINTR.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = record as extern "C" fn(c_int) as libc::sighandler_t;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, &action, &mut old) == 0 {
                    previous.push((signal, old));
                }
            }
        }
        Guard { previous }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        for (signal, old) in self.previous.drain(..).rev() {
            // SAFETY: `old` is the action that `sigaction` returned for
            // this signal when the guard was installed.
            unsafe {
                libc::sigaction(signal, &old, std::ptr::null_mut());
            }
        }
    }
}

/// Fails with `Interrupted` once one of the signals has arrived.
pub fn check() -> Result<(), Interrupted> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => Ok(()),
        signal => Err(Interrupted {
            name: signal_name(signal),
        }),
    }
}

fn signal_name(signal: c_int) -> &'static str {
    match signal {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}
