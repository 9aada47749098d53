//! Exit codes, decided in one place.
//!
//! Copier's codes: 0 done, 1 a user or template error, 2 a usage error,
//! 4 an unsafe template used without `--trust`. Errors that need a code other
//! than 1 carry an `ExitCode` somewhere in their `anyhow` chain.

use std::fmt;

/// An error that ends the program with a specific exit code.
#[derive(Debug)]
pub struct ExitCode {
    pub code: i32,
    pub message: String,
}

impl ExitCode {
    pub const USER_ERROR: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const UNSAFE: i32 = 4;

    pub fn new(code: i32, message: impl Into<String>) -> Self {
        ExitCode {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for ExitCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for ExitCode {}

/// The exit code for an error: the first `ExitCode` in its chain, else 1.
pub fn code_for(error: &anyhow::Error) -> i32 {
    error
        .chain()
        .find_map(|cause| cause.downcast_ref::<ExitCode>())
        .map_or(ExitCode::USER_ERROR, |exit| exit.code)
}
