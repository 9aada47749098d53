//! `kwz-new update`: carry a project to a newer template version without
//! losing the owner's changes.
//!
//! The checks and results are Copier 9.19.1's (`copier update`): the project
//! must be a clean git work tree with an answers file that records
//! `_src_path` and `_commit`, and downgrades are refused. The old version is
//! rendered with the recorded answers, the new version with the final
//! answers, and `update::reconcile` decides each file from the old render,
//! the project and the new render. Unlike Copier, everything is computed in
//! memory before the first write, and a failure puts the project back as it
//! was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use git2::{Repository, StatusOptions};
use pep440_rs::Version;

use crate::apply::{Journal, check_inside, check_writable};
use crate::commands::copy::{
    self, CopyOptions, absolute, build_plan_excluding, print_message, render_message, show_message,
    skip_matcher,
};
use crate::context::Phase;
use crate::engine::{Operation, Template, Worker, read_last_answers, reject_unsafe};
use crate::interrupt;
use crate::journal::Staged;
use crate::plan::{Plan, PlannedKind};
use crate::source::{self, TemplateTree, embedded};
use crate::tasks::{self, TaskOptions};
use crate::update::migrations::{self, MigrationRange, MigrationTask};
use crate::update::reconcile::{Change, Node, ReconcileOptions, reconcile};
use crate::update::{ConflictMode, merge};
use crate::user_settings;
use crate::value::Value;

/// Options of one update, resolved from the command line.
#[derive(Clone, Debug)]
pub struct UpdateOptions {
    pub destination: PathBuf,
    pub copy: CopyOptions,
    pub conflict: ConflictMode,
    pub context_lines: u32,
}

/// The project being updated: where it is in its repository.
struct Project {
    root: PathBuf,
    repository: Repository,
    /// Project folder relative to the work tree root, `/`-separated.
    prefix: String,
}

/// Runs `update`; projects made from the built-in template are updated from
/// the template versions built into this binary.
pub fn update(options: &UpdateOptions) -> Result<()> {
    update_with(options, &embedded::BuiltIn)
}

/// Runs `update`, taking versions of the built-in template from `catalog`.
pub fn update_with(options: &UpdateOptions, catalog: &dyn embedded::Catalog) -> Result<()> {
    let root = absolute(&options.destination)?;
    let answers_file = options
        .copy
        .answers_file
        .clone()
        .unwrap_or_else(|| ".copier-answers.yml".into());
    let last = read_last_answers(&root, &answers_file)?;
    let (src_path, old_commit) = recorded_template(&last, &answers_file)?;
    let project = open_project(&root)?;
    check_clean(&project)?;

    let old_tree = load_template(
        catalog,
        &src_path,
        Some(&old_commit),
        options.copy.prereleases,
        true,
    )?;
    let new_ref = match options.copy.vcs_ref.as_deref() {
        Some(":current:") => Some(old_commit.clone()),
        other => other.map(str::to_string),
    };
    let new_tree = load_template(
        catalog,
        &src_path,
        new_ref.as_deref(),
        options.copy.prereleases,
        options.copy.quiet,
    )?;
    let (old_version, new_version) = versions(&old_tree, &new_tree)?;
    let old_template = Template::load(old_tree)?;
    let new_template = Template::load(new_tree)?;
    let new_describe = describe(&new_template.tree);
    let variable_start = variable_delimiter(&new_template, "variable_start_string", "{{");
    let variable_end = variable_delimiter(&new_template, "variable_end_string", "}}");
    let range = MigrationRange {
        from_describe: &old_commit,
        to_describe: &new_describe,
        from: &old_version,
        to: &new_version,
        variable_start: &variable_start,
        variable_end: &variable_end,
    };
    let migrations = new_template.config.settings.migrations()?;
    let before = migrations::tasks_for("before", &migrations, &range)?;
    let after = migrations::tasks_for("after", &migrations, &range)?;
    check_trust(
        &old_template,
        &new_template,
        !before.is_empty() || !after.is_empty(),
        &options.copy,
    )?;

    let new_base_exclude = new_template.config.settings.base_exclude();
    let old_plan = render_old(old_template, &root, &last, &new_base_exclude, options)?;
    let old = OldRender {
        files: nodes(&old_plan),
        folders: folders(&old_plan),
    };
    let mut worker = copy::prepare_loaded(
        new_template,
        &root,
        &update_copy_options(options),
        Operation::Update,
    )?;
    show_update_options(&mut worker, options);
    let message = worker
        .template
        .config
        .settings
        .message_before_update
        .clone();
    print_message(&worker, &message, options.copy.quiet)?;
    if !options.copy.quiet {
        let word = if old_version == new_version {
            "Keeping"
        } else {
            "Updating to"
        };
        eprintln!("{word} template version {new_version}");
    }

    let restore = Restore::capture(&project)?;
    // From here on, Ctrl-C and friends put the project back instead of
    // ending the run half-way.
    let _guard = interrupt::Guard::install();
    let result = apply_update(
        &mut worker,
        &project,
        &old,
        &answers_file,
        &before,
        &after,
        options,
    )
    .and_then(|()| {
        // Rendered before the update is kept: a message that fails to
        // render puts the project back like any other failure.
        let message = &worker.template.config.settings.message_after_update;
        render_message(&worker, message, options.copy.quiet)
    });
    match result {
        Ok(Some(rendered)) => show_message(&rendered),
        Ok(None) => Ok(()),
        Err(error) => {
            restore.restore(&project);
            Err(error)
        }
    }
}

