//! Copier's user settings file: default answers and trusted templates.
//!
//! kwz-new reads the same file Copier 9.19.1 reads, so a user's trust list
//! and defaults apply to both: `$COPIER_SETTINGS_PATH`, else
//! `$XDG_CONFIG_HOME/copier/settings.yml` (`~/.config` when unset). Keys:
//! `defaults` (question name to default, replacing the template's) and
//! `trust` (template URLs or paths; an entry ending in `/` is a prefix).

use std::path::PathBuf;

use anyhow::{Result, bail};
use indexmap::IndexMap;

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
        other => bail!("expected a mapping, found a {}", other.type_name()),
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
pub fn is_trusted(trust: &[String], repository: &str) -> bool {
    let repository_is_safe = is_safe_url(repository);
    let normalized = normalize(repository);
    trust.iter().any(|entry| {
        if repository_is_safe && is_safe_url(entry) {
            if entry.ends_with('/') {
                normalized.starts_with(&normalize(entry))
            } else {
                normalized == normalize(entry)
            }
        } else {
            repository == entry
        }
    })
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
    fn posix_normpath() {
        assert_eq!(normalize_path("/a/./b/../c/"), "/a/c/");
        assert_eq!(normalize_path("a//b"), "a/b");
        assert_eq!(normalize_path("../x"), "../x");
    }
}
