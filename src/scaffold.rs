//! Git set-up of a new extensions repo: `git init`, the first commit on
//! `main`, and `develop` checked out at that commit.
//!
//! Everything goes through git2, so no `git` executable is needed. A
//! destination that is already inside a git work tree is left alone: kwz-new
//! never nests a repository or commits into one the user already has.

use std::path::Path;

use anyhow::{Context as _, Result};
use git2::{IndexAddOption, Repository, RepositoryInitOptions, Signature};

/// Message of the first commit.
pub const INITIAL_COMMIT_MESSAGE: &str = "Initial commit from template";

/// What `init_repository` did.
#[derive(Debug, PartialEq, Eq)]
pub enum GitSetup {
    Created,
    /// The destination is inside this existing work tree; nothing was done.
    AlreadyInRepository(std::path::PathBuf),
}

/// Initialises a repository in `destination` with every file committed on
/// `main`, then creates `develop` at the same commit and checks it out.
pub fn init_repository(destination: &Path) -> Result<GitSetup> {
    if let Ok(existing) = Repository::discover(destination)
        && let Some(workdir) = existing.workdir()
    {
        return Ok(GitSetup::AlreadyInRepository(workdir.to_path_buf()));
    }
    let mut options = RepositoryInitOptions::new();
    options.initial_head("main");
    let repository = Repository::init_opts(destination, &options).with_context(|| {
        format!(
            "failed to initialise a git repository in `{}`",
            destination.display()
        )
    })?;
    let mut index = repository.index()?;
    index
        .add_all(["*"], IndexAddOption::DEFAULT, None)
        .context("failed to stage the rendered files")?;
    index.write()?;
    let tree = repository.find_tree(index.write_tree()?)?;
    let signature = signature(&repository)?;
    let commit = repository
        .commit(
            Some("refs/heads/main"),
            &signature,
            &signature,
            INITIAL_COMMIT_MESSAGE,
            &tree,
            &[],
        )
        .context("failed to create the first commit")?;
    let commit = repository.find_commit(commit)?;
    repository
        .branch("develop", &commit, false)
        .context("failed to create the `develop` branch")?;
    repository.set_head("refs/heads/develop")?;
    Ok(GitSetup::Created)
}

/// The committer from git configuration, or a kwz-new identity when none
/// is configured (a fresh machine has none).
pub fn signature(repository: &Repository) -> Result<Signature<'static>> {
    match repository.signature() {
        Ok(signature) => Ok(signature.to_owned()),
        Err(_) => Ok(Signature::now("kwz-new", "kwz-new@localhost")?),
    }
}