/// The steps that change the project; on error the caller restores it.
fn apply_update(
    worker: &mut Worker,
    project: &Project,
    old: &OldRender,
    answers_file: &str,
    before: &[MigrationTask],
    after: &[MigrationTask],
    options: &UpdateOptions,
) -> Result<()> {
    let task_options = TaskOptions {
        quiet: options.copy.quiet,
        pretend: options.copy.pretend,
    };
    tasks::run_each(worker, before, Phase::Migrate, &project.root, &task_options)?;
    worker.answers.last = if options.copy.skip_answered {
        worker.answers.last.clone()
    } else {
        read_last_answers(&project.root, answers_file)?
    };
    if options.copy.skip_answered && worker.answers.last.is_empty() {
        worker.answers.last = read_last_answers(&project.root, answers_file)?;
    }
    copy::ask(worker, &update_copy_options(options))?;
    let plan = build_plan_excluding(worker, None)?;
    let new = nodes(&plan);

    let skip = skip_matcher(worker)?;
    let reconcile_options = ReconcileOptions {
        skip_if_exists: &skip,
        answers_file: &worker.facts.answers_file,
        context_lines: options.context_lines,
        conflict: options.conflict,
        repository_prefix: &project.prefix,
    };
    let mut changes = reconcile(
        &old.files,
        &new,
        &|path| read_node(&project.root.join(path)),
        &reconcile_options,
    )?;
    let answers_path = worker.facts.answers_file.clone();
    changes.sort_by_key(
        |change| matches!(change, Change::Write { path, .. } if *path == answers_path),
    );
    if options.copy.pretend {
        return Ok(());
    }
    write_changes(project, &changes, &template_paths(&plan))?;
    remove_empty_folders(&project.root, &old.folders);
    if !options.copy.quiet {
        report_conflicts(&changes);
    }
    if !options.copy.skip_tasks {
        let extra = [
            ("_stage", Value::from("task")),
            ("_copier_operation", Value::from("update")),
        ];
        tasks::run(
            worker,
            &worker.template.config.settings.tasks,
            &extra,
            Phase::Tasks,
            &project.root,
            &task_options,
        )?;
    }
    tasks::run_each(worker, after, Phase::Migrate, &project.root, &task_options)
}

