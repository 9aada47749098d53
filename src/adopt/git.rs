//! Git work of `adopt`: the clean-tree check, the feature branch and the
//! import commit.
//!
//! Everything goes through git2, so no `git` executable is needed. The
//! import is one transaction. Each step that changes the repository (create
//! the branch, switch to it, move the staged folder into place, stage it,
//! commit) records how to undo itself. A failure undoes the recorded steps
//! in reverse order, so a failed import leaves the branch list, `HEAD`, the
//! index and the work tree as they were.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use git2::build::CheckoutBuilder;
use git2::{BranchType, ErrorCode, IndexAddOption, Oid, Repository, StatusOptions};

use crate::scaffold;

/// Prefix of the branch an import is committed on.
pub const BRANCH_PREFIX: &str = "feature/migrate-";

/// Branch that imports start from when it exists.
pub const BASE_BRANCH: &str = "develop";

/// How many changed paths a dirty-tree error lists.
const LISTED_CHANGES: usize = 5;

/// Opens the git repository whose work tree contains `repo_root`.
pub fn open(repo_root: &Path) -> Result<Repository> {
    let repository = Repository::discover(repo_root).map_err(|_| {
        anyhow!(
            "`{}` is not inside a git repository\n\
             hint: adopt commits the import; run `git init` and commit the repo first",
            repo_root.display()
        )
    })?;
    if repository.workdir().is_none() {
        bail!(
            "the git repository at `{}` has no work tree",
            repository.path().display()
        );
    }
    Ok(repository)
}

/// Returns the work tree root without symlinks, so it compares with other
/// canonical paths.
pub fn workdir(repository: &Repository) -> Result<PathBuf> {
    let workdir = repository
        .workdir()
        .expect("`open` rejects repositories without a work tree");
    workdir
        .canonicalize()
        .with_context(|| format!("failed to read the folder `{}`", workdir.display()))
}

/// Rejects a work tree with staged, unstaged or untracked changes. Ignored
/// files do not count.
pub fn check_clean(repository: &Repository) -> Result<()> {
    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(false)
        .include_ignored(false);
    let statuses = repository
        .statuses(Some(&mut options))
        .context("failed to read the status of the work tree")?;
    let changed: Vec<String> = statuses
        .iter()
        .filter(|entry| !entry.status().is_empty())
        .map(|entry| String::from_utf8_lossy(entry.path_bytes()).into_owned())
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let mut listed = changed
        .iter()
        .take(LISTED_CHANGES)
        .map(|path| format!("`{path}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if changed.len() > LISTED_CHANGES {
        listed.push_str(&format!(" and {} more", changed.len() - LISTED_CHANGES));
    }
    bail!(
        "the work tree has uncommitted changes: {listed}\n\
         hint: commit or stash them first; adopt makes its own commit"
    )
}

/// Returns the commit `HEAD` points at, and rejects a repository without
/// commits.
pub fn head_commit(repository: &Repository) -> Result<Oid> {
    match repository.head() {
        Ok(head) => Ok(head.peel_to_commit()?.id()),
        Err(error) if error.code() == ErrorCode::UnbornBranch => bail!(
            "the repository has no commit yet\n\
             hint: commit the files of the repo first; adopt adds its commit on top"
        ),
        Err(error) => Err(error).context("failed to read `HEAD`"),
    }
}

/// The branch an import is committed on and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchPlan {
    pub name: String,
    pub base: Oid,
    /// The start of the branch, as the summary shows it.
    pub base_description: String,
}

/// Plans `feature/migrate-<name>` from `develop`, or from `HEAD` when there
/// is no `develop`. An existing branch of that name is rejected.
pub fn plan_branch(repository: &Repository, extension_name: &str) -> Result<BranchPlan> {
    let name = format!("{BRANCH_PREFIX}{extension_name}");
    if !git2::Branch::name_is_valid(&name)? {
        bail!("`{name}` is not a valid branch name");
    }
    if repository.find_branch(&name, BranchType::Local).is_ok() {
        bail!(
            "the branch `{name}` already exists\n\
             hint: delete it with `git branch -D {name}`, or check it out and run adopt with --no-branch"
        );
    }
    if let Ok(develop) = repository.find_branch(BASE_BRANCH, BranchType::Local) {
        return Ok(BranchPlan {
            name,
            base: develop.get().peel_to_commit()?.id(),
            base_description: format!("`{BASE_BRANCH}`"),
        });
    }
    let base = head_commit(repository)?;
    let head = repository.head()?;
    let base_description = match head.shorthand().ok().filter(|_| head.is_branch()) {
        Some(branch) => {
            format!("the current branch `{branch}`, because there is no `{BASE_BRANCH}` branch")
        }
        None => format!(
            "the detached HEAD `{}`, because there is no `{BASE_BRANCH}` branch",
            short_id(base)
        ),
    };
    Ok(BranchPlan {
        name,
        base,
        base_description,
    })
}

