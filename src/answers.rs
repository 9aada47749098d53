//! Answers: where each value comes from, the order questions are resolved
//! in, and which answers are recorded.
//!
//! For each question in file order the first source that has a value wins:
//! `--data` (and `--data-file`), the answers recorded in the project's answers
//! file, the template default, then the prompt. The rules for `when`, `ask`,
//! `--defaults`, `--skip-answered` and `--ask` follow Copier 9.19.1's
//! `Worker._ask`. Prompting goes through the `Prompter` trait so that tests
//! can answer without a terminal.

use std::collections::HashSet;

use anyhow::{Result, bail};
use indexmap::IndexMap;

use crate::jinja::Context;
use crate::question::{AnswerType, Choice, Question, Scope};
use crate::value::Value;

/// Answers by source. `combined` merges them by priority.
#[derive(Clone, Debug, Default)]
pub struct Answers {
    /// Answers given at the prompt or taken from defaults in this run.
    pub user: IndexMap<String, Value>,
    /// `--data` and `--data-file` values, undeclared keys included.
    pub init: IndexMap<String, Value>,
    /// `_src_path` and `_commit` of the template in use.
    pub metadata: IndexMap<String, Value>,
    /// Answers recorded in the project's answers file.
    pub last: IndexMap<String, Value>,
    /// Names of `when: false` questions, whose values are never recorded.
    pub hidden: HashSet<String>,
}

impl Answers {
    /// Every answer by priority (this run, data, metadata, last answers),
    /// keys in the order Python's `ChainMap` iterates them.
    pub fn combined(&self) -> IndexMap<String, Value> {
        let mut order: IndexMap<&str, ()> = IndexMap::new();
        for source in [&self.last, &self.metadata, &self.init, &self.user] {
            for key in source.keys() {
                order.entry(key.as_str()).or_default();
            }
        }
        order
            .into_keys()
            .map(|key| {
                let value = [&self.user, &self.init, &self.metadata, &self.last]
                    .iter()
                    .find_map(|source| source.get(key))
                    .expect("every key comes from a source");
                (key.to_string(), value.clone())
            })
            .collect()
    }

    /// The answers to record: `_commit`, `_src_path`, then every declared,
    /// visible, non-secret, JSON-serialisable answer.
    pub fn to_remember(
        &self,
        is_question: impl Fn(&str) -> bool,
        is_secret: impl Fn(&str) -> bool,
    ) -> IndexMap<String, Value> {
        let mut remembered = IndexMap::new();
        for key in ["_commit", "_src_path"] {
            if let Some(value) = self.metadata.get(key) {
                remembered.insert(key.to_string(), value.clone());
            }
        }
        for (key, value) in self.combined() {
            let keep = !key.starts_with('_')
                && !self.hidden.contains(&key)
                && !is_secret(&key)
                && is_question(&key)
                && value.is_json_serializable();
            if keep {
                remembered.insert(key, value);
            }
        }
        remembered
    }
}

/// What the prompter needs to show one question.
pub struct PromptRequest<'a> {
    pub name: &'a str,
    pub message: String,
    pub answer_type: AnswerType,
    pub choices: Vec<Choice>,
    pub multiselect: bool,
    pub secret: bool,
    pub multiline: bool,
    pub placeholder: String,
    /// The default, already cast; `None` when the question has none.
    pub default: Option<Value>,
}

/// Asks the user. `check` casts and validates raw input; on `Err` the
/// prompter shows the message and asks again.
pub trait Prompter {
    fn prompt(
        &mut self,
        request: &PromptRequest<'_>,
        check: &mut dyn FnMut(Value) -> Result<Value, String>,
    ) -> Result<Value>;
}

/// A prompter for runs without a terminal: every prompt is an error.
pub struct NoTerminal;

