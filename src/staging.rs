//! Writing a plan into the empty staging folder of a new destination.
//!
//! `copy` into a destination that does not exist renders into a temporary
//! folder it has just created, then renames that folder into place. Nothing
//! else writes there, so what `apply` learns from the disk for each entry
//! (does the path exist, does its parent lead through a symlink, are the
//! bytes the same) is known here from the entries already written. Each new
//! file is created directly, with no temporary file, no comparison and no
//! symlink check, which saves most of the system calls per file.
//!
//! Some entries meet something this run already wrote: two template paths
//! that render to one destination, or a file below a path written as a file.
//! Such an entry is handed to `apply`, which reads the disk and decides as
//! for an existing destination. A plan with symlinks goes entirely through `apply`, because a
//! link written early could lead a later path outside the folder.

use std::collections::HashSet;
use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::apply::{self, ApplyOptions, ConfirmOverwrite, Journal, Verb};
use crate::plan::{Plan, PlannedEntry, PlannedKind};

/// Writes `plan` into `root`, an empty folder this run created, reporting
/// one verb per entry as `apply::apply` does.
pub fn write_plan(
    plan: &Plan,
    root: &Path,
    options: &ApplyOptions<'_>,
    confirm: &mut dyn ConfirmOverwrite,
    report: &mut dyn FnMut(Verb, &str),
) -> Result<()> {
    let has_links = plan
        .entries
        .iter()
        .any(|entry| matches!(entry.kind, PlannedKind::Symlink { .. }));
    let mut journal = Journal::default();
    if options.pretend || has_links {
        return apply::apply(plan, root, options, confirm, report, &mut journal);
    }
    let mut written = Written::default();
    // The root exists: an entry that renders to it meets a folder.
    written.dirs.insert(String::new());
    for entry in &plan.entries {
        if written.meets(&entry.destination) {
            let single = Plan {
                entries: vec![entry.clone()],
            };
            apply::apply(&single, root, options, confirm, report, &mut journal)?;
            written.record_after_apply(root, &entry.destination);
            continue;
        }
        write_new_entry(root, entry, &mut written, report)?;
    }
    Ok(())
}

/// Destinations this run has written below the root, `/`-separated.
#[derive(Default)]
struct Written {
    dirs: HashSet<String>,
    files: HashSet<String>,
}

impl Written {
    /// Tells whether `destination` was already written, or lies below a
    /// path written as a file.
    fn meets(&self, destination: &str) -> bool {
        if self.dirs.contains(destination) || self.files.contains(destination) {
            return true;
        }
        ancestors(destination).any(|parent| self.files.contains(parent))
    }

    /// Records what `apply` left at `destination` and the folders above it.
    fn record_after_apply(&mut self, root: &Path, destination: &str) {
        let Ok(metadata) = fs::symlink_metadata(root.join(destination)) else {
            return;
        };
        for parent in ancestors(destination) {
            self.dirs.insert(parent.to_string());
        }
        if metadata.is_dir() {
            self.dirs.insert(destination.to_string());
        } else {
            self.files.insert(destination.to_string());
        }
    }

    /// Creates the folders above `destination` that do not exist yet.
    fn create_parents(&mut self, root: &Path, destination: &str) -> std::io::Result<()> {
        let missing: Vec<&str> = ancestors(destination)
            .take_while(|parent| !self.dirs.contains(*parent))
            .collect();
        for parent in missing.into_iter().rev() {
            create_dir(root, parent)?;
            self.dirs.insert(parent.to_string());
        }
        Ok(())
    }
}

/// Lists the folders above a relative path, nearest first, without the root.
fn ancestors(destination: &str) -> impl Iterator<Item = &str> {
    let mut rest = destination;
    std::iter::from_fn(move || {
        let (parent, _) = rest.rsplit_once('/')?;
        rest = parent;
        Some(parent)
    })
}

