//! Bare mirrors of remote template repositories, kept between runs.
//!
//! A remote URL is cloned once with every ref (`+refs/*:refs/*`, as
//! `git clone --mirror` does) into `<cache>/<sha256 of the URL>.git`, where
//! `<cache>` is `$KWZ_NEW_CACHE_DIR` or the user's cache folder followed by
//! `kwz-new/git`. Later runs fetch with pruning instead of cloning again, as
//! Copier 9.19.1 does with its own cache. Credentials in the URL are left
//! out of the hash, so they never shape the cache layout.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use git2::{FetchOptions, FetchPrune, Repository, build::RepoBuilder};
use sha2::{Digest as _, Sha256};

/// Environment variable that replaces the cache folder of mirrors.
pub const CACHE_DIR_ENV: &str = "KWZ_NEW_CACHE_DIR";

/// Opens the mirror of `url`, cloning it on first use and fetching on later
/// ones. A partial or corrupt cache entry is removed and cloned again.
pub fn mirror(url: &str) -> Result<Repository> {
    let path = mirror_path(url)?;
    if let Some(repo) = open_mirror(&path) {
        tracing::debug!("refreshing cached mirror `{}` of `{url}`", path.display());
        refresh(&repo, url)?;
        return Ok(repo);
    }
    if path.exists() {
        std::fs::remove_dir_all(&path).with_context(|| {
            format!(
                "failed to remove broken template cache `{}`",
                path.display()
            )
        })?;
    }
    let parent = path.parent().expect("mirror paths have a parent folder");
    std::fs::create_dir_all(parent)
        .with_context(|| format!("failed to create template cache `{}`", parent.display()))?;

    // Clone beside the final place, then rename, so another run never sees
    // a half-written mirror. When another run won the race, use its mirror.
    let staging = tempfile::Builder::new()
        .prefix("kwz-new.clone.")
        .tempdir_in(parent)
        .with_context(|| format!("failed to create a folder in `{}`", parent.display()))?;
    let staged = staging.path().join("repo.git");
    tracing::debug!("cloning `{url}` into the template cache");
    clone_mirror(url, &staged)?;
    if let Err(error) = std::fs::rename(&staged, &path)
        && open_mirror(&path).is_none()
    {
        return Err(error).with_context(|| {
            format!(
                "failed to move the clone of `{url}` to `{}`",
                path.display()
            )
        });
    }
    open_mirror(&path).ok_or_else(|| anyhow!("cached mirror `{}` is not usable", path.display()))
}

/// Returns where the mirror of `url` lives.
pub fn mirror_path(url: &str) -> Result<PathBuf> {
    let folder = match std::env::var_os(CACHE_DIR_ENV) {
        Some(folder) if !folder.is_empty() => PathBuf::from(folder),
        _ => dirs::cache_dir()
            .ok_or_else(|| {
                anyhow!("no cache folder for template clones\nhint: set {CACHE_DIR_ENV}")
            })?
            .join("kwz-new")
            .join("git"),
    };
    let digest = Sha256::digest(strip_credentials(url).as_bytes());
    let name: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(folder.join(format!("{name}.git")))
}

/// Removes `user:password@` from the authority part of a URL.
fn strip_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://{host}{path}"),
        None => url.to_string(),
    }
}

fn open_mirror(path: &Path) -> Option<Repository> {
    if !path.join("objects").is_dir() {
        return None;
    }
    Repository::open_bare(path).ok().filter(Repository::is_bare)
}

fn clone_mirror(url: &str, into: &Path) -> Result<()> {
    let mut builder = RepoBuilder::new();
    builder
        .bare(true)
        .remote_create(|repo, name, url| repo.remote_with_fetch(name, url, "+refs/*:refs/*"));
    let repo = builder
        .clone(url, into)
        .with_context(|| format!("failed to clone template `{url}`"))?;
    repo.config()?.set_bool("remote.origin.mirror", true)?;
    Ok(())
}

fn refresh(repo: &Repository, url: &str) -> Result<()> {
    let mut remote = repo
        .find_remote("origin")
        .with_context(|| format!("cached mirror of `{url}` has no `origin` remote"))?;
    let mut options = FetchOptions::new();
    options.prune(FetchPrune::On);
    remote
        .fetch::<&str>(&[], Some(&mut options), None)
        .with_context(|| format!("failed to fetch template `{url}`"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_left_out_of_cache_key() {
        assert_eq!(
            strip_credentials("https://user:secret@example.com/a/b.git"),
            "https://example.com/a/b.git"
        );
        assert_eq!(
            strip_credentials("https://example.com/a@b.git"),
            "https://example.com/a@b.git"
        );
        assert_eq!(
            strip_credentials("git@github.com:a/b.git"),
            "git@github.com:a/b.git"
        );
    }
}
