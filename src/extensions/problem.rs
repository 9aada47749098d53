//! Findings of `validate` and `sync-compose`, one line each.
//!
//! A finding names the file (relative to the repo root), the field inside it
//! when there is one, and what is wrong: `apps/x/kamiwaza.json: version:
//! `v1.0` is not semantic versioning`. Findings are collected, never thrown,
//! so one run reports every problem of every extension.

use std::fmt;

/// How bad a finding is: errors fail the command, warnings only print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// File relative to the repo root, or the extension folder.
    pub path: String,
    /// Dotted field inside the file (`services.web.ports[0]`), when known.
    pub field: Option<String>,
    pub message: String,
}

impl Problem {
    /// An error about a field of a file.
    pub fn error(
        path: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Error,
            path: path.into(),
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// An error about a whole file.
    pub fn file_error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            path: path.into(),
            field: None,
            message: message.into(),
        }
    }

    /// A warning about a field of a file.
    pub fn warning(
        path: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            path: path.into(),
            field: Some(field.into()),
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Warning {
            formatter.write_str("warning: ")?;
        }
        write!(formatter, "{}: ", self.path)?;
        if let Some(field) = &self.field {
            write!(formatter, "{field}: ")?;
        }
        formatter.write_str(&self.message)
    }
}
