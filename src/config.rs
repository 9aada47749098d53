//! `copier.yml`: discovery, `!include`, the merge of several documents, and
//! the split into typed settings and raw questions.
//!
//! Copier 9.19.1 reads the file with PyYAML's YAML 1.1 rules (`crate::yaml`),
//! flattens every document (an `!include` document becomes the documents of
//! the included files), concatenates the four list settings across documents
//! and lets the last document win for every other key. Keys starting with `_`
//! are settings; every other key is a question, kept in first-appearance
//! order. Unknown settings are ignored, as Copier ignores them; a setting of
//! the wrong type is an error that names it.

use std::fmt::Write as _;
use std::str::FromStr as _;

use anyhow::{Context as _, Result, bail};
use indexmap::IndexMap;
use pep440_rs::Version;

use crate::source::{EntryKind, TemplateTree};
use crate::value::{Map, Value};
use crate::yaml::{self, Mark, YamlError};

/// The Copier version whose behaviour kwz-new reproduces, compared with
/// `_min_copier_version`.
pub const COPIER_VERSION: &str = "9.19.1";

/// Patterns excluded when the template sets neither `_exclude` nor
/// `_subdirectory`.
pub const DEFAULT_EXCLUDE: &[&str] = &[
    "copier.yaml",
    "copier.yml",
    "~*",
    "*.py[co]",
    "__pycache__",
    ".git",
    ".DS_Store",
    ".svn",
];

/// The four settings whose lists are concatenated across documents.
const LIST_SETTINGS: &[&str] = &[
    "_exclude",
    "_jinja_extensions",
    "_secret_questions",
    "_skip_if_exists",
];

/// Jinja extensions that kwz-new provides natively. Any other entry of
/// `_jinja_extensions` names Python code that kwz-new cannot run.
pub const SUPPORTED_EXTENSIONS: &[&str] = &[
    "jinja2.ext.do",
    "jinja2.ext.loopcontrols",
    "jinja2_ansible_filters.AnsibleCoreFiltersExtension",
];

/// Nesting limit for `!include` chains, which stops a file that includes
/// itself.
pub const MAX_INCLUDE_DEPTH: usize = 16;

/// One task or migration command: a shell string or an argument list.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Shell(String),
    Args(Vec<Value>),
}

/// An entry of `_tasks`.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub command: Command,
    /// `when`: a template string or a literal value, cast to bool.
    pub condition: Value,
    pub working_directory: String,
}

/// Settings from `copier.yml`, with Copier's defaults applied.
#[derive(Clone, Debug)]
pub struct Settings {
    pub answers_file: Option<String>,
    pub envops: Value,
    /// `None` when the template does not set `_exclude`.
    pub exclude: Option<Vec<String>>,
    pub external_data: IndexMap<String, Value>,
    pub jinja_extensions: Vec<String>,
    pub message_after_copy: String,
    pub message_after_update: String,
    pub message_before_copy: String,
    pub message_before_update: String,
    /// `_migrations`, kept raw: only `update` reads them, so a copy
    /// accepts any value here, as Copier does.
    pub migrations: Value,
    pub min_copier_version: Option<String>,
    pub preserve_symlinks: bool,
    pub secret_questions: Vec<String>,
    pub skip_if_exists: Vec<String>,
    pub subdirectory: String,
    pub tasks: Vec<Task>,
    pub templates_suffix: String,
}

impl Default for Settings {
    /// The settings of a template without `copier.yml`.
    fn default() -> Self {
        Settings {
            answers_file: None,
            envops: Value::Map(Map::new()),
            exclude: None,
            external_data: IndexMap::new(),
            jinja_extensions: Vec::new(),
            message_after_copy: String::new(),
            message_after_update: String::new(),
            message_before_copy: String::new(),
            message_before_update: String::new(),
            migrations: Value::Null,
            min_copier_version: None,
            preserve_symlinks: false,
            secret_questions: Vec::new(),
            skip_if_exists: Vec::new(),
            subdirectory: String::new(),
            tasks: Vec::new(),
            templates_suffix: ".jinja".to_string(),
        }
    }
}

impl Settings {
    /// Returns the `_migrations` entries, or an error naming the setting
    /// when it is not a list.
    pub fn migrations(&self) -> Result<Vec<Value>> {
        list(self.migrations.clone()).context("invalid setting `_migrations`")
    }

