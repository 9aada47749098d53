//! `new`: creates a working extension from a skeleton built into the
//! binary.
//!
//! The skeletons live in `src/extensions/skeletons/{app,service,tool}` and
//! are embedded with `include_dir`. Their text uses four placeholders,
//! replaced by plain substitution: `{{ name }}` (the extension name),
//! `{{ title }}` (the name in title case), `{{ docker_org }}` and
//! `{{ package }}` (the name as a Python package). In paths, `__name__` and
//! `__package__` stand for the name and the package. After writing the
//! files, `new` generates the App Garden compose file with `sync-compose`
//! and checks the result with `validate`, so a new extension is valid as
//! created.

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use include_dir::{Dir, DirEntry, include_dir};

use super::extension::{Extension, ExtensionKind};
use super::metadata_rules::{is_kebab_case, name_prefixes};
use super::repo::Repo;
use super::{sync_compose, validate};

static SKELETONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/extensions/skeletons");

/// Values substituted into a skeleton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkeletonValues {
    pub name: String,
    pub title: String,
    pub docker_org: String,
    pub package: String,
}

impl SkeletonValues {
    pub fn new(name: &str, docker_org: &str) -> Self {
        SkeletonValues {
            name: name.to_string(),
            title: title_case(name),
            docker_org: docker_org.to_string(),
            package: name.replace('-', "_"),
        }
    }

    fn substitute(&self, text: &str) -> String {
        text.replace("{{ name }}", &self.name)
            .replace("{{ title }}", &self.title)
            .replace("{{ docker_org }}", &self.docker_org)
            .replace("{{ package }}", &self.package)
    }

    fn substitute_path(&self, path: &str) -> String {
        path.replace("__name__", &self.name)
            .replace("__package__", &self.package)
    }
}

/// `demo-app` becomes `Demo App`.
fn title_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut characters = word.chars();
            match characters.next() {
                Some(first) => first.to_uppercase().chain(characters).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// Checks that `name` suits an extension of `kind`.
pub fn check_name(kind: ExtensionKind, name: &str) -> Result<()> {
    if !is_kebab_case(name) {
        bail!(
            "invalid extension name `{name}`: use kebab-case, lowercase letters and digits joined by single hyphens"
        );
    }
    let prefixes = name_prefixes(kind);
    if !prefixes.is_empty() && !prefixes.iter().any(|prefix| name.starts_with(prefix)) {
        let allowed = prefixes
            .iter()
            .map(|prefix| format!("`{prefix}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        bail!(
            "invalid {kind} name `{name}`: it must start with {allowed}\nhint: for example `{}example`",
            prefixes[0]
        );
    }
    Ok(())
}

/// Writes the skeleton of `kind` into the folder of `extension`, which
/// must not exist yet. Returns the paths written, relative to the repo root.
pub fn write_skeleton(extension: &Extension, values: &SkeletonValues) -> Result<Vec<String>> {
    if extension.dir.exists() {
        bail!(
            "`{}` already exists; choose another name or remove it first",
            extension.relative()
        );
    }
    let skeleton = SKELETONS
        .get_dir(extension.kind.label())
        .expect("a skeleton exists for every kind");
    let mut written = Vec::new();
    write_dir(
        skeleton,
        Path::new(extension.kind.label()),
        extension,
        values,
        &mut written,
    )?;
    written.sort();
    Ok(written)
}

fn write_dir(
    dir: &Dir,
    base: &Path,
    extension: &Extension,
    values: &SkeletonValues,
    written: &mut Vec<String>,
) -> Result<()> {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(child) => write_dir(child, base, extension, values, written)?,
            DirEntry::File(file) => {
                let relative = file
                    .path()
                    .strip_prefix(base)
                    .expect("entries lie below their skeleton");
                let relative = values.substitute_path(&relative.to_string_lossy());
                let target = extension.dir.join(&relative);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("failed to create `{}`", parent.display()))?;
                }
                let contents = match file.contents_utf8() {
                    Some(text) => values.substitute(text).into_bytes(),
                    None => file.contents().to_vec(),
                };
                std::fs::write(&target, contents)
                    .with_context(|| format!("failed to write `{}`", target.display()))?;
                written.push(format!("{}/{relative}", extension.relative()));
            }
        }
    }
    Ok(())
}

/// Runs `kwz-new new KIND NAME` from `current_dir`.
pub fn run(current_dir: &Path, kind: ExtensionKind, name: &str) -> Result<()> {
    check_name(kind, name)?;
    let repo = Repo::discover(current_dir)?;
    let extension = repo.extension(kind, name);
    let values = SkeletonValues::new(name, &repo.docker_org);
    let written = write_skeleton(&extension, &values)?;
    let generated = sync_compose::sync_extension(&repo, &extension, false)
        .map_err(|problem| anyhow::anyhow!("{problem}"))
        .context("the new extension's compose file could not be converted")?;
    for path in written.iter().chain(std::iter::once(&generated.target)) {
        println!("create {path}");
    }

    let problems = validate::validate_extension(&repo, &extension);
    if problems.iter().any(|problem| problem.is_error()) {
        for problem in &problems {
            println!("{problem}");
        }
        bail!(
            "the new {kind} `{name}` does not pass `validate`; this is a bug in kwz-new's {kind} skeleton"
        );
    }
    let relative = extension.relative();
    println!("\ncreated {kind} `{name}` in `{relative}`. Next steps:");
    println!("  make test TYPE={kind} NAME={name}       # run its tests");
    println!("  make build TYPE={kind} NAME={name}      # build its images (needs docker)");
    println!(
        "  edit {relative}/docker-compose.yml, then run `make sync-compose` and `make validate`"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_of_names() {
        assert_eq!(title_case("demo-app"), "Demo App");
        assert_eq!(title_case("tool-x2"), "Tool X2");
    }

    #[test]
    fn names_checked_per_kind() {
        assert!(check_name(ExtensionKind::App, "demo-app").is_ok());
        assert!(check_name(ExtensionKind::Service, "service-notes").is_ok());
        assert!(check_name(ExtensionKind::Tool, "mcp-search").is_ok());
        let error = check_name(ExtensionKind::Tool, "search").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid tool name `search`: it must start with `tool-` or `mcp-`")
        );
        let error = check_name(ExtensionKind::App, "Demo_App").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid extension name `Demo_App`")
        );
    }
}
