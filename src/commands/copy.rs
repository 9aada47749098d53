//! `kwz-new copy` and the short form `kwz-new DEST`.
//!
//! The order of steps and of output follows `copier copy` 9.19.1: trust
//! check, `_message_before_copy`, questions, "Copying from template
//! version", one status line per entry, tasks, `_message_after_copy`. Unlike
//! Copier, the whole plan is rendered before the first write, a new
//! destination is assembled in a temporary sibling folder and moved into
//! place, and the answers file is written last.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use indexmap::IndexMap;

use crate::answers::{AskOptions, NoTerminal, Prompter};
use crate::apply::{self, ApplyOptions, ConfirmOverwrite, Journal, NoConfirm};
use crate::context::{Phase, RunFacts, normalize_lexically};
use crate::engine::{Operation, Template, Worker, read_last_answers, reject_unsafe};
use crate::exclude::PathMatcher;
use crate::interrupt;
use crate::plan::{self, Plan, PlanInput};
use crate::prompt::{TerminalConfirm, TerminalPrompter, stdin_is_terminal};
use crate::scaffold::{self, GitSetup};
use crate::source::{self, TemplateTree};
use crate::tasks::{self, TaskOptions};
use crate::user_settings;
use crate::value::Value;

/// Which template to render.
#[derive(Clone, Debug)]
pub enum TemplateSource {
    /// The Kamiwaza extensions template built into the binary.
    Embedded,
    /// A path or URL, as the user typed it.
    Given(String),
}

/// Options of one copy, resolved from the command line.
#[derive(Clone, Debug, Default)]
pub struct CopyOptions {
    pub data: Vec<String>,
    pub data_file: Option<PathBuf>,
    pub answers_file: Option<String>,
    pub exclude: Vec<String>,
    pub skip: Vec<String>,
    pub vcs_ref: Option<String>,
    pub prereleases: bool,
    pub pretend: bool,
    pub quiet: bool,
    pub trust: bool,
    pub skip_tasks: bool,
    pub ask: Vec<String>,
    pub defaults: bool,
    pub overwrite: bool,
    pub cleanup_on_error: bool,
    pub skip_answered: bool,
}

/// Runs `copy`; with the embedded template and `git_init`, also sets up git.
pub fn copy(
    source: &TemplateSource,
    destination: &Path,
    options: &CopyOptions,
    git_init: bool,
) -> Result<()> {
    if destination.exists() && !destination.is_dir() {
        bail!(
            "the destination `{}` exists and is not a folder",
            destination.display()
        );
    }
    if matches!(source, TemplateSource::Embedded) {
        check_builtin_destination(destination)?;
    }
    let tree = load_tree(source, options)?;
    let mut worker = prepare(tree, destination, options, Operation::Copy)?;
    let last_answers_file = options
        .answers_file
        .as_deref()
        .unwrap_or(".copier-answers.yml");
    worker.answers.last = read_last_answers(worker.destination(), last_answers_file)?;
    ask_with_message(&mut worker, options)?;
    render_and_write(&worker, options)?;
    if git_init && !options.pretend {
        report_git_setup(
            scaffold::init_repository(worker.destination())?,
            options.quiet,
        );
    }
    Ok(())
}

/// Rejects rendering the built-in template into a folder that holds other
/// files, unless the folder is already a project of the built-in template
/// (a re-render). This catches `kwz-new copy TEMPLATE` with the destination
/// forgotten, which would otherwise fill the template folder.
fn check_builtin_destination(destination: &Path) -> Result<()> {
    let Ok(mut entries) = std::fs::read_dir(destination) else {
        return Ok(());
    };
    if entries.next().is_none() {
        return Ok(());
    }
    let answers = read_last_answers(destination, ".copier-answers.yml").unwrap_or_default();
    let made_here =
        answers.get("_src_path").and_then(Value::as_str) == Some(source::embedded::SRC_PATH);
    if made_here {
        return Ok(());
    }
    bail!(
        "`{}` is not empty and is not a project of the built-in template\nhint: to render another template, pass both `kwz-new copy TEMPLATE DESTINATION`; to create an extensions repo, choose a new folder",
        destination.display()
    )
}