    /// The exclusion patterns before `-x`: the template's list, or the
    /// default list when there is no `_subdirectory`.
    pub fn base_exclude(&self) -> Vec<String> {
        match &self.exclude {
            Some(patterns) => patterns.clone(),
            None if matches!(self.subdirectory.as_str(), "" | "." | "./") => DEFAULT_EXCLUDE
                .iter()
                .map(|pattern| pattern.to_string())
                .collect(),
            None => Vec::new(),
        }
    }

    /// The answers file path before rendering: the template's or the default.
    pub fn answers_file_template(&self) -> &str {
        self.answers_file
            .as_deref()
            .unwrap_or(".copier-answers.yml")
    }
}

/// A parsed `copier.yml`.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Path of the config file relative to the template root, if any.
    pub file: Option<String>,
    pub settings: Settings,
    /// Questions in file order; each value is the attribute mapping.
    pub questions: IndexMap<String, Map>,
}

/// Finds, reads and parses the config file at the template root.
pub fn load(tree: &TemplateTree) -> Result<Config> {
    let Some(file) = find_config_file(tree)? else {
        return Ok(Config::default());
    };
    let raw = load_merged(tree, &file).with_context(|| format!("invalid config file `{file}`"))?;
    let config = split(raw).with_context(|| format!("invalid config file `{file}`"))?;
    check_min_version(&config.settings)?;
    Ok(Config {
        file: Some(file),
        ..config
    })
}

/// Returns the one root entry named `copier.<ext>` whose extension matches
/// `.yml`/`.yaml` in any case.
fn find_config_file(tree: &TemplateTree) -> Result<Option<String>> {
    let mut found = Vec::new();
    for entry in &tree.entries {
        if entry.path.contains('/') || !entry.path.starts_with("copier.") {
            continue;
        }
        // Copier keeps `copier.*` names whose last extension starts with
        // `.yml` or `.yaml`, in any case.
        let suffix = &entry.path[entry.path.rfind('.').unwrap_or(0)..];
        let lowered = suffix.to_ascii_lowercase();
        if !(lowered.starts_with(".yml") || lowered.starts_with(".yaml")) {
            continue;
        }
        let target = match &entry.kind {
            EntryKind::Symlink { .. } => tree.resolve(&entry.path)?,
            _ => Some(entry.path.clone()),
        };
        let is_file = target.is_some_and(|path| {
            matches!(
                tree.get(&path).map(|found| &found.kind),
                Some(EntryKind::File { .. })
            )
        });
        if is_file {
            found.push(entry.path.clone());
        }
    }
    if found.len() > 1 {
        found.sort();
        bail!(
            "the template has more than one config file: {}; keep only one",
            found.join(", ")
        );
    }
    Ok(found.pop())
}

/// Loads every document of the config file, expands `!include`, and merges
/// the documents as Copier does.
fn load_merged(tree: &TemplateTree, file: &str) -> Result<IndexMap<String, Value>> {
    let documents = load_documents(tree, file, 0)?;
    let mut merged: IndexMap<String, Value> = IndexMap::new();
    let mut lists: IndexMap<&str, Vec<Value>> = IndexMap::new();
    for document in &documents {
        let Value::Map(map) = document else {
            bail!(
                "a document is a {}, not a mapping of settings and questions",
                document.type_name()
            );
        };
        for (key, value) in map {
            let Value::Str(key) = key else {
                bail!("key `{}` is not a string", crate::jinja::python_repr(key));
            };
            if let Some(setting) = LIST_SETTINGS.iter().find(|name| **name == key) {
                let items =
                    python_iteration(value).with_context(|| format!("`{key}` must be a list"))?;
                lists.entry(setting).or_default().extend(items);
            }
            merged.insert(key.clone(), value.clone());
        }
    }
    for (key, items) in lists {
        merged.insert(key.to_string(), Value::List(items));
    }
    Ok(merged)
}

/// The items Python's `list.extend` takes from `value`: a list's items, a
/// string's characters, a mapping's keys. Copier merges the list settings
/// with `extend`, so `_exclude: "*.pyc"` means the patterns `*`, `.`, `p`,
/// `y` and `c`.
fn python_iteration(value: &Value) -> Result<Vec<Value>> {
    match value {
        Value::List(items) => Ok(items.clone()),
        Value::Str(text) => Ok(text
            .chars()
            .map(|character| Value::Str(character.to_string()))
            .collect()),
        Value::Map(map) => Ok(map.keys().cloned().collect()),
        other => bail!("a {} cannot be iterated", other.type_name()),
    }
}

