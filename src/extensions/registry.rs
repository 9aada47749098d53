//! `build-registry`: the App Garden registry files, built from every
//! extension's `kamiwaza.json` and App Garden compose file.
//!
//! Output, rebuilt from scratch on each run:
//! `build/kamiwaza-extension-registry/garden/v2/apps.json` (apps, then
//! services), `tools.json`, and `images/` with the preview images. Both
//! JSON files are arrays sorted by folder name, indented by two spaces, so
//! the same repo gives the same bytes. No docker is needed.
//!
//! An entry is the extension's `kamiwaza.json` in its own key order, minus
//! `compose_yml_file` and keys starting with `_`, plus `compose_yml` (the
//! compose file with the repo's own images tagged for the stage),
//! `docker_images` (the images of its services), and `template_type:
//! "service"` for services that lack it. The repo's own images are those
//! under `<docker_org>/`; for the `dev` and `stage` stages their tag
//! `v<version>` becomes `v<version>-dev` or `v<version>-stage`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde_json::{Map, Value};

use super::compose::{self, APPGARDEN_NAMES, SOURCE_NAMES};
use super::compose_writer;
use super::extension::{Extension, ExtensionKind, Stage};
use super::manifest::{self, MANIFEST_FILE};
use super::metadata_rules::image_tag;
use super::problem::Problem;
use super::repo::Repo;
use crate::exit::ExitCode;

/// Folder of the registry files, relative to the repo root.
pub const REGISTRY_DIR: &str = "build/kamiwaza-extension-registry/garden/v2";

/// Folder of the preview images, relative to `REGISTRY_DIR`.
pub const IMAGES_DIR: &str = "images";

/// One extension's registry entry, and the preview image it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryEntry {
    pub kind: ExtensionKind,
    /// The JSON object published in `apps.json` or `tools.json`.
    pub fields: Map<String, Value>,
    /// The preview image to copy into `images/`, with its file name there.
    pub preview: Option<(PathBuf, String)>,
}

/// Builds the registry entry of `<kind folder>/<name>` in the repo at
/// `repo_root`, as `build-registry` writes it. `push` sends this entry.
pub fn registry_entry(
    repo_root: &Path,
    kind: ExtensionKind,
    name: &str,
    stage: Stage,
) -> Result<Value> {
    let repo = Repo::discover(repo_root)?;
    let extension = repo.extension(kind, name);
    if !extension.dir.is_dir() {
        bail!("extension folder `{}` not found", extension.relative());
    }
    build_entry(&repo, &extension, stage)
        .map(|entry| Value::Object(entry.fields))
        .map_err(|problem| anyhow::anyhow!("{problem}"))
}

/// Builds one extension's registry entry for `stage`.
pub fn build_entry(
    repo: &Repo,
    extension: &Extension,
    stage: Stage,
) -> Result<RegistryEntry, Problem> {
    let mut fields = manifest::read_manifest(extension)?;
    let version = required_fields(extension, &fields)?;
    fields.retain(|key, _| key != "compose_yml_file" && !key.starts_with('_'));
    let tagger = Tagger {
        docker_org: &repo.docker_org,
        version: &version,
        stage,
    };

    match compose_text(extension)? {
        Some((display, text)) => {
            let (compose_yml, images) = tag_compose(&text, &display, &tagger)?;
            fields.insert("compose_yml".to_string(), Value::from(compose_yml));
            fields.insert("docker_images".to_string(), Value::from(images));
        }
        None => {
            let Some(image) = fields
                .get("image")
                .and_then(Value::as_str)
                .map(str::to_string)
            else {
                return Err(Problem::file_error(
                    extension.relative(),
                    "a tool needs an `image` in `kamiwaza.json` or a compose file",
                ));
            };
            let image = tagger.tag(&image);
            fields.insert("image".to_string(), Value::from(image.clone()));
            fields.insert("docker_images".to_string(), Value::from(vec![image]));
        }
    }
    if let Some(Value::Array(extra)) = fields.get_mut("extra_docker_images") {
        for image in extra.iter_mut() {
            if let Value::String(text) = image {
                *text = tagger.tag(text);
            }
        }
    }
    if extension.kind == ExtensionKind::Service && !fields.contains_key("template_type") {
        fields.insert("template_type".to_string(), Value::from("service"));
    }
    let preview = registry_preview(extension, &mut fields)?;
    Ok(RegistryEntry {
        kind: extension.kind,
        fields,
        preview,
    })
}

