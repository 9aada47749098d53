//! `validate`: checks every extension's `kamiwaza.json` and compose files
//! and reports all findings of all extensions in one run.
//!
//! The rules themselves are in `metadata_rules` and `compose_rules`. This
//! module loads the files, turns unreadable files into findings, and adds
//! the rules that span files: which compose files must exist, and whether
//! the App Garden file is what `sync-compose` would write today.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::compose::{self, APPGARDEN_NAMES, ComposeFile, SOURCE_NAMES};
use super::compose_rules::{self, ComposeContext};
use super::extension::{Extension, ExtensionKind};
use super::manifest::{self, Manifest};
use super::metadata_rules;
use super::problem::Problem;
use super::repo::Repo;
use super::sync_compose;
use crate::exit::ExitCode;

/// Every finding for one extension, errors and warnings, in a stable order:
/// `kamiwaza.json` first, then `docker-compose.yml`, then the App Garden
/// file. `adopt` uses this as `validate` does.
pub fn validate_extension(repo: &Repo, extension: &Extension) -> Vec<Problem> {
    let mut problems = Vec::new();
    if !extension.dir.is_dir() {
        problems.push(Problem::file_error(
            extension.relative(),
            "extension folder not found",
        ));
        return problems;
    }

    let manifest = match manifest::read_manifest(extension) {
        Ok(fields) => Some(fields),
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    let source = load_compose(extension, SOURCE_NAMES, &mut problems);
    let appgarden = load_compose(extension, APPGARDEN_NAMES, &mut problems);
    let has_compose = source.is_some() || appgarden.is_some();
    if let Some(fields) = &manifest {
        metadata_rules::check_manifest(
            extension,
            fields,
            &repo.docker_org,
            has_compose,
            &mut problems,
        );
    }

    let context = ComposeContext {
        docker_org: &repo.docker_org,
        extension: &extension.name,
        version: manifest.as_ref().and_then(version_if_valid),
    };
    match &source {
        Loaded::File(file) => compose_rules::check_source(file, &context, &mut problems),
        Loaded::Missing if extension.kind != ExtensionKind::Tool => {
            problems.push(Problem::file_error(
                extension.display_path(SOURCE_NAMES[0]),
                format!("file not found; every {} needs one", extension.kind),
            ))
        }
        Loaded::Missing | Loaded::Invalid => {}
    }
    if let Loaded::File(file) = &appgarden {
        compose_rules::check_appgarden(file, &context, &mut problems);
    }
    if source.is_file() {
        check_generated(repo, extension, &mut problems);
    }
    problems
}

/// The version when it is valid semantic versioning; an invalid one is
/// reported by the metadata rules and would only repeat in image findings.
fn version_if_valid(fields: &Manifest) -> Option<&str> {
    manifest::version(fields).filter(|version| metadata_rules::is_semver(version))
}

/// Checks that the App Garden file exists and equals what `sync-compose`
/// generates now.
fn check_generated(repo: &Repo, extension: &Extension, problems: &mut Vec<Problem>) {
    let (target_name, expected) = match sync_compose::expected_appgarden(repo, extension) {
        Ok(Some(generated)) => generated,
        Ok(None) => return,
        Err(problem) => {
            if !problems.contains(&problem) {
                problems.push(problem);
            }
            return;
        }
    };
    let display = extension.display_path(target_name);
    match std::fs::read(extension.dir.join(target_name)) {
        Err(_) => problems.push(Problem::file_error(
            display,
            "file not found; run `make sync-compose`",
        )),
        Ok(current) if current != expected.as_bytes() => problems.push(Problem::file_error(
            display,
            "out of date with the local compose file; run `make sync-compose`",
        )),
        Ok(_) => {}
    }
}

enum Loaded {
    File(Box<ComposeFile>),
    Missing,
    /// The file exists but cannot be used; the finding is already recorded.
    Invalid,
}

impl Loaded {
    fn is_some(&self) -> bool {
        !matches!(self, Loaded::Missing)
    }

    fn is_file(&self) -> bool {
        matches!(self, Loaded::File(_))
    }
}

fn load_compose(
    extension: &Extension,
    names: [&'static str; 2],
    problems: &mut Vec<Problem>,
) -> Loaded {
    let found = compose::find(extension, names).and_then(|found| match found {
        Some(name) => compose::load(extension, name).map(Some),
        None => Ok(None),
    });
    match found {
        Ok(Some(file)) => Loaded::File(Box::new(file)),
        Ok(None) => Loaded::Missing,
        Err(problem) => {
            problems.push(problem);
            Loaded::Invalid
        }
    }
}

/// Runs `kwz-new validate [PATH...]` from `current_dir`: prints every
/// finding on stdout and fails when any is an error.
pub fn run(current_dir: &Path, paths: &[PathBuf]) -> Result<()> {
    let repo = Repo::discover(current_dir)?;
    let extensions = repo.select(current_dir, paths)?;
    if extensions.is_empty() {
        println!("no extensions in `apps/`, `services/` or `tools/`; nothing to validate");
        return Ok(());
    }
    let mut errors = 0;
    let mut warnings = 0;
    let mut failing = 0;
    for extension in &extensions {
        let problems = validate_extension(&repo, extension);
        let extension_errors = problems.iter().filter(|problem| problem.is_error()).count();
        errors += extension_errors;
        warnings += problems.len() - extension_errors;
        failing += usize::from(extension_errors > 0);
        for problem in &problems {
            println!("{problem}");
        }
    }
    let total = extensions.len();
    if errors > 0 {
        return Err(ExitCode::new(
            ExitCode::USER_ERROR,
            format!(
                "validation failed: {} in {failing} of {}",
                super::counted(errors, "error", "errors"),
                super::counted(total, "extension", "extensions")
            ),
        )
        .into());
    }
    println!(
        "validated {}: no errors, {}",
        super::counted(total, "extension", "extensions"),
        super::counted(warnings, "warning", "warnings")
    );
    Ok(())
}