impl Prompter for NoTerminal {
    fn prompt(
        &mut self,
        request: &PromptRequest<'_>,
        _check: &mut dyn FnMut(Value) -> Result<Value, String>,
    ) -> Result<Value> {
        bail!(
            "question `{}` has no answer and standard input is not a terminal\nhint: answer it with `--data {}=VALUE`, or use `--defaults`",
            request.name,
            request.name
        )
    }
}

/// Flags that change which questions are asked.
#[derive(Clone, Debug, Default)]
pub struct AskOptions {
    pub defaults: bool,
    pub skip_answered: bool,
    /// `--ask` globs: questions to prompt whatever else applies.
    pub ask: Vec<String>,
    /// Defaults from the user settings file; each replaces the template's.
    pub settings_defaults: IndexMap<String, Value>,
}

/// Builds the render context for the current answers.
pub trait ContextSource {
    fn context(&self, answers: &Answers) -> Result<Context>;
}

/// Resolves every question in order and stores the results in `answers`.
pub fn resolve(
    questions: &[Question],
    answers: &mut Answers,
    options: &AskOptions,
    renderer: &crate::jinja::Renderer,
    contexts: &dyn ContextSource,
    prompter: &mut dyn Prompter,
) -> Result<()> {
    for question in questions {
        let context = contexts.context(answers)?;
        let scope = Scope {
            renderer,
            context: &context,
        };
        resolve_one(question, answers, options, &scope, prompter)?;
    }
    Ok(())
}

fn resolve_one(
    question: &Question,
    answers: &mut Answers,
    options: &AskOptions,
    scope: &Scope<'_>,
    prompter: &mut dyn Prompter,
) -> Result<()> {
    let name = question.name.as_str();
    // A recorded answer that no longer parses or validates is dropped so that
    // a new one is asked for or defaulted.
    if let Some(last) = answers.last.get(name).cloned() {
        let still_valid = question
            .parse_answer(&last, scope)
            .and_then(|answer| question.validate_answer(&answer, scope));
        if still_valid.is_err() {
            answers.last.shift_remove(name);
        }
    }
    let ask = question.ask(scope)?;
    let when = question.when(scope)?;
    if !when {
        answers.hidden.insert(name.to_string());
        answers.last.shift_remove(name);
        if default_for(question, answers, options, scope, when)?.is_none() {
            return Ok(());
        }
    }

    let forced = options
        .ask
        .iter()
        .any(|pattern| glob_matches(pattern, name));
    if !forced {
        if let Some(data) = answers.init.get(name).cloned() {
            let answer = question.parse_answer(&data, scope)?;
            question.validate_answer(&answer, scope)?;
            answers.user.insert(name.to_string(), answer);
            return Ok(());
        }
        if answers.last.contains_key(name) && (options.skip_answered || !ask) {
            return Ok(());
        }
        if !ask {
            if let Some(answer) = default_for(question, answers, options, scope, when)? {
                answers.user.insert(name.to_string(), answer);
            }
            return Ok(());
        }
        if options.defaults {
            let Some(answer) = default_for(question, answers, options, scope, when)? else {
                bail!(
                    "question `{name}` is required: it has no default\nhint: answer it with `--data {name}=VALUE`"
                );
            };
            answers.user.insert(name.to_string(), answer);
            return Ok(());
        }
    }
    // A hidden question never reaches the prompt: it takes its default.
    if !when {
        if let Some(answer) = default_for(question, answers, options, scope, when)? {
            answers.user.insert(name.to_string(), answer);
        }
        return Ok(());
    }
    let answer = prompt_for(question, answers, options, scope, prompter)?;
    answers.user.insert(name.to_string(), answer);
    Ok(())
}

