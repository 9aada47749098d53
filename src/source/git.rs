//! A template in a git repository, read from the object database at one
//! commit.
//!
//! `classify` sorts a template argument the way Copier 9.19.1 does
//! (`copier/_vcs.py::get_repo`): `gh:`/`gl:` shorthands become GitHub and
//! GitLab URLs, a URL is git when it ends in `.git` or starts with `git@`,
//! `git://`, `git+`, `https://github.com/` or `https://gitlab.com/`, and any
//! other argument is a local path that is git only when it is exactly the
//! root of a work tree. A folder inside a repository is a plain folder.
//!
//! `load` picks the commit (`version` has the tag rules), reads its tree with
//! git2 and returns a `TemplateTree` whose bytes all sit in memory. Nothing
//! is checked out and no `git` executable runs. A remote URL is cloned once
//! as a bare mirror under the cache folder (`cache`) and fetched on later
//! runs. Submodules are read from their own repositories (`submodule`).
//!
//! A dirty local template is used only when the ref is `HEAD`, as in
//! Copier. Copier commits the work tree's changes in a throwaway clone; we
//! build the same commit (everything `git add -A` would stage) in an
//! in-memory object store, so the template repository is never written to.

mod cache;
mod submodule;
mod version;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, anyhow, bail};
use git2::{ObjectType, Oid, Repository, StatusOptions};

use super::{Contents, Entry, EntryKind, Revision, TemplateTree, local};

pub use cache::{CACHE_DIR_ENV, mirror_path};
pub use version::{abbrev_len, parse_version};

/// Prefixes that make a template argument a git URL.
const GIT_PREFIXES: [&str; 5] = [
    "git@",
    "git://",
    "git+",
    "https://github.com/",
    "https://gitlab.com/",
];

/// Message of the commit that holds a dirty template's changes.
const DRAFT_MESSAGE: &str = "Copier automated commit for draft changes";

/// What a template argument points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A git URL after Copier's rewrites (`gh:a/b` → `https://github.com/a/b.git`).
    /// It can still name a local path, such as `/srv/template.git`.
    GitUrl(String),
    /// A local folder that is exactly the root of a git work tree.
    LocalRepo(PathBuf),
    /// A git bundle file, which Copier accepts and git2 cannot read.
    Bundle(PathBuf),
    /// Any other local path: a template without versions.
    Folder(PathBuf),
}

/// Something the user should hear about while a template loads. `Display`
/// gives Copier's wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The repository has no usable version tag, so `HEAD` was used.
    NoTagsUsingHead,
    /// The ref was `HEAD` and the work tree had changes, which were included.
    DirtyChangesIncluded,
}

impl fmt::Display for Notice {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::NoTagsUsingHead => {
                formatter.write_str("No git tags found in template; using HEAD as ref")
            }
            Notice::DirtyChangesIncluded => {
                formatter.write_str("Dirty template changes included automatically.")
            }
        }
    }
}

/// A loaded template with the notices its loading produced.
#[derive(Debug)]
pub struct Loaded {
    pub tree: TemplateTree,
    pub notices: Vec<Notice>,
}

/// The version facts of a template at one ref, without its files.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub revision: Revision,
    pub notices: Vec<Notice>,
}

/// Sorts a template argument into a git URL, a local repository root, a
/// bundle or a plain folder, as Copier does.
pub fn classify(src_path: &str) -> SourceKind {
    let url = rewrite_shorthand(src_path);
    if url.ends_with(".git") || GIT_PREFIXES.iter().any(|prefix| url.starts_with(prefix)) {
        if let Some(stripped) = url.strip_prefix("git+") {
            return SourceKind::GitUrl(stripped.to_string());
        }
        if url.starts_with("https://") && !url.ends_with(".git") {
            return SourceKind::GitUrl(format!("{url}.git"));
        }
        return SourceKind::GitUrl(url);
    }
    let path = expand_home(&url);
    if is_work_tree_root(&path) {
        SourceKind::LocalRepo(path)
    } else if is_bundle(&path) {
        SourceKind::Bundle(path)
    } else {
        SourceKind::Folder(path)
    }
}