/// Loads the template tree for `source`.
pub fn load_tree(source: &TemplateSource, options: &CopyOptions) -> Result<TemplateTree> {
    match source {
        TemplateSource::Embedded => Ok(source::embedded::load()),
        TemplateSource::Given(src_path) => source::open(
            src_path,
            options.vcs_ref.as_deref(),
            options.prereleases,
            options.quiet,
        ),
    }
}

/// Builds the worker: reads `copier.yml`, checks trust, parses `--data`.
pub fn prepare(
    tree: TemplateTree,
    destination: &Path,
    options: &CopyOptions,
    operation: Operation,
) -> Result<Worker> {
    let template = Template::load(tree)?;
    let trusted = user_settings::is_trusted(&user_settings::load()?.trust, &template.tree.src_path);
    if !options.trust && !trusted {
        reject_unsafe(&template.unsafe_features(options.skip_tasks))?;
    }
    prepare_loaded(template, destination, options, operation)
}

/// Builds the worker for a loaded template whose trust is already checked.
pub fn prepare_loaded(
    template: Template,
    destination: &Path,
    options: &CopyOptions,
    operation: Operation,
) -> Result<Worker> {
    let user_settings = user_settings::load()?;
    template.check_extensions()?;
    let data = parse_data(&options.data, options.data_file.as_deref())?;
    if !options.quiet {
        warn_unknown_data(&template, &data, options);
    }
    let facts = RunFacts {
        src_path: template.tree.local_path.clone(),
        dst_path: destination.to_string_lossy().into_owned(),
        dst_absolute: absolute(destination)?,
        answers_file: options
            .answers_file
            .clone()
            .unwrap_or_else(|| template.config.settings.answers_file_template().to_string()),
        vcs_ref: options.vcs_ref.clone(),
        vcs_ref_hash: template
            .tree
            .revision
            .as_ref()
            .map(|revision| revision.sha.clone())
            .filter(|sha| !sha.is_empty()),
        data: data.clone(),
        exclude: options.exclude.clone(),
        skip_if_exists: options.skip.clone(),
        use_prereleases: options.prereleases,
        cleanup_on_error: options.cleanup_on_error,
        defaults: options.defaults,
        overwrite: options.overwrite,
        pretend: options.pretend,
        quiet: options.quiet,
        trust: options.trust,
        skip_answered: options.skip_answered,
        skip_tasks: options.skip_tasks,
        ..RunFacts::default()
    };
    let mut worker = Worker::new(template, facts, operation);
    worker.answers.init = data;
    worker.settings_defaults = user_settings.defaults;
    Ok(worker)
}

/// Warns about each `--data` (or data file) name that is no question of the
/// template. Copier accepts such names silently and passes them to the
/// templates as variables, which kwz-new does too, but a misspelt question
/// name would otherwise go unnoticed.
fn warn_unknown_data(template: &Template, data: &IndexMap<String, Value>, options: &CopyOptions) {
    let from_flags: Vec<&str> = options
        .data
        .iter()
        .filter_map(|item| item.split_once('=').map(|(name, _)| name))
        .collect();
    for name in data.keys().filter(|name| !template.is_question(name)) {
        let origin = if from_flags.contains(&name.as_str()) {
            format!("`--data {name}`")
        } else {
            format!("`{name}` in the data file")
        };
        eprintln!(
            "warning: {origin} answers no question of the template; templates can still read it as a variable"
        );
    }
}

/// Prints `_message_before_copy` and resolves every question.
pub fn ask_with_message(worker: &mut Worker, options: &CopyOptions) -> Result<()> {
    let before = worker.template.config.settings.message_before_copy.clone();
    print_message(worker, &before, options.quiet)?;
    ask(worker, options)
}

/// Resolves every question and the answers file path.
pub fn ask(worker: &mut Worker, options: &CopyOptions) -> Result<()> {
    let ask_options = AskOptions {
        defaults: options.defaults,
        skip_answered: options.skip_answered,
        ask: options.ask.clone(),
        settings_defaults: worker.settings_defaults.clone(),
    };
    let mut terminal = TerminalPrompter::default();
    let prompter: &mut dyn Prompter = if stdin_is_terminal() {
        &mut terminal
    } else {
        &mut NoTerminal
    };
    worker.ask(&ask_options, prompter)?;
    worker.facts.answers_file = worker.answers_relpath(options.answers_file.as_deref())?;
    Ok(())
}

