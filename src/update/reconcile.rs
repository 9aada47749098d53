//! Deciding what `update` does to each file, from three versions: the old
//! template version rendered with the recorded answers (`old`), the project
//! as it is (`ours`), and the new version rendered with the final answers
//! (`new`).
//!
//! The decisions are those of Copier 9.19.1's update, which renders the new
//! version over the project, deletes what the owner deleted, applies the
//! owner's diff with `git apply --reject`, merges rejected files three ways
//! and removes what the template deleted:
//! - a file only the template changed takes the new render;
//! - a file only the owner changed keeps the owner's version;
//! - a file both changed is merged (`update_file`), with conflict markers or
//!   a `.rej` file;
//! - a file the owner deleted stays deleted, unless it matches
//!   `_skip_if_exists`, which recreates it;
//! - a file the template deleted is removed, even when the owner edited it;
//! - a file added on both sides is merged against an empty base;
//! - `_skip_if_exists` files that exist keep the owner's version;
//! - the answers file always takes the new render.
//!
//! This module only decides: it reads nothing and writes nothing.

use std::collections::{BTreeMap, BTreeSet};

use crate::exclude::PathMatcher;
use crate::update::{ConflictMode, UpdateError, update_file};

/// One entry of a render or of the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    File { bytes: Vec<u8>, mode: u32 },
    Link { target: String },
}

/// A change to make in the project, by path relative to the project root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Write {
        path: String,
        node: Node,
    },
    Delete {
        path: String,
    },
    /// Write `<path>.rej` beside the file.
    Rejects {
        path: String,
        bytes: Vec<u8>,
    },
    /// Register the file as unmerged in the index (stages 1 and 3).
    Unmerged {
        path: String,
        base: Option<Vec<u8>>,
        theirs: Option<Vec<u8>>,
    },
    /// Both sides changed a binary file: the owner's bytes stay and the file
    /// is left unmerged for the owner to resolve.
    BinaryConflict {
        path: String,
    },
}

/// Inputs that do not change per file.
pub struct ReconcileOptions<'a> {
    pub skip_if_exists: &'a PathMatcher,
    pub answers_file: &'a str,
    pub context_lines: u32,
    pub conflict: ConflictMode,
    /// Prefix of project paths from the repository root, for `.rej` headers
    /// (empty when the project is the repository root).
    pub repository_prefix: &'a str,
}

impl ReconcileOptions<'_> {
    /// Returns `path` from the repository root, as `.rej` headers name it.
    fn repository_path(&self, path: &str) -> String {
        if self.repository_prefix.is_empty() {
            path.to_string()
        } else {
            format!("{}/{path}", self.repository_prefix)
        }
    }
}

/// Decides the changes for every path of `old` and `new`. `ours` reads the
/// project's current entry at a path (`None` when missing).
pub fn reconcile(
    old: &BTreeMap<String, Node>,
    new: &BTreeMap<String, Node>,
    ours: &dyn Fn(&str) -> Option<Node>,
    options: &ReconcileOptions<'_>,
) -> Result<Vec<Change>, UpdateError> {
    let paths: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut changes = Vec::new();
    for path in paths {
        let current = ours(path);
        decide(
            path,
            old.get(path),
            current.as_ref(),
            new.get(path),
            options,
            &mut changes,
        )?;
    }
    Ok(changes)
}

fn decide(
    path: &str,
    old: Option<&Node>,
    ours: Option<&Node>,
    new: Option<&Node>,
    options: &ReconcileOptions<'_>,
    changes: &mut Vec<Change>,
) -> Result<(), UpdateError> {
    let skip = options.skip_if_exists.is_match(path);
    match (old, ours, new) {
        (_, _, Some(new)) if path == options.answers_file => {
            write_if_changed(path, ours, new, changes)
        }
        // The template deleted it: removed, whatever the owner did.
        (Some(old), Some(ours), None) => {
            changes.push(Change::Delete {
                path: path.to_string(),
            });
            if options.conflict == ConflictMode::Rej {
                keep_deleted_edits(path, old, ours, options, changes)?;
            }
        }
        (_, None, None) => {}
        // The owner deleted it: it stays deleted, unless skip-if-exists.
        (Some(_), None, Some(new)) => {
            if skip {
                changes.push(Change::Write {
                    path: path.to_string(),
                    node: new.clone(),
                });
            }
        }
        // New in the template only.
        (None, None, Some(new)) => changes.push(Change::Write {
            path: path.to_string(),
            node: new.clone(),
        }),
        (_, Some(_), Some(_)) if skip => {}
        (None, Some(ours), Some(new)) => {
            merge(path, &empty_like(ours), ours, new, options, changes)?
        }
        (Some(old), Some(ours), Some(new)) => merge(path, old, ours, new, options, changes)?,
        // Only in the project: not the template's business.
        (None, Some(_), None) => {}
    }
    Ok(())
}