/// Loads a template from any source: a plain folder through `local::load`,
/// a git repository at `vcs_ref` (or at its newest version tag, counting
/// pre-releases only when `prereleases` is set).
pub fn load(src_path: &str, vcs_ref: Option<&str>, prereleases: bool) -> Result<Loaded> {
    let kind = classify(src_path);
    let SourceKind::Folder(path) = &kind else {
        let mut source = GitSource::open(src_path, &kind)?;
        let (commit, notices) = source.choose_commit(vcs_ref, prereleases)?;
        let tree = source.read_tree(commit)?;
        let revision = version::revision(&source.repo, commit)?;
        let tree = TemplateTree::new(
            src_path.to_string(),
            source.local_path.clone(),
            tree,
            Some(revision),
        );
        return Ok(Loaded { tree, notices });
    };
    if vcs_ref.is_some() {
        tracing::debug!("ignoring the ref for `{src_path}`: it is not a git repository");
    }
    Ok(Loaded {
        tree: local::load(src_path, path)?,
        notices: Vec::new(),
    })
}

/// Returns the version facts of a git template at `vcs_ref` (or at its
/// newest version tag) without reading its files: what `check-update` and
/// the update checks compare. A plain folder has no revision.
pub fn revision(src_path: &str, vcs_ref: Option<&str>, prereleases: bool) -> Result<Resolved> {
    let kind = classify(src_path);
    if let SourceKind::Folder(_) = kind {
        bail!("template `{src_path}` is not a git repository, so it has no version");
    }
    let mut source = GitSource::open(src_path, &kind)?;
    let (commit, notices) = source.choose_commit(vcs_ref, prereleases)?;
    Ok(Resolved {
        revision: version::revision(&source.repo, commit)?,
        notices,
    })
}

/// Returns the PEP 440 version of the newest release of a git template, as
/// `check-update` reports it: the newest version tag (pre-releases only with
/// `prereleases`), or `HEAD` when there is none. `None` when no version can
/// be derived.
pub fn latest_version(src_path: &str, prereleases: bool) -> Result<Option<String>> {
    Ok(revision(src_path, None, prereleases)?.revision.version)
}

/// Applies the `gh:` and `gl:` shorthands.
fn rewrite_shorthand(src_path: &str) -> String {
    for (alias, host) in [
        ("gh:", "https://github.com/"),
        ("gl:", "https://gitlab.com/"),
    ] {
        if let Some(rest) = src_path.strip_prefix(alias) {
            let rest = rest.strip_prefix('/').unwrap_or(rest);
            return if rest.ends_with(".git") {
                format!("{host}{rest}")
            } else {
                format!("{host}{rest}.git")
            };
        }
    }
    src_path.to_string()
}

/// Expands a leading `~` to the home folder, as Python's `expanduser` does
/// for the current user.
fn expand_home(path: &str) -> PathBuf {
    let rest = match path.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.trim_start_matches('/'),
        _ => return PathBuf::from(path),
    };
    match dirs::home_dir() {
        Some(home) if rest.is_empty() => home,
        Some(home) => home.join(rest),
        None => PathBuf::from(path),
    }
}

/// Tells whether `path` is exactly the top folder of a git work tree, which
/// is what `git rev-parse --show-toplevel` run inside it would print.
fn is_work_tree_root(path: &Path) -> bool {
    // libgit2 opens only a folder that holds `.git` or is itself a git folder
    // (which holds `HEAD`). Checking first keeps plain folders away from
    // git2's first call, which loads every CA certificate for OpenSSL and
    // costs more than the rest of a small copy.
    let has_entry = |name| std::fs::symlink_metadata(path.join(name)).is_ok();
    if !has_entry(".git") && !has_entry("HEAD") {
        return false;
    }
    let Ok(repo) = Repository::open(path) else {
        return false;
    };
    let (Some(workdir), Ok(wanted)) = (repo.workdir(), path.canonicalize()) else {
        return false;
    };
    workdir.canonicalize().is_ok_and(|top| top == wanted)
}

/// Tells whether `path` is a git bundle file, by its signature line.
fn is_bundle(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut head))
        .is_ok_and(|()| &head == b"# v2 git bundle\n" || &head == b"# v3 git bundle\n")
}

/// An opened template repository.
struct GitSource {
    repo: Repository,
    /// URL or path that relative submodule URLs resolve against.
    base_url: String,
    /// Folder shown as `_copier_conf.src_path`: the work tree, or the
    /// repository itself when it is bare or a cached mirror.
    local_path: PathBuf,
    /// Whether a dirty work tree may stand in for `HEAD`.
    is_local_work_tree: bool,
}