/// Loads one YAML file as a flat list of non-empty documents.
fn load_documents(tree: &TemplateTree, file: &str, depth: usize) -> Result<Vec<Value>> {
    if depth > MAX_INCLUDE_DEPTH {
        bail!(
            "`!include` nests more than {MAX_INCLUDE_DEPTH} levels deep at `{file}`; does a file include itself?"
        );
    }
    let bytes = tree
        .read_file(file)?
        .with_context(|| format!("`{file}` not found in the template"))?;
    let text =
        std::str::from_utf8(&bytes).with_context(|| format!("`{file}` is not valid UTF-8"))?;
    let mut include_error: Option<anyhow::Error> = None;
    let mut handler = |pattern: &str, mark: Mark| -> Result<Vec<Value>, YamlError> {
        match include(tree, pattern, depth) {
            Ok(documents) => Ok(documents),
            Err(error) => {
                let message = format!("{error:#}");
                include_error = Some(error);
                Err(YamlError {
                    message,
                    mark: Some(mark),
                })
            }
        }
    };
    let loaded = yaml::load_all(text, Some(&mut handler));
    if let Some(error) = include_error {
        return Err(error);
    }
    let documents = loaded.map_err(|error| anyhow::anyhow!("{}", located(file, &error)))?;
    Ok(flatten_documents(documents))
}

/// Formats a YAML error as `file:line:column: message`.
fn located(file: &str, error: &YamlError) -> String {
    let mut text = file.to_string();
    if let Some(mark) = error.mark {
        let _ = write!(text, ":{}:{}", mark.line, mark.column);
    }
    let _ = write!(text, ": {}", error.message);
    text
}

/// Drops empty documents and flattens lists at any depth, which is how an
/// `!include` document turns into the included documents (Copier uses
/// funcy's `lflatten`).
fn flatten_documents(documents: Vec<Value>) -> Vec<Value> {
    let mut flat = Vec::new();
    for document in documents {
        match document {
            Value::List(items) => flat.extend(flatten_documents(items)),
            other if other.is_truthy() => flat.push(other),
            _ => {}
        }
    }
    flat
}

/// Resolves `!include PATTERN`: every file of the template matching the
/// glob, loaded as documents. The glob is relative to the template root
/// (the config file's folder) in included files too, as in Copier.
fn include(tree: &TemplateTree, pattern: &str, depth: usize) -> Result<Vec<Value>> {
    if pattern.starts_with('/') {
        bail!("`!include {pattern}`: the path must be relative to the template");
    }
    let full_pattern = include_pattern("", pattern)?;
    let matcher = glob_regex(&full_pattern)?;
    let mut documents = Vec::new();
    for entry in &tree.entries {
        if !matcher.is_match(&entry.path) {
            continue;
        }
        let resolved = tree.resolve(&entry.path).with_context(|| {
            format!(
                "`!include {pattern}` reaches `{}`, outside the template",
                entry.path
            )
        })?;
        let Some(resolved) = resolved else { continue };
        if matches!(
            tree.get(&resolved).map(|found| &found.kind),
            Some(EntryKind::File { .. })
        ) {
            documents.extend(load_documents(tree, &resolved, depth + 1)?);
        }
    }
    Ok(documents)
}

/// Joins an `!include` pattern to the config file's folder and applies `.`
/// and `..`, rejecting a pattern that climbs above the template root.
fn include_pattern(base_dir: &str, pattern: &str) -> Result<String> {
    let mut segments: Vec<&str> = Vec::new();
    for segment in base_dir.split('/').chain(pattern.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    bail!(
                        "`!include {pattern}` reaches outside the template; included files must be inside it"
                    );
                }
            }
            other => segments.push(other),
        }
    }
    Ok(segments.join("/"))
}

/// Translates a Python `Path.glob` pattern (`*`, `?`, `[...]`, `**`) into a
/// regex over `/`-separated paths.
fn glob_regex(pattern: &str) -> Result<regex::Regex> {
    let mut regex = String::from("^");
    let normalized = pattern.trim_start_matches("./");
    for (position, segment) in normalized.split('/').enumerate() {
        if position > 0 && !regex.ends_with("(?:.*/)?") {
            regex.push('/');
        }
        match segment {
            "**" => regex.push_str("(?:.*/)?"),
            "." | "" => {
                if regex.ends_with('/') {
                    regex.pop();
                }
            }
            _ => {
                for character in segment.chars() {
                    match character {
                        '*' => regex.push_str("[^/]*"),
                        '?' => regex.push_str("[^/]"),
                        '[' | ']' => regex.push(character),
                        '!' if regex.ends_with('[') => regex.push('^'),
                        other => regex.push_str(&regex::escape(&other.to_string())),
                    }
                }
            }
        }
    }
    let regex = regex.trim_end_matches("(?:.*/)?").to_string() + "$";
    regex::Regex::new(&regex).with_context(|| format!("invalid `!include` pattern `{pattern}`"))
}

