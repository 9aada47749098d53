//! `_tasks`: commands run in the destination after rendering, only with
//! `--trust`.
//!
//! A string task runs through `/bin/sh -c`; a list task runs without a shell,
//! each item rendered. Every task sees `STAGE=task` and `COPIER_OPERATION`
//! in its environment, as under Copier 9.19.1, and a non-zero exit stops the
//! run.

use std::path::Path;
use std::process::Command as Process;

use anyhow::{Context as _, Result, bail};

use crate::config::{Command, Task};
use crate::context::Phase;
use crate::engine::Worker;
use crate::jinja::python_repr;
use crate::question::cast_to_bool;
use crate::value::Value;

/// How tasks report and whether they run.
pub struct TaskOptions {
    pub quiet: bool,
    pub pretend: bool,
}

/// Runs `tasks` in order in `destination`. `extra` are variables such as
/// `_stage`, given to renders as they are and to the environment upper-cased
/// without the underscore.
pub fn run(
    worker: &Worker,
    tasks: &[Task],
    extra: &[(&str, Value)],
    phase: Phase,
    destination: &Path,
    options: &TaskOptions,
) -> Result<()> {
    let owned: Vec<(String, Value)> = extra
        .iter()
        .map(|(name, value)| (name.to_string(), value.clone()))
        .collect();
    let prepared: Vec<(Task, Vec<(String, Value)>)> = tasks
        .iter()
        .map(|task| (task.clone(), owned.clone()))
        .collect();
    run_each(worker, &prepared, phase, destination, options)
}

/// Runs tasks that each carry their own variables, as migrations do.
pub fn run_each(
    worker: &Worker,
    tasks: &[(Task, Vec<(String, Value)>)],
    phase: Phase,
    destination: &Path,
    options: &TaskOptions,
) -> Result<()> {
    let count = tasks.len();
    for (index, (task, extra)) in tasks.iter().enumerate() {
        crate::interrupt::check()?;
        let extra: Vec<(&str, Value)> = extra
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        let extra = extra.as_slice();
        let condition = match &task.condition {
            Value::Str(source) => Value::Str(worker.render_string(source, phase, extra)?),
            other => other.clone(),
        };
        if !cast_to_bool(&condition) {
            continue;
        }
        let (shown, mut process) = match &task.command {
            Command::Shell(source) => {
                let command = worker.render_string(source, phase, extra)?;
                let mut process = Process::new("/bin/sh");
                process.arg("-c").arg(&command);
                (command, process)
            }
            Command::Args(parts) => {
                let rendered = parts
                    .iter()
                    .map(|part| worker.render_string(&crate::jinja::python_str(part), phase, extra))
                    .collect::<Result<Vec<_>>>()?;
                let Some((program, arguments)) = rendered.split_first() else {
                    bail!("task {} is an empty command list", index + 1);
                };
                let mut process = Process::new(program);
                process.args(arguments);
                let listed = Value::List(
                    rendered
                        .iter()
                        .map(|part| Value::from(part.as_str()))
                        .collect(),
                );
                (python_repr(&listed), process)
            }
        };
        if !options.quiet {
            eprintln!(" > Running task {} of {count}: {shown}", index + 1);
        }
        if options.pretend {
            continue;
        }
        let directory =
            destination.join(worker.render_string(&task.working_directory, phase, extra)?);
        process.current_dir(&directory);
        for (name, value) in extra {
            process.env(
                name.trim_start_matches('_').to_uppercase(),
                crate::jinja::python_str(value),
            );
        }
        let status = process
            .status()
            .with_context(|| format!("failed to start task {}: {shown}", index + 1))?;
        // Ctrl-C reaches the task too, which then fails; name the cause.
        crate::interrupt::check()?;
        if !status.success() {
            let code = status
                .code()
                .map_or_else(|| "a signal".to_string(), |code| code.to_string());
            bail!(
                "task {} returned non-zero exit status {code}: {}",
                index + 1,
                python_repr(&Value::from(shown.as_str()))
            );
        }
    }
    Ok(())
}