/// Copy options for the renders of an update: overwrite on, as Copier
/// forces it.
fn update_copy_options(options: &UpdateOptions) -> CopyOptions {
    CopyOptions {
        overwrite: true,
        ..options.copy.clone()
    }
}

/// Puts `--conflict` and `--context-lines` in `_copier_conf`, where Copier
/// shows them to every render of an update.
fn show_update_options(worker: &mut Worker, options: &UpdateOptions) {
    let conflict = match options.conflict {
        ConflictMode::Inline => "inline",
        ConflictMode::Rej => "rej",
    };
    worker.facts.conflict = Some(conflict.to_string());
    worker.facts.context_lines = Some(options.context_lines);
}

/// Reads `_src_path` and `_commit` from the recorded answers.
fn recorded_template(
    last: &indexmap::IndexMap<String, Value>,
    answers_file: &str,
) -> Result<(String, String)> {
    let src_path = last.get("_src_path").and_then(Value::as_str);
    let commit = last.get("_commit").map(crate::jinja::python_str);
    match (src_path, commit) {
        (Some(src_path), Some(commit)) => Ok((src_path.to_string(), commit)),
        _ if last.is_empty() => bail!(
            "answers file `{answers_file}` not found or empty\nhint: update needs the answers file that the copy wrote; pass `-a PATH` if it has another name"
        ),
        _ => bail!(
            "cannot update: `{answers_file}` does not record the template's `_src_path` and `_commit`"
        ),
    }
}

fn open_project(root: &Path) -> Result<Project> {
    let repository = Repository::discover(root)
        .ok()
        .filter(|repository| repository.workdir().is_some())
        .with_context(|| {
            format!(
                "cannot update `{}`: updating needs a project tracked by git",
                root.display()
            )
        })?;
    let workdir = repository
        .workdir()
        .expect("checked above")
        .canonicalize()?;
    let canonical = root
        .canonicalize()
        .with_context(|| format!("project folder `{}` not found", root.display()))?;
    let prefix = canonical
        .strip_prefix(&workdir)
        .unwrap_or(Path::new(""))
        .to_string_lossy()
        .into_owned();
    Ok(Project {
        root: canonical,
        repository,
        prefix,
    })
}

/// Refuses a project with uncommitted or untracked changes below it.
fn check_clean(project: &Project) -> Result<()> {
    let mut status_options = StatusOptions::new();
    status_options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    if !project.prefix.is_empty() {
        status_options.pathspec(&project.prefix);
    }
    let statuses = project.repository.statuses(Some(&mut status_options))?;
    if let Some(entry) = statuses.iter().next() {
        bail!(
            "the project has uncommitted changes (`{}` and maybe more); commit or stash them, then update again",
            entry.path().unwrap_or("?")
        );
    }
    Ok(())
}

/// Loads a template version: the built-in catalog for projects made from
/// the built-in template, git otherwise.
fn load_template(
    catalog: &dyn embedded::Catalog,
    src_path: &str,
    vcs_ref: Option<&str>,
    prereleases: bool,
    quiet: bool,
) -> Result<TemplateTree> {
    if src_path == embedded::SRC_PATH {
        return embedded::release_from(catalog, vcs_ref);
    }
    if let source::git::SourceKind::Folder(path) = source::git::classify(src_path)
        && !path.exists()
    {
        bail!(
            "cannot update: template `{src_path}` not found\nhint: a relative `_src_path` is resolved from the current folder, so run the update from where the project was copied"
        );
    }
    let tree = source::open(src_path, vcs_ref, prereleases, quiet)?;
    if tree.revision.is_none() {
        bail!(
            "cannot update: template `{src_path}` is not a git repository, so it has no versions\nhint: updates need a template tracked by git with version tags"
        );
    }
    Ok(tree)
}