/// Checks the fields the registry cannot do without, and returns `version`.
fn required_fields(extension: &Extension, fields: &Map<String, Value>) -> Result<String, Problem> {
    let path = extension.display_path(MANIFEST_FILE);
    for field in [
        "name",
        "version",
        "description",
        "source_type",
        "visibility",
    ] {
        if !fields.get(field).is_some_and(Value::is_string) {
            return Err(Problem::error(
                &path,
                field,
                "missing or not a string; run `make validate`",
            ));
        }
    }
    if let Some(tier) = fields.get("risk_tier")
        && !tier.as_i64().is_some_and(|tier| (0..=2).contains(&tier))
    {
        return Err(Problem::error(
            &path,
            "risk_tier",
            "must be 0, 1 or 2; run `make validate`",
        ));
    }
    Ok(manifest::version(fields).unwrap_or_default().to_string())
}

/// The compose file the registry publishes: the App Garden file, or for a
/// tool without one, its local compose file.
fn compose_text(extension: &Extension) -> Result<Option<(String, String)>, Problem> {
    let mut found = compose::find(extension, APPGARDEN_NAMES)?;
    if found.is_none() && extension.kind == ExtensionKind::Tool {
        found = compose::find(extension, SOURCE_NAMES)?;
    }
    let Some(name) = found else {
        if extension.kind == ExtensionKind::Tool {
            return Ok(None);
        }
        return Err(Problem::file_error(
            extension.display_path(APPGARDEN_NAMES[0]),
            "file not found; run `make sync-compose`",
        ));
    };
    let display = extension.display_path(name);
    let text = manifest::read_text(&extension.dir.join(name), &display)?;
    Ok(Some((display, text)))
}

/// Retags the repo's own images for a stage.
struct Tagger<'a> {
    docker_org: &'a str,
    version: &'a str,
    stage: Stage,
}

impl Tagger<'_> {
    /// `<docker_org>/x:v1.0.0` becomes `<docker_org>/x:v1.0.0-dev` for
    /// `dev`. An untagged own image gets `v<version>` first; an existing
    /// stage suffix is replaced. Other images are returned unchanged.
    fn tag(&self, image: &str) -> String {
        if !image.starts_with(&format!("{}/", self.docker_org)) || image.contains('@') {
            return image.to_string();
        }
        let (repository, tag) = match image_tag(image) {
            Some(tag) => (&image[..image.len() - tag.len() - 1], tag.to_string()),
            None => (image, format!("v{}", self.version)),
        };
        let base = tag
            .strip_suffix("-dev")
            .or_else(|| tag.strip_suffix("-stage"))
            .unwrap_or(&tag);
        format!("{repository}:{base}{}", self.stage.tag_suffix())
    }
}

/// The compose text with own images retagged, written by `compose_writer`,
/// and the image of each service in order.
fn tag_compose(
    text: &str,
    display: &str,
    tagger: &Tagger,
) -> Result<(String, Vec<String>), Problem> {
    let mut document = compose::parse(text, display)?;
    let mut images = Vec::new();
    if let Some(serde_yaml::Value::Mapping(services)) = document.get_mut("services") {
        for service in services.values_mut() {
            if let Some(serde_yaml::Value::String(image)) = service.get_mut("image") {
                *image = tagger.tag(image);
                images.push(image.clone());
            }
        }
    }
    let compose_yml = compose_writer::to_yaml(&document)
        .map_err(|error| Problem::file_error(display, error.to_string()))?;
    Ok((compose_yml, images))
}

