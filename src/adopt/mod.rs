//! `kwz-new adopt SRC`: imports a legacy app into an extensions repo as
//! `apps/<name>` (or `services/`, `tools/`) and commits it on its own
//! branch.
//!
//! The run has three phases, so a failure leaves the repo and the source
//! folder as they were:
//! 1. `checks` reads the repo and the source and decides the name, type,
//!    target, branch, renames and legacy manifest. Most refusals happen
//!    here. `legacy` then chooses `version` and `description`, prompting
//!    for missing ones on a terminal.
//! 2. The import is built in a staging folder inside the repository's git
//!    directory, where the work tree does not see it. `copy` copies the
//!    source, `rename` fixes the compose file names, `manifest` writes
//!    `kamiwaza.json`, `images` adds the `image:` lines and `auth` wires in
//!    the shared wheel. Then `sync-compose` and `validate` run on the staged
//!    folder, as they do on any extension. An unreadable source file or a
//!    failed wheel build stops the run here, and the staging folder is
//!    deleted.
//! 3. `git` creates the branch, moves the staged folder into place and
//!    commits it, undoing its own steps if one fails. The commit is made
//!    even when `validate` reports problems; `summary` lists them with a fix
//!    for each.
//!
//! The source folder is only ever read.

pub mod auth;
pub mod checks;
pub mod copy;
pub mod git;
pub mod images;
pub mod legacy;
pub mod manifest;
pub mod rename;
pub mod summary;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::extensions::compose::own_image;
use crate::extensions::sync_compose::{SyncStatus, sync_extension};
use crate::extensions::validate::validate_extension;
use crate::extensions::{Extension, ExtensionKind, Problem};
use checks::Checked;
use copy::{CopyPaths, CopyReport};
use git::BranchPlan;
use legacy::{Ask, ChosenValues, FieldNote, GivenValues, TerminalAsk};
use manifest::ManifestInput;
use rename::Rename;

/// Options of `kwz-new adopt`, as plain values.
#[derive(Debug, Clone, Default)]
pub struct AdoptOptions {
    /// The folder to import, relative to the folder the command runs in.
    pub source: PathBuf,
    pub name: Option<String>,
    pub kind: Option<ExtensionKind>,
    pub version: Option<String>,
    pub description: Option<String>,
    pub retrofit_auth: bool,
    pub no_branch: bool,
    pub force: bool,
    /// Never prompt, even on a terminal.
    pub defaults: bool,
}

/// A file the import created or edited, relative to the extension folder,
/// with what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub detail: String,
}

impl Change {
    fn new(path: impl Into<String>, detail: impl Into<String>) -> Self {
        Change {
            path: path.into(),
            detail: detail.into(),
        }
    }
}

/// The record of one import, for the summary.
#[derive(Debug)]
pub struct AdoptReport {
    pub source_display: String,
    /// The extension at its place in the work tree.
    pub extension: Extension,
    pub name_origin: String,
    pub kind_origin: String,
    /// Whether an existing folder was replaced (`--force`).
    pub replaced: bool,
    pub copy: CopyReport,
    pub renamed: Vec<Rename>,
    pub created: Vec<Change>,
    pub edited: Vec<Change>,
    /// The legacy metadata file `kamiwaza.json` took values from.
    pub manifest_source: Option<String>,
    pub manifest_notes: Vec<FieldNote>,
    /// Steps the owner still has to take by hand.
    pub manual: Vec<String>,
    /// The findings `validate` still reports.
    pub problems: Vec<Problem>,
    pub branch: Option<BranchPlan>,
    pub commit: git2::Oid,
    pub message: String,
}

/// Runs `kwz-new adopt` from `current_dir` and prints the summary. Prompts
/// appear only when standard input is a terminal and `--defaults` is off.
pub fn run(options: &AdoptOptions, current_dir: &Path) -> Result<()> {
    let mut terminal = TerminalAsk::default();
    let ask: Option<&mut dyn Ask> = if !options.defaults && crate::prompt::stdin_is_terminal() {
        Some(&mut terminal)
    } else {
        None
    };
    let report = adopt(options, current_dir, ask)?;
    print!("{}", summary::render(&report));
    Ok(())
}

