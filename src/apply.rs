//! Writing a plan to disk.
//!
//! Each planned entry is compared with what the destination holds, as
//! Copier 9.19.1 does: a missing path is created, equal bytes with equal
//! executable bits are left alone (`identical`), anything else is a
//! `conflict` that is skipped (`_skip_if_exists`), overwritten (`--overwrite`,
//! or always for the answers file) or confirmed by the user.
//!
//! Every write checks that it stays inside the destination after resolving
//! the symlinks already on disk, and goes through a temporary file renamed
//! into place. A `Journal` records what this run changed so that a failure
//! can put the destination back as it was.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::context::resolve_existing;
use crate::exclude::PathMatcher;
use crate::plan::{Plan, PlannedKind};

/// The status verbs Copier prints, one per entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Create,
    Identical,
    Conflict,
    Overwrite,
    Skip,
}

impl Verb {
    pub fn word(self) -> &'static str {
        match self {
            Verb::Create => "create",
            Verb::Identical => "identical",
            Verb::Conflict => "conflict",
            Verb::Overwrite => "overwrite",
            Verb::Skip => "skip",
        }
    }

    /// Copier's colour codes for the verb (colorama).
    fn style(self) -> &'static str {
        match self {
            Verb::Create | Verb::Skip => "\x1b[32m\x1b[1m",
            Verb::Identical => "\x1b[36m",
            Verb::Conflict => "\x1b[31m\x1b[1m",
            Verb::Overwrite => "\x1b[33m\x1b[1m",
        }
    }

    /// Formats a status line as Copier prints it: the verb right-aligned to
    /// ten columns, coloured unless `NO_COLOR` is set, then the path.
    pub fn line(self, path: &str) -> String {
        let verb = format!("{:>10}", self.word());
        if std::env::var_os("NO_COLOR").is_some() {
            format!("{verb}  {path}")
        } else {
            format!("{}{verb}\x1b[39m\x1b[0m  {path}", self.style())
        }
    }
}

/// Asks whether to overwrite a changed file.
pub trait ConfirmOverwrite {
    fn confirm(&mut self, path: &str) -> Result<bool>;
}

/// Used without a terminal: overwriting needs `--overwrite`.
pub struct NoConfirm;

impl ConfirmOverwrite for NoConfirm {
    fn confirm(&mut self, path: &str) -> Result<bool> {
        bail!(
            "`{path}` exists and differs from the template, and standard input is not a terminal\nhint: pass `--overwrite` to replace changed files, or `--skip {path}` to keep it"
        )
    }
}

/// How to write.
pub struct ApplyOptions<'a> {
    pub pretend: bool,
    pub overwrite: bool,
    pub skip_if_exists: &'a PathMatcher,
    pub answers_relpath: &'a str,
}

/// What this run changed on disk, so that a failure can undo it.
#[derive(Debug, Default)]
pub struct Journal {
    created_dirs: Vec<PathBuf>,
    created_files: Vec<PathBuf>,
    /// Files or links replaced, with a backup of the previous entry.
    replaced: Vec<(PathBuf, PathBuf)>,
    backup_dir: Option<tempfile::TempDir>,
}

impl Journal {
    /// Restores every replaced entry and removes what was created, newest
    /// first. Errors are logged: this runs while another error is handled.
    pub fn rollback(mut self) {
        for (original, backup) in self.replaced.drain(..).rev() {
            let _ = remove_entry(&original);
            if let Some(parent) = original.parent() {
                let _ = fs::create_dir_all(parent);
            }
            if let Err(error) = fs::rename(&backup, &original) {
                tracing::error!("failed to restore `{}`: {error}", original.display());
            }
        }
        for file in self.created_files.drain(..).rev() {
            let _ = remove_entry(&file);
        }
        for dir in self.created_dirs.drain(..).rev() {
            let _ = fs::remove_dir(&dir);
        }
    }

