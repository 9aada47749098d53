//! `_migrations`: commands that `update` runs before and after it carries
//! the project to the new version, as Copier 9.19.1 selects them.
//!
//! An item is a command (string or list), a mapping `{command, version?,
//! when?, working_directory?}`, or the legacy mapping `{version, before,
//! after}`. An item with a `version` applies only when
//! `new >= version > old` (PEP 440). The default condition runs an item in
//! the `after` stage only.

use anyhow::{Context as _, Result, bail};
use pep440_rs::Version;

use crate::config::{Command, Task};
use crate::value::Value;

/// The versions an update moves between.
pub struct MigrationRange<'a> {
    /// `_commit` of the old and new template (`git describe` form).
    pub from_describe: &'a str,
    pub to_describe: &'a str,
    pub from: &'a Version,
    pub to: &'a Version,
    /// The template's `variable_start_string` and `variable_end_string`.
    pub variable_start: &'a str,
    pub variable_end: &'a str,
}

/// A migration command with its own variables.
pub type MigrationTask = (Task, Vec<(String, Value)>);

/// The tasks of `stage` (`before` or `after`), in declared order.
pub fn tasks_for(
    stage: &str,
    migrations: &[Value],
    range: &MigrationRange<'_>,
) -> Result<Vec<MigrationTask>> {
    let base_vars = vec![
        ("_stage".to_string(), Value::from(stage)),
        (
            "_version_from".to_string(),
            Value::from(range.from_describe),
        ),
        ("_version_to".to_string(), Value::from(range.to_describe)),
        (
            "_version_pep440_from".to_string(),
            Value::from(range.from.to_string()),
        ),
        (
            "_version_pep440_to".to_string(),
            Value::from(range.to.to_string()),
        ),
        ("_copier_operation".to_string(), Value::from("update")),
    ];
    let default_condition = Value::Str(format!(
        "{} _stage == \"after\" {}",
        range.variable_start, range.variable_end
    ));
    let mut tasks = Vec::new();
    for (index, migration) in migrations.iter().enumerate() {
        let item = migration_item(
            index,
            migration,
            stage,
            range,
            &base_vars,
            &default_condition,
        )
        .with_context(|| format!("invalid `_migrations` item {}", index + 1))?;
        tasks.extend(item);
    }
    Ok(tasks)
}

fn migration_item(
    _index: usize,
    migration: &Value,
    stage: &str,
    range: &MigrationRange<'_>,
    base_vars: &[(String, Value)],
    default_condition: &Value,
) -> Result<Vec<MigrationTask>> {
    let task =
        |command, condition: Value, working_directory: String, vars: Vec<(String, Value)>| {
            (
                Task {
                    command,
                    condition,
                    working_directory,
                },
                vars,
            )
        };
    match migration {
        Value::Str(text) => Ok(vec![task(
            Command::Shell(text.clone()),
            default_condition.clone(),
            ".".into(),
            base_vars.to_vec(),
        )]),
        Value::List(parts) => Ok(vec![task(
            Command::Args(parts.clone()),
            default_condition.clone(),
            ".".into(),
            base_vars.to_vec(),
        )]),
        Value::Map(map) => {
            let get = |key: &str| map.get(&Value::from(key));
            let mut vars = base_vars.to_vec();
            if let Some(version) = get("version") {
                let text = crate::jinja::python_str(version);
                let current = parse(&text)?;
                if !(range.to >= &current && &current > range.from) {
                    return Ok(Vec::new());
                }
                vars.push(("_version_current".into(), Value::from(text.as_str())));
                vars.push((
                    "_version_pep440_current".into(),
                    Value::from(current.to_string()),
                ));
            }
            if get("before").is_some() || get("after").is_some() {
                if get("version").is_none() {
                    bail!("a migration with `before`/`after` needs a `version`");
                }
                let commands = match get(stage) {
                    Some(Value::List(commands)) => commands.clone(),
                    Some(Value::Null) | None => Vec::new(),
                    Some(other) => vec![other.clone()],
                };
                return Ok(commands
                    .into_iter()
                    .map(|command| {
                        let command = match command {
                            Value::List(parts) => Command::Args(parts),
                            other => Command::Shell(crate::jinja::python_str(&other)),
                        };
                        task(command, Value::Bool(true), ".".into(), vars.clone())
                    })
                    .collect());
            }
            let command = match get("command") {
                Some(Value::Str(text)) => Command::Shell(text.clone()),
                Some(Value::List(parts)) => Command::Args(parts.clone()),
                _ => bail!("a migration mapping needs a `command` string or list"),
            };
            let condition = get("when")
                .cloned()
                .unwrap_or_else(|| default_condition.clone());
            let working_directory =
                get("working_directory").map_or_else(|| ".".to_string(), crate::jinja::python_str);
            Ok(vec![task(command, condition, working_directory, vars)])
        }
        other => bail!(
            "expected a command or a mapping, found a value of type `{}`",
            other.type_name()
        ),
    }
}

fn parse(text: &str) -> Result<Version> {
    text.trim()
        .trim_start_matches(['v', 'V'])
        .parse::<Version>()
        .map_err(|error| anyhow::anyhow!("invalid version `{text}`: {error}"))
}
