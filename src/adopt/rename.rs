//! Compose file names: from the legacy names to the ones the extension
//! commands read.
//!
//! An extension has one local compose file, `docker-compose.yml`, and one
//! App Garden file, `docker-compose.appgarden.yml`, which `sync-compose`
//! writes from the local one. Legacy apps name them
//! `docker-compose.local.yml` and `docker-compose.app-garden.yml`, either
//! with `.yaml` as well. Only files at the top of the source folder count.
//!
//! The plan is made from the source folder before anything is copied, so
//! two files that would get the same name stop `adopt` before it changes
//! anything. An app whose only compose file is a hand-written App Garden
//! file gets it as its local file, because `sync-compose` regenerates the
//! App Garden file from the local one and would otherwise have no input.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

/// Name of the local compose file after the import.
pub const LOCAL: &str = "docker-compose.yml";

/// Name of the App Garden compose file after the import.
pub const APPGARDEN: &str = "docker-compose.appgarden.yml";

/// Names that are the local compose file, in the order they are listed.
const LOCAL_NAMES: [&str; 4] = [
    "docker-compose.yml",
    "docker-compose.yaml",
    "docker-compose.local.yml",
    "docker-compose.local.yaml",
];

/// Names that are the App Garden compose file.
const APPGARDEN_NAMES: [&str; 4] = [
    "docker-compose.appgarden.yml",
    "docker-compose.appgarden.yaml",
    "docker-compose.app-garden.yml",
    "docker-compose.app-garden.yaml",
];

/// One file renamed in the copy, with the reason shown in the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    pub from: &'static str,
    pub to: &'static str,
    pub reason: &'static str,
}

/// Plans the renames for the compose files at the top of `source`.
/// `source_display` names the folder in errors.
pub fn plan(source: &Path, source_display: &str) -> Result<Vec<Rename>> {
    let local = existing(source, &LOCAL_NAMES);
    let appgarden = existing(source, &APPGARDEN_NAMES);
    reject_pairs(&local, LOCAL, source_display)?;
    reject_pairs(&appgarden, APPGARDEN, source_display)?;

    let mut renames = Vec::new();
    match (local.first(), appgarden.first()) {
        (Some(&from), _) if from != LOCAL => renames.push(Rename {
            from,
            to: LOCAL,
            reason: "the local compose file",
        }),
        (None, Some(&from)) => renames.push(Rename {
            from,
            to: LOCAL,
            reason: "the only compose file; `sync-compose` generates the App Garden file from it",
        }),
        _ => {}
    }
    if let (Some(_), Some(&from)) = (local.first(), appgarden.first())
        && from != APPGARDEN
    {
        renames.push(Rename {
            from,
            to: APPGARDEN,
            reason: "the App Garden compose file; `sync-compose` rewrites it",
        });
    }
    Ok(renames)
}

/// Applies the renames inside the staged copy. A planned file that was not
/// copied (a `.gitignore` rule excluded it) is left out of the result.
pub fn apply(renames: &[Rename], staged: &Path) -> Result<Vec<Rename>> {
    let mut applied = Vec::new();
    for rename in renames {
        let from = staged.join(rename.from);
        if !from.is_file() {
            tracing::debug!("not renaming `{}`: it was not copied", rename.from);
            continue;
        }
        std::fs::rename(&from, staged.join(rename.to))
            .with_context(|| format!("failed to rename `{}` in the copy", rename.from))?;
        applied.push(rename.clone());
    }
    Ok(applied)
}

fn existing(source: &Path, names: &[&'static str]) -> Vec<&'static str> {
    names
        .iter()
        .copied()
        .filter(|name| source.join(name).is_file())
        .collect()
}

fn reject_pairs(found: &[&str], target: &str, source_display: &str) -> Result<()> {
    if found.len() < 2 {
        return Ok(());
    }
    let listed = found
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    bail!(
        "`{source_display}` has both {listed}, and both would become `{target}`\n\
         hint: adopt cannot tell which one to keep; merge them into one file in the source folder, then run adopt again"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_for(files: &[&str]) -> Result<Vec<Rename>> {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            std::fs::write(dir.path().join(file), "services: {}\n").unwrap();
        }
        plan(dir.path(), "legacy")
    }

    fn pairs(renames: &[Rename]) -> Vec<(&str, &str)> {
        renames
            .iter()
            .map(|rename| (rename.from, rename.to))
            .collect()
    }

    #[test]
    fn legacy_names_renamed() {
        let renames =
            plan_for(&["docker-compose.local.yml", "docker-compose.app-garden.yml"]).unwrap();
        assert_eq!(
            pairs(&renames),
            [
                ("docker-compose.local.yml", "docker-compose.yml"),
                (
                    "docker-compose.app-garden.yml",
                    "docker-compose.appgarden.yml"
                ),
            ]
        );
    }

    #[test]
    fn yaml_spellings_renamed() {
        let renames =
            plan_for(&["docker-compose.local.yaml", "docker-compose.appgarden.yaml"]).unwrap();
        assert_eq!(
            pairs(&renames),
            [
                ("docker-compose.local.yaml", "docker-compose.yml"),
                (
                    "docker-compose.appgarden.yaml",
                    "docker-compose.appgarden.yml"
                ),
            ]
        );
    }

    #[test]
    fn current_names_kept() {
        let renames = plan_for(&[
            "docker-compose.yml",
            "docker-compose.appgarden.yml",
            "docker-compose.dev.yml",
        ])
        .unwrap();
        assert_eq!(renames, []);
    }

    #[test]
    fn lone_appgarden_file_becomes_local() {
        let renames = plan_for(&["docker-compose.appgarden.yml"]).unwrap();
        assert_eq!(
            pairs(&renames),
            [("docker-compose.appgarden.yml", "docker-compose.yml")]
        );
    }

    #[test]
    fn plain_and_local_rejected() {
        let error = plan_for(&["docker-compose.yml", "docker-compose.local.yml"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`legacy` has both `docker-compose.yml` and `docker-compose.local.yml`, and both would become `docker-compose.yml`\n\
             hint: adopt cannot tell which one to keep; merge them into one file in the source folder, then run adopt again"
        );
    }

    #[test]
    fn two_appgarden_files_rejected() {
        let error = plan_for(&[
            "docker-compose.local.yml",
            "docker-compose.appgarden.yml",
            "docker-compose.app-garden.yml",
        ])
        .unwrap_err();
        assert!(
            error.to_string().starts_with(
                "`legacy` has both `docker-compose.appgarden.yml` and `docker-compose.app-garden.yml`"
            ),
            "{error}"
        );
    }
}