    fn backup(&mut self, path: &Path) -> Result<()> {
        if self.backup_dir.is_none() {
            self.backup_dir = Some(
                tempfile::Builder::new()
                    .prefix("kwz-new-backup-")
                    .tempdir()?,
            );
        }
        let dir = self.backup_dir.as_ref().expect("created above").path();
        let backup = dir.join(self.replaced.len().to_string());
        fs::rename(path, &backup)
            .or_else(|_| copy_entry(path, &backup))
            .with_context(|| format!("failed to back up `{}`", path.display()))?;
        self.replaced.push((path.to_path_buf(), backup));
        Ok(())
    }
}

impl Journal {
    /// Writes a file or link at `relative` below `root`, recording it.
    pub fn write_node(
        &mut self,
        root: &Path,
        relative: &str,
        node: &crate::update::reconcile::Node,
    ) -> Result<()> {
        let path = root.join(relative);
        check_inside(root, &path, relative, relative)?;
        let result = match node {
            crate::update::reconcile::Node::File { bytes, mode } => {
                write_file(&path, bytes, *mode, self)
            }
            crate::update::reconcile::Node::Link { target } => write_link(&path, target, self),
        };
        result.with_context(|| format!("failed to write `{relative}`"))
    }

    /// Deletes the file or link at `relative` below `root`, keeping a backup
    /// until the journal is committed, then removes parent folders that
    /// became empty.
    pub fn delete(&mut self, root: &Path, relative: &str) -> Result<()> {
        let path = root.join(relative);
        check_inside(root, &path, relative, relative)?;
        if fs::symlink_metadata(&path).is_err() {
            return Ok(());
        }
        self.backup(&path)?;
        let mut parent = path.parent();
        while let Some(dir) = parent {
            if dir == root || fs::remove_dir(dir).is_err() {
                break;
            }
            parent = dir.parent();
        }
        Ok(())
    }

    /// Keeps every change: drops the backups.
    pub fn commit(self) {}
}

fn copy_entry(from: &Path, to: &Path) -> std::io::Result<()> {
    let metadata = fs::symlink_metadata(from)?;
    if metadata.file_type().is_symlink() {
        std::os::unix::fs::symlink(fs::read_link(from)?, to)?;
    } else {
        fs::copy(from, to)?;
    }
    remove_entry(from)
}

fn remove_entry(path: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

/// Writes the plan into `root` (which exists). Reports one verb per entry
/// through `report`. On error, what was written is left for the caller to
/// roll back through the returned journal.
pub fn apply(
    plan: &Plan,
    root: &Path,
    options: &ApplyOptions<'_>,
    confirm: &mut dyn ConfirmOverwrite,
    report: &mut dyn FnMut(Verb, &str),
    journal: &mut Journal,
) -> Result<()> {
    let canonical_root = root
        .canonicalize()
        .with_context(|| format!("failed to open destination `{}`", root.display()))?;
    for entry in &plan.entries {
        let path = canonical_root.join(&entry.destination);
        check_inside(&canonical_root, &path, &entry.destination, &entry.source)?;
        match &entry.kind {
            PlannedKind::Dir => apply_dir(&path, &entry.destination, options, report, journal)?,
            PlannedKind::File { bytes, mode } => {
                let wanted = Existing::File {
                    bytes,
                    executable: mode & 0o111 != 0,
                };
                if decide(&path, &entry.destination, &wanted, options, confirm, report)?
                    && !options.pretend
                {
                    write_file(&path, bytes, *mode, journal)
                        .with_context(|| format!("failed to write `{}`", entry.destination))?;
                }
            }
            PlannedKind::Symlink { target } => {
                let wanted = Existing::Link { target };
                if decide(&path, &entry.destination, &wanted, options, confirm, report)?
                    && !options.pretend
                {
                    write_link(&path, target, journal).with_context(|| {
                        format!("failed to create symlink `{}`", entry.destination)
                    })?;
                }
            }
        }
    }
    Ok(())
}

/// Rejects a destination path whose parent resolves outside the root, for
/// example through a symlink already in the destination.
fn check_inside(root: &Path, path: &Path, destination: &str, source: &str) -> Result<()> {
    let parent = path.parent().unwrap_or(root);
    let resolved = resolve_existing(parent);
    if !resolved.starts_with(root) {
        bail!(
            "`{destination}` (from template path `{source}`) would be written outside the destination through a symlink; writing it is forbidden"
        );
    }
    Ok(())
}

fn apply_dir(
    path: &Path,
    destination: &str,
    options: &ApplyOptions<'_>,
    report: &mut dyn FnMut(Verb, &str),
    journal: &mut Journal,
) -> Result<()> {
    if options.pretend {
        return Ok(());
    }
    if fs::symlink_metadata(path).is_ok() {
        report(Verb::Identical, destination);
        if !path.is_dir() {
            bail!(
                "`{destination}` exists and is not a folder, but the template has a folder there"
            );
        }
        return Ok(());
    }
    report(Verb::Create, destination);
    create_dirs(path, journal).with_context(|| format!("failed to create folder `{destination}`"))
}

/// Creates `path` and missing parents, recording each one created.
fn create_dirs(path: &Path, journal: &mut Journal) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut current = path;
    while fs::symlink_metadata(current).is_err() {
        missing.push(current.to_path_buf());
        match current.parent() {
            Some(parent) => current = parent,
            None => break,
        }
    }
    for dir in missing.into_iter().rev() {
        fs::create_dir(&dir)?;
        journal.created_dirs.push(dir);
    }
    Ok(())
}