/// Splits the merged mapping into settings and questions.
fn split(raw: IndexMap<String, Value>) -> Result<Config> {
    let mut settings = Settings::default();
    let mut questions = IndexMap::new();
    for (key, value) in raw {
        match key.strip_prefix('_') {
            Some(name) => apply_setting(&mut settings, name, value)
                .with_context(|| format!("invalid setting `{key}`"))?,
            None => {
                if matches!(key.as_str(), "now" | "make_secret") {
                    bail!(
                        "`{key}` cannot be a question name: Copier reserves it for a built-in function"
                    );
                }
                let attributes = match value {
                    Value::Map(map) => map,
                    other => Map::from([(Value::from("default"), other)]),
                };
                questions.insert(key, attributes);
            }
        }
    }
    Ok(Config {
        file: None,
        settings,
        questions,
    })
}

fn apply_setting(settings: &mut Settings, name: &str, value: Value) -> Result<()> {
    match name {
        "answers_file" => settings.answers_file = Some(strict_string(value)?),
        "envops" => settings.envops = strict_map(value)?,
        "exclude" => settings.exclude = Some(exclude_patterns(value)?),
        "external_data" => settings.external_data = external_data(strict_map(value)?)?,
        "jinja_extensions" => settings.jinja_extensions = string_list(value)?,
        "message_after_copy" => settings.message_after_copy = message(value)?,
        "message_after_update" => settings.message_after_update = message(value)?,
        "message_before_copy" => settings.message_before_copy = message(value)?,
        "message_before_update" => settings.message_before_update = message(value)?,
        "migrations" => settings.migrations = value,
        "min_copier_version" => settings.min_copier_version = Some(version_string(value)?),
        "preserve_symlinks" => settings.preserve_symlinks = value.is_truthy(),
        "secret_questions" => settings.secret_questions = string_list(value)?,
        "skip_if_exists" => settings.skip_if_exists = string_list(value)?,
        "subdirectory" => settings.subdirectory = strict_string(value)?,
        "tasks" => settings.tasks = tasks(value)?,
        "templates_suffix" => {
            settings.templates_suffix = match value {
                Value::Null => ".jinja".into(),
                other => strict_string(other)?,
            }
        }
        _ => tracing::debug!("ignored unknown setting `_{name}`, as Copier does"),
    }
    Ok(())
}

/// A setting Copier uses as a path or renders as a template, where any
/// value but a string (`null` included) fails.
fn strict_string(value: Value) -> Result<String> {
    match value {
        Value::Str(text) => Ok(text),
        other => bail!(
            "expected a string, found the {} `{}`",
            other.type_name(),
            crate::jinja::python_str(&other)
        ),
    }
}

/// A setting Copier reads as a mapping, where `null` fails too.
fn strict_map(value: Value) -> Result<Value> {
    match value {
        Value::Map(_) => Ok(value),
        other => bail!(
            "expected a mapping, found a value of type `{}`",
            other.type_name()
        ),
    }
}

/// `_exclude` entries are rendered as templates, so each must be a string.
fn exclude_patterns(value: Value) -> Result<Vec<String>> {
    list(value)?
        .into_iter()
        .map(strict_string)
        .collect::<Result<_>>()
        .context("every `_exclude` pattern must be a string")
}

/// Copier parses `_min_copier_version` with `packaging.Version`, which
/// accepts only strings: `9`, `9.5` and `null` are invalid versions.
fn version_string(value: Value) -> Result<String> {
    match value {
        Value::Str(text) => Ok(text),
        other => bail!(
            "expected a version string such as \"9.19.1\", found the {} `{}`",
            other.type_name(),
            crate::jinja::python_str(&other)
        ),
    }
}

/// Messages are Jinja templates; a non-string value is printed as Python
/// would print it.
/// Reads a `_message_*` setting. Copier skips a false value. It fails on
/// any other value that is not a string, but only after the files are
/// written, so kwz-new rejects such a value when the config is read.
fn message(value: Value) -> Result<String> {
    match value {
        Value::Str(text) => Ok(text),
        other if !other.is_truthy() => Ok(String::new()),
        other => bail!(
            "expected a string, found a value of type `{}`",
            other.type_name()
        ),
    }
}

