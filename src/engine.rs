//! A loaded template and one run of it: the shared core of `copy`, `recopy`
//! and `update`.
//!
//! `Template` is what a source yields after `copier.yml` is read and the
//! Jinja environment is built. `Worker` adds the destination, the run's
//! options and the answers, and offers what every command needs: contexts
//! per phase, the question loop, and the answers file path. Writing files is
//! left to `plan` and `apply`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use indexmap::IndexMap;

use crate::answers::{self, Answers, AskOptions, ContextSource, Prompter};
use crate::config::{self, Config};
use crate::context::{ContextBuilder, Phase, RunFacts};
use crate::exit::ExitCode;
use crate::external_data::ExternalCache;
use crate::jinja::{Context, EnvOptions, Renderer, TemplateLoader};
use crate::question::Question;
use crate::source::TemplateTree;
use crate::value::Value;

/// A template with its settings read and its environment built.
pub struct Template {
    pub tree: Arc<TemplateTree>,
    pub config: Config,
    pub renderer: Renderer,
    pub questions: Vec<Question>,
    secret_names: HashSet<String>,
}

impl Template {
    /// Reads `copier.yml` and builds the Jinja environment from `_envops`.
    pub fn load(tree: TemplateTree) -> Result<Self> {
        let tree = Arc::new(tree);
        let config = config::load(&tree)?;
        let envops_file = config.file.clone().unwrap_or_else(|| "copier.yml".into());
        let mut options = EnvOptions::from_envops(&config.settings.envops).map_err(|message| {
            anyhow::anyhow!("invalid `_envops` in `{envops_file}`: {message}")
        })?;
        let extensions = &config.settings.jinja_extensions;
        options.loop_controls = extensions
            .iter()
            .any(|name| name == "jinja2.ext.loopcontrols");
        options.do_statement = extensions.iter().any(|name| name == "jinja2.ext.do");
        let loader: Arc<dyn TemplateLoader> = Arc::new(TreeLoader { tree: tree.clone() });
        let renderer =
            Renderer::new(&options, loader).context("failed to set up the template environment")?;
        let listed: HashSet<&str> = config
            .settings
            .secret_questions
            .iter()
            .map(String::as_str)
            .collect();
        let questions = config
            .questions
            .iter()
            .map(|(name, attributes)| {
                Question::new(name, attributes, listed.contains(name.as_str()))
            })
            .collect::<Result<Vec<_>>>()?;
        let secret_names = questions
            .iter()
            .filter(|question| question.is_secret())
            .map(|question| question.name.clone())
            .collect();
        Ok(Template {
            tree,
            config,
            renderer,
            questions,
            secret_names,
        })
    }

    /// The features that need `--trust`, sorted, as Copier lists them.
    pub fn unsafe_features(&self, skip_tasks: bool) -> Vec<&'static str> {
        let mut features = Vec::new();
        if !self.config.settings.jinja_extensions.is_empty() {
            features.push("jinja_extensions");
        }
        if !self.config.settings.tasks.is_empty() && !skip_tasks {
            features.push("tasks");
        }
        features
    }

    /// Rejects `_jinja_extensions` that kwz-new cannot provide.
    pub fn check_extensions(&self) -> Result<()> {
        let unsupported: Vec<&str> = self
            .config
            .settings
            .jinja_extensions
            .iter()
            .map(String::as_str)
            .filter(|name| !config::SUPPORTED_EXTENSIONS.contains(name))
            .collect();
        if !unsupported.is_empty() {
            bail!(
                "the template needs Jinja extensions that kwz-new cannot load: {}\nhint: kwz-new runs no Python; it provides only {}",
                unsupported.join(", "),
                config::SUPPORTED_EXTENSIONS.join(", ")
            );
        }
        Ok(())
    }

    pub fn is_question(&self, name: &str) -> bool {
        self.config.questions.contains_key(name)
    }

    pub fn is_secret(&self, name: &str) -> bool {
        self.secret_names.contains(name)
    }
}

/// Serves `include`/`import`/`extends` from the template tree.
struct TreeLoader {
    tree: Arc<TemplateTree>,
}

impl TemplateLoader for TreeLoader {
    fn load(&self, name: &str) -> Result<Option<String>, String> {
        let bytes = self
            .tree
            .read_file(name)
            .map_err(|error| format!("{error:#}"))?;
        match bytes {
            None => Ok(None),
            Some(bytes) => String::from_utf8(bytes.to_vec())
                .map(Some)
                .map_err(|_| format!("template `{name}` is not valid UTF-8")),
        }
    }
}

/// Raises Copier's unsafe-template error (exit 4) for `features`.
pub fn reject_unsafe(features: &[&str]) -> Result<()> {
    if features.is_empty() {
        return Ok(());
    }
    let noun = if features.len() == 1 {
        "feature"
    } else {
        "features"
    };
    Err(ExitCode::new(
        ExitCode::UNSAFE,
        format!(
            "the template uses potentially unsafe {noun}: {}\nhint: if you trust this template, pass `--trust`",
            features.join(", ")
        ),
    )
    .into())
}

/// `copy` or `update`: Copier's `_copier_operation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Copy,
    Update,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Operation::Copy => "copy",
            Operation::Update => "update",
        }
    }
}

/// One run of a template into a destination.
pub struct Worker {
    pub template: Template,
    pub facts: RunFacts,
    pub answers: Answers,
    pub operation: Operation,
    /// `defaults` of the user settings file, which replace template defaults.
    pub settings_defaults: IndexMap<String, Value>,
    /// `_external_data` files loaded in the current phase.
    external_cache: ExternalCache,
}