enum Existing<'a> {
    File { bytes: &'a [u8], executable: bool },
    Link { target: &'a str },
}

/// Compares with the destination and decides whether to write.
fn decide(
    path: &Path,
    destination: &str,
    wanted: &Existing<'_>,
    options: &ApplyOptions<'_>,
    confirm: &mut dyn ConfirmOverwrite,
    report: &mut dyn FnMut(Verb, &str),
) -> Result<bool> {
    let Ok(metadata) = fs::symlink_metadata(path) else {
        report(Verb::Create, destination);
        return Ok(true);
    };
    let is_link = metadata.file_type().is_symlink();
    let identical = match wanted {
        Existing::Link { target } => {
            is_link && fs::read_link(path).is_ok_and(|current| current.as_os_str() == *target)
        }
        Existing::File { bytes, executable } => {
            !is_link
                && metadata.is_file()
                && (metadata.permissions().mode() & 0o111 != 0) == *executable
                && fs::read(path).is_ok_and(|current| current == *bytes)
        }
    };
    if identical {
        report(Verb::Identical, destination);
        return Ok(false);
    }
    report(Verb::Conflict, destination);
    if options.skip_if_exists.is_match(destination) {
        report(Verb::Skip, destination);
        return Ok(false);
    }
    if options.overwrite
        || destination == options.answers_relpath
        || confirm.confirm(destination)?
    {
        report(Verb::Overwrite, destination);
        return Ok(true);
    }
    report(Verb::Skip, destination);
    Ok(false)
}

/// Writes bytes through a temporary file in the same folder, then renames it
/// over the destination, so a reader never sees half a file.
fn write_file(path: &Path, bytes: &[u8], mode: u32, journal: &mut Journal) -> Result<()> {
    let parent = path.parent().expect("destination paths have a parent");
    create_dirs(parent, journal)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".kwz-new-")
        .tempfile_in(parent)?;
    temp.write_all(bytes)?;
    temp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode & 0o7777))?;
    let existed = fs::symlink_metadata(path).is_ok();
    if existed {
        journal.backup(path)?;
    }
    temp.persist(path).map_err(|error| error.error)?;
    if !existed {
        journal.created_files.push(path.to_path_buf());
    }
    Ok(())
}