/// Checks whether the tree of `commit` has an entry at `relative` (a path
/// relative to the work tree root).
pub fn tree_has_path(repository: &Repository, commit: Oid, relative: &Path) -> Result<bool> {
    let tree = repository.find_commit(commit)?.tree()?;
    Ok(tree.get_path(relative).is_ok())
}

/// Returns the first seven hex digits of a commit id, as git shows it.
pub fn short_id(oid: Oid) -> String {
    oid.to_string()[..7].to_string()
}

/// The folders and messages of one import.
#[derive(Debug)]
pub struct Import<'a> {
    /// The branch to create and switch to; `None` commits on `HEAD`.
    pub branch: Option<&'a BranchPlan>,
    /// The finished extension folder, outside the work tree.
    pub staged: &'a Path,
    /// The extension's folder in the work tree.
    pub target: &'a Path,
    /// The temporary place of an existing `target` while it is replaced.
    /// Its parent must exist and lie on the same file system as `target`.
    pub set_aside: &'a Path,
    /// Whether an existing `target` may be replaced (`--force`).
    pub replace: bool,
    pub message: &'a str,
}

/// A step to take back when a later step fails.
#[derive(Debug)]
enum Undo {
    DeleteBranch(String),
    /// Check out `commit` and point `HEAD` at `reference` again (or at the
    /// commit itself when `HEAD` was detached).
    RestoreHead {
        reference: Option<String>,
        commit: Oid,
    },
    MoveBack {
        from: PathBuf,
        to: PathBuf,
    },
    RemoveEmptyFolder(PathBuf),
    RemoveFolder(PathBuf),
    ResetIndex(Oid),
}

/// Creates the branch (when planned), moves the staged folder into place
/// and commits it. On failure every step already taken is undone; the
/// error then names any step that could not be undone.
pub fn commit_import(repository: &Repository, import: &Import) -> Result<Oid> {
    let mut undo = Vec::new();
    let error = match apply_import(repository, import, &mut undo) {
        Ok(commit) => return Ok(commit),
        Err(error) => error,
    };
    let failures = roll_back(repository, undo);
    if failures.is_empty() {
        return Err(error);
    }
    Err(error.context(format!(
        "the import failed and could not be fully undone: {}",
        failures.join("; ")
    )))
}

fn apply_import(repository: &Repository, import: &Import, undo: &mut Vec<Undo>) -> Result<Oid> {
    if let Some(plan) = import.branch {
        switch_to_new_branch(repository, plan, undo)?;
    }
    place_folder(import, undo)?;
    commit_folder(repository, import, undo)
}

fn switch_to_new_branch(
    repository: &Repository,
    plan: &BranchPlan,
    undo: &mut Vec<Undo>,
) -> Result<()> {
    let head = repository.head()?;
    let original = head.peel_to_commit()?.id();
    let reference = head
        .is_branch()
        .then(|| head.name().ok().map(str::to_string))
        .flatten();

    let base = repository.find_commit(plan.base)?;
    repository
        .branch(&plan.name, &base, false)
        .with_context(|| format!("failed to create the branch `{}`", plan.name))?;
    undo.push(Undo::DeleteBranch(plan.name.clone()));

    undo.push(Undo::RestoreHead {
        reference,
        commit: original,
    });
    if plan.base != original {
        repository
            .checkout_tree(base.as_object(), Some(CheckoutBuilder::new().safe()))
            .with_context(|| format!("failed to check out `{}`", plan.name))?;
    }
    repository
        .set_head(&format!("refs/heads/{}", plan.name))
        .with_context(|| format!("failed to switch to `{}`", plan.name))?;
    Ok(())
}

fn place_folder(import: &Import, undo: &mut Vec<Undo>) -> Result<()> {
    let target = import.target;
    if target.symlink_metadata().is_ok() {
        if !import.replace {
            bail!(
                "`{}` already exists on the branch\nhint: run with --force to replace it",
                target.display()
            );
        }
        std::fs::rename(target, import.set_aside)
            .with_context(|| format!("failed to move `{}` aside", target.display()))?;
        undo.push(Undo::MoveBack {
            from: import.set_aside.to_path_buf(),
            to: target.to_path_buf(),
        });
    }

    let parent = target
        .parent()
        .expect("the target lies inside the work tree");
    let missing: Vec<&Path> = parent
        .ancestors()
        .take_while(|folder| !folder.exists())
        .collect();
    for folder in missing.into_iter().rev() {
        std::fs::create_dir(folder)
            .with_context(|| format!("failed to create `{}`", folder.display()))?;
        undo.push(Undo::RemoveEmptyFolder(folder.to_path_buf()));
    }

    std::fs::rename(import.staged, target).with_context(|| {
        format!(
            "failed to move the staged copy `{}` to `{}`",
            import.staged.display(),
            target.display()
        )
    })?;
    undo.push(Undo::RemoveFolder(target.to_path_buf()));
    Ok(())
}

