//! Compose files of an extension: which ones exist, how they parse, and the
//! small facts about ports, volumes and images that `sync-compose` and
//! `validate` both need.
//!
//! Each extension has a `docker-compose.yml` for local development and a
//! generated `docker-compose.appgarden.yml` that App Garden deploys. Either
//! may use the `.yaml` extension instead; the generated file takes the
//! extension of its source. Files are read with serde_yaml, which resolves
//! plain scalars by YAML 1.2 rules as `docker compose` does, so `on` stays
//! a string.

use std::path::PathBuf;

use serde_yaml::{Mapping, Value};

use super::extension::Extension;
use super::manifest::read_text;
use super::problem::Problem;

/// Names of the local compose file, in order of preference.
pub const SOURCE_NAMES: [&str; 2] = ["docker-compose.yml", "docker-compose.yaml"];

/// Names of the App Garden compose file, in order of preference.
pub const APPGARDEN_NAMES: [&str; 2] = [
    "docker-compose.appgarden.yml",
    "docker-compose.appgarden.yaml",
];

/// Host entry that lets a container reach the machine it runs on.
pub const HOST_GATEWAY: &str = "host.docker.internal:host-gateway";

/// A parsed compose file.
#[derive(Debug, Clone)]
pub struct ComposeFile {
    /// File name inside the extension folder.
    pub file_name: &'static str,
    /// Path relative to the repo root, as findings show it.
    pub display: String,
    pub path: PathBuf,
    pub text: String,
    pub document: Mapping,
}

/// The one existing file among `names` in the extension folder. Both
/// spellings existing at once is a finding, because either could be meant.
pub fn find(
    extension: &Extension,
    names: [&'static str; 2],
) -> Result<Option<&'static str>, Problem> {
    let existing: Vec<&'static str> = names
        .into_iter()
        .filter(|name| extension.dir.join(name).is_file())
        .collect();
    match existing.as_slice() {
        [] => Ok(None),
        [name] => Ok(Some(name)),
        _ => Err(Problem::file_error(
            extension.display_path(names[0]),
            format!("both `{}` and `{}` exist; keep one", names[0], names[1]),
        )),
    }
}

/// Reads and parses the compose file `file_name` of `extension`.
pub fn load(extension: &Extension, file_name: &'static str) -> Result<ComposeFile, Problem> {
    let display = extension.display_path(file_name);
    let path = extension.dir.join(file_name);
    let text = read_text(&path, &display)?;
    let document = parse(&text, &display)?;
    Ok(ComposeFile {
        file_name,
        display,
        path,
        text,
        document,
    })
}

/// Parses compose text into its top-level mapping.
pub fn parse(text: &str, display: &str) -> Result<Mapping, Problem> {
    match serde_yaml::from_str::<Value>(text) {
        Ok(Value::Mapping(document)) => Ok(document),
        Ok(Value::Null) => Err(Problem::file_error(display, "the file is empty")),
        Ok(other) => Err(Problem::file_error(
            display,
            format!(
                "expected a mapping at the top level, found {}",
                yaml_type_name(&other)
            ),
        )),
        Err(error) => {
            let located = match error.location() {
                Some(location) => format!("{display}:{}:{}", location.line(), location.column()),
                None => display.to_string(),
            };
            let message = error.to_string();
            let message = match message.find(" at line ") {
                Some(position) => message[..position].to_string(),
                None => message,
            };
            Err(Problem::file_error(
                located,
                format!("invalid YAML: {message}"),
            ))
        }
    }
}

/// Name of the App Garden file generated from the source `source_name`.
pub fn appgarden_name_for(source_name: &str) -> &'static str {
    if source_name.ends_with(".yaml") {
        APPGARDEN_NAMES[1]
    } else {
        APPGARDEN_NAMES[0]
    }
}

/// Image name of a service that the repo builds:
/// `<docker_org>/<extension>-<service>:v<version>`.
pub fn own_image(docker_org: &str, extension: &str, service: &str, version: &str) -> String {
    format!("{docker_org}/{extension}-{service}:v{version}")
}

/// The container part of a short-form port (`"8080:80/tcp"` gives
/// `"80/tcp"`), or `None` when no host port is given. Colons inside `${…}`
/// and `[…]` (an IPv6 host address) do not split.
pub fn container_port(port: &str) -> Option<&str> {
    last_separator(port).map(|position| &port[position + 1..])
}

/// Position of the last `:` outside `${…}` and `[…]`.
fn last_separator(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut last = None;
    let bytes = text.as_bytes();
    for (position, &byte) in bytes.iter().enumerate() {
        match byte {
            b'{' if position > 0 && bytes[position - 1] == b'$' => depth += 1,
            b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b':' if depth == 0 => last = Some(position),
            _ => {}
        }
    }
    last
}

/// Whether a short-form volume (`SOURCE:TARGET[:MODE]`) mounts a host path.
/// A source that is a path (`/x`, `./x`, `../x`, `~/x`, `C:\x`, or any text
/// with a slash) or comes from a variable is a bind mount. A single part
/// (`/data`) is an anonymous volume, and `name:/data` a named volume.
pub fn is_bind_volume(volume: &str) -> bool {
    let Some((source, _)) = volume.split_once(':') else {
        return false;
    };
    if source.len() == 1 && volume[2..].starts_with('\\') {
        return true;
    }
    source.starts_with(['.', '~', '/']) || source.contains(['/', '\\', '$'])
}

/// The services mapping of a compose document, if it has one.
pub fn services(document: &Mapping) -> Option<&Mapping> {
    document.get("services").and_then(Value::as_mapping)
}

/// A mapping key as text, for field paths in findings.
pub fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// The name of a YAML value's type, as findings use it.
pub fn yaml_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a sequence",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_port_cases() {
        let cases = [
            ("8000", None),
            ("8000:8000", Some("8000")),
            ("127.0.0.1:8080:80", Some("80")),
            ("3000:3000/tcp", Some("3000/tcp")),
            ("61100-61200:61100-61200", Some("61100-61200")),
            ("${HOST_PORT:-8080}:${PORT:-80}", Some("${PORT:-80}")),
            ("[::1]:8080:80", Some("80")),
            ("127.0.0.1::80", Some("80")),
        ];
        for (port, expected) in cases {
            assert_eq!(container_port(port), expected, "port {port}");
        }
    }

    #[test]
    fn bind_volume_cases() {
        let cases = [
            ("./data:/data", true),
            ("../shared:/shared:ro", true),
            ("/var/run/docker.sock:/var/run/docker.sock", true),
            ("~/cache:/cache", true),
            ("${DATA_DIR}:/data", true),
            ("C:\\data:/data", true),
            ("models/x:/models", true),
            ("data:/data", false),
            ("data:/data:ro", false),
            ("/data", false),
        ];
        for (volume, expected) in cases {
            assert_eq!(is_bind_volume(volume), expected, "volume {volume}");
        }
    }
}
