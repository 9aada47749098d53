//! Writing a plan to disk.
//!
//! Each planned entry is compared with what the destination holds, as
//! Copier 9.19.1 does: a missing path is created, equal bytes with equal
//! executable bits are left alone (`identical`), anything else is a
//! `conflict` that is skipped (`_skip_if_exists`), overwritten (`--overwrite`,
//! or always for the answers file) or confirmed by the user.
//!
//! The write runs in three passes, so that most failures leave the
//! destination untouched: first every entry is checked to stay inside the
//! destination once the symlinks already on disk are resolved, then every
//! entry is decided (with the questions to the user) and every changed
//! file is written in full into the `Journal`'s work folder, and last the
//! staged files are moved into place in plan order. A failure in the first
//! two passes has changed nothing; in the last, the journal undoes it.

use std::fs;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::exclude::PathMatcher;
use crate::interrupt;
use crate::journal::Staged;
pub use crate::journal::{Journal, check_inside};
use crate::plan::{Plan, PlannedEntry, PlannedKind};

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

/// Writes the plan into `root` (which exists). Reports one verb per entry
/// through `report`. On error, what was written is left for the caller to
/// roll back through `journal`.
pub fn apply(
    plan: &Plan,
    root: &Path,
    options: &ApplyOptions<'_>,
    confirm: &mut dyn ConfirmOverwrite,
    report: &mut dyn FnMut(Verb, &str),
    journal: &mut Journal,
) -> Result<()> {
    let root = root
        .canonicalize()
        .with_context(|| format!("failed to open destination `{}`", root.display()))?;
    for entry in &plan.entries {
        check_inside(
            &root,
            &root.join(&entry.destination),
            &entry.destination,
            &entry.source,
        )?;
    }

    let mut writes = Vec::new();
    for entry in &plan.entries {
        if decide(&root, entry, options, confirm, report)? {
            writes.push(entry);
        }
    }
    if options.pretend {
        return Ok(());
    }

    let mut staged = Vec::with_capacity(writes.len());
    for entry in writes {
        interrupt::check()?;
        staged.push((entry, stage(&root, entry, journal)?));
    }
    tracing::debug!("staged {} entries; moving them into place", staged.len());
    for (entry, staged) in staged {
        interrupt::check()?;
        place(&root, entry, staged, journal)?;
    }
    Ok(())
}

/// Writes a file or link of the plan into the work folder; `None` for a
/// folder, which `place` creates.
fn stage(root: &Path, entry: &PlannedEntry, journal: &mut Journal) -> Result<Option<Staged>> {
    let staged = match &entry.kind {
        PlannedKind::Dir => return Ok(None),
        PlannedKind::File { bytes, mode } => journal.stage_file(root, bytes, *mode),
        PlannedKind::Symlink { target } => journal.stage_link(root, target),
    };
    staged
        .map(Some)
        .with_context(|| format!("failed to write `{}`", entry.destination))
}

/// Moves one staged entry into place, checking again that its folder is
/// inside the destination: a symlink written earlier in this run may lead
/// out.
fn place(
    root: &Path,
    entry: &PlannedEntry,
    staged: Option<Staged>,
    journal: &mut Journal,
) -> Result<()> {
    let path = root.join(&entry.destination);
    check_inside(root, &path, &entry.destination, &entry.source)?;
    let result = match staged {
        None => journal.create_dirs(&path).map_err(anyhow::Error::from),
        Some(staged) => journal.place(root, staged, &path),
    };
    let what = match entry.kind {
        PlannedKind::Dir => "create folder",
        PlannedKind::File { .. } => "write",
        PlannedKind::Symlink { .. } => "create symlink",
    };
    result.with_context(|| format!("failed to {what} `{}`", entry.destination))
}

/// Compares one entry with the destination, reports its verb and returns
/// whether it must be written.
fn decide(
    root: &Path,
    entry: &PlannedEntry,
    options: &ApplyOptions<'_>,
    confirm: &mut dyn ConfirmOverwrite,
    report: &mut dyn FnMut(Verb, &str),
) -> Result<bool> {
    let path = root.join(&entry.destination);
    let destination = entry.destination.as_str();
    let wanted = match &entry.kind {
        PlannedKind::Dir => return decide_dir(&path, destination, options, report),
        PlannedKind::File { bytes, mode } => Existing::File {
            bytes,
            executable: mode & 0o111 != 0,
        },
        PlannedKind::Symlink { target } => Existing::Link { target },
    };
    decide_entry(&path, destination, &wanted, options, confirm, report)
}

fn decide_dir(
    path: &Path,
    destination: &str,
    options: &ApplyOptions<'_>,
    report: &mut dyn FnMut(Verb, &str),
) -> Result<bool> {
    if options.pretend {
        return Ok(false);
    }
    if fs::symlink_metadata(path).is_ok() {
        report(Verb::Identical, destination);
        if !path.is_dir() {
            bail!(
                "`{destination}` exists and is not a folder, but the template has a folder there"
            );
        }
        return Ok(false);
    }
    report(Verb::Create, destination);
    Ok(true)
}

enum Existing<'a> {
    File { bytes: &'a [u8], executable: bool },
    Link { target: &'a str },
}

/// Compares a file or link with the destination and decides whether to
/// write it.
fn decide_entry(
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
        if metadata.is_file() && !options.pretend {
            check_writable(path, destination)?;
        }
        report(Verb::Overwrite, destination);
        return Ok(true);
    }
    report(Verb::Skip, destination);
    Ok(false)
}

/// Rejects overwriting a file that the user may not write, as Copier's
/// write would fail on it. A rename could replace it, but a read-only
/// mode is the owner's request to leave the file alone.
pub fn check_writable(path: &Path, destination: &str) -> Result<()> {
    let Ok(name) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        bail!("`{destination}` contains a NUL byte");
    };
    // SAFETY: `name` is a valid NUL-terminated path; faccessat only reads
    // it.
    let status =
        unsafe { libc::faccessat(libc::AT_FDCWD, name.as_ptr(), libc::W_OK, libc::AT_EACCESS) };
    if status != 0 {
        let error = std::io::Error::last_os_error();
        bail!(
            "`{destination}` cannot be overwritten: {error}\nhint: make it writable, or pass `--skip {destination}` to keep it"
        );
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
