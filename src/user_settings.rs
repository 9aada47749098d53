//! Copier's user settings file: default answers and trusted templates.
//!
//! kwz-new reads the same file Copier 9.19.1 reads, so a user's trust list
//! and defaults apply to both: `$COPIER_SETTINGS_PATH`, else
//! `$XDG_CONFIG_HOME/copier/settings.yml` (`~/.config` when unset). Keys:
//! `defaults` (question name to default, replacing the template's) and
//! `trust` (template URLs or paths; an entry ending in `/` is a prefix).

use std::os::unix::ffi::OsStringExt as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use indexmap::IndexMap;

use crate::context::resolve_existing;
use crate::value::Value;

/// The contents of the settings file.
#[derive(Clone, Debug, Default)]
pub struct UserSettings {
    pub defaults: IndexMap<String, Value>,
    pub trust: Vec<String>,
}

/// The settings file location, or `None` without a home folder.
pub fn settings_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("COPIER_SETTINGS_PATH").filter(|path| !path.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(config_home.join("copier").join("settings.yml"))
}

/// Loads the settings file; a missing file means no settings.
pub fn load() -> Result<UserSettings> {
    let Some(path) = settings_path() else {
        return Ok(UserSettings::default());
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if std::env::var_os("COPIER_SETTINGS_PATH").is_some() {
                tracing::warn!("settings file `{}` not found", path.display());
            }
            return Ok(UserSettings::default());
        }
        Err(error) => bail!("failed to read settings file `{}`: {error}", path.display()),
    };
    parse(&text)
        .map_err(|error| anyhow::anyhow!("invalid settings file `{}`: {error}", path.display()))
}

fn parse(text: &str) -> Result<UserSettings> {
    let mut settings = UserSettings::default();
    let value = crate::yaml::load(text).map_err(|error| anyhow::anyhow!("{error}"))?;
    let map = match value {
        Value::Null => return Ok(settings),
        Value::Map(map) => map,
        other => bail!(
            "expected a mapping, found a value of type `{}`",
            other.type_name()
        ),
    };
    for (key, value) in map {
        match (key.as_str(), value) {
            (Some("defaults"), Value::Map(defaults)) => {
                for (name, default) in defaults {
                    let Value::Str(name) = name else {
                        bail!("`defaults` keys must be question names")
                    };
                    settings.defaults.insert(name, default);
                }
            }
            (Some("defaults"), Value::Null) | (Some("trust"), Value::Null) => {}
            (Some("trust"), Value::List(items)) => {
                for item in items {
                    let Value::Str(entry) = item else {
                        bail!("`trust` must be a list of strings")
                    };
                    settings.trust.push(entry);
                }
            }
            (Some(name @ ("defaults" | "trust")), other) => {
                bail!("`{name}` has the wrong type: {}", other.type_name())
            }
            _ => {}
        }
    }
    Ok(settings)
}

/// Whether `repository` (the template argument as given) is trusted by
/// `trust`, with Copier's normalisation: URL and SCP-style paths are
/// compared after resolving `.`/`..`, and prefix entries (ending in `/`)
/// only match when every path segment uses unreserved characters, so that
/// encoded tricks such as `%2e%2e` cannot climb out of a trusted prefix.
///
/// A local path (or `file://` URL) must also match once symlinks are
/// resolved on both sides. Copier 9.19.1 compares only the text, so
/// `trusted/link/../evil` passes its check while the folder it opens is
/// the parent of the link's target, wherever that is.
pub fn is_trusted(trust: &[String], repository: &str) -> bool {
    let repository_is_safe = is_safe_url(repository);
    let normalized = normalize(repository);
    let resolved = local_path(repository).map(|path| resolve_existing(&path));
    trust.iter().any(|entry| {
        let matches_text = if repository_is_safe && is_safe_url(entry) {
            if entry.ends_with('/') {
                normalized.starts_with(&normalize(entry))
            } else {
                normalized == normalize(entry)
            }
        } else {
            repository == entry
        };
        matches_text && matches_on_disk(entry, resolved.as_deref())
    })
}

/// Checks that the resolved local template path lies under (for a prefix
/// entry) or at the resolved `entry`. Remote templates have nothing on
/// disk to resolve and always pass.
fn matches_on_disk(entry: &str, resolved: Option<&Path>) -> bool {
    let Some(resolved) = resolved else {
        return true;
    };
    let Some(entry_path) = local_path(entry) else {
        return false;
    };
    let entry_resolved = resolve_existing(&entry_path);
    if entry.ends_with('/') {
        resolved.starts_with(&entry_resolved)
    } else {
        resolved == entry_resolved
    }
}

/// Returns the folder that a local template argument names: a plain path
/// (with `~` expanded) or the path of a `file://` URL. `None` for remote
/// sources.
fn local_path(source: &str) -> Option<PathBuf> {
    if let Some(rest) = source.strip_prefix("file://") {
        return file_url_path(rest);
    }
    if is_url_style(source) || is_scp_style(source) {
        return None;
    }
    Some(PathBuf::from(crate::source::expand_home(source)))
}

fn is_url_style(url: &str) -> bool {
    url.contains("://") || url.starts_with("gh:") || url.starts_with("gl:")
}