fn empty_like(node: &Node) -> Node {
    match node {
        Node::File { mode, .. } => Node::File {
            bytes: Vec::new(),
            mode: *mode,
        },
        Node::Link { .. } => Node::Link {
            target: String::new(),
        },
    }
}

fn write_if_changed(path: &str, ours: Option<&Node>, new: &Node, changes: &mut Vec<Change>) {
    if ours != Some(new) {
        changes.push(Change::Write {
            path: path.to_string(),
            node: new.clone(),
        });
    }
}

/// Merges one file present in the project and the new render.
fn merge(
    path: &str,
    old: &Node,
    ours: &Node,
    new: &Node,
    options: &ReconcileOptions<'_>,
    changes: &mut Vec<Change>,
) -> Result<(), UpdateError> {
    if ours == old {
        write_if_changed(path, Some(ours), new, changes);
        return Ok(());
    }
    if new == old {
        return Ok(());
    }
    let (
        Node::File {
            bytes: old_bytes,
            mode: old_mode,
        },
        Node::File {
            bytes: our_bytes,
            mode: our_mode,
        },
        Node::File {
            bytes: new_bytes,
            mode: new_mode,
        },
    ) = (old, ours, new)
    else {
        // Symlinks and type changes: the owner's change wins over the old
        // render, as `git apply` of a typechange does.
        return Ok(());
    };
    // The owner's mode change wins; otherwise the template's mode applies.
    let mode = if our_mode & 0o111 != old_mode & 0o111 {
        *our_mode
    } else {
        *new_mode
    };
    let repository_path = options.repository_path(path);
    let updated = update_file(
        &repository_path,
        old_bytes,
        our_bytes,
        new_bytes,
        options.context_lines,
        options.conflict,
    )?;
    if updated.owner_changes_dropped {
        // Copier 9.19.1 replaces the owner's bytes with the new render here.
        // kwz-new never drops the owner's work: it keeps the owner's file and
        // leaves it unmerged, as git does for a binary conflict.
        changes.push(Change::Unmerged {
            path: path.to_string(),
            base: Some(old_bytes.clone()),
            theirs: Some(new_bytes.clone()),
        });
        changes.push(Change::BinaryConflict {
            path: path.to_string(),
        });
        return Ok(());
    }
    // A file left with conflict markers keeps the project's mode, as the
    // mode change of Copier 9.19.1's patch is not applied with them.
    let mode = if updated.conflicted { *our_mode } else { mode };
    write_if_changed(
        path,
        Some(ours),
        &Node::File {
            bytes: updated.content,
            mode,
        },
        changes,
    );
    if let Some(rejects) = updated.rejects {
        changes.push(Change::Rejects {
            path: path.to_string(),
            bytes: rejects,
        });
    }
    if updated.conflicted {
        changes.push(Change::Unmerged {
            path: path.to_string(),
            base: Some(old_bytes.clone()),
            theirs: Some(new_bytes.clone()),
        });
    }
    Ok(())
}

