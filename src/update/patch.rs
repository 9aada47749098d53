//! The owner's changes as a patch, applied to the new render with rejects.
//!
//! Copier 9.19.1 diffs a pristine render of the old template version
//! against the project (`git diff-tree --unified=<context>
//! --inter-hunk-context=-1`) and applies that patch to the project after the
//! new version was rendered over it (`git apply --reject`). Hunks that do not
//! apply go to `<file>.rej`. With `--conflict inline` Copier then replaces
//! such a file by a three-way merge. With `--conflict rej` the file keeps
//! the hunks that applied and the `.rej` file stays.
//!
//! `owner_patch` builds the hunks as git prints them. libgit2 gives the line
//! alignment, which comes from the same xdiff code with the indent heuristic
//! that git turns on by default. The hunk grouping of
//! `--inter-hunk-context=-1` and the function-name part of hunk headers are
//! done here, since libgit2 has neither. `apply_with_rejects` places hunks as
//! `git apply` does.

use std::path::Path;

use git2::{DiffLineType, DiffOptions, Patch};

use super::merge::is_binary;

/// How many bytes of a function line git keeps in a hunk header.
const FUNCNAME_MAX_LEN: usize = 80;

/// Errors of the patch primitives.
#[derive(Debug, thiserror::Error)]
pub enum PatchError {
    /// git prints `Binary files differ` and `git apply` cannot use it.
    #[error("cannot patch binary file `{path}`")]
    Binary { path: String },
    #[error("failed to diff `{path}`")]
    Diff {
        path: String,
        #[source]
        source: git2::Error,
    },
}

/// The role of a hunk line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Context,
    Delete,
    Insert,
}

/// One line of a hunk, with its newline when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HunkLine {
    pub kind: LineKind,
    pub text: Vec<u8>,
}

/// One hunk of a unified diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hunk {
    /// Lines of the old file before the hunk (0-based start).
    pub old_before: usize,
    /// Lines of the new file before the hunk (0-based start).
    pub new_before: usize,
    pub lines: Vec<HunkLine>,
    /// Function line shown after the second `@@`, if any.
    pub function: Option<Vec<u8>>,
}

impl Hunk {
    fn count(&self, kind: LineKind) -> usize {
        self.lines
            .iter()
            .filter(|line| line.kind == LineKind::Context || line.kind == kind)
            .count()
    }

    /// Number of context lines after the last change.
    fn trailing(&self) -> usize {
        self.lines
            .iter()
            .rev()
            .take_while(|line| line.kind == LineKind::Context)
            .count()
    }

    /// Computes the start line git prints: 1-based, or the line before when
    /// the range is empty.
    fn printed_start(before: usize, count: usize) -> usize {
        if count == 0 { before } else { before + 1 }
    }

    /// Writes the hunk as it appears in a patch, header included.
    pub fn to_bytes(&self) -> Vec<u8> {
        let range = |before, count| {
            let start = Self::printed_start(before, count);
            if count == 1 {
                format!("{start}")
            } else {
                format!("{start},{count}")
            }
        };
        let mut out = format!(
            "@@ -{} +{} @@",
            range(self.old_before, self.count(LineKind::Delete)),
            range(self.new_before, self.count(LineKind::Insert))
        )
        .into_bytes();
        if let Some(function) = &self.function {
            out.push(b' ');
            out.extend_from_slice(function);
        }
        out.push(b'\n');
        for line in &self.lines {
            out.push(match line.kind {
                LineKind::Context => b' ',
                LineKind::Delete => b'-',
                LineKind::Insert => b'+',
            });
            out.extend_from_slice(&line.text);
            if !line.text.ends_with(b"\n") {
                out.extend_from_slice(b"\n\\ No newline at end of file\n");
            }
        }
        out
    }
}

/// Splits bytes into lines that keep their `\n`; the last may lack one.
pub fn split_lines(content: &[u8]) -> Vec<&[u8]> {
    content.split_inclusive(|&byte| byte == b'\n').collect()
}