fn commit_folder(repository: &Repository, import: &Import, undo: &mut Vec<Undo>) -> Result<Oid> {
    let workdir = workdir(repository)?;
    let relative = import
        .target
        .strip_prefix(&workdir)
        .with_context(|| format!("`{}` is outside the work tree", import.target.display()))?;
    let pathspec = relative
        .iter()
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let parent = repository.head()?.peel_to_commit()?;

    undo.push(Undo::ResetIndex(parent.tree_id()));
    let mut index = repository.index()?;
    index.remove_dir(relative, 0)?;
    index
        .add_all([pathspec.as_str()], IndexAddOption::DEFAULT, None)
        .with_context(|| format!("failed to stage `{pathspec}`"))?;
    index.write().context("failed to write the git index")?;
    let tree = repository.find_tree(index.write_tree()?)?;

    let signature = scaffold::signature(repository)?;
    repository
        .commit(
            Some("HEAD"),
            &signature,
            &signature,
            import.message,
            &tree,
            &[&parent],
        )
        .context("failed to commit the import")
}

/// Undoes the recorded steps, newest first, and returns a description of
/// each step that failed.
fn roll_back(repository: &Repository, undo: Vec<Undo>) -> Vec<String> {
    let mut failures = Vec::new();
    for step in undo.into_iter().rev() {
        tracing::debug!("undoing {step:?}");
        if let Err(error) = undo_step(repository, &step) {
            failures.push(format!("{step:?}: {error:#}"));
        }
    }
    failures
}

