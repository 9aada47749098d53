//! `kamiwaza.json`, the metadata file of every extension.
//!
//! The file is kept as a JSON object in its own key order (`serde_json` with
//! `preserve_order`), because the registry publishes it as written plus a
//! few generated fields. The rules that a valid file follows are in
//! `metadata_rules`; this module only reads the file.

use std::path::Path;

use serde_json::{Map, Value};

use super::extension::Extension;
use super::problem::Problem;

/// File name of the metadata file.
pub const MANIFEST_FILE: &str = "kamiwaza.json";

/// The fields of a `kamiwaza.json`, in file order.
pub type Manifest = Map<String, Value>;

/// Reads and parses the `kamiwaza.json` of `extension`. The error is one
/// finding that names the file, and the line and column for invalid JSON.
pub fn read_manifest(extension: &Extension) -> Result<Manifest, Problem> {
    let display = extension.display_path(MANIFEST_FILE);
    let path = extension.dir.join(MANIFEST_FILE);
    let text = read_text(&path, &display)?;
    parse_manifest(&text, &display)
}

/// Parses the text of a `kamiwaza.json`; `display` names it in findings.
pub fn parse_manifest(text: &str, display: &str) -> Result<Manifest, Problem> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(other) => Err(Problem::file_error(
            display,
            format!(
                "expected a JSON object at the top level, found {}",
                json_type_name(&other)
            ),
        )),
        Err(error) => Err(Problem::file_error(
            format!("{display}:{}:{}", error.line(), error.column()),
            format!("invalid JSON: {}", strip_location(&error.to_string())),
        )),
    }
}

/// Reads a file as UTF-8 text; a missing file is the finding `file not found`.
pub fn read_text(path: &Path, display: &str) -> Result<String, Problem> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map_err(|_| Problem::file_error(display, "invalid UTF-8; save the file as UTF-8")),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Err(Problem::file_error(display, "file not found"))
        }
        Err(error) => Err(Problem::file_error(
            display,
            format!("failed to read: {error}"),
        )),
    }
}

/// The `version` field when it is a string.
pub fn version(manifest: &Manifest) -> Option<&str> {
    manifest.get("version").and_then(Value::as_str)
}

/// The name of a JSON value's type, as messages use it.
pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Drops serde_json's ` at line L column C` suffix, which the finding's path
/// already carries.
fn strip_location(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(position) => &message[..position],
        None => message,
    }
}