impl GitSource {
    fn open(src_path: &str, kind: &SourceKind) -> Result<Self> {
        match kind {
            SourceKind::LocalRepo(path) => Self::open_local(path),
            SourceKind::GitUrl(url) if Path::new(url).exists() => Self::open_local(Path::new(url)),
            SourceKind::GitUrl(url) => {
                let repo = cache::mirror(url)?;
                let local_path = repo.path().to_path_buf();
                Ok(GitSource {
                    repo,
                    base_url: url.clone(),
                    local_path,
                    is_local_work_tree: false,
                })
            }
            SourceKind::Bundle(path) => bail!(
                "template `{src_path}` is a git bundle, which kwz-new cannot read \
                 (`{}`)\nhint: clone the bundle and pass the clone's folder",
                path.display()
            ),
            SourceKind::Folder(_) => unreachable!("plain folders are loaded by `local`"),
        }
    }

    fn open_local(path: &Path) -> Result<Self> {
        let absolute = std::path::absolute(path)
            .with_context(|| format!("failed to resolve template path `{}`", path.display()))?;
        let repo = Repository::open(&absolute)
            .with_context(|| format!("failed to open git template `{}`", absolute.display()))?;
        let local_path = repo.workdir().unwrap_or(repo.path()).to_path_buf();
        Ok(GitSource {
            is_local_work_tree: !repo.is_bare(),
            base_url: absolute.to_string_lossy().into_owned(),
            local_path,
            repo,
        })
    }

    /// Resolves the ref to use and the commit it names. A dirty work tree
    /// replaces `HEAD` with an in-memory commit of its changes.
    fn choose_commit(
        &mut self,
        vcs_ref: Option<&str>,
        prereleases: bool,
    ) -> Result<(Oid, Vec<Notice>)> {
        let mut notices = Vec::new();
        let ref_name = match vcs_ref {
            Some(name) => name.to_string(),
            None => match version::latest_tag(&self.repo, prereleases)? {
                Some(tag) => tag,
                None => {
                    notices.push(Notice::NoTagsUsingHead);
                    "HEAD".to_string()
                }
            },
        };
        let commit = resolve_ref(&self.repo, &ref_name)
            .with_context(|| format!("failed to resolve `{ref_name}` in the template"))?;
        tracing::debug!("template ref `{ref_name}` is commit {commit}");
        if ref_name == "HEAD" && self.is_local_work_tree && is_dirty(&self.repo)? {
            notices.push(Notice::DirtyChangesIncluded);
            return Ok((commit_draft(&self.repo, commit)?, notices));
        }
        Ok((commit, notices))
    }

    /// Lists every entry of the commit's tree, with submodules expanded.
    fn read_tree(&self, commit: Oid) -> Result<Vec<Entry>> {
        let mut entries = Vec::new();
        collect_entries(&self.repo, &self.base_url, commit, "", &mut entries)?;
        Ok(entries)
    }
}

/// Resolves a tag, branch, commit id or other revision to a commit, also
/// trying `refs/remotes/origin/<name>` as `git checkout` does.
fn resolve_ref(repo: &Repository, name: &str) -> Result<Oid> {
    for candidate in [name.to_string(), format!("refs/remotes/origin/{name}")] {
        if let Ok(object) = repo.revparse_single(&candidate)
            && let Ok(commit) = object.peel_to_commit()
        {
            return Ok(commit.id());
        }
    }
    Err(anyhow!("unknown revision `{name}`"))
}

/// Tells whether the work tree has changes `git status --porcelain` would
/// list: staged, unstaged or untracked, but not ignored.
fn is_dirty(repo: &Repository) -> Result<bool> {
    let mut options = StatusOptions::new();
    options.include_untracked(true).include_ignored(false);
    let statuses = repo
        .statuses(Some(&mut options))
        .context("failed to read the template's git status")?;
    Ok(!statuses.is_empty())
}

/// Builds the commit `git add -A && git commit` would make on top of
/// `head`, in an in-memory object store that is dropped with `repo`.
fn commit_draft(repo: &Repository, head: Oid) -> Result<Oid> {
    let odb = repo.odb()?;
    // Writes go to the writable backend of highest priority; the loose and
    // pack backends have priorities 1 and 2.
    let _mempack = odb.add_new_mempack_backend(1000)?;
    let mut index = repo.index()?;
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .context("failed to stage the template's changes in memory")?;
    index.update_all(["*"], None)?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let parent = repo.find_commit(head)?;
    let signature = git2::Signature::now("kwz-new", "kwz-new@localhost")?;
    let commit = repo.commit(
        None,
        &signature,
        &signature,
        DRAFT_MESSAGE,
        &tree,
        &[&parent],
    )?;
    Ok(commit)
}