/// Renders the plan, writes it, runs tasks and prints the closing message.
pub fn render_and_write(worker: &Worker, options: &CopyOptions) -> Result<()> {
    let plan = build_plan(worker)?;
    let destination = worker.destination().clone();
    let existed = destination.exists();
    if !options.quiet {
        report_version(worker);
    }

    // From here on, Ctrl-C and friends undo the run instead of ending it
    // half-way.
    let _guard = interrupt::Guard::install();
    let mut journal = Journal::default();
    write_plan(worker, &plan, &destination, existed, options, &mut journal)?;
    if !options.quiet {
        println!();
    }

    // The closing message is rendered before the changes are kept, so that
    // a message that fails to render undoes the run like a failing task.
    let after = run_tasks(worker, &destination, options).and_then(|()| {
        let message = &worker.template.config.settings.message_after_copy;
        render_message(worker, message, options.quiet)
    });
    let after = match after {
        Ok(after) => after,
        Err(error) => {
            undo(&destination, existed, options, journal);
            return Err(error);
        }
    };
    journal.commit();

    if let Some(rendered) = after {
        show_message(&rendered)?;
    }
    if !options.quiet {
        println!();
    }
    Ok(())
}

/// Prints the template version being copied, as Copier does.
fn report_version(worker: &Worker) {
    let version = worker
        .template
        .tree
        .revision
        .as_ref()
        .and_then(|revision| revision.version.clone());
    eprintln!(
        "\nCopying from template version {}",
        version.as_deref().unwrap_or("None")
    );
}

/// Runs `_tasks` in the destination, unless `--skip-tasks`.
fn run_tasks(worker: &Worker, destination: &Path, options: &CopyOptions) -> Result<()> {
    if options.skip_tasks {
        return Ok(());
    }
    let extra = [
        ("_stage", Value::from("task")),
        ("_copier_operation", Value::from(worker.operation.name())),
    ];
    let task_options = TaskOptions {
        quiet: options.quiet,
        pretend: options.pretend,
    };
    tasks::run(
        worker,
        &worker.template.config.settings.tasks,
        &extra,
        Phase::Tasks,
        destination,
        &task_options,
    )
}

/// Puts the destination back after a failure: removes it when this run
/// created it (unless `--no-cleanup`), else restores the files it changed.
fn undo(destination: &Path, existed: bool, options: &CopyOptions, journal: Journal) {
    if existed {
        journal.rollback();
    } else if options.cleanup_on_error
        && !options.pretend
        && let Err(error) = std::fs::remove_dir_all(destination)
    {
        tracing::warn!(
            "failed to remove `{}` after the error: {error}",
            destination.display()
        );
    }
}

/// Renders every path and file of the template.
pub fn build_plan(worker: &Worker) -> Result<Plan> {
    build_plan_excluding(worker, None)
}

/// As `build_plan`, with `also_exclude` added after the template's own
/// exclusion list. Update renders the old version excluding the new
/// version's list too, as Copier does, so that newly excluded paths do not
/// look deleted.
pub fn build_plan_excluding(worker: &Worker, also_exclude: Option<&[String]>) -> Result<Plan> {
    let template = &worker.template;
    let settings = &template.config.settings;
    let context = worker.context(Phase::Render)?;
    let subdirectory = template
        .renderer
        .render_str(&settings.subdirectory, &context)
        .context("failed to render `_subdirectory`")?;
    let copy_root = copy_root(&template.tree, &subdirectory)?;
    let exclude = exclude_matcher(worker, also_exclude)?;
    let delimiters = delimiters(&settings.envops);
    let input = PlanInput {
        tree: &template.tree,
        settings,
        renderer: &template.renderer,
        context: &context,
        copy_root,
        answers_relpath: &worker.facts.answers_file,
        exclude: &exclude,
        delimiters,
    };
    let mut plan = plan::build(&input)?;
    // The answers file goes last, so an interrupted run never records answers
    // for files it did not write.
    let answers_file = worker.facts.answers_file.clone();
    plan.entries
        .sort_by_key(|entry| entry.destination == answers_file);
    Ok(plan)
}