/// Imports `options.source` into the repo around `current_dir`; `ask`
/// answers the prompts for missing values (`None` takes the defaults).
pub fn adopt(
    options: &AdoptOptions,
    current_dir: &Path,
    ask: Option<&mut dyn Ask>,
) -> Result<AdoptReport> {
    let checked = checks::run(options, current_dir)?;
    let title = crate::extensions::skeleton::SkeletonValues::new(&checked.extension.name, "").title;
    let given = GivenValues {
        version: options.version.as_deref(),
        description: options.description.as_deref(),
        default_description: format!("{title}, imported from {}", checked.source_name),
    };
    let values = legacy::choose_values(&given, checked.legacy.as_ref(), ask)?;

    // The staging folder lies in the git directory, on the work tree's file
    // system, so the finished copy moves into place with one rename.
    let staging = tempfile::Builder::new()
        .prefix("kwz-new-adopt-")
        .tempdir_in(checked.repository.path())
        .context("failed to create a staging folder in the git directory")?;
    let staged = Extension {
        dir: staging.path().join(&checked.extension.name),
        ..checked.extension.clone()
    };
    let built = build_import(&checked, &values, &staged, staging.path())?;

    let message = format!(
        "Import {} from {}",
        checked.extension.name, checked.source_name
    );
    let import = git::Import {
        branch: checked.branch.as_ref(),
        staged: &staged.dir,
        target: &checked.extension.dir,
        set_aside: &staging.path().join("replaced"),
        replace: checked.replaces,
        message: &message,
    };
    let commit = git::commit_import(&checked.repository, &import)?;

    Ok(AdoptReport {
        source_display: checked.source_display,
        extension: checked.extension,
        name_origin: checked.name_origin,
        kind_origin: checked.kind_origin,
        replaced: checked.replaces,
        copy: built.copy,
        renamed: built.renamed,
        created: built.created,
        edited: built.edited,
        manifest_source: checked.legacy.map(|legacy| legacy.display),
        manifest_notes: built.manifest_notes,
        manual: built.manual,
        problems: built.problems,
        branch: checked.branch,
        commit,
        message,
    })
}

/// The staged import and what building it did.
struct Built {
    copy: CopyReport,
    renamed: Vec<Rename>,
    created: Vec<Change>,
    edited: Vec<Change>,
    manifest_notes: Vec<FieldNote>,
    manual: Vec<String>,
    problems: Vec<Problem>,
}

/// Builds the import in `staged.dir`; `scratch` is a folder for the wheel
/// build.
fn build_import(
    checked: &Checked,
    values: &ChosenValues,
    staged: &Extension,
    scratch: &Path,
) -> Result<Built> {
    let copy = copy::copy_source(&CopyPaths {
        source: &checked.source,
        staged: &staged.dir,
        target: &checked.extension.dir,
        workdir: &checked.workdir,
    })?;
    let renamed = rename::apply(&checked.renames, &staged.dir)?;
    let mut built = Built {
        copy,
        renamed,
        created: Vec::new(),
        edited: Vec::new(),
        manifest_notes: Vec::new(),
        manual: Vec::new(),
        problems: Vec::new(),
    };

    write_manifest(checked, values, staged, &mut built)?;
    add_images(checked, values, staged, &mut built)?;
    if let Some((backend, wheel)) = &checked.auth {
        let (wheel, origin) = auth::prepare_wheel(wheel, scratch, &checked.workdir)?;
        let report = auth::retrofit(&staged.dir, &checked.extension.relative(), backend, &wheel)?;
        built.created.push(Change::new(
            &report.wheel,
            format!("the shared wheel, {origin}"),
        ));
        for path in &report.edited {
            let detail = match path.ends_with("Dockerfile") {
                true => "`COPY` of the wheel before `pip install`",
                false => "the wheel as the first requirement",
            };
            built.edited.push(Change::new(path, detail));
        }
        built.manual.extend(report.manual);
    }
    sync_and_validate(checked, staged, &mut built);
    Ok(built)
}