fn write_link(path: &Path, target: &str, journal: &mut Journal) -> Result<()> {
    let parent = path.parent().expect("destination paths have a parent");
    create_dirs(parent, journal)?;
    let existed = fs::symlink_metadata(path).is_ok();
    if existed {
        journal.backup(path)?;
    }
    std::os::unix::fs::symlink(target, path)?;
    if !existed {
        journal.created_files.push(path.to_path_buf());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PlannedEntry;

    fn plan_of(entries: Vec<(&str, PlannedKind)>) -> Plan {
        Plan {
            entries: entries
                .into_iter()
                .map(|(destination, kind)| PlannedEntry {
                    destination: destination.into(),
                    source: destination.into(),
                    kind,
                })
                .collect(),
        }
    }

    fn run(
        plan: &Plan,
        root: &Path,
        overwrite: bool,
        journal: &mut Journal,
    ) -> (Result<()>, Vec<String>) {
        let skip = PathMatcher::new(["keep.txt"]).unwrap();
        let options = ApplyOptions {
            pretend: false,
            overwrite,
            skip_if_exists: &skip,
            answers_relpath: ".copier-answers.yml",
        };
        let mut lines = Vec::new();
        let result = apply(
            plan,
            root,
            &options,
            &mut NoConfirm,
            &mut |verb, path| lines.push(format!("{} {path}", verb.word())),
            journal,
        );
        (result, lines)
    }

    #[test]
    fn verbs_follow_disk_state() {
        let root = tempfile::tempdir().unwrap();
        fs::write(root.path().join("same.txt"), "x").unwrap();
        fs::write(root.path().join("keep.txt"), "mine").unwrap();
        let plan = plan_of(vec![
            ("sub", PlannedKind::Dir),
            (
                "same.txt",
                PlannedKind::File {
                    bytes: b"x".to_vec(),
                    mode: 0o644,
                },
            ),
            (
                "keep.txt",
                PlannedKind::File {
                    bytes: b"theirs".to_vec(),
                    mode: 0o644,
                },
            ),
            (
                "sub/new.sh",
                PlannedKind::File {
                    bytes: b"#!/bin/sh\n".to_vec(),
                    mode: 0o755,
                },
            ),
        ]);
        let (result, lines) = run(&plan, root.path(), false, &mut Journal::default());
        result.unwrap();
        assert_eq!(
            lines,
            [
                "create sub",
                "identical same.txt",
                "conflict keep.txt",
                "skip keep.txt",
                "create sub/new.sh"
            ]
        );
        assert_eq!(
            fs::read_to_string(root.path().join("keep.txt")).unwrap(),
            "mine"
        );
        let mode = fs::metadata(root.path().join("sub/new.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
    }

    #[test]
    fn changed_file_needs_overwrite_without_terminal() {
        let root = tempfile::tempdir().unwrap();
        fs::write(root.path().join("a.txt"), "old").unwrap();
        let plan = plan_of(vec![(
            "a.txt",
            PlannedKind::File {
                bytes: b"new".to_vec(),
                mode: 0o644,
            },
        )]);
        let (result, _) = run(&plan, root.path(), false, &mut Journal::default());
        assert!(result.unwrap_err().to_string().contains("--overwrite"));
        let (result, lines) = run(&plan, root.path(), true, &mut Journal::default());
        result.unwrap();
        assert_eq!(lines, ["conflict a.txt", "overwrite a.txt"]);
        assert_eq!(
            fs::read_to_string(root.path().join("a.txt")).unwrap(),
            "new"
        );
    }

    #[test]
    fn rollback_restores_previous_state() {
        let root = tempfile::tempdir().unwrap();
        fs::write(root.path().join("a.txt"), "old").unwrap();
        let plan = plan_of(vec![
            (
                "a.txt",
                PlannedKind::File {
                    bytes: b"new".to_vec(),
                    mode: 0o644,
                },
            ),
            (
                "d/b.txt",
                PlannedKind::File {
                    bytes: b"b".to_vec(),
                    mode: 0o644,
                },
            ),
        ]);
        let mut journal = Journal::default();
        run(&plan, root.path(), true, &mut journal).0.unwrap();
        journal.rollback();
        assert_eq!(
            fs::read_to_string(root.path().join("a.txt")).unwrap(),
            "old"
        );
        assert!(!root.path().join("d").exists());
        let names: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.txt"]);
    }

    #[test]
    fn symlink_leading_out_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("link")).unwrap();
        let plan = plan_of(vec![(
            "link/evil.txt",
            PlannedKind::File {
                bytes: b"x".to_vec(),
                mode: 0o644,
            },
        )]);
        let (result, _) = run(&plan, root.path(), true, &mut Journal::default());
        assert!(
            result
                .unwrap_err()
                .to_string()
                .contains("outside the destination")
        );
        assert!(!outside.path().join("evil.txt").exists());
    }
}
