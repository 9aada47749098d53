//! Where a template comes from, and its files as one in-memory tree.
//!
//! Every source (the template built into the binary, a local folder, a git
//! repository read at one commit) yields the same `TemplateTree`: the entries
//! below the template root in walk order, with their bytes, modes and symlink
//! targets, plus the version facts Copier records (`_commit`, the PEP 440
//! version). Later stages never touch the source again, so rendering is the
//! same whatever the origin.

pub mod embedded;
pub mod git;
pub mod local;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result};

/// The bytes of a file, read when first needed.
#[derive(Clone, Debug)]
pub enum Contents {
    /// Bytes already in memory (the built-in template, git blobs).
    Bytes(Arc<[u8]>),
    /// A file on disk, read on demand.
    Disk(PathBuf),
}

impl Contents {
    /// Reads the bytes.
    pub fn read(&self) -> std::io::Result<Arc<[u8]>> {
        match self {
            Contents::Bytes(bytes) => Ok(bytes.clone()),
            Contents::Disk(path) => Ok(Arc::from(std::fs::read(path)?)),
        }
    }

    /// Reads the bytes into a buffer of their own, which for a file on disk
    /// is the buffer the read fills, not a copy of it.
    pub fn read_to_vec(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Contents::Bytes(bytes) => Ok(bytes.to_vec()),
            Contents::Disk(path) => std::fs::read(path),
        }
    }
}

/// What a template entry is.
#[derive(Clone, Debug)]
pub enum EntryKind {
    File {
        contents: Contents,
        mode: u32,
    },
    Dir,
    /// A symbolic link, with its target exactly as stored.
    Symlink {
        target: String,
    },
}

/// One file, folder or link below the template root.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Path relative to the template root, `/`-separated, never empty.
    pub path: String,
    pub kind: EntryKind,
}

/// Version facts of a template that comes from git.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Revision {
    /// `git describe --tags --always` of the commit, recorded as `_commit`.
    pub describe: String,
    /// Full commit id (`_copier_conf.vcs_ref_hash`).
    pub sha: String,
    /// PEP 440 version derived from the nearest version tag, when one exists.
    pub version: Option<String>,
}

/// A template's files, loaded once.
#[derive(Clone, Debug)]
pub struct TemplateTree {
    /// The template argument as the user gave it, recorded as `_src_path`.
    pub src_path: String,
    /// Absolute path shown as `_copier_conf.src_path`.
    pub local_path: PathBuf,
    /// Entries in walk order: each folder comes before its children.
    pub entries: Vec<Entry>,
    /// Set when the template is a git repository.
    pub revision: Option<Revision>,
    index: HashMap<String, usize>,
}

impl TemplateTree {
    pub fn new(
        src_path: String,
        local_path: PathBuf,
        entries: Vec<Entry>,
        revision: Option<Revision>,
    ) -> Self {
        let index = entries
            .iter()
            .enumerate()
            .map(|(position, entry)| (entry.path.clone(), position))
            .collect();
        TemplateTree {
            src_path,
            local_path,
            entries,
            revision,
            index,
        }
    }

    /// Finds an entry by its path relative to the template root.
    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.index
            .get(path)
            .map(|&position| &self.entries[position])
    }

    /// Reads a file, following symlinks that stay inside the tree. Returns
    /// `Ok(None)` when there is no such file.
    pub fn read_file(&self, path: &str) -> Result<Option<Arc<[u8]>>> {
        let Some(resolved) = self.resolve(path)? else {
            return Ok(None);
        };
        match &self.get(&resolved).map(|entry| &entry.kind) {
            Some(EntryKind::File { contents, .. }) => {
                Ok(Some(contents.read().with_context(|| {
                    format!("failed to read template file `{path}`")
                })?))
            }
            _ => Ok(None),
        }
    }

    /// Follows symlinks in `path` and returns the path of the entry it leads
    /// to, `Ok(None)` when it leads nowhere, or an error when a link leads
    /// outside the template root.
    pub fn resolve(&self, path: &str) -> Result<Option<String>> {
        let mut pending: Vec<String> = path.split('/').rev().map(str::to_string).collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut links_followed = 0;
        while let Some(component) = pending.pop() {
            match component.as_str() {
                "" | "." => continue,
                ".." => {
                    if resolved.pop().is_none() {
                        anyhow::bail!("`{path}` leads outside the template");
                    }
                    continue;
                }
                _ => resolved.push(component),
            }
            let current = resolved.join("/");
            if let Some(Entry {
                kind: EntryKind::Symlink { target },
                ..
            }) = self.get(&current)
            {
                links_followed += 1;
                if links_followed > 40 || target.starts_with('/') {
                    anyhow::bail!("symlink `{current}` leads outside the template");
                }
                resolved.pop();
                pending.extend(target.split('/').rev().map(str::to_string));
            }
        }
        let joined = resolved.join("/");
        Ok(self.get(&joined).map(|_| joined))
    }
}

/// Opens the template named by `src_path`, as the user typed it: a git
/// repository or URL (read at the chosen version) or a plain folder. Loading
/// notices (no version tags, dirty changes included) go to stderr unless
/// `quiet`.
pub fn open(
    src_path: &str,
    vcs_ref: Option<&str>,
    prereleases: bool,
    quiet: bool,
) -> Result<TemplateTree> {
    let loaded = git::load(src_path, vcs_ref, prereleases)?;
    if !quiet {
        for notice in &loaded.notices {
            eprintln!("warning: {notice}");
        }
    }
    Ok(loaded.tree)
}

/// Expands a leading `~` to the home folder, as Python's `expanduser`.
pub fn expand_home(path: &str) -> String {
    if (path == "~" || path.starts_with("~/"))
        && let Some(home) = std::env::var_os("HOME")
    {
        return format!("{}{}", home.to_string_lossy(), &path[1..]);
    }
    path.to_string()
}