fn versions(old: &TemplateTree, new: &TemplateTree) -> Result<(Version, Version)> {
    let version_of = |tree: &TemplateTree| {
        tree.revision
            .as_ref()
            .and_then(|revision| revision.version.as_deref())
            .and_then(|text| text.parse::<Version>().ok())
    };
    let old_version = version_of(old)
        .context("cannot update: the version of the last update cannot be determined")?;
    let new_version = version_of(new)
        .context("cannot update: the version of the template cannot be determined")?;
    if old_version > new_version {
        bail!(
            "cannot update from {old_version} to the older {new_version}: downgrades are not supported"
        );
    }
    Ok((old_version, new_version))
}

fn describe(tree: &TemplateTree) -> String {
    tree.revision
        .as_ref()
        .map(|revision| revision.describe.clone())
        .unwrap_or_default()
}

fn variable_delimiter(template: &Template, key: &str, fallback: &str) -> String {
    template
        .config
        .settings
        .envops
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or(fallback)
        .to_string()
}

/// Rejects the update when it would run unsafe features without trust: the
/// new template's, the old template's tasks and extensions, and migrations.
fn check_trust(
    old: &Template,
    new: &Template,
    has_migrations: bool,
    options: &CopyOptions,
) -> Result<()> {
    if options.trust || user_settings::is_trusted(&user_settings::load()?.trust, &new.tree.src_path)
    {
        return Ok(());
    }
    let mut features = new.unsafe_features(options.skip_tasks);
    for feature in old.unsafe_features(false) {
        if !features.contains(&feature) {
            features.push(feature);
        }
    }
    if has_migrations {
        features.push("migrations");
    }
    features.sort_unstable();
    reject_unsafe(&features)
}

/// Renders the old version with the recorded answers and the new version's
/// exclusions, in memory.
fn render_old(
    template: Template,
    root: &Path,
    last: &indexmap::IndexMap<String, Value>,
    new_base_exclude: &[String],
    options: &UpdateOptions,
) -> Result<Plan> {
    let old_options = CopyOptions {
        data: Vec::new(),
        data_file: None,
        defaults: true,
        quiet: true,
        trust: true,
        ask: Vec::new(),
        ..options.copy.clone()
    };
    let mut worker = copy::prepare_loaded(template, root, &old_options, Operation::Update)?;
    show_update_options(&mut worker, options);
    worker.answers.init = last.clone();
    copy::ask(&mut worker, &old_options)
        .context("failed to render the project's current template version")?;
    build_plan_excluding(&worker, Some(new_base_exclude))
}

/// The old template version rendered with the recorded answers.
struct OldRender {
    files: BTreeMap<String, Node>,
    /// Folders of the render, deepest first.
    folders: Vec<String>,
}

/// Every folder of a plan, listed or implied by a file's path, deepest
/// first.
fn folders(plan: &Plan) -> Vec<String> {
    let mut found = std::collections::BTreeSet::new();
    for entry in &plan.entries {
        if matches!(entry.kind, PlannedKind::Dir) {
            found.insert(entry.destination.clone());
        }
        let mut path = entry.destination.as_str();
        while let Some((parent, _)) = path.rsplit_once('/') {
            found.insert(parent.to_string());
            path = parent;
        }
    }
    let mut folders: Vec<String> = found.into_iter().collect();
    folders.sort_by_key(|folder| std::cmp::Reverse(folder.matches('/').count()));
    folders
}

/// Removes the folders of the old render that ended up empty in the
/// project, deepest first, as Copier 9.19.1 does after an update. Empty
/// folders only the new version has are kept.
fn remove_empty_folders(root: &Path, folders: &[String]) {
    for folder in folders {
        let path = root.join(folder);
        let is_folder = std::fs::symlink_metadata(&path).is_ok_and(|metadata| metadata.is_dir());
        if is_folder && std::fs::read_dir(&path).is_ok_and(|mut entries| entries.next().is_none()) {
            let _ = std::fs::remove_dir(&path);
        }
    }
}

