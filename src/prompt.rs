//! Interactive prompts on a terminal, through dialoguer.
//!
//! Copier draws its prompts with questionary; the look differs here, the
//! behaviour does not: the same widget per question kind (confirm, select,
//! checkbox, password, text), the default pre-filled, and an invalid answer
//! shown with its message and asked again.

use anyhow::{Result, bail};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, MultiSelect, Password, Select};

use crate::answers::{PromptRequest, Prompter};
use crate::apply::ConfirmOverwrite;
use crate::jinja::python_str;
use crate::question::AnswerType;
use crate::value::Value;

/// Prompts on the terminal attached to standard input and error.
#[derive(Default)]
pub struct TerminalPrompter {
    theme: ColorfulTheme,
}

impl Prompter for TerminalPrompter {
    fn prompt(
        &mut self,
        request: &PromptRequest<'_>,
        check: &mut dyn FnMut(Value) -> Result<Value, String>,
    ) -> Result<Value> {
        loop {
            let raw = self.read(request)?;
            match check(raw) {
                Ok(answer) => return Ok(answer),
                Err(message) => eprintln!("  {message}"),
            }
        }
    }
}

impl TerminalPrompter {
    fn read(&self, request: &PromptRequest<'_>) -> Result<Value> {
        let message = request.message.trim_end().to_string();
        if !request.choices.is_empty() {
            return self.read_choice(request, &message);
        }
        if request.answer_type == AnswerType::Bool {
            let default = request.default.as_ref().is_some_and(Value::is_truthy);
            let answer = Confirm::with_theme(&self.theme)
                .with_prompt(message)
                .default(default)
                .interact()
                .map_err(stopped)?;
            return Ok(Value::Bool(answer));
        }
        if request.secret {
            let mut password = Password::with_theme(&self.theme)
                .with_prompt(message)
                .allow_empty_password(true);
            if request.default.is_some() {
                password = password.report(false);
            }
            let answer = password.interact().map_err(stopped)?;
            if answer.is_empty()
                && let Some(default) = &request.default
            {
                return Ok(default.clone());
            }
            return Ok(Value::Str(answer));
        }
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(message)
            .allow_empty(true);
        if let Some(default) = &request.default {
            input = input.default(default_text(default, request.answer_type));
        }
        let answer = input.interact_text().map_err(stopped)?;
        Ok(Value::Str(answer))
    }

    fn read_choice(&self, request: &PromptRequest<'_>, message: &str) -> Result<Value> {
        let labels: Vec<String> = request
            .choices
            .iter()
            .map(|choice| {
                if choice.disabled.is_empty() {
                    choice.label.clone()
                } else {
                    format!("{} ({})", choice.label, choice.disabled)
                }
            })
            .collect();
        if request.multiselect {
            let selected: Vec<bool> = request
                .choices
                .iter()
                .map(|choice| match &request.default {
                    Some(Value::List(items)) => items.contains(&choice.value),
                    _ => false,
                })
                .collect();
            let picked = MultiSelect::with_theme(&self.theme)
                .with_prompt(message)
                .items(&labels)
                .defaults(&selected)
                .interact()
                .map_err(stopped)?;
            return Ok(Value::List(
                picked
                    .into_iter()
                    .map(|index| request.choices[index].value.clone())
                    .collect(),
            ));
        }
        let default_index = request
            .default
            .as_ref()
            .and_then(|default| {
                request
                    .choices
                    .iter()
                    .position(|choice| &choice.value == default)
            })
            .unwrap_or(0);
        let picked = Select::with_theme(&self.theme)
            .with_prompt(message)
            .items(&labels)
            .default(default_index)
            .interact()
            .map_err(stopped)?;
        Ok(request.choices[picked].value.clone())
    }
}

/// The default as the text input shows it: JSON and YAML answers in their
/// own syntax, anything else as Python prints it.
fn default_text(default: &Value, answer_type: AnswerType) -> String {
    match (answer_type, default) {
        (_, Value::Null) => String::new(),
        (AnswerType::Json | AnswerType::Yaml, Value::List(_) | Value::Map(_)) => {
            let options = crate::yaml::DumpOptions {
                flow_style: crate::yaml::FlowStyle::Flow,
                width: usize::MAX / 2,
                ..crate::yaml::DumpOptions::to_yaml()
            };
            crate::yaml::dump(default, &options)
                .map(|text| text.trim().to_string())
                .unwrap_or_else(|_| python_str(default))
        }
        _ => python_str(default),
    }
}

fn stopped(error: dialoguer::Error) -> anyhow::Error {
    match error {
        dialoguer::Error::IO(io) if io.kind() == std::io::ErrorKind::Interrupted => {
            anyhow::anyhow!("execution stopped by user")
        }
        dialoguer::Error::IO(io) => {
            anyhow::anyhow!("failed to read the answer from the terminal: {io}")
        }
    }
}

/// Asks before overwriting a changed file, defaulting to yes as Copier does.
pub struct TerminalConfirm;

impl ConfirmOverwrite for TerminalConfirm {
    fn confirm(&mut self, path: &str) -> Result<bool> {
        Confirm::with_theme(&ColorfulTheme::default())
            .with_prompt(format!("Overwrite {path}?"))
            .default(true)
            .interact()
            .map_err(stopped)
    }
}

/// Whether standard input is a terminal, so that prompts can be shown.
pub fn stdin_is_terminal() -> bool {
    use std::io::IsTerminal as _;
    std::io::stdin().is_terminal()
}

/// Rejects a run that would need prompts without a terminal.
pub fn require_terminal(what: &str) -> Result<()> {
    if !stdin_is_terminal() {
        bail!("{what} needs a terminal, and standard input is not one");
    }
    Ok(())
}
