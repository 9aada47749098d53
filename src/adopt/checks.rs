//! The checks `adopt` runs before it changes anything, and what they decide:
//! the extension's name, type and folder, the branch, the compose renames,
//! the legacy manifest and, with `--retrofit-auth`, the backend and wheel.
//!
//! Every refusal except an unreadable source file (found while copying)
//! and a failed wheel build happens here, before anything is written. The
//! checks run in the order a user would fix them: the repo, its work tree,
//! the source folder, then the names.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use anyhow::{Context as _, Result, anyhow, bail};
use git2::Repository;
use regex::Regex;

use super::AdoptOptions;
use super::auth::{self, WheelSource};
use super::git::{self, BranchPlan};
use super::legacy::{self, Legacy};
use super::rename::{self, Rename};
use crate::extensions::metadata_rules::{is_kebab_case, is_semver, name_prefixes};
use crate::extensions::skeleton::check_name;
use crate::extensions::{Extension, ExtensionKind, Repo};

/// A requirement line naming an MCP server library.
static PYTHON_MCP_REQUIREMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?mi)^\s*(fastmcp|mcp)\s*(\[[^\]]*\])?\s*([<>=~!;@#]|$)").unwrap()
});

/// A dependency string in `pyproject.toml` naming an MCP server library.
static PYPROJECT_MCP_DEPENDENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)["'](fastmcp|mcp)\s*(\[[^\]]*\])?\s*([<>=~!;@]|["'])"#).unwrap()
});

/// Everything the later steps need, decided before any change.
pub struct Checked {
    pub repo: Repo,
    pub repository: Repository,
    /// The work tree root, canonical.
    pub workdir: PathBuf,
    /// The source folder, canonical.
    pub source: PathBuf,
    /// The source folder as the user gave it.
    pub source_display: String,
    /// The source folder's own name.
    pub source_name: String,
    /// The origin of the name, as the summary prints it.
    pub name_origin: String,
    /// The reason for the type, as the summary prints it.
    pub kind_origin: String,
    /// The extension at its place in the work tree.
    pub extension: Extension,
    /// Whether an existing folder of the same name is replaced (`--force`).
    pub replaces: bool,
    pub branch: Option<BranchPlan>,
    pub renames: Vec<Rename>,
    pub legacy: Option<Legacy>,
    /// With `--retrofit-auth`: the backend folder (relative to the source)
    /// and where the wheel comes from.
    pub auth: Option<(String, WheelSource)>,
}

/// Runs every check for `options` from `current_dir`.
pub fn run(options: &AdoptOptions, current_dir: &Path) -> Result<Checked> {
    let repo = Repo::discover(current_dir)?;
    let repository = git::open(&repo.root)?;
    let workdir = git::workdir(&repository)?;
    let head = git::head_commit(&repository)?;
    git::check_clean(&repository)?;

    let source_display = options.source.display().to_string();
    let source = check_source(
        &current_dir.join(&options.source),
        &source_display,
        &repo.root,
        &workdir,
    )?;
    let source_name = source
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .ok_or_else(|| anyhow!("the source folder `{source_display}` has no name"))?;
    if let Some(version) = &options.version
        && !is_semver(version)
    {
        bail!(
            "invalid --version `{version}`: use semantic versioning such as `1.2.3`, without a leading `v`"
        );
    }

    let (name, name_origin, kind, kind_origin) =
        choose_name_and_kind(options, &source, &source_name)?;
    let extension = repo.extension(kind, &name);
    let branch = match options.no_branch {
        true => None,
        false => Some(git::plan_branch(&repository, &name)?),
    };
    let base = branch.as_ref().map_or(head, |plan| plan.base);
    let replaces = check_target(
        &repo,
        &repository,
        &workdir,
        &extension,
        base,
        options.force,
    )?;

    let renames = rename::plan(&source, &source_display)?;
    let legacy = legacy::find_legacy(&source);
    let auth = match options.retrofit_auth {
        true => Some((auth::find_backend(&source)?, auth::find_wheel(&repo.root)?)),
        false => None,
    };
    Ok(Checked {
        repo,
        repository,
        workdir,
        source,
        source_display,
        source_name,
        name_origin,
        kind_origin,
        extension,
        replaces,
        branch,
        renames,
        legacy,
        auth,
    })
}