impl Worker {
    pub fn new(template: Template, facts: RunFacts, operation: Operation) -> Self {
        let mut answers = Answers::default();
        if let Some(revision) = &template.tree.revision {
            answers
                .metadata
                .insert("_commit".into(), Value::from(revision.describe.as_str()));
        }
        answers.metadata.insert(
            "_src_path".into(),
            Value::from(template.tree.src_path.as_str()),
        );
        Worker {
            template,
            facts,
            answers,
            operation,
            settings_defaults: IndexMap::new(),
            external_cache: ExternalCache::default(),
        }
    }

    fn remember(&self, answers: &Answers) -> IndexMap<String, Value> {
        answers.to_remember(
            |key| self.template.is_question(key),
            |key| self.template.is_secret(key),
        )
    }

    fn with_builder<T>(&self, action: impl FnOnce(&ContextBuilder<'_>) -> T) -> T {
        let remember = |answers: &Answers| self.remember(answers);
        let builder = ContextBuilder {
            facts: &self.facts,
            remembered: &remember,
            external_data: &self.template.config.settings.external_data,
            external_cache: &self.external_cache,
            renderer: &self.template.renderer,
        };
        action(&builder)
    }

    /// The context for `phase` with the current answers.
    pub fn context(&self, phase: Phase) -> Result<Context> {
        self.with_builder(|builder| builder.build(&self.answers, phase))
    }

    /// The answers to write to the answers file.
    pub fn remembered_answers(&self) -> IndexMap<String, Value> {
        self.remember(&self.answers)
    }

    /// Renders a string from `copier.yml` in `phase`, with extra variables.
    pub fn render_string(
        &self,
        source: &str,
        phase: Phase,
        extra: &[(&str, Value)],
    ) -> Result<String> {
        let mut context = self.context(phase)?;
        for (name, value) in extra {
            context.insert(name, value);
        }
        Ok(self.template.renderer.render_str(source, &context)?)
    }

    /// Resolves every question: data, recorded answers, defaults, prompts.
    pub fn ask(&mut self, options: &AskOptions, prompter: &mut dyn Prompter) -> Result<()> {
        let mut answers = std::mem::take(&mut self.answers);
        self.external_cache.reset();
        let result = self.with_builder(|builder| {
            let source = PromptContexts { builder };
            answers::resolve(
                &self.template.questions,
                &mut answers,
                options,
                &self.template.renderer,
                &source,
                prompter,
            )
        });
        self.answers = answers;
        // Files and tasks read `_external_data` afresh, with the final answers.
        self.external_cache.reset();
        result
    }

    /// The answers file path relative to the destination: `-a`, or the
    /// template's `_answers_file`, rendered with `_copier_conf.answers_file`
    /// blank.
    pub fn answers_relpath(&self, cli_answers_file: Option<&str>) -> Result<String> {
        let source =
            cli_answers_file.unwrap_or(self.template.config.settings.answers_file_template());
        let context = self.with_builder(|builder| {
            builder.build_with_answers_file(&self.answers, Phase::Undefined, "")
        })?;
        let rendered = self
            .template
            .renderer
            .render_str(source, &context)
            .with_context(|| format!("failed to render the answers file path `{source}`"))?;
        let normalized = crate::plan::normalize_relative(&rendered).with_context(|| {
            format!("the answers file path `{rendered}` must stay inside the destination")
        })?;
        Ok(normalized)
    }

    /// Absolute destination folder.
    pub fn destination(&self) -> &PathBuf {
        &self.facts.dst_absolute
    }
}

struct PromptContexts<'a, 'b> {
    builder: &'a ContextBuilder<'b>,
}

impl ContextSource for PromptContexts<'_, '_> {
    fn context(&self, answers: &Answers) -> Result<Context> {
        self.builder.build(answers, Phase::Prompt)
    }
}

/// Reads the answers recorded in `dst/<answers_file>`: `_src_path`,
/// `_commit` and every key without a leading underscore. A missing file
/// gives no answers. A path that leaves the destination, by `..` or
/// through a symlink, is an error.
pub fn read_last_answers(
    destination: &std::path::Path,
    answers_file: &str,
) -> Result<IndexMap<String, Value>> {
    let relative = crate::plan::normalize_relative(answers_file).with_context(|| {
        format!(
            "the answers file path `{}` must stay inside the destination",
            crate::plan::escape_control(answers_file)
        )
    })?;
    let path = destination.join(&relative);
    if !crate::context::stays_inside(destination, &path) {
        bail!(
            "answers file `{relative}` leads outside the destination through a symlink; reading it is forbidden"
        );
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
            ) =>
        {
            return Ok(IndexMap::new());
        }
        Err(error) => {
            return Err(error)
                .with_context(|| format!("failed to read answers file `{}`", path.display()));
        }
    };
    let value = crate::yaml::load(&text)
        .map_err(|error| anyhow::anyhow!("invalid answers file `{answers_file}`: {error}"))?;
    let mut last = IndexMap::new();
    match value {
        Value::Map(map) => {
            for (key, value) in map {
                if let Value::Str(key) = key
                    && (!key.starts_with('_') || key == "_src_path" || key == "_commit")
                {
                    last.insert(key, value);
                }
            }
        }
        Value::Null => {}
        other => bail!(
            "invalid answers file `{answers_file}`: expected a mapping, found a value of type `{}`",
            other.type_name()
        ),
    }
    Ok(last)
}