fn write_manifest(
    checked: &Checked,
    values: &ChosenValues,
    staged: &Extension,
    built: &mut Built,
) -> Result<()> {
    let has_compose = ["docker-compose.yml", "docker-compose.appgarden.yml"]
        .iter()
        .any(|name| staged.dir.join(name).is_file());
    let input = ManifestInput {
        extension: staged,
        docker_org: &checked.repo.docker_org,
        values,
        legacy: checked.legacy.as_ref(),
        has_compose,
    };
    let (fields, notes) = manifest::build_manifest(&input);
    let existed = staged.dir.join("kamiwaza.json").is_file();
    manifest::write_manifest(&staged.dir, &fields)
        .context("failed to write `kamiwaza.json` in the copy")?;
    built.manifest_notes = notes;
    let change = match (&checked.legacy, existed) {
        (Some(legacy), true) => Change::new(
            "kamiwaza.json",
            format!("rewritten from the legacy `{}`", legacy.display),
        ),
        (Some(legacy), false) => Change::new(
            "kamiwaza.json",
            format!("from `{}` and defaults", legacy.display),
        ),
        (None, _) => Change::new("kamiwaza.json", "from defaults"),
    };
    match existed {
        true => built.edited.push(change),
        false => built.created.push(change),
    }
    Ok(())
}

/// Adds `image:` to the services of `docker-compose.yml` that build without
/// one. A file that cannot be edited safely is left as it is, with a step
/// for the owner; `validate` names what is missing.
fn add_images(
    checked: &Checked,
    values: &ChosenValues,
    staged: &Extension,
    built: &mut Built,
) -> Result<()> {
    let path = staged.dir.join(rename::LOCAL);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let display = staged.display_path(rename::LOCAL);
    let image_for = |service: &str| {
        own_image(
            &checked.repo.docker_org,
            &staged.name,
            service,
            &values.version,
        )
    };
    let edit = match images::add_images(&text, &display, &image_for) {
        Ok(edit) => edit,
        Err(problem) => {
            built.manual.push(format!(
                "add the `image:` lines to `{display}` by hand: {problem}"
            ));
            return Ok(());
        }
    };
    for (service, reason) in &edit.skipped {
        built.manual.push(format!(
            "add `image: {}` to the service `{service}` of `{display}` by hand: {reason}",
            image_for(service)
        ));
    }
    if edit.added.is_empty() {
        return Ok(());
    }
    std::fs::write(&path, &edit.text)
        .with_context(|| format!("failed to write `{display}` in the copy"))?;
    let added = edit
        .added
        .iter()
        .map(|(service, image)| format!("`{image}` for `{service}`"))
        .collect::<Vec<_>>()
        .join(", ");
    built
        .edited
        .push(Change::new(rename::LOCAL, format!("added image {added}")));
    Ok(())
}

/// Runs `sync-compose` and `validate` on the staged folder, as for any
/// extension, and records what they wrote and found.
fn sync_and_validate(checked: &Checked, staged: &Extension, built: &mut Built) {
    let existed = staged.dir.join(rename::APPGARDEN).is_file();
    match sync_extension(&checked.repo, staged, false) {
        Ok(outcome) if outcome.status == SyncStatus::Written => {
            let name = outcome
                .target
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string();
            let change = Change::new(name, "written by `sync-compose` from `docker-compose.yml`");
            match existed {
                true => built.edited.push(change),
                false => built.created.push(change),
            }
        }
        Ok(_) => {}
        Err(problem) => built.problems.push(problem),
    }
    for problem in validate_extension(&checked.repo, staged) {
        if !built.problems.contains(&problem) {
            built.problems.push(problem);
        }
    }
}