/// With `--conflict rej`, writes the owner's edits of a file the template
/// deleted to `<path>.rej`, as Copier 9.19.1 does: its patch of the
/// owner's changes finds no file to apply to, so every hunk is rejected.
fn keep_deleted_edits(
    path: &str,
    old: &Node,
    ours: &Node,
    options: &ReconcileOptions<'_>,
    changes: &mut Vec<Change>,
) -> Result<(), UpdateError> {
    let (
        Node::File {
            bytes: old_bytes, ..
        },
        Node::File {
            bytes: our_bytes, ..
        },
    ) = (old, ours)
    else {
        return Ok(());
    };
    if old_bytes == our_bytes
        || crate::update::merge::is_binary(old_bytes)
        || crate::update::merge::is_binary(our_bytes)
    {
        return Ok(());
    }
    let repository_path = options.repository_path(path);
    let hunks = crate::update::patch::owner_patch(
        &repository_path,
        old_bytes,
        our_bytes,
        options.context_lines,
    )?;
    if hunks.is_empty() {
        return Ok(());
    }
    let mut bytes =
        format!("diff a/{repository_path} b/{repository_path}\t(rejected hunks)\n").into_bytes();
    for hunk in &hunks {
        bytes.extend(hunk.to_bytes());
    }
    changes.push(Change::Rejects {
        path: path.to_string(),
        bytes,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Node {
        Node::File {
            bytes: text.as_bytes().to_vec(),
            mode: 0o644,
        }
    }

    fn map(entries: &[(&str, &str)]) -> BTreeMap<String, Node> {
        entries
            .iter()
            .map(|(path, text)| (path.to_string(), file(text)))
            .collect()
    }

    fn run(
        old: &[(&str, &str)],
        ours: &[(&str, &str)],
        new: &[(&str, &str)],
        skip: &[&str],
    ) -> Vec<Change> {
        let ours = map(ours);
        let skip = PathMatcher::new(skip).unwrap();
        let options = ReconcileOptions {
            skip_if_exists: &skip,
            answers_file: ".copier-answers.yml",
            context_lines: 3,
            conflict: ConflictMode::Inline,
            repository_prefix: "",
        };
        reconcile(
            &map(old),
            &map(new),
            &|path| ours.get(path).cloned(),
            &options,
        )
        .unwrap()
    }

    fn write(path: &str, text: &str) -> Change {
        Change::Write {
            path: path.into(),
            node: file(text),
        }
    }

    #[test]
    fn template_only_change_applies() {
        assert_eq!(
            run(&[("a", "1\n")], &[("a", "1\n")], &[("a", "2\n")], &[]),
            [write("a", "2\n")]
        );
    }

    #[test]
    fn owner_only_change_is_kept() {
        assert!(run(&[("a", "1\n")], &[("a", "mine\n")], &[("a", "1\n")], &[]).is_empty());
    }

    #[test]
    fn owner_deletion_sticks_unless_skip_if_exists() {
        assert!(run(&[("a", "1\n")], &[], &[("a", "2\n")], &[]).is_empty());
        assert_eq!(
            run(&[("a", "1\n")], &[], &[("a", "2\n")], &["a"]),
            [write("a", "2\n")]
        );
    }

    #[test]
    fn template_deletion_removes_edited_file() {
        assert_eq!(
            run(&[("a", "1\n")], &[("a", "mine\n")], &[], &[]),
            [Change::Delete { path: "a".into() }]
        );
    }

    #[test]
    fn skip_if_exists_keeps_owner_version() {
        assert!(run(&[("a", "1\n")], &[("a", "mine\n")], &[("a", "2\n")], &["a"]).is_empty());
    }

    #[test]
    fn same_line_changes_conflict_inline() {
        let changes = run(
            &[("a", "x\ncolor=blue\ny\n")],
            &[("a", "x\ncolor=red\ny\n")],
            &[("a", "x\ncolor=green\ny\n")],
            &[],
        );
        let expected = "x\n<<<<<<< before updating\ncolor=red\n=======\ncolor=green\n>>>>>>> after updating\ny\n";
        assert_eq!(changes[0], write("a", expected));
        assert!(matches!(&changes[1], Change::Unmerged { path, .. } if path == "a"));
    }

    #[test]
    fn answers_file_takes_new_render() {
        let changes = run(
            &[(".copier-answers.yml", "a: 1\n")],
            &[(".copier-answers.yml", "a: 1\n# mine\n")],
            &[(".copier-answers.yml", "a: 2\n")],
            &[],
        );
        assert_eq!(changes, [write(".copier-answers.yml", "a: 2\n")]);
    }
}