/// The canonical source folder; it must exist, be a folder, and lie
/// outside the repo (and not contain it).
fn check_source(path: &Path, display: &str, repo_root: &Path, workdir: &Path) -> Result<PathBuf> {
    let metadata = std::fs::metadata(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => anyhow!("source folder `{display}` not found"),
        _ => anyhow!("failed to read the source folder `{display}`: {error}"),
    })?;
    if !metadata.is_dir() {
        bail!("`{display}` is not a folder; adopt imports a folder");
    }
    let source = path
        .canonicalize()
        .with_context(|| format!("failed to read the source folder `{display}`"))?;
    if source.starts_with(workdir) || source.starts_with(repo_root) {
        bail!(
            "the source folder `{display}` is inside this repo (`{}`)\n\
             hint: adopt imports an app from outside the repo; move or clone it elsewhere first",
            workdir.display()
        );
    }
    if workdir.starts_with(&source) {
        bail!(
            "the source folder `{display}` contains this repo (`{}`)\n\
             hint: give the folder of the app itself",
            workdir.display()
        );
    }
    Ok(source)
}

/// Chooses the name and type, and returns where each came from.
fn choose_name_and_kind(
    options: &AdoptOptions,
    source: &Path,
    source_name: &str,
) -> Result<(String, String, ExtensionKind, String)> {
    let (mut name, mut name_origin) = match &options.name {
        Some(name) => (name.clone(), "given with --name".to_string()),
        None => (
            kebab_name(source_name)?,
            format!("the source folder name `{source_name}` in kebab-case"),
        ),
    };
    let (kind, kind_origin) = match options.kind {
        Some(kind) => (kind, "given with --type".to_string()),
        None => infer_kind(&name, source),
    };
    let prefixes = name_prefixes(kind);
    if options.name.is_none()
        && !prefixes.is_empty()
        && !prefixes.iter().any(|prefix| name.starts_with(prefix))
    {
        name = format!("{}{name}", prefixes[0]);
        name_origin.push_str(&format!(
            ", with the `{}` prefix every {kind} name needs",
            prefixes[0]
        ));
    }
    check_name(kind, &name).map_err(|error| {
        if !is_kebab_case(&name) {
            let suggestion = kebab_name(&name).unwrap_or_else(|_| "my-app".to_string());
            anyhow!("{error:#}\nhint: for example `--name {suggestion}`")
        } else if options.kind.is_some() {
            error
        } else {
            anyhow!("{error:#}\nnote: the type `{kind}` comes from {kind_origin}; pass --type to choose another")
        }
    })?;
    Ok((name, name_origin, kind, kind_origin))
}

