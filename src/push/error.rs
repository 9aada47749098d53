//! Errors of `kwz-new push` that a user can act on, with their messages side
//! by side. Each names the request or URL involved and never a secret.

use thiserror::Error;

/// A failed exchange with the Kamiwaza API.
#[derive(Debug, Error)]
pub enum PushError {
    #[error(
        "could not connect to Kamiwaza at `{url}`: connection refused\n\
         hint: is Kamiwaza running? Start it, or point `--api-url` or `KAMIWAZA_API_URL` at it"
    )]
    ConnectionRefused { url: String },

    #[error(
        "could not resolve the host of `{url}`\n\
         hint: check `--api-url` or `KAMIWAZA_API_URL`"
    )]
    HostNotFound { url: String },

    #[error(
        "`{method} {url}` timed out after {seconds} s\n\
         hint: check that Kamiwaza is up and healthy, or set `KWZ_NEW_HTTP_TIMEOUT_SECS` to wait longer"
    )]
    TimedOut {
        method: &'static str,
        url: String,
        seconds: f64,
    },

    #[error(
        "TLS connection to `{url}` failed: {detail}\n\
         hint: a local Kamiwaza uses a self-signed certificate; pass `--insecure` or set `KAMIWAZA_VERIFY_SSL=false`"
    )]
    Tls { url: String, detail: String },

    #[error("`{method} {url}` failed: {detail}")]
    Transport {
        method: &'static str,
        url: String,
        detail: String,
    },

    #[error(
        "Kamiwaza rejected the credentials: `{method} {url}` returned HTTP {status}: {message}\n\
         hint: kwz-new used {credentials}; check them, or set `KAMIWAZA_API_KEY`"
    )]
    Unauthorized {
        method: &'static str,
        url: String,
        status: u16,
        message: String,
        credentials: String,
    },

    #[error(
        "Kamiwaza denied access: `{method} {url}` returned HTTP {status}: {message}\n\
         hint: kwz-new used {credentials}; that user may not manage templates"
    )]
    Forbidden {
        method: &'static str,
        url: String,
        status: u16,
        message: String,
        credentials: String,
    },

    #[error("`{method} {url}` failed with HTTP {status}: {message}")]
    Status {
        method: &'static str,
        url: String,
        status: u16,
        message: String,
    },

    #[error(
        "`{method} {url}` was redirected to {location} (HTTP {status})\n\
         hint: set `--api-url` to the address of the Kamiwaza API itself"
    )]
    Redirected {
        method: &'static str,
        url: String,
        status: u16,
        /// The `Location` header in backticks, or a phrase when it is missing.
        location: String,
    },

    #[error("unexpected response from `{method} {url}`: {detail}")]
    InvalidResponse {
        method: &'static str,
        url: String,
        detail: String,
    },
}