fn is_scp_style(url: &str) -> bool {
    if url.starts_with('/') {
        return false;
    }
    let Some((host, path)) = url.split_once(':') else {
        return false;
    };
    !path.is_empty()
        && !host.is_empty()
        && !host.contains('/')
        && !host.chars().any(char::is_whitespace)
        && host.matches('@').count() <= 1
}

/// The path part of a URL: after the scheme and host, before `?` or `#`.
fn url_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or_else(
        || url.split_once(':').map_or(url, |(_, rest)| rest),
        |(_, rest)| rest,
    );
    let path = if url.contains("://") {
        after_scheme
            .find('/')
            .map_or("", |index| &after_scheme[index..])
    } else {
        after_scheme
    };
    path.split(['?', '#']).next().unwrap_or(path)
}

fn is_safe_url(url: &str) -> bool {
    let path = if is_url_style(url) {
        url_path(url)
    } else if is_scp_style(url) {
        url.split_once(':').map_or("", |(_, path)| path)
    } else {
        return true;
    };
    path.trim_start_matches('/')
        .trim_end_matches('/')
        .split('/')
        .filter(|segment| !segment.is_empty() || path.trim_matches('/').is_empty())
        .all(|segment| {
            segment.is_empty()
                || segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._~-".contains(c))
        })
}

fn normalize(url: &str) -> String {
    if is_url_style(url) || is_scp_style(url) {
        let split_at = if url.contains("://") {
            let scheme_end = url.find("://").unwrap() + 3;
            url[scheme_end..]
                .find('/')
                .map_or(url.len(), |index| scheme_end + index)
        } else {
            url.find(':').map_or(url.len(), |index| index + 1)
        };
        let (head, path) = url.split_at(split_at);
        return format!("{head}{}", normalize_path(path));
    }
    normalize_path(&crate::source::expand_home(url))
}

/// Decodes the path of a `file://` URL (given without the scheme) and keeps
/// its `..` components. git hands the path to the file system as written,
/// so the kernel, not URL rules, decides where `..` leads.
fn file_url_path(rest: &str) -> Option<PathBuf> {
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let raw = path.as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut index = 0;
    while index < raw.len() {
        let decoded = (raw[index] == b'%')
            .then(|| raw.get(index + 1..index + 3))
            .flatten()
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(byte) => {
                bytes.push(byte);
                index += 3;
            }
            None => {
                bytes.push(raw[index]);
                index += 1;
            }
        }
    }
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

/// `posixpath.normpath`, keeping a trailing slash.
fn normalize_path(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let mut normalized = parts.join("/");
    if absolute {
        normalized.insert(0, '/');
    }
    if normalized.is_empty() {
        normalized.push('.');
    }
    if path.ends_with('/') && !normalized.ends_with('/') {
        normalized.push('/');
    }
    normalized
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(entries: &[&str], repository: &str) -> bool {
        let entries: Vec<String> = entries.iter().map(|entry| entry.to_string()).collect();
        is_trusted(&entries, repository)
    }

    #[test]
    fn prefix_entries_match_below_them() {
        assert!(trusted(&["gh:acme/"], "gh:acme/template"));
        assert!(trusted(
            &["https://github.com/acme/"],
            "https://github.com/acme/x.git"
        ));
        assert!(!trusted(&["gh:acme/"], "gh:acme-evil/template"));
    }

    #[test]
    fn dot_segments_cannot_escape_a_prefix() {
        assert!(!trusted(&["gh:acme/"], "gh:acme/../evil/template"));
        assert!(!trusted(
            &["https://github.com/acme/"],
            "https://github.com/acme/%2e%2e/evil"
        ));
    }

    #[test]
    fn exact_entries_need_equality() {
        assert!(trusted(&["/srv/templates/a"], "/srv/templates/./a"));
        assert!(!trusted(&["/srv/templates/a"], "/srv/templates/ab"));
    }

    #[test]
    fn local_prefix_checked_after_resolving_symlinks() {
        let scratch = tempfile::tempdir().unwrap();
        let base = scratch.path().canonicalize().unwrap();
        std::fs::create_dir_all(base.join("trusted/real")).unwrap();
        std::fs::create_dir_all(base.join("other/decoy")).unwrap();
        std::fs::create_dir_all(base.join("other/evil")).unwrap();
        std::os::unix::fs::symlink(base.join("other/decoy"), base.join("trusted/link")).unwrap();
        let prefix = format!("{}/trusted/", base.display());
        let real = format!("{}/trusted/real", base.display());
        let escaping = format!("{}/trusted/link/../evil", base.display());
        assert!(trusted(&[&prefix], &real));
        assert!(!trusted(&[&prefix], &escaping));
        let url_prefix = format!("file://{prefix}");
        assert!(trusted(&[&url_prefix], &format!("file://{real}")));
        assert!(!trusted(&[&url_prefix], &format!("file://{escaping}")));
    }

    #[test]
    fn posix_normpath() {
        assert_eq!(normalize_path("/a/./b/../c/"), "/a/c/");
        assert_eq!(normalize_path("a//b"), "a/b");
        assert_eq!(normalize_path("../x"), "../x");
    }
}