/// Converts a folder name to kebab-case. Words split at anything but ASCII
/// letters and digits, and where lower case turns to upper case
/// (`RFPFinder` gives `rfp-finder`); they are lowercased and joined by
/// hyphens.
pub fn kebab_name(folder: &str) -> Result<String> {
    let characters: Vec<char> = folder.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (position, &character) in characters.iter().enumerate() {
        if !character.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if character.is_ascii_uppercase() && !current.is_empty() {
            let previous = characters[position - 1];
            let next_is_lower = characters
                .get(position + 1)
                .is_some_and(char::is_ascii_lowercase);
            if !previous.is_ascii_uppercase() || next_is_lower {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(character.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    if words.is_empty() {
        bail!(
            "cannot make an extension name from the source folder name `{folder}`: it has no ASCII letters or digits\n\
             hint: give a name with --name, in kebab-case such as `my-app`"
        );
    }
    Ok(words.join("-"))
}

/// Infers the type from the name's prefix, else `tool` for an MCP server,
/// else `app`, and returns it with the reason.
fn infer_kind(name: &str, source: &Path) -> (ExtensionKind, String) {
    for kind in [ExtensionKind::Tool, ExtensionKind::Service] {
        if let Some(prefix) = name_prefixes(kind)
            .iter()
            .find(|prefix| name.starts_with(*prefix))
        {
            return (kind, format!("the name, which starts with `{prefix}`"));
        }
    }
    if let Some(evidence) = find_mcp_server(source) {
        return (ExtensionKind::Tool, format!("an MCP server ({evidence})"));
    }
    (
        ExtensionKind::App,
        "the default: no `tool-`, `mcp-` or `service-` prefix and no MCP server found".to_string(),
    )
}

/// Evidence of an MCP server in the dependency files at the top of
/// `source` or one folder down: `mcp` or `fastmcp` in `requirements*.txt`
/// or `pyproject.toml`, or `@modelcontextprotocol/sdk` in `package.json`.
fn find_mcp_server(source: &Path) -> Option<String> {
    let mut folders = vec![PathBuf::new()];
    if let Ok(entries) = std::fs::read_dir(source) {
        let mut children: Vec<PathBuf> = entries
            .flatten()
            .filter(|entry| entry.path().is_dir())
            .map(|entry| PathBuf::from(entry.file_name()))
            .filter(|name| {
                !name.to_string_lossy().starts_with('.') && name != Path::new("node_modules")
            })
            .collect();
        children.sort();
        folders.extend(children);
    }
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(source.join(&folder)) else {
            continue;
        };
        let mut files: Vec<String> = entries
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        for file in files {
            let matched = match file.as_str() {
                "pyproject.toml" => &PYPROJECT_MCP_DEPENDENCY,
                "package.json" => {
                    let text = std::fs::read_to_string(source.join(&folder).join(&file))
                        .unwrap_or_default();
                    if text.contains("\"@modelcontextprotocol/sdk\"") {
                        return Some(format!(
                            "`@modelcontextprotocol/sdk` in `{}`",
                            folder.join(&file).display()
                        ));
                    }
                    continue;
                }
                name if name.starts_with("requirements") && name.ends_with(".txt") => {
                    &PYTHON_MCP_REQUIREMENT
                }
                _ => continue,
            };
            let text =
                std::fs::read_to_string(source.join(&folder).join(&file)).unwrap_or_default();
            if let Some(captures) = matched.captures(&text) {
                return Some(format!(
                    "`{}` in `{}`",
                    &captures[1],
                    folder.join(&file).display()
                ));
            }
        }
    }
    None
}

/// Rejects a target that exists (on disk or on the branch's base) unless
/// `force`, and a name that another kind of extension already uses.
/// Returns whether an existing folder is replaced.
fn check_target(
    repo: &Repo,
    repository: &Repository,
    workdir: &Path,
    extension: &Extension,
    base: git2::Oid,
    force: bool,
) -> Result<bool> {
    let exists = |candidate: &Extension| -> Result<bool> {
        let relative = candidate
            .dir
            .strip_prefix(workdir)
            .unwrap_or(&candidate.dir);
        Ok(candidate.dir.symlink_metadata().is_ok()
            || git::tree_has_path(repository, base, relative)?)
    };
    for kind in ExtensionKind::ALL
        .into_iter()
        .filter(|kind| *kind != extension.kind)
    {
        let other = repo.extension(kind, &extension.name);
        if exists(&other)? {
            bail!(
                "an extension named `{}` already exists in `{}`; names must be unique across apps, services and tools\n\
                 hint: choose another name with --name",
                extension.name,
                other.relative()
            );
        }
    }
    if !exists(extension)? {
        return Ok(false);
    }
    if !force {
        bail!(
            "`{}` already exists\n\
             hint: choose another name with --name, or pass --force to replace it",
            extension.relative()
        );
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_names_of_folders() {
        let cases = [
            ("rfp-finder", "rfp-finder"),
            ("RFPFinder", "rfp-finder"),
            ("outcome_Crumb_Finder", "outcome-crumb-finder"),
            ("Deployment Manager", "deployment-manager"),
            ("myApp2Go", "my-app2-go"),
            ("tool.git.MCP", "tool-git-mcp"),
            ("--x--", "x"),
        ];
        for (folder, expected) in cases {
            assert_eq!(kebab_name(folder).unwrap(), expected, "{folder}");
        }
        let error = kebab_name("日本").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot make an extension name")
        );
    }

    #[test]
    fn kind_from_prefix_and_mcp_server() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(infer_kind("mcp-search", dir.path()).0, ExtensionKind::Tool);
        assert_eq!(
            infer_kind("service-db", dir.path()).0,
            ExtensionKind::Service
        );
        assert_eq!(infer_kind("git-helper", dir.path()).0, ExtensionKind::App);

        std::fs::create_dir(dir.path().join("server")).unwrap();
        std::fs::write(
            dir.path().join("server/requirements.txt"),
            "httpx\nmcp[cli]>=1.2\n",
        )
        .unwrap();
        assert_eq!(
            infer_kind("git-helper", dir.path()),
            (
                ExtensionKind::Tool,
                "an MCP server (`mcp` in `server/requirements.txt`)".to_string()
            )
        );
    }

    #[test]
    fn mcp_dependency_forms() {
        assert!(PYTHON_MCP_REQUIREMENT.is_match("fastmcp==2.0\n"));
        assert!(PYTHON_MCP_REQUIREMENT.is_match("MCP\n"));
        assert!(!PYTHON_MCP_REQUIREMENT.is_match("mcp-utils==1\n"));
        assert!(PYPROJECT_MCP_DEPENDENCY.is_match("dependencies = [\"mcp>=1.0\"]"));
        assert!(!PYPROJECT_MCP_DEPENDENCY.is_match("name = \"mcp-thing\""));
    }
}
