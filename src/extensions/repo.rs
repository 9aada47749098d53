//! The extensions repo around the current folder.
//!
//! A repo generated from the Kamiwaza extensions template is marked by its
//! `.copier-answers.yml`, which also records `docker_org`, the prefix of
//! every image the repo builds. The commands walk up from the folder they
//! run in to the first answers file that records `docker_org`, so they work
//! from any folder of the repo. Answers files without `docker_org` (an
//! adopted app that was itself made from some other Copier template) are
//! passed over.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::extension::{Extension, ExtensionKind};

/// Name of the answers file that marks the repo root.
pub const ANSWERS_FILE: &str = ".copier-answers.yml";

/// The repo root and the answers the commands need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    pub root: PathBuf,
    /// Image prefix of the repo's own services, `kamiwazaai` by default.
    pub docker_org: String,
}

impl Repo {
    /// Finds the repo that contains `start_dir`.
    pub fn discover(start_dir: &Path) -> Result<Repo> {
        let start_dir = start_dir
            .canonicalize()
            .with_context(|| format!("failed to read the folder `{}`", start_dir.display()))?;
        for folder in start_dir.ancestors() {
            let answers_path = folder.join(ANSWERS_FILE);
            if !answers_path.is_file() {
                continue;
            }
            match read_docker_org(&answers_path)? {
                Some(docker_org) => {
                    return Ok(Repo {
                        root: folder.to_path_buf(),
                        docker_org,
                    });
                }
                None => tracing::debug!(
                    "skipped `{}`: it records no `docker_org`",
                    answers_path.display()
                ),
            }
        }
        bail!(
            "not inside a Kamiwaza extensions repo: no `{ANSWERS_FILE}` with `docker_org` in `{}` or any parent folder\n\
             hint: run this command inside a repo created by `kwz-new DEST`",
            start_dir.display()
        )
    }

    /// Every extension of the repo: apps, then services, then tools, each
    /// sorted by name. Folders whose name starts with `.` are skipped, and a
    /// missing `apps/`, `services/` or `tools/` simply holds nothing.
    pub fn extensions(&self) -> Result<Vec<Extension>> {
        let mut extensions = Vec::new();
        for kind in ExtensionKind::ALL {
            let kind_dir = self.root.join(kind.folder());
            if !kind_dir.is_dir() {
                continue;
            }
            let entries = std::fs::read_dir(&kind_dir)
                .with_context(|| format!("failed to list `{}`", kind.folder()))?;
            let mut names = Vec::new();
            for entry in entries {
                let entry = entry.with_context(|| format!("failed to list `{}`", kind.folder()))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if !name.starts_with('.') && entry.path().is_dir() {
                    names.push(name);
                }
            }
            names.sort();
            extensions.extend(names.into_iter().map(|name| self.extension(kind, &name)));
        }
        Ok(extensions)
    }

    /// The extension `<kind folder>/<name>`, whether or not its folder exists.
    pub fn extension(&self, kind: ExtensionKind, name: &str) -> Extension {
        Extension {
            kind,
            name: name.to_string(),
            dir: self.root.join(kind.folder()).join(name),
        }
    }

    /// The extensions named by `paths` (relative to `current_dir`), or every
    /// extension when `paths` is empty. Each path must be an existing folder
    /// `apps/<name>`, `services/<name>` or `tools/<name>` of this repo.
    pub fn select(&self, current_dir: &Path, paths: &[PathBuf]) -> Result<Vec<Extension>> {
        if paths.is_empty() {
            return self.extensions();
        }
        paths
            .iter()
            .map(|path| self.resolve(current_dir, path))
            .collect()
    }

    /// The extension whose folder is `path`.
    pub fn resolve(&self, current_dir: &Path, path: &Path) -> Result<Extension> {
        let absolute = normalize(&current_dir.join(path));
        if !absolute.is_dir() {
            bail!("extension folder `{}` not found", path.display());
        }
        let absolute = absolute
            .canonicalize()
            .with_context(|| format!("failed to read the folder `{}`", path.display()))?;
        let relative = absolute.strip_prefix(&self.root).ok();
        let parts: Vec<&str> = relative
            .map(|relative| relative.iter().filter_map(|part| part.to_str()).collect())
            .unwrap_or_default();
        match parts.as_slice() {
            [folder, name] => match ExtensionKind::from_folder(folder) {
                Some(kind) => Ok(self.extension(kind, name)),
                None => not_an_extension(path),
            },
            _ => not_an_extension(path),
        }
    }
}

fn not_an_extension<T>(path: &Path) -> Result<T> {
    bail!(
        "`{}` is not an extension folder: expected `apps/<name>`, `services/<name>` or `tools/<name>` of this repo",
        path.display()
    )
}

/// Removes `.` and `..` components without touching the disk, so a path
/// given as `apps/x/..` names what the user sees.
fn normalize(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normalized.pop();
            }
            other => normalized.push(other),
        }
    }
    normalized
}

/// Reads `docker_org` from an answers file; `Ok(None)` when it has none.
fn read_docker_org(answers_path: &Path) -> Result<Option<String>> {
    let text = std::fs::read_to_string(answers_path)
        .with_context(|| format!("failed to read `{}`", answers_path.display()))?;
    let answers: serde_yaml::Value = serde_yaml::from_str(&text)
        .with_context(|| format!("`{}` is not valid YAML", answers_path.display()))?;
    match answers.get("docker_org") {
        None => Ok(None),
        Some(serde_yaml::Value::String(docker_org)) if !docker_org.trim().is_empty() => {
            Ok(Some(docker_org.trim().to_string()))
        }
        Some(_) => bail!(
            "`{}`: `docker_org` must be a non-empty string",
            answers_path.display()
        ),
    }
}