/// The default of a question, as Copier's `get_default`: data, then last
/// answer, then the rendered template default, cast and checked.
fn default_for(
    question: &Question,
    answers: &Answers,
    options: &AskOptions,
    scope: &Scope<'_>,
    when: bool,
) -> Result<Option<Value>> {
    let name = question.name.as_str();
    let raw = match answers.init.get(name).or_else(|| answers.last.get(name)) {
        Some(value) => value.clone(),
        None => match question.rendered_default(options.settings_defaults.get(name), scope)? {
            Some(value) => value,
            None => return Ok(None),
        },
    };
    let answer = question.parse_answer(&raw, scope)?;
    if when && !question.is_secret() {
        question.validate_answer(&answer, scope)?;
    }
    Ok(Some(answer))
}

fn prompt_for(
    question: &Question,
    answers: &Answers,
    options: &AskOptions,
    scope: &Scope<'_>,
    prompter: &mut dyn Prompter,
) -> Result<Value> {
    let request = PromptRequest {
        name: &question.name,
        message: question.message(scope)?,
        answer_type: question.answer_type(scope)?,
        choices: question.choices(scope)?,
        multiselect: question.is_multiselect(),
        secret: question.is_secret(),
        multiline: question.multiline(scope)?,
        placeholder: question.placeholder(scope)?,
        default: default_for(question, answers, options, scope, true)?,
    };
    let mut check = |raw: Value| -> Result<Value, String> {
        let answer = question
            .parse_answer(&raw, scope)
            .map_err(|_| "invalid input".to_string())?;
        question
            .validate_answer(&answer, scope)
            .map_err(|error| error.to_string())?;
        Ok(answer)
    };
    prompter.prompt(&request, &mut check)
}

/// `fnmatch.fnmatchcase`: `*`, `?` and `[...]` over the whole name.
pub fn glob_matches(pattern: &str, name: &str) -> bool {
    let mut regex = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(character) = chars.next() {
        match character {
            '*' => regex.push_str(".*"),
            '?' => regex.push('.'),
            '[' => {
                let mut class = String::new();
                let mut closed = false;
                for inner in chars.by_ref() {
                    if inner == ']' && !class.is_empty() {
                        closed = true;
                        break;
                    }
                    class.push(inner);
                }
                if closed {
                    let class = class.replacen('!', "^", usize::from(class.starts_with('!')));
                    regex.push('[');
                    regex.push_str(&class.replace('\\', "\\\\"));
                    regex.push(']');
                } else {
                    regex.push_str("\\[");
                    regex.push_str(&regex::escape(&class));
                }
            }
            other => regex.push_str(&regex::escape(&other.to_string())),
        }
    }
    regex.push('$');
    regex::Regex::new(&regex).is_ok_and(|compiled| compiled.is_match(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_prefers_this_run_over_data_and_last() {
        let mut answers = Answers::default();
        answers.last.insert("a".into(), Value::from("last"));
        answers.last.insert("b".into(), Value::from("last"));
        answers.init.insert("b".into(), Value::from("data"));
        answers.user.insert("c".into(), Value::from("user"));
        let combined = answers.combined();
        assert_eq!(combined.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(combined["b"], Value::from("data"));
    }

    #[test]
    fn remembered_answers_skip_hidden_secret_and_undeclared() {
        let mut answers = Answers::default();
        answers
            .metadata
            .insert("_src_path".into(), Value::from("tpl"));
        answers.user.insert("shown".into(), Value::Int(1));
        answers.user.insert("hidden".into(), Value::Int(2));
        answers.user.insert("secret".into(), Value::Int(3));
        answers.init.insert("undeclared".into(), Value::from("x"));
        answers.hidden.insert("hidden".into());
        let remembered = answers.to_remember(|key| key != "undeclared", |key| key == "secret");
        assert_eq!(
            remembered.keys().collect::<Vec<_>>(),
            ["_src_path", "shown"]
        );
    }

    #[test]
    fn fnmatch_globs() {
        assert!(glob_matches("proj*", "project_name"));
        assert!(glob_matches("?b", "ab"));
        assert!(glob_matches("[!x]y", "ay"));
        assert!(!glob_matches("Proj*", "project"));
    }
}