/// Files and links of a plan by destination path.
fn nodes(plan: &Plan) -> BTreeMap<String, Node> {
    plan.entries
        .iter()
        .filter_map(|entry| {
            let node = match &entry.kind {
                PlannedKind::Dir => return None,
                PlannedKind::File { bytes, mode } => Node::File {
                    bytes: bytes.clone(),
                    mode: *mode,
                },
                PlannedKind::Symlink { target } => Node::Link {
                    target: target.clone(),
                },
            };
            Some((entry.destination.clone(), node))
        })
        .collect()
}

fn read_node(path: &Path) -> Option<Node> {
    use std::os::unix::fs::PermissionsExt as _;
    let metadata = std::fs::symlink_metadata(path).ok()?;
    if metadata.file_type().is_symlink() {
        return Some(Node::Link {
            target: std::fs::read_link(path)
                .ok()?
                .to_string_lossy()
                .into_owned(),
        });
    }
    if !metadata.is_file() {
        return None;
    }
    Some(Node::File {
        bytes: std::fs::read(path).ok()?,
        mode: metadata.permissions().mode() & 0o7777,
    })
}

/// Maps each destination path of a plan to the template path it was
/// rendered from.
fn template_paths(plan: &Plan) -> BTreeMap<String, String> {
    plan.entries
        .iter()
        .map(|entry| (entry.destination.clone(), entry.source.clone()))
        .collect()
}

/// Returns the path and contents that a change writes (a new or merged
/// file, or a `.rej` file), or `None` for a change that writes nothing.
fn written_node(change: &Change) -> Option<(String, Node)> {
    match change {
        Change::Write { path, node } => Some((path.clone(), node.clone())),
        Change::Rejects { path, bytes } => Some((
            format!("{path}.rej"),
            Node::File {
                bytes: bytes.clone(),
                mode: 0o644,
            },
        )),
        _ => None,
    }
}

/// Writes the changes, then registers conflicts in the index. Every path
/// is checked before the first write, every file is staged before the
/// first one is moved into place, and a failure undoes what was done.
fn write_changes(
    project: &Project,
    changes: &[Change],
    sources: &BTreeMap<String, String>,
) -> Result<()> {
    check_changes(&project.root, changes, sources)?;
    let mut journal = Journal::default();
    let result = apply_changes(&project.root, changes, sources, &mut journal)
        .and_then(|()| mark_conflicts(project, changes));
    match result {
        Ok(()) => {
            journal.commit();
            Ok(())
        }
        Err(error) => {
            journal.rollback();
            Err(error)
        }
    }
}

/// Rejects, before anything is written, a change whose path leads outside
/// the project through a symlink, and an overwrite of a read-only file.
fn check_changes(
    root: &Path,
    changes: &[Change],
    sources: &BTreeMap<String, String>,
) -> Result<()> {
    for change in changes {
        let path = match change {
            Change::Delete { path } => path.clone(),
            other => match written_node(other) {
                Some((path, _)) => path,
                None => continue,
            },
        };
        let full = root.join(&path);
        check_inside(root, &full, &path, template_path(sources, &path))?;
        let is_file = std::fs::symlink_metadata(&full).is_ok_and(|metadata| metadata.is_file());
        if is_file && !matches!(change, Change::Delete { .. }) {
            check_writable(&full, &path)?;
        }
    }
    Ok(())
}

/// Looks up the template path that `path`, or the file a `.rej` belongs
/// to, was rendered from. Returns `path` itself when the new version has
/// no such file.
fn template_path<'a>(sources: &'a BTreeMap<String, String>, path: &'a str) -> &'a str {
    let rendered = path.strip_suffix(".rej").unwrap_or(path);
    sources
        .get(path)
        .or_else(|| sources.get(rendered))
        .map_or(path, String::as_str)
}