/// Resolves `_subdirectory` to a folder of the template, relative to the
/// template root, following symlinks inside the template as Copier does.
/// Returns an empty path for the template root.
fn copy_root(tree: &TemplateTree, subdirectory: &str) -> Result<String> {
    let outside = || {
        format!(
            "`_subdirectory` renders to `{}`, outside the template",
            plan::escape_control(subdirectory)
        )
    };
    let normalized = plan::normalize_relative(subdirectory).with_context(outside)?;
    if normalized.is_empty() {
        return Ok(normalized);
    }
    let resolved = tree.resolve(&normalized).with_context(outside)?;
    match resolved.as_deref().and_then(|path| tree.get(path)) {
        Some(entry) if matches!(entry.kind, source::EntryKind::Dir) => Ok(entry.path.clone()),
        Some(_) => bail!("`_subdirectory` is `{normalized}`, which is not a folder"),
        None => bail!("`_subdirectory` is `{normalized}`, but the template has no such folder"),
    }
}

/// Jinja's start delimiters from `_envops`: a path component that contains
/// none of them renders to itself.
fn delimiters(envops: &Value) -> Vec<String> {
    let mut found = Vec::new();
    for (key, fallback) in [
        ("block_start_string", "{%"),
        ("variable_start_string", "{{"),
        ("comment_start_string", "{#"),
    ] {
        let text = envops.get(key).and_then(Value::as_str).unwrap_or(fallback);
        found.push(text.to_string());
    }
    for key in ["line_statement_prefix", "line_comment_prefix"] {
        if let Some(prefix) = envops.get(key).and_then(Value::as_str) {
            found.push(prefix.to_string());
        }
    }
    found
}

/// The exclusion list: the template's (or the default) plus `-x`, each
/// rendered with `_copier_operation` and split into lines.
fn exclude_matcher(worker: &Worker, also_exclude: Option<&[String]>) -> Result<PathMatcher> {
    let mut patterns = worker.template.config.settings.base_exclude();
    patterns.extend(also_exclude.unwrap_or_default().iter().cloned());
    patterns.extend(worker.facts.exclude.iter().cloned());
    let extra = [("_copier_operation", Value::from(worker.operation.name()))];
    let mut lines = Vec::new();
    for pattern in &patterns {
        let rendered = worker
            .render_string(pattern, Phase::Render, &extra)
            .with_context(|| format!("failed to render exclude pattern `{pattern}`"))?;
        lines.extend(rendered.split(['\n', '\r']).map(str::to_string));
    }
    Ok(PathMatcher::new(lines)?)
}

/// The skip-if-exists list: `-s` first, then the template's, rendered.
pub fn skip_matcher(worker: &Worker) -> Result<PathMatcher> {
    let mut patterns = worker.facts.skip_if_exists.clone();
    patterns.extend(
        worker
            .template
            .config
            .settings
            .skip_if_exists
            .iter()
            .cloned(),
    );
    let rendered = patterns
        .iter()
        .map(|pattern| {
            worker
                .render_string(pattern, Phase::Render, &[])
                .with_context(|| format!("failed to render skip pattern `{pattern}`"))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(PathMatcher::new(rendered)?)
}

fn write_plan(
    worker: &Worker,
    plan: &Plan,
    destination: &Path,
    existed: bool,
    options: &CopyOptions,
    journal: &mut Journal,
) -> Result<()> {
    let skip = skip_matcher(worker)?;
    let apply_options = ApplyOptions {
        pretend: options.pretend,
        overwrite: options.overwrite,
        skip_if_exists: &skip,
        answers_relpath: &worker.facts.answers_file,
    };
    let mut report = |verb: apply::Verb, path: &str| {
        if !options.quiet {
            eprintln!("{}", verb.line(path));
        }
    };
    let mut terminal = TerminalConfirm;
    let confirm: &mut dyn ConfirmOverwrite = if stdin_is_terminal() {
        &mut terminal
    } else {
        &mut NoConfirm
    };
    if existed || options.pretend {
        if options.pretend && !existed {
            return apply_pretend_new(plan, &apply_options, &mut report);
        }
        let result = apply::apply(
            plan,
            destination,
            &apply_options,
            confirm,
            &mut report,
            journal,
        );
        if result.is_err() {
            std::mem::take(journal).rollback();
        }
        return result;
    }
    write_new_destination(plan, destination, &apply_options, confirm, &mut report)
}

/// `--pretend` into a destination that does not exist: every file is new.
fn apply_pretend_new(
    plan: &Plan,
    options: &ApplyOptions<'_>,
    report: &mut dyn FnMut(apply::Verb, &str),
) -> Result<()> {
    let _ = options;
    for entry in &plan.entries {
        if !matches!(entry.kind, plan::PlannedKind::Dir) {
            report(apply::Verb::Create, &entry.destination);
        }
    }
    Ok(())
}

/// Writes into a temporary sibling folder and renames it into place, so a
/// failure or an interruption never leaves a half-written destination.
fn write_new_destination(
    plan: &Plan,
    destination: &Path,
    options: &ApplyOptions<'_>,
    confirm: &mut dyn ConfirmOverwrite,
    report: &mut dyn FnMut(apply::Verb, &str),
) -> Result<()> {
    let parent = destination
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("failed to create folder `{}`", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".kwz-new-staging-")
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "failed to create a staging folder in `{}`",
                parent.display()
            )
        })?;
    crate::staging::write_plan(plan, staging.path(), options, confirm, report)?;
    interrupt::check()?;
    tracing::debug!("wrote the staging folder; moving them into place");
    let staged = staging.keep();
    if let Err(error) = std::fs::rename(&staged, destination) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(error).with_context(|| {
            format!(
                "failed to move the rendered files to `{}`",
                destination.display()
            )
        });
    }
    Ok(())
}