fn write_new_entry(
    root: &Path,
    entry: &PlannedEntry,
    written: &mut Written,
    report: &mut dyn FnMut(Verb, &str),
) -> Result<()> {
    let destination = entry.destination.as_str();
    report(Verb::Create, destination);
    match &entry.kind {
        PlannedKind::Dir => {
            written
                .create_parents(root, destination)
                .and_then(|()| create_dir(root, destination))
                .with_context(|| format!("failed to create folder `{destination}`"))?;
            written.dirs.insert(destination.to_string());
        }
        PlannedKind::File { bytes, mode } => {
            written
                .create_parents(root, destination)
                .and_then(|()| create_file(&root.join(destination), bytes, *mode))
                .with_context(|| format!("failed to write `{destination}`"))?;
            written.files.insert(destination.to_string());
        }
        PlannedKind::Symlink { .. } => unreachable!("plans with symlinks go through `apply`"),
    }
    Ok(())
}

fn create_dir(root: &Path, relative: &str) -> std::io::Result<()> {
    fs::create_dir(root.join(relative))
}

/// Creates a file that must not exist yet, with exactly `mode`. The umask
/// applies at creation, so the mode is set again afterwards, as `apply` does.
fn create_file(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.set_permissions(fs::Permissions::from_mode(mode & 0o7777))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exclude::PathMatcher;

    fn entry(destination: &str, kind: PlannedKind) -> PlannedEntry {
        PlannedEntry {
            destination: destination.into(),
            source: destination.into(),
            kind,
        }
    }

    fn file(bytes: &[u8], mode: u32) -> PlannedKind {
        PlannedKind::File {
            bytes: bytes.to_vec(),
            mode,
        }
    }

    fn run(plan: &Plan, root: &Path, overwrite: bool) -> (Result<()>, Vec<String>) {
        let skip = PathMatcher::new(Vec::<String>::new()).unwrap();
        let options = ApplyOptions {
            pretend: false,
            overwrite,
            skip_if_exists: &skip,
            answers_relpath: ".copier-answers.yml",
        };
        let mut lines = Vec::new();
        let result = write_plan(
            plan,
            root,
            &options,
            &mut apply::NoConfirm,
            &mut |verb, path| lines.push(format!("{} {path}", verb.word())),
        );
        (result, lines)
    }

    #[test]
    fn ancestors_nearest_first() {
        let found: Vec<&str> = ancestors("a/b/c.txt").collect();
        assert_eq!(found, ["a/b", "a"]);
        assert_eq!(ancestors("top.txt").count(), 0);
    }

    #[test]
    fn new_entries_written_with_modes() {
        let root = tempfile::tempdir().unwrap();
        let plan = Plan {
            entries: vec![
                entry("src", PlannedKind::Dir),
                entry("src/run.sh", file(b"#!/bin/sh\n", 0o755)),
                entry("deep/er/note.txt", file(b"note", 0o600)),
            ],
        };
        let (result, lines) = run(&plan, root.path(), false);
        result.unwrap();
        assert_eq!(
            lines,
            ["create src", "create src/run.sh", "create deep/er/note.txt"]
        );
        let mode = |path: &str| {
            fs::metadata(root.path().join(path))
                .unwrap()
                .permissions()
                .mode()
                & 0o7777
        };
        assert_eq!(mode("src/run.sh"), 0o755);
        assert_eq!(mode("deep/er/note.txt"), 0o600);
        let note = fs::read(root.path().join("deep/er/note.txt")).unwrap();
        assert_eq!(note, b"note");
    }

    #[test]
    fn same_destination_twice_is_compared() {
        let root = tempfile::tempdir().unwrap();
        let plan = Plan {
            entries: vec![
                entry("a.txt", file(b"same", 0o644)),
                entry("a.txt", file(b"same", 0o644)),
                entry("b.txt", file(b"first", 0o644)),
                entry("b.txt", file(b"second", 0o644)),
            ],
        };
        let (result, lines) = run(&plan, root.path(), true);
        result.unwrap();
        assert_eq!(
            lines,
            [
                "create a.txt",
                "identical a.txt",
                "create b.txt",
                "conflict b.txt",
                "overwrite b.txt"
            ]
        );
        let second = fs::read(root.path().join("b.txt")).unwrap();
        assert_eq!(second, b"second");
    }

    #[test]
    fn folder_where_a_file_was_written_fails() {
        let root = tempfile::tempdir().unwrap();
        let plan = Plan {
            entries: vec![
                entry("x", file(b"file", 0o644)),
                entry("x", PlannedKind::Dir),
            ],
        };
        let (result, _) = run(&plan, root.path(), true);
        let message = result.unwrap_err().to_string();
        assert!(message.contains("is not a folder"), "{message}");
    }
}