fn undo_step(repository: &Repository, step: &Undo) -> Result<()> {
    match step {
        Undo::ResetIndex(tree) => {
            let mut index = repository.index()?;
            index.read_tree(&repository.find_tree(*tree)?)?;
            index.write()?;
        }
        Undo::RemoveFolder(folder) => std::fs::remove_dir_all(folder)?,
        Undo::RemoveEmptyFolder(folder) => std::fs::remove_dir(folder)?,
        Undo::MoveBack { from, to } => std::fs::rename(from, to)?,
        Undo::RestoreHead { reference, commit } => {
            let original = repository.find_commit(*commit)?;
            repository.checkout_tree(original.as_object(), Some(CheckoutBuilder::new().safe()))?;
            match reference {
                Some(reference) => repository.set_head(reference)?,
                None => repository.set_head_detached(*commit)?,
            }
        }
        Undo::DeleteBranch(name) => {
            repository.find_branch(name, BranchType::Local)?.delete()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Creates a repository with one commit on `main` holding `README.md`,
    /// and `develop` checked out at the same commit.
    fn repository() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let mut options = git2::RepositoryInitOptions::new();
        options.initial_head("main");
        let repository = Repository::init_opts(dir.path(), &options).unwrap();
        std::fs::write(dir.path().join("README.md"), "repo\n").unwrap();
        commit_all(&repository, "first");
        let head = repository.head().unwrap().peel_to_commit().unwrap();
        repository.branch("develop", &head, false).unwrap();
        drop(head);
        repository.set_head("refs/heads/develop").unwrap();
        (dir, repository)
    }

    fn commit_all(repository: &Repository, message: &str) -> Oid {
        let mut index = repository.index().unwrap();
        index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
        index.write().unwrap();
        let tree = repository.find_tree(index.write_tree().unwrap()).unwrap();
        let signature = git2::Signature::now("t", "t@example.com").unwrap();
        let parents: Vec<git2::Commit> = repository
            .head()
            .ok()
            .and_then(|head| head.peel_to_commit().ok())
            .into_iter()
            .collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        repository
            .commit(
                Some("HEAD"),
                &signature,
                &signature,
                message,
                &tree,
                &parents,
            )
            .unwrap()
    }

    /// Creates a staged extension folder with one file, beside the work tree.
    fn staged_folder() -> (tempfile::TempDir, PathBuf) {
        let staging = tempfile::tempdir().unwrap();
        let staged = staging.path().join("demo");
        std::fs::create_dir(&staged).unwrap();
        std::fs::write(staged.join("kamiwaza.json"), "{}\n").unwrap();
        (staging, staged)
    }

    fn head_name(repository: &Repository) -> String {
        repository.head().unwrap().name().unwrap().to_string()
    }

    #[test]
    fn import_committed_on_new_branch() {
        let (dir, repository) = repository();
        let (staging, staged) = staged_folder();
        let plan = plan_branch(&repository, "demo").unwrap();
        assert_eq!(plan.base_description, "`develop`");
        let target = workdir(&repository).unwrap().join("apps/demo");
        let import = Import {
            branch: Some(&plan),
            staged: &staged,
            target: &target,
            set_aside: &staging.path().join("previous"),
            replace: false,
            message: "Import demo from legacy",
        };

        let commit = commit_import(&repository, &import).unwrap();

        assert_eq!(head_name(&repository), "refs/heads/feature/migrate-demo");
        let commit = repository.find_commit(commit).unwrap();
        assert_eq!(commit.message().unwrap(), "Import demo from legacy");
        assert!(
            commit
                .tree()
                .unwrap()
                .get_path(Path::new("apps/demo/kamiwaza.json"))
                .is_ok()
        );
        assert!(dir.path().join("apps/demo/kamiwaza.json").is_file());
        check_clean(&repository).unwrap();
    }

    #[test]
    fn failed_commit_undoes_everything() {
        let (dir, repository) = repository();
        let before = head_commit(&repository).unwrap();
        let (staging, staged) = staged_folder();
        // A lock on the branch that HEAD names makes the commit fail after
        // the folder is in place and staged.
        let lock = repository.path().join("refs/heads/develop.lock");
        std::fs::write(&lock, "").unwrap();
        let target = workdir(&repository).unwrap().join("apps/demo");
        let import = Import {
            branch: None,
            staged: &staged,
            target: &target,
            set_aside: &staging.path().join("previous"),
            replace: false,
            message: "Import demo from legacy",
        };

        let error = commit_import(&repository, &import).unwrap_err();

        assert_eq!(error.to_string(), "failed to commit the import");
        std::fs::remove_file(lock).unwrap();
        assert!(!dir.path().join("apps").exists(), "created folders removed");
        assert!(!target.exists(), "the placed copy is removed");
        assert_eq!(head_commit(&repository).unwrap(), before);
        check_clean(&repository).unwrap();
    }

    #[test]
    fn failed_placement_switches_back() {
        let (dir, repository) = repository();
        // `apps` is a file, so the folder `apps/demo` cannot be created.
        std::fs::write(dir.path().join("apps"), "not a folder\n").unwrap();
        commit_all(&repository, "apps file");
        // `develop` moves on, so the new branch starts from `main` without it.
        repository.set_head("refs/heads/main").unwrap();
        repository
            .checkout_head(Some(CheckoutBuilder::new().force()))
            .unwrap();
        let develop = repository
            .find_branch("develop", BranchType::Local)
            .unwrap()
            .get()
            .peel_to_commit()
            .unwrap()
            .id();
        let (staging, staged) = staged_folder();
        let plan = plan_branch(&repository, "demo").unwrap();
        assert_eq!(plan.base, develop);
        let target = workdir(&repository).unwrap().join("apps/demo");
        let import = Import {
            branch: Some(&plan),
            staged: &staged,
            target: &target,
            set_aside: &staging.path().join("previous"),
            replace: false,
            message: "Import demo from legacy",
        };

        let error = commit_import(&repository, &import).unwrap_err();

        assert!(
            error
                .to_string()
                .starts_with("failed to move the staged copy"),
            "{error}"
        );
        assert_eq!(head_name(&repository), "refs/heads/main");
        assert!(
            repository
                .find_branch("feature/migrate-demo", BranchType::Local)
                .is_err()
        );
        assert!(!dir.path().join("apps").exists(), "main has no `apps`");
        check_clean(&repository).unwrap();
    }

    #[test]
    fn plan_without_develop_uses_current_branch() {
        let (_dir, repository) = repository();
        repository.set_head("refs/heads/main").unwrap();
        repository
            .find_branch("develop", BranchType::Local)
            .unwrap()
            .delete()
            .unwrap();

        let plan = plan_branch(&repository, "demo").unwrap();

        assert_eq!(
            plan.base_description,
            "the current branch `main`, because there is no `develop` branch"
        );
    }

    #[test]
    fn existing_branch_rejected() {
        let (_dir, repository) = repository();
        let head = repository.head().unwrap().peel_to_commit().unwrap();
        repository
            .branch("feature/migrate-demo", &head, false)
            .unwrap();

        let error = plan_branch(&repository, "demo").unwrap_err();

        assert!(
            error
                .to_string()
                .starts_with("the branch `feature/migrate-demo` already exists")
        );
    }

    #[test]
    fn dirty_tree_rejected() {
        let (dir, repository) = repository();
        std::fs::write(dir.path().join("notes.txt"), "draft\n").unwrap();
        std::fs::write(dir.path().join("README.md"), "changed\n").unwrap();

        let error = check_clean(&repository).unwrap_err();

        assert_eq!(
            error.to_string(),
            "the work tree has uncommitted changes: `README.md`, `notes.txt`\n\
             hint: commit or stash them first; adopt makes its own commit"
        );
    }
}
