//! `kwz-new check-update`: report whether the template has a newer version
//! than the one the project was last rendered from. Output and exit codes
//! follow `copier check-update` 9.19.1: exit 2 with `--quiet` when an update
//! is available.

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use pep440_rs::Version;

use crate::cli::OutputFormat;
use crate::commands::copy::absolute;
use crate::engine::read_last_answers;
use crate::exit::ExitCode;
use crate::source::{embedded, git};
use crate::value::Value;

/// Options of `check-update`.
pub struct CheckUpdateOptions<'a> {
    pub answers_file: Option<&'a str>,
    pub quiet: bool,
    pub prereleases: bool,
    pub format: OutputFormat,
}

/// Runs `check-update` on the project at `destination`.
pub fn check_update(destination: &Path, options: &CheckUpdateOptions<'_>) -> Result<()> {
    let root = absolute(destination)?;
    let answers_file = options.answers_file.unwrap_or(".copier-answers.yml");
    let last = read_last_answers(&root, answers_file)?;
    let (Some(src_path), Some(commit)) = (
        last.get("_src_path").and_then(Value::as_str),
        last.get("_commit"),
    ) else {
        bail!(
            "cannot check: `{answers_file}` does not record the template's `_src_path` and `_commit`"
        );
    };
    let commit = crate::jinja::python_str(commit);
    let (current, latest) = if src_path == embedded::SRC_PATH {
        (
            embedded::version_of(&commit),
            Some(embedded::VERSION.to_string()),
        )
    } else {
        if let git::SourceKind::Folder(path) = git::classify(src_path) {
            if !path.exists() {
                bail!(
                    "cannot check: template `{src_path}` not found\nhint: a relative `_src_path` is resolved from the current folder, so run the command from where the project was copied"
                );
            }
            bail!(
                "cannot check: template `{src_path}` is not a git repository, so it has no versions"
            );
        }
        let current = git::revision(src_path, Some(&commit), options.prereleases)?
            .revision
            .version;
        (current, git::latest_version(src_path, options.prereleases)?)
    };
    let current =
        current.context("cannot check: the version of the last update cannot be determined")?;
    let latest =
        latest.context("cannot check: the version of the template cannot be determined")?;
    let parse = |text: &str| {
        text.parse::<Version>()
            .with_context(|| format!("invalid version `{text}`"))
    };
    let available = parse(&latest)? > parse(&current)?;
    if options.quiet {
        return if available {
            Err(ExitCode::new(ExitCode::USAGE, "").into())
        } else {
            Ok(())
        };
    }
    match options.format {
        OutputFormat::Json => println!(
            "{{\"update_available\": {available}, \"current_version\": {}, \"latest_version\": {}}}",
            serde_json::to_string(&current)?,
            serde_json::to_string(&latest)?
        ),
        OutputFormat::Plain if available => {
            println!(
                "New template version available.\nCurrent version is {current}, latest version is {latest}."
            )
        }
        OutputFormat::Plain => println!("Project is up-to-date!"),
    }
    Ok(())
}