/// Stages every written file, then applies the changes in order.
fn apply_changes(
    root: &Path,
    changes: &[Change],
    sources: &BTreeMap<String, String>,
    journal: &mut Journal,
) -> Result<()> {
    let mut staged: Vec<Staged> = Vec::new();
    for (path, node) in changes.iter().filter_map(written_node) {
        interrupt::check()?;
        let result = match &node {
            Node::File { bytes, mode } => journal.stage_file(root, bytes, *mode),
            Node::Link { target } => journal.stage_link(root, target),
        };
        staged.push(result.with_context(|| format!("failed to write `{path}`"))?);
    }
    let mut staged = staged.into_iter();
    for change in changes {
        interrupt::check()?;
        if let Some((path, _)) = written_node(change) {
            let full = root.join(&path);
            check_inside(root, &full, &path, template_path(sources, &path))?;
            let next = staged.next().expect("one staged entry per written change");
            journal
                .place(root, next, &full)
                .with_context(|| format!("failed to write `{path}`"))?;
            continue;
        }
        match change {
            Change::Delete { path } => journal.delete(root, path)?,
            Change::BinaryConflict { path } => eprintln!(
                "warning: `{path}` is binary and both you and the template changed it; your version is kept and the file is marked as a conflict"
            ),
            _ => {}
        }
    }
    Ok(())
}

/// Names the files left for the owner to resolve. Copier prints nothing
/// here; the list saves a look through `git status`.
fn report_conflicts(changes: &[Change]) {
    let mut marked = Vec::new();
    let mut rejects = Vec::new();
    for change in changes {
        match change {
            Change::Unmerged { path, .. } | Change::BinaryConflict { path }
                if !marked.contains(&path.as_str()) =>
            {
                marked.push(path.as_str());
            }
            Change::Rejects { path, .. } => rejects.push(path.as_str()),
            _ => {}
        }
    }
    if !marked.is_empty() {
        eprintln!(
            "Conflicts to resolve (unmerged in git): {}",
            marked.join(", ")
        );
    }
    if !rejects.is_empty() {
        let names: Vec<String> = rejects.iter().map(|path| format!("{path}.rej")).collect();
        eprintln!(
            "Changes that did not apply, beside their files: {}",
            names.join(", ")
        );
    }
}

/// Registers the files with conflict markers as unmerged in the index.
fn mark_conflicts(project: &Project, changes: &[Change]) -> Result<()> {
    for change in changes {
        if let Change::Unmerged { path, base, theirs } = change {
            let repository_path = if project.prefix.is_empty() {
                path.clone()
            } else {
                format!("{}/{path}", project.prefix)
            };
            merge::mark_unmerged(
                &project.repository,
                &repository_path,
                base.as_deref(),
                theirs.as_deref(),
            )?;
        }
    }
    Ok(())
}

/// What is needed to put the project back after a failed update: the index
/// file, and the files changed by migrations (restored from `HEAD`).
struct Restore {
    index: Option<Vec<u8>>,
}

impl Restore {
    fn capture(project: &Project) -> Result<Self> {
        let index_path = project.repository.path().join("index");
        Ok(Restore {
            index: std::fs::read(&index_path).ok(),
        })
    }

    /// Restores the index and every tracked file below the project from
    /// `HEAD`, and removes untracked files below it (the project was clean
    /// before the update, so they are the update's).
    fn restore(self, project: &Project) {
        let index_path = project.repository.path().join("index");
        let write_index = || {
            if let Some(index) = &self.index
                && let Err(error) = std::fs::write(&index_path, index)
            {
                tracing::error!("failed to restore the git index: {error}");
            }
        };
        // The checkout needs the old index to tell tracked files from the
        // update's. It also refreshes the file times cached in the index, so
        // the saved bytes are written again afterwards.
        write_index();
        let mut checkout = git2::build::CheckoutBuilder::new();
        checkout.force().remove_untracked(true);
        if !project.prefix.is_empty() {
            checkout.path(&project.prefix);
        }
        if let Err(error) = project.repository.checkout_head(Some(&mut checkout)) {
            tracing::error!("failed to restore the project from HEAD: {error}");
        }
        write_index();
    }
}