/// Points a relative `preview_image` at `images/<file name>` and returns
/// the file to copy there. URLs and absolute paths are kept as written.
fn registry_preview(
    extension: &Extension,
    fields: &mut Map<String, Value>,
) -> Result<Option<(PathBuf, String)>, Problem> {
    let Some(location) = fields.get("preview_image").and_then(Value::as_str) else {
        return Ok(None);
    };
    if location.contains("://") || location.starts_with('/') {
        return Ok(None);
    }
    let source = extension.dir.join(location);
    if !source.is_file() {
        return Err(Problem::error(
            extension.display_path(MANIFEST_FILE),
            "preview_image",
            format!("`{location}` not found in `{}`", extension.relative()),
        ));
    }
    let file_name = Path::new(location)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    fields.insert(
        "preview_image".to_string(),
        Value::from(format!("{IMAGES_DIR}/{file_name}")),
    );
    Ok(Some((source, file_name)))
}

/// Runs `kwz-new build-registry --stage STAGE` from `current_dir`.
pub fn run(current_dir: &Path, stage: Stage) -> Result<()> {
    let repo = Repo::discover(current_dir)?;
    let extensions = repo.extensions()?;
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for extension in &extensions {
        match build_entry(&repo, extension, stage) {
            Ok(entry) => entries.push(entry),
            Err(problem) => problems.push(problem),
        }
    }
    problems.extend(duplicate_problems(&entries));
    if !problems.is_empty() {
        for problem in &problems {
            println!("{problem}");
        }
        return Err(ExitCode::new(
            ExitCode::USER_ERROR,
            format!(
                "build-registry failed: {} problems; nothing was written",
                problems.len()
            ),
        )
        .into());
    }
    write_registry(&repo.root, &entries)
}

/// Two entries with the same name, or two previews with the same file
/// name, would overwrite each other in the registry.
fn duplicate_problems(entries: &[RegistryEntry]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut names = std::collections::BTreeMap::new();
    let mut previews = std::collections::BTreeMap::new();
    for entry in entries {
        let name = entry
            .fields
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(previous) = names.insert(name.to_string(), entry.kind) {
            problems.push(Problem::file_error(
                REGISTRY_DIR,
                format!("two extensions are named `{name}` (a {previous} and a {}); names must be unique", entry.kind),
            ));
        }
        if let Some((_, file_name)) = &entry.preview
            && let Some(previous) = previews.insert(file_name.clone(), name.to_string())
        {
            problems.push(Problem::file_error(
                REGISTRY_DIR,
                format!("`{previous}` and `{name}` both have the preview image `{file_name}`; rename one"),
            ));
        }
    }
    problems
}

fn write_registry(root: &Path, entries: &[RegistryEntry]) -> Result<()> {
    let registry_root = root.join("build/kamiwaza-extension-registry");
    if registry_root.exists() {
        std::fs::remove_dir_all(&registry_root)
            .with_context(|| format!("failed to remove `{}`", registry_root.display()))?;
    }
    let garden = root.join(REGISTRY_DIR);
    let images_dir = garden.join(IMAGES_DIR);
    std::fs::create_dir_all(&images_dir)
        .with_context(|| format!("failed to create `{REGISTRY_DIR}/{IMAGES_DIR}`"))?;
    for (source, file_name) in entries.iter().filter_map(|entry| entry.preview.as_ref()) {
        std::fs::copy(source, images_dir.join(file_name))
            .with_context(|| format!("failed to copy `{}`", source.display()))?;
    }

    let apps: Vec<&RegistryEntry> = entries
        .iter()
        .filter(|entry| entry.kind == ExtensionKind::App)
        .chain(
            entries
                .iter()
                .filter(|entry| entry.kind == ExtensionKind::Service),
        )
        .collect();
    let tools: Vec<&RegistryEntry> = entries
        .iter()
        .filter(|entry| entry.kind == ExtensionKind::Tool)
        .collect();
    for (file_name, list) in [("apps.json", &apps), ("tools.json", &tools)] {
        let array: Vec<Value> = list
            .iter()
            .map(|entry| Value::Object(entry.fields.clone()))
            .collect();
        let mut text = serde_json::to_string_pretty(&array)?;
        text.push('\n');
        std::fs::write(garden.join(file_name), text)
            .with_context(|| format!("failed to write `{REGISTRY_DIR}/{file_name}`"))?;
    }
    println!(
        "wrote {REGISTRY_DIR}/apps.json ({}) and tools.json ({})",
        super::counted(apps.len(), "entry", "entries"),
        super::counted(tools.len(), "entry", "entries")
    );
    Ok(())
}