/// Diffs `old` against `new` as `git diff-tree --unified=<context_lines>
/// --inter-hunk-context=-1` does: two changes share a hunk only when fewer
/// than `2 * context_lines` unchanged lines separate them.
pub fn owner_patch(
    path: &str,
    old: &[u8],
    new: &[u8],
    context_lines: u32,
) -> Result<Vec<Hunk>, PatchError> {
    if is_binary(old) || is_binary(new) {
        return Err(PatchError::Binary {
            path: path.to_string(),
        });
    }
    let diff_error = |source| PatchError::Diff {
        path: path.to_string(),
        source,
    };
    let mut options = DiffOptions::new();
    options
        .context_lines(context_lines)
        .interhunk_lines(0)
        .indent_heuristic(true);
    let patch = Patch::from_buffers(
        old,
        Some(Path::new(path)),
        new,
        Some(Path::new(path)),
        Some(&mut options),
    )
    .map_err(diff_error)?;

    let mut hunks = Vec::new();
    for hunk_index in 0..patch.num_hunks() {
        let (header, line_count) = patch.hunk(hunk_index).map_err(diff_error)?;
        let old_before = start_before(header.old_start(), header.old_lines());
        let new_before = start_before(header.new_start(), header.new_lines());
        let mut lines = Vec::with_capacity(line_count);
        for line_index in 0..line_count {
            let line = patch
                .line_in_hunk(hunk_index, line_index)
                .map_err(diff_error)?;
            let kind = match line.origin_value() {
                DiffLineType::Context => LineKind::Context,
                DiffLineType::Deletion => LineKind::Delete,
                DiffLineType::Addition => LineKind::Insert,
                // End-of-file newline markers: the missing newline already
                // shows in the line's own bytes.
                _ => continue,
            };
            lines.push(HunkLine {
                kind,
                text: line.content().to_vec(),
            });
        }
        let whole = Hunk {
            old_before,
            new_before,
            lines,
            function: None,
        };
        hunks.extend(split_at_full_context(whole, context_lines as usize));
    }
    add_function_lines(&mut hunks, &split_lines(old));
    Ok(hunks)
}

/// Converts libgit2's hunk start (1-based, or the line before for an empty
/// range) into the number of lines before the hunk.
fn start_before(start: u32, count: u32) -> usize {
    let start = start as usize;
    if count == 0 {
        start
    } else {
        start.saturating_sub(1)
    }
}

/// Splits a hunk wherever exactly `2 * context` unchanged lines separate two
/// changes: libgit2 joins such changes (inter-hunk context 0) and git with
/// `--inter-hunk-context=-1` does not.
fn split_at_full_context(hunk: Hunk, context: usize) -> Vec<Hunk> {
    let mut pieces = Vec::new();
    let mut current = Hunk {
        lines: Vec::new(),
        ..hunk.clone()
    };
    let (mut old_seen, mut new_seen) = (hunk.old_before, hunk.new_before);
    let mut index = 0;
    while index < hunk.lines.len() {
        let run = hunk.lines[index..]
            .iter()
            .take_while(|line| line.kind == LineKind::Context)
            .count();
        let is_inner = index > 0 && index + run < hunk.lines.len();
        if context > 0 && is_inner && run == 2 * context {
            current
                .lines
                .extend_from_slice(&hunk.lines[index..index + context]);
            pieces.push(current);
            current = Hunk {
                old_before: old_seen + context,
                new_before: new_seen + context,
                lines: hunk.lines[index + context..index + run].to_vec(),
                function: None,
            };
            old_seen += run;
            new_seen += run;
            index += run;
            continue;
        }
        let line = &hunk.lines[index];
        if line.kind != LineKind::Insert {
            old_seen += 1;
        }
        if line.kind != LineKind::Delete {
            new_seen += 1;
        }
        current.lines.push(line.clone());
        index += 1;
    }
    pieces.push(current);
    pieces
}

/// Fills in each hunk's function line the way xdiff's default does: the
/// nearest line above the hunk in the old file that starts with a letter,
/// `_` or `$`, cut to 80 bytes and stripped of trailing whitespace. The
/// search for a hunk stops where the previous hunk's search started, and a
/// hunk that finds nothing keeps the previous hunk's function line.
fn add_function_lines(hunks: &mut [Hunk], old_lines: &[&[u8]]) {
    let mut function: Option<Vec<u8>> = None;
    let mut previous_start: isize = -1;
    for hunk in hunks {
        let start = hunk.old_before as isize - 1;
        let mut line = start;
        while line != previous_start && line >= 0 {
            if let Some(found) = function_line(old_lines[line as usize]) {
                function = Some(found);
                break;
            }
            line -= 1;
        }
        previous_start = start;
        hunk.function = function.clone().filter(|text| !text.is_empty());
    }
}