fn expect_map(value: Value) -> Result<Value> {
    match value {
        Value::Map(_) => Ok(value),
        Value::Null => Ok(Value::Map(Map::new())),
        other => bail!(
            "expected a mapping, found a value of type `{}`",
            other.type_name()
        ),
    }
}

fn list(value: Value) -> Result<Vec<Value>> {
    match value {
        Value::List(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        other => bail!(
            "expected a list, found a value of type `{}`",
            other.type_name()
        ),
    }
}

fn string_list(value: Value) -> Result<Vec<String>> {
    list(value)?
        .into_iter()
        .map(|item| match item {
            Value::Str(text) => Ok(text),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => Ok(crate::jinja::python_str(&item)),
            other => bail!(
                "expected a list of strings, found an item of type `{}`",
                other.type_name()
            ),
        })
        .collect()
}

fn external_data(value: Value) -> Result<IndexMap<String, Value>> {
    let Value::Map(map) = expect_map(value)? else {
        unreachable!("expect_map returns a mapping")
    };
    // The paths are checked when a template reads them, as Copier reads
    // them only then: an unused entry with a wrong type is no error.
    Ok(map
        .into_iter()
        .map(|(key, value)| (crate::jinja::python_str(&key), value))
        .collect())
}

/// Reads `_tasks` as Copier iterates it: a string gives one task per
/// character and a mapping one task per key. Each task is then checked as
/// Copier's `Task` dataclass checks it.
fn tasks(value: Value) -> Result<Vec<Task>> {
    let items: Vec<Value> = match value {
        Value::Str(text) => text
            .chars()
            .map(|character| Value::Str(character.to_string()))
            .collect(),
        Value::List(items) => items,
        Value::Map(map) => map.into_keys().collect(),
        other => bail!(
            "expected a list of tasks, found a value of type `{}`",
            other.type_name()
        ),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| task(item).with_context(|| format!("invalid task {}", index + 1)))
        .collect()
}

fn task(item: Value) -> Result<Task> {
    let Value::Map(map) = item else {
        return Ok(Task {
            command: task_command(item)?,
            condition: Value::Bool(true),
            working_directory: ".".into(),
        });
    };
    let command = match map.get(&Value::from("command")) {
        Some(command) => task_command(command.clone())?,
        None => bail!("a task mapping needs a `command`"),
    };
    let condition = match map.get(&Value::from("when")) {
        None => Value::from("true"),
        Some(when) => task_condition(when)?,
    };
    let working_directory = match map.get(&Value::from("working_directory")) {
        None => ".".to_string(),
        Some(Value::Str(path)) => path.clone(),
        Some(other) => bail!(
            "`working_directory` must be a string, found the {} `{}`",
            other.type_name(),
            crate::jinja::python_str(other)
        ),
    };
    Ok(Task {
        command,
        condition,
        working_directory,
    })
}

/// A task command is a string or a list of strings; Copier rejects numbers,
/// booleans and nulls in either place instead of converting them.
fn task_command(value: Value) -> Result<Command> {
    match value {
        Value::Str(text) => Ok(Command::Shell(text)),
        Value::List(parts) => {
            if let Some(bad) = parts.iter().find(|part| !matches!(part, Value::Str(_))) {
                bail!(
                    "every item of a task command list must be a string, found the {} `{}`",
                    bad.type_name(),
                    crate::jinja::python_str(bad)
                );
            }
            Ok(Command::Args(parts))
        }
        other => bail!(
            "a task command must be a string or a list of strings, found the {} `{}`",
            other.type_name(),
            crate::jinja::python_str(&other)
        ),
    }
}

/// A task's `when` is a template string or a boolean; like pydantic, the
/// numbers 0 and 1 count as booleans and anything else is invalid.
fn task_condition(value: &Value) -> Result<Value> {
    match value {
        Value::Str(_) | Value::Bool(_) => Ok(value.clone()),
        Value::Int(number @ (0 | 1)) => Ok(Value::Bool(*number == 1)),
        Value::Float(number) if *number == 0.0 || *number == 1.0 => Ok(Value::Bool(*number == 1.0)),
        other => bail!(
            "a task `when` must be a string or a boolean, found the {} `{}`",
            other.type_name(),
            crate::jinja::python_str(other)
        ),
    }
}

/// Rejects a template that needs a newer Copier than the one kwz-new matches.
/// Versions compare by PEP 440, so `9.19.1.post1` and `9.19.1+local` are
/// newer than 9.19.1 and `9.19.1rc1` is older.
fn check_min_version(settings: &Settings) -> Result<()> {
    let Some(minimum) = &settings.min_copier_version else {
        return Ok(());
    };
    let required = Version::from_str(minimum.trim())
        .map_err(|error| anyhow::anyhow!("invalid `_min_copier_version` `{minimum}`: {error}"))?;
    let ours = Version::from_str(COPIER_VERSION).expect("COPIER_VERSION is a valid version");
    if ours < required {
        bail!(
            "this template requires Copier {minimum} or newer; kwz-new {} reproduces Copier {COPIER_VERSION}",
            env!("CARGO_PKG_VERSION")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn min_version_check(minimum: &str) -> Result<()> {
        check_min_version(&Settings {
            min_copier_version: Some(minimum.into()),
            ..Settings::default()
        })
    }

    #[test]
    fn min_version_accepts_older_or_equal() {
        for minimum in ["9.19.1", "v9.0", " 9.19 ", "9.19.1rc1", "9.19.1.dev5", "8"] {
            assert!(min_version_check(minimum).is_ok(), "{minimum}");
        }
    }

    #[test]
    fn min_version_rejects_newer_or_invalid() {
        for minimum in [
            "9.19.1.post1",
            "9.19.1-1",
            "9.19.1+local",
            "9.19.2.dev0",
            "10",
            "abc",
            "",
        ] {
            assert!(min_version_check(minimum).is_err(), "{minimum}");
        }
    }

    #[test]
    fn min_version_must_be_a_string() {
        assert!(version_string(Value::Int(9)).is_err());
        assert!(version_string(Value::Null).is_err());
        assert_eq!(version_string(Value::from("9.0")).unwrap(), "9.0");
    }

    #[test]
    fn include_glob_translation() {
        let regex = glob_regex("includes/*.yml").unwrap();
        assert!(regex.is_match("includes/a.yml"));
        assert!(!regex.is_match("includes/sub/a.yml"));
        let recursive = glob_regex("./inc/**/*.yaml").unwrap();
        assert!(recursive.is_match("inc/a.yaml"));
        assert!(recursive.is_match("inc/x/y/a.yaml"));
    }

    #[test]
    fn include_patterns_stay_in_the_template() {
        assert_eq!(include_pattern("", "./inc/*.yml").unwrap(), "inc/*.yml");
        assert_eq!(include_pattern("sub", "../inc.yml").unwrap(), "inc.yml");
        assert!(include_pattern("", "../outside.yml").is_err());
        assert!(include_pattern("sub", "../../outside.yml").is_err());
    }

    #[test]
    fn default_exclude_only_without_subdirectory() {
        let plain = Settings::default();
        assert_eq!(plain.base_exclude().len(), DEFAULT_EXCLUDE.len());
        let nested = Settings {
            subdirectory: "template".into(),
            ..Settings::default()
        };
        assert!(nested.base_exclude().is_empty());
        let custom = Settings {
            exclude: Some(vec!["x".into()]),
            ..Settings::default()
        };
        assert_eq!(custom.base_exclude(), vec!["x".to_string()]);
    }

    #[test]
    fn task_values_checked_as_copier_does() {
        let load = |yaml: &str| tasks(crate::yaml::load(yaml).unwrap());
        assert!(load("~").is_err());
        assert!(load("[5]").is_err());
        assert!(load("[~]").is_err());
        assert!(load("[[echo, 5]]").is_err());
        assert!(load("[{command: x, when: 2}]").is_err());
        assert!(load("[{command: x, when: ~}]").is_err());
        assert!(load("[{command: x, working_directory: 5}]").is_err());
        let numeric_when = load("[{command: x, when: 1}]").unwrap();
        assert_eq!(numeric_when[0].condition, Value::Bool(true));
    }

    #[test]
    fn mapping_tasks_are_their_keys() {
        let parsed = tasks(crate::yaml::load("{touch a: 1, touch b: 2}").unwrap()).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[1].command, Command::Shell("touch b".into()));
    }

    #[test]
    fn string_tasks_split_into_characters() {
        let parsed = tasks(Value::from("ab")).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].command, Command::Shell("a".into()));
    }
}