/// Parses `--data NAME=VALUE` items and merges `--data-file` under them.
pub fn parse_data(items: &[String], data_file: Option<&Path>) -> Result<IndexMap<String, Value>> {
    let mut data = IndexMap::new();
    for item in items {
        let Some((name, value)) = item.split_once('=') else {
            bail!("invalid `--data {item}`: expected NAME=VALUE");
        };
        data.insert(name.to_string(), Value::from(value));
    }
    if let Some(path) = data_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read data file `{}`", path.display()))?;
        let loaded = crate::yaml::load(&text)
            .map_err(|error| anyhow::anyhow!("invalid data file `{}`: {error}", path.display()))?;
        match loaded {
            Value::Map(map) => {
                for (key, value) in map {
                    let key = crate::jinja::python_str(&key);
                    data.entry(key).or_insert(value);
                }
            }
            other => bail!(
                "invalid data file `{}`: expected a mapping, found a {}",
                path.display(),
                other.type_name()
            ),
        }
    }
    Ok(data)
}

/// Prints a template message (rendered) on stderr, as Copier does when the
/// raw setting is non-empty.
pub fn print_message(worker: &Worker, message: &str, quiet: bool) -> Result<()> {
    match render_message(worker, message, quiet)? {
        Some(rendered) => show_message(&rendered),
        None => Ok(()),
    }
}

/// Renders a template message; `None` when it is empty or `quiet` is set.
pub fn render_message(worker: &Worker, message: &str, quiet: bool) -> Result<Option<String>> {
    if message.is_empty() || quiet {
        return Ok(None);
    }
    let rendered = worker
        .render_string(message, Phase::Undefined, &[])
        .context("failed to render a template message")?;
    Ok(Some(rendered))
}

/// Prints a rendered template message on stderr.
pub fn show_message(rendered: &str) -> Result<()> {
    let mut stderr = std::io::stderr().lock();
    writeln!(stderr, "{rendered}")?;
    Ok(())
}

fn report_git_setup(setup: GitSetup, quiet: bool) {
    match setup {
        GitSetup::Created => {
            if !quiet {
                eprintln!(
                    "Initialised git: `main` holds the first commit; `develop` is checked out."
                );
            }
        }
        GitSetup::AlreadyInRepository(root) => {
            eprintln!(
                "note: the destination is inside the git repository `{}`; skipped `git init` and the first commit",
                root.display()
            );
        }
    }
}

/// The destination as an absolute path, `..` applied, symlinks kept.
pub fn absolute(path: &Path) -> Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .context("failed to read the current folder")?
            .join(path)
    };
    Ok(normalize_lexically(&joined))
}
