//! The legacy manifest of the source folder, and the `version` and
//! `description` chosen from it, the command line or a prompt.
//!
//! Legacy apps describe themselves in an old `kamiwaza.json` at the top of
//! the folder, or in an App Garden JSON file written by their build script
//! (`app_garden_config/<app>-appgarden-v1.2.0.json`, or a `*appgarden*.json`
//! at the top). The first found is the legacy manifest: `kamiwaza.json`,
//! else the App Garden file with the highest `version`.

use std::path::Path;

use anyhow::{Result, bail};
use serde_json::Value;

use crate::extensions::manifest::{Manifest, json_type_name, parse_manifest};
use crate::extensions::metadata_rules::is_semver;

/// Version of an app whose metadata names none.
pub const DEFAULT_VERSION: &str = "1.0.0";

/// The legacy metadata file of the source folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Legacy {
    /// Path relative to the source folder.
    pub display: String,
    /// Its fields, or why they could not be read.
    pub fields: Result<Manifest, String>,
}

impl Legacy {
    fn field(&self, name: &str) -> Option<&Value> {
        self.fields.as_ref().ok()?.get(name)
    }
}

/// A legacy field that did not make it into `kamiwaza.json` as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNote {
    pub field: String,
    pub message: String,
}

impl FieldNote {
    pub(super) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldNote {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Finds the legacy metadata file of `source`, if any.
pub fn find_legacy(source: &Path) -> Option<Legacy> {
    if source.join("kamiwaza.json").is_file() {
        return Some(read_legacy(source, "kamiwaza.json"));
    }
    let mut candidates: Vec<Legacy> = appgarden_files(source)
        .iter()
        .map(|relative| read_legacy(source, relative))
        .collect();
    candidates.sort_by_key(|legacy| {
        let version = legacy.field("version").and_then(Value::as_str);
        (legacy.fields.is_ok(), version.map(version_key))
    });
    candidates.pop()
}

/// App Garden JSON files: `app_garden_config/*.json`, and `*.json` at the
/// top whose name mentions App Garden. Sorted by path.
fn appgarden_files(source: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for (folder, prefix, any_name) in [
        (source.join("app_garden_config"), "app_garden_config/", true),
        (source.to_path_buf(), "", false),
    ] {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let lowercase = name.to_ascii_lowercase();
            let mentions_garden = ["appgarden", "app-garden", "app_garden"]
                .iter()
                .any(|word| lowercase.contains(word));
            if lowercase.ends_with(".json")
                && (any_name || mentions_garden)
                && entry.path().is_file()
            {
                files.push(format!("{prefix}{name}"));
            }
        }
    }
    files.sort();
    files
}

fn read_legacy(source: &Path, relative: &str) -> Legacy {
    let fields = match std::fs::read_to_string(source.join(relative)) {
        Ok(text) => parse_manifest(&text, relative).map_err(|problem| problem.to_string()),
        Err(error) => Err(format!("{relative}: failed to read: {error}")),
    };
    Legacy {
        display: relative.to_string(),
        fields,
    }
}

/// Numeric parts of a version for ordering; a leading `v` is ignored.
fn version_key(version: &str) -> Vec<u64> {
    version
        .trim_start_matches('v')
        .split(['.', '-', '+'])
        .map_while(|part| part.parse().ok())
        .collect()
}

/// Asks the user for a value on the terminal.
pub trait Ask {
    /// Prompts with `prompt` and `default` pre-filled until `check`
    /// accepts the reply, and returns the reply.
    fn text(
        &mut self,
        prompt: &str,
        default: &str,
        check: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<String>;
}

/// Prompts through dialoguer on the terminal.
#[derive(Default)]
pub struct TerminalAsk {
    theme: dialoguer::theme::ColorfulTheme,
}

impl Ask for TerminalAsk {
    fn text(
        &mut self,
        prompt: &str,
        default: &str,
        check: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<String> {
        let answer = dialoguer::Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(default.to_string())
            .validate_with(|answer: &String| check(answer))
            .interact_text();
        match answer {
            Ok(answer) => Ok(answer),
            Err(error) => bail!("stopped at the prompt `{prompt}`: {error}"),
        }
    }
}

/// `version` and `description` of the new file: given on the command line,
/// else taken from the legacy file, else asked (with `ask`) or defaulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenValues {
    pub version: String,
    pub description: String,
    pub notes: Vec<FieldNote>,
}

/// What the user gave for the values `choose_values` decides.
#[derive(Debug, Clone, Default)]
pub struct GivenValues<'a> {
    pub version: Option<&'a str>,
    pub description: Option<&'a str>,
    /// Description used when nothing else gives one.
    pub default_description: String,
}

/// Chooses `version` and `description`.
pub fn choose_values(
    given: &GivenValues,
    legacy: Option<&Legacy>,
    mut ask: Option<&mut dyn Ask>,
) -> Result<ChosenValues> {
    let mut notes = Vec::new();
    let legacy_version = legacy.and_then(|legacy| legacy.field("version"));
    let version = match (
        given.version,
        legacy_version.and_then(|value| legacy_semver(value, &mut notes)),
    ) {
        (Some(version), _) => version.to_string(),
        (None, Some(version)) => version,
        (None, None) => match ask.as_deref_mut() {
            Some(ask) => ask.text("Version", DEFAULT_VERSION, &|answer| {
                if is_semver(answer) {
                    Ok(())
                } else {
                    Err(format!(
                        "`{answer}` is not a semantic version such as `1.2.3` (no leading `v`)"
                    ))
                }
            })?,
            None => DEFAULT_VERSION.to_string(),
        },
    };

    let legacy_description = legacy
        .and_then(|legacy| legacy.field("description"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|description| !description.is_empty());
    let description = match (given.description, legacy_description) {
        (Some(description), _) | (None, Some(description)) => description.to_string(),
        (None, None) => match ask {
            Some(ask) => ask.text("Description", &given.default_description, &|answer| {
                if answer.trim().is_empty() {
                    Err("the description must not be empty".to_string())
                } else {
                    Ok(())
                }
            })?,
            None => given.default_description.clone(),
        },
    };
    Ok(ChosenValues {
        version,
        description,
        notes,
    })
}

/// Returns the legacy `version` when it is semantic versioning, with a
/// leading `v` removed, or adds a note and returns `None`.
fn legacy_semver(value: &Value, notes: &mut Vec<FieldNote>) -> Option<String> {
    let Some(text) = value.as_str() else {
        notes.push(FieldNote::new(
            "version",
            format!(
                "left out: expected a string, found {}",
                json_type_name(value)
            ),
        ));
        return None;
    };
    let trimmed = text.strip_prefix('v').filter(|rest| is_semver(rest));
    if let Some(rest) = trimmed {
        notes.push(FieldNote::new(
            "version",
            format!("`{text}` written as `{rest}`, without the `v`"),
        ));
        return Some(rest.to_string());
    }
    if is_semver(text) {
        return Some(text.to_string());
    }
    notes.push(FieldNote::new(
        "version",
        format!("left out: `{text}` is not a semantic version such as `1.2.3`"),
    ));
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn legacy(fields: Value) -> Legacy {
        Legacy {
            display: "kamiwaza.json".to_string(),
            fields: Ok(fields.as_object().unwrap().clone()),
        }
    }

    fn given() -> GivenValues<'static> {
        GivenValues {
            version: None,
            description: None,
            default_description: "Demo, imported from demo".to_string(),
        }
    }

    struct Scripted(Vec<&'static str>);

    impl Ask for Scripted {
        fn text(
            &mut self,
            _prompt: &str,
            _default: &str,
            check: &dyn Fn(&str) -> Result<(), String>,
        ) -> Result<String> {
            loop {
                let answer = self.0.remove(0);
                if check(answer).is_ok() {
                    return Ok(answer.to_string());
                }
            }
        }
    }

    #[test]
    fn missing_values_asked() {
        let mut ask = Scripted(vec!["v1", "0.3.0", "  ", "Finds RFPs"]);
        let values = choose_values(&given(), None, Some(&mut ask)).unwrap();
        assert_eq!(values.version, "0.3.0");
        assert_eq!(values.description, "Finds RFPs");
        assert!(ask.0.is_empty());
    }

    #[test]
    fn given_values_win() {
        let old = legacy(json!({"version": "2.0.0", "description": "old"}));
        let given = GivenValues {
            version: Some("3.0.0"),
            description: Some("new"),
            ..given()
        };
        let values = choose_values(&given, Some(&old), None).unwrap();
        assert_eq!(
            (values.version.as_str(), values.description.as_str()),
            ("3.0.0", "new")
        );
    }

    #[test]
    fn newest_appgarden_file_found() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("app_garden_config");
        std::fs::create_dir(&config).unwrap();
        for version in ["1.9.0", "1.10.0", "1.2.0"] {
            std::fs::write(
                config.join(format!("demo-appgarden-v{version}.json")),
                format!("{{\"version\": \"{version}\"}}"),
            )
            .unwrap();
        }
        let found = find_legacy(dir.path()).unwrap();
        assert_eq!(
            found.display,
            "app_garden_config/demo-appgarden-v1.10.0.json"
        );
    }

    #[test]
    fn invalid_legacy_json_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("kamiwaza.json"),
            "{\n  \"name\": \"x\",\n}\n",
        )
        .unwrap();
        let found = find_legacy(dir.path()).unwrap();
        assert_eq!(
            found.fields,
            Err("kamiwaza.json:3:1: invalid JSON: trailing comma".to_string())
        );
    }
}
