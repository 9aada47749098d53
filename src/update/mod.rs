//! Pieces of `update` that work on one file at a time.
//!
//! Copier 9.19.1 carries the owner's changes over to a new template version
//! in two steps. First it applies the owner's diff (old render → project)
//! to the new render with `git apply --reject`. Then, with `--conflict
//! inline`, it replaces every file that got rejected hunks by
//! `git merge-file` of the three versions. `update_file` runs both steps for one file that exists
//! in the old render, the project and the new render. Files that exist on
//! only some of those sides (added, deleted, skipped) are decided by the
//! caller before this point.

pub mod merge;
pub mod migrations;
pub mod patch;
pub mod reconcile;

use merge::{MergeError, merge_inline};
use patch::{PatchError, apply_with_rejects, owner_patch};

/// The handling of owner hunks that do not apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictMode {
    /// Merge the file three ways and write conflict markers.
    Inline,
    /// Keep the hunks that applied and write the others to `<file>.rej`.
    Rej,
}

/// The result of updating one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileUpdate {
    /// New contents of the project file.
    pub content: Vec<u8>,
    /// Contents of `<file>.rej`, only in `ConflictMode::Rej`.
    pub rejects: Option<Vec<u8>>,
    /// Whether the file has conflict markers and must be left unmerged in
    /// the index (`merge::mark_unmerged`), only in `ConflictMode::Inline`.
    pub conflicted: bool,
    /// Set when the owner changed a binary file and those changes were
    /// dropped in favour of the new render, as Copier drops them. The
    /// command layer should tell the user.
    pub owner_changes_dropped: bool,
}

/// Errors of the per-file update.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error(transparent)]
    Patch(#[from] PatchError),
    #[error(transparent)]
    Merge(#[from] MergeError),
}

/// Carries the owner's changes to one file (`old_render` → `owner`) over to
/// `new_render`, as Copier's update does. `path` is the file's path from the
/// repository root, as it appears in the `.rej` header.
///
/// A binary file that the owner changed gets the new render, with
/// `owner_changes_dropped` set: Copier's text patch cannot carry binary
/// changes, so they are lost there too (recorded in the
/// `update-binary-edited` conformance case).
pub fn update_file(
    path: &str,
    old_render: &[u8],
    owner: &[u8],
    new_render: &[u8],
    context_lines: u32,
    mode: ConflictMode,
) -> Result<FileUpdate, UpdateError> {
    let hunks = match owner_patch(path, old_render, owner, context_lines) {
        Ok(hunks) => hunks,
        Err(PatchError::Binary { .. }) => {
            return Ok(FileUpdate {
                content: new_render.to_vec(),
                rejects: None,
                conflicted: false,
                owner_changes_dropped: old_render != owner,
            });
        }
        Err(error) => return Err(error.into()),
    };
    let applied = apply_with_rejects(path, &hunks, new_render);
    if applied.rejects.is_none() || mode == ConflictMode::Rej {
        return Ok(FileUpdate {
            content: applied.content,
            rejects: applied.rejects,
            conflicted: false,
            owner_changes_dropped: false,
        });
    }
    // Hunks were rejected, so the patch was text, but the new render can
    // still be binary. `git merge-file` then fails and leaves the owner's
    // file as it was.
    match merge_inline(path, old_render, owner, new_render) {
        Ok(merged) => Ok(FileUpdate {
            content: merged.content,
            rejects: None,
            conflicted: merged.conflicted,
            owner_changes_dropped: false,
        }),
        Err(MergeError::Binary { .. }) => Ok(FileUpdate {
            content: owner.to_vec(),
            rejects: None,
            conflicted: false,
            owner_changes_dropped: false,
        }),
        Err(error) => Err(error.into()),
    }
}
