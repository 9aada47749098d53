//! Three-way merge of one file with Copier's conflict labels, and the
//! unmerged index entries Copier leaves for a conflicted file.
//!
//! Copier 9.19.1 resolves a file whose patch was rejected with
//! `git merge-file -L "before updating" -L "last update" -L "after updating"
//! <project file> <old render> <new render>`. `merge_inline` gives the same
//! bytes through libgit2's `git_merge_file`, which runs git's own xdiff
//! merge: the standard conflict style (no base section) and the
//! `XDL_MERGE_ZEALOUS_ALNUM` level that `git merge-file` uses. Tests compare
//! the two byte for byte.

use std::path::Path;

use git2::{IndexEntry, IndexTime, MergeFileInput, MergeFileOptions, Repository};

/// Label of the project's version in conflict markers.
pub const OURS_LABEL: &str = "before updating";
/// Label of the old template render (not shown in the standard style).
pub const BASE_LABEL: &str = "last update";
/// Label of the new template render in conflict markers.
pub const THEIRS_LABEL: &str = "after updating";

/// How many leading bytes git inspects for a NUL to call content binary.
const BINARY_CHECK_LEN: usize = 8000;

/// Errors of the merge primitives.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// `git merge-file` rejects binary input and leaves the file alone.
    #[error("cannot merge binary file `{path}`")]
    Binary { path: String },
    #[error("failed to merge `{path}`")]
    Merge {
        path: String,
        #[source]
        source: git2::Error,
    },
    #[error("failed to mark `{path}` as conflicted in the index")]
    Index {
        path: String,
        #[source]
        source: git2::Error,
    },
}

/// The merged bytes of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeResult {
    pub content: Vec<u8>,
    /// Whether a line of `content` is a conflict marker, which is how Copier
    /// decides to register the file as unmerged.
    pub conflicted: bool,
}

/// Merges `theirs` (the new render) into `ours` (the project's file) with
/// `base` (the old render) as the common ancestor, as `git merge-file` with
/// Copier's labels does. Binary input is an error, as in git, and the caller
/// then keeps `ours`.
pub fn merge_inline(
    path: &str,
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
) -> Result<MergeResult, MergeError> {
    if [base, ours, theirs]
        .iter()
        .any(|content| is_binary(content))
    {
        return Err(MergeError::Binary {
            path: path.to_string(),
        });
    }
    let input = |content| {
        let mut input = MergeFileInput::new();
        input.content(content);
        input
    };
    let mut options = MergeFileOptions::new();
    options
        .ancestor_label(BASE_LABEL)
        .our_label(OURS_LABEL)
        .their_label(THEIRS_LABEL)
        .style_standard(true)
        .simplify_alnum(true);
    let merged = git2::merge_file(
        &input(base),
        &input(ours),
        &input(theirs),
        Some(&mut options),
    )
    .map_err(|source| MergeError::Merge {
        path: path.to_string(),
        source,
    })?;
    let content = merged.content().to_vec();
    Ok(MergeResult {
        conflicted: has_conflict_markers(&content),
        content,
    })
}

/// Tells whether a line, with trailing whitespace removed, is exactly
/// `<<<<<<< before updating` or `>>>>>>> after updating`: Copier's test for
/// a conflicted file.
pub fn has_conflict_markers(content: &[u8]) -> bool {
    let start = format!("<<<<<<< {OURS_LABEL}");
    let end = format!(">>>>>>> {THEIRS_LABEL}");
    content
        .split(|&byte| byte == b'\n')
        .map(|line| line.trim_ascii_end())
        .any(|line| line == start.as_bytes() || line == end.as_bytes())
}

/// Tells whether git would treat `content` as binary: a NUL byte among the
/// first 8000 bytes.
pub fn is_binary(content: &[u8]) -> bool {
    content[..content.len().min(BINARY_CHECK_LEN)].contains(&0)
}

/// Replaces the index entry of `path` (relative to the work tree, with `/`)
/// by the three conflict stages Copier writes: stage 1 is `base` (the old
/// render), stage 2 the blob the index had, stage 3 `theirs` (the new
/// render). A missing side gets no stage. All stages keep the index entry's
/// mode, so `git status` shows the file as `UU`. The index is written to
/// disk; the work tree is not touched.
pub fn mark_unmerged(
    repo: &Repository,
    path: &str,
    base: Option<&[u8]>,
    theirs: Option<&[u8]>,
) -> Result<(), MergeError> {
    let index_error = |source| MergeError::Index {
        path: path.to_string(),
        source,
    };
    let mut index = repo.index().map_err(index_error)?;
    let Some(current) = index.get_path(Path::new(path), 0) else {
        return Err(index_error(git2::Error::from_str(
            "the path is not in the index",
        )));
    };
    let mut stages = vec![(2, current.id)];
    for (stage, content) in [(1, base), (3, theirs)] {
        if let Some(content) = content {
            stages.push((stage, repo.blob(content).map_err(index_error)?));
        }
    }
    stages.sort_by_key(|(stage, _)| *stage);

    index.remove(Path::new(path), 0).map_err(index_error)?;
    for (stage, id) in stages {
        let entry = IndexEntry {
            ctime: IndexTime::new(0, 0),
            mtime: IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: current.mode,
            uid: 0,
            gid: 0,
            file_size: 0,
            id,
            flags: (stage << 12) | (path.len().min(0xfff) as u16),
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        };
        index.add(&entry).map_err(index_error)?;
    }
    index.write().map_err(index_error)
}