fn function_line(line: &[u8]) -> Option<Vec<u8>> {
    let first = *line.first()?;
    if !(first.is_ascii_alphabetic() || first == b'_' || first == b'$') {
        return None;
    }
    let kept = &line[..line.len().min(FUNCNAME_MAX_LEN)];
    let end = kept
        .iter()
        .rposition(|byte| !byte.is_ascii_whitespace() && *byte != 0x0b)
        .map_or(0, |position| position + 1);
    Some(kept[..end].to_vec())
}

/// The outcome of applying a patch with rejects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The target with every hunk that applied.
    pub content: Vec<u8>,
    /// Contents of `<file>.rej` when some hunk did not apply.
    pub rejects: Option<Vec<u8>>,
}

/// Applies `hunks` to `target` as `git apply --reject` does. Each hunk is
/// tried at its new-file line first, then one line further away at a time,
/// alternately forward and back. Its old lines must match exactly and may
/// not overlap lines an earlier hunk wrote. A hunk that starts at the top
/// of the file must match at the top. A hunk without trailing context must
/// match at the end. `path` names the file in the `.rej` header.
pub fn apply_with_rejects(path: &str, hunks: &[Hunk], target: &[u8]) -> Applied {
    let mut image: Vec<(Vec<u8>, bool)> = split_lines(target)
        .into_iter()
        .map(|line| (line.to_vec(), false))
        .collect();
    let mut rejected = Vec::new();
    for hunk in hunks {
        let preimage: Vec<&[u8]> = side(hunk, LineKind::Insert);
        let postimage: Vec<&[u8]> = side(hunk, LineKind::Delete);
        let old_start = Hunk::printed_start(hunk.old_before, preimage.len());
        let new_start = Hunk::printed_start(hunk.new_before, postimage.len());
        let match_beginning = old_start <= 1;
        let match_end = hunk.trailing() == 0;
        let guess = new_start.saturating_sub(1);
        match find_position(&image, &preimage, guess, match_beginning, match_end) {
            Some(position) => {
                let written = postimage.iter().map(|line| (line.to_vec(), true));
                image.splice(position..position + preimage.len(), written);
            }
            None => rejected.push(hunk),
        }
    }
    let content = image.into_iter().flat_map(|(line, _)| line).collect();
    let rejects = (!rejected.is_empty()).then(|| {
        let mut out = format!("diff a/{path} b/{path}\t(rejected hunks)\n").into_bytes();
        for hunk in rejected {
            out.extend(hunk.to_bytes());
        }
        out
    });
    Applied { content, rejects }
}

/// Lines of a hunk without the lines of kind `skip`: the preimage when
/// skipping insertions, the postimage when skipping deletions.
fn side(hunk: &Hunk, skip: LineKind) -> Vec<&[u8]> {
    hunk.lines
        .iter()
        .filter(|line| line.kind != skip)
        .map(|line| line.text.as_slice())
        .collect()
}

/// Finds where `preimage` matches `image`, searching outward from `guess`
/// as `git apply` does.
fn find_position(
    image: &[(Vec<u8>, bool)],
    preimage: &[&[u8]],
    guess: usize,
    match_beginning: bool,
    match_end: bool,
) -> Option<usize> {
    if preimage.len() > image.len() {
        return None;
    }
    let start = if match_beginning {
        0
    } else if match_end {
        image.len() - preimage.len()
    } else {
        guess.min(image.len())
    };
    let matches_at = |position: usize| {
        if match_beginning && position != 0 {
            return false;
        }
        if match_end && position + preimage.len() != image.len() {
            return false;
        }
        position + preimage.len() <= image.len()
            && preimage
                .iter()
                .zip(&image[position..])
                .all(|(wanted, (line, patched))| !patched && line.as_slice() == *wanted)
    };
    let (mut backward, mut forward) = (start, start);
    let mut step = 0usize;
    let mut current = start;
    loop {
        if matches_at(current) {
            return Some(current);
        }
        loop {
            if backward == 0 && forward == image.len() {
                return None;
            }
            let go_back = step % 2 == 1;
            step += 1;
            if go_back && backward > 0 {
                backward -= 1;
                current = backward;
                break;
            }
            if !go_back && forward < image.len() {
                forward += 1;
                current = forward;
                break;
            }
        }
    }
}