/// Appends the entries of `commit`'s tree below `prefix`, each folder
/// before its children, in git's tree order.
fn collect_entries(
    repo: &Repository,
    base_url: &str,
    commit: Oid,
    prefix: &str,
    entries: &mut Vec<Entry>,
) -> Result<()> {
    let root = repo.find_commit(commit)?.tree()?;
    collect_tree(repo, base_url, &root, &root, "", prefix, entries)
}

/// Appends the entries of `tree`, which sits at `folder` inside the
/// repository whose root tree is `root`. Submodules are read from their
/// own repositories, with `.gitmodules` taken from `root`.
fn collect_tree(
    repo: &Repository,
    base_url: &str,
    root: &git2::Tree<'_>,
    tree: &git2::Tree<'_>,
    folder: &str,
    prefix: &str,
    entries: &mut Vec<Entry>,
) -> Result<()> {
    for item in tree.iter() {
        let Ok(name) = item.name() else {
            bail!(
                "template path `{prefix}{folder}{}` is not valid UTF-8",
                String::from_utf8_lossy(item.name_bytes())
            );
        };
        let in_repo = format!("{folder}{name}");
        let path = format!("{prefix}{in_repo}");
        match item.kind() {
            Some(ObjectType::Tree) => {
                entries.push(Entry {
                    path,
                    kind: EntryKind::Dir,
                });
                let subtree = repo.find_tree(item.id())?;
                let folder = format!("{in_repo}/");
                collect_tree(repo, base_url, root, &subtree, &folder, prefix, entries)?;
            }
            Some(ObjectType::Commit) => {
                entries.push(Entry {
                    path: path.clone(),
                    kind: EntryKind::Dir,
                });
                let url = submodule::url_for(repo, root, &in_repo, base_url)?;
                let sub_repo = submodule::open(&url, item.id())?;
                collect_entries(&sub_repo, &url, item.id(), &format!("{path}/"), entries)
                    .with_context(|| format!("failed to read submodule `{path}`"))?;
            }
            _ => entries.push(blob_entry(repo, path, &item)?),
        }
    }
    Ok(())
}

/// Turns a blob entry into a file or symlink entry.
fn blob_entry(repo: &Repository, path: String, item: &git2::TreeEntry<'_>) -> Result<Entry> {
    let blob = repo
        .find_blob(item.id())
        .with_context(|| format!("failed to read `{path}` from the template"))?;
    let kind = match item.filemode() {
        0o120000 => {
            let Ok(target) = std::str::from_utf8(blob.content()) else {
                bail!("target of symlink `{path}` is not valid UTF-8");
            };
            EntryKind::Symlink {
                target: target.to_string(),
            }
        }
        filemode => EntryKind::File {
            contents: Contents::Bytes(Arc::from(blob.content())),
            mode: if filemode & 0o111 != 0 { 0o755 } else { 0o644 },
        },
    };
    Ok(Entry { path, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_rewrites() {
        assert_eq!(rewrite_shorthand("gh:a/b"), "https://github.com/a/b.git");
        assert_eq!(
            rewrite_shorthand("gh:/a/b.git"),
            "https://github.com/a/b.git"
        );
        assert_eq!(
            rewrite_shorthand("gl:g/s/p"),
            "https://gitlab.com/g/s/p.git"
        );
        assert_eq!(rewrite_shorthand("./gh:x"), "./gh:x");
    }

    #[test]
    fn home_expanded_for_current_user_only() {
        let home = dirs::home_dir().unwrap();
        assert_eq!(expand_home("~"), home);
        assert_eq!(expand_home("~/templates/a"), home.join("templates/a"));
        assert_eq!(expand_home("~other/a"), PathBuf::from("~other/a"));
        assert_eq!(expand_home("a/~"), PathBuf::from("a/~"));
    }

    #[test]
    fn notices_use_copier_wording() {
        assert_eq!(
            Notice::DirtyChangesIncluded.to_string(),
            "Dirty template changes included automatically."
        );
    }
}
