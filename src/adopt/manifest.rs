//! The `kamiwaza.json` of an adopted app, built from defaults and from the
//! app's legacy manifest (see `legacy`).
//!
//! The new file has, in this order: `name` (the extension name), `version`,
//! `template_type`, `kamiwaza_version`, `source_type` (always `kamiwaza`),
//! `visibility`, `description`, `display_name`, descriptive fields,
//! `risk_tier`, `verified`, `preview_image`, `image`, the tool fields, the
//! model preferences and `env_defaults` (which always has
//! `KAMIWAZA_API_URI`). Every legacy field is either kept, kept in a changed
//! form, or left out, and each change and omission becomes a `FieldNote`
//! that the summary prints. Fields that `validate` would reject are left out
//! by running its own rules on the result.

use std::path::Path;

use anyhow::Result;
use serde_json::{Map, Value};

use super::legacy::{ChosenValues, FieldNote, Legacy};
use crate::extensions::manifest::{Manifest, json_type_name};
use crate::extensions::metadata_rules::{
    PLATFORM_VARIABLES, VISIBILITIES, check_manifest, image_tag, own_tag_problem,
};
use crate::extensions::{Extension, ExtensionKind};

/// Platform versions an adopted app claims to support.
pub const DEFAULT_KAMIWAZA_VERSION: &str = ">=0.9.0";

/// Variable every adopted app gets in `env_defaults`, and its value: the
/// Kamiwaza API as seen from inside a container.
pub const API_URI: (&str, &str) = ("KAMIWAZA_API_URI", "http://host.docker.internal:7777/api");

/// Allowed values of `preferred_model_type` (and `null`, for no model).
pub const MODEL_TYPES: [&str; 5] = ["fast", "large", "reasoning", "vl", "any"];

/// `preferred_model_type` of apps and services whose metadata has none.
pub const DEFAULT_MODEL_TYPE: &str = "any";

/// Legacy fields carried over as they are when `validate` accepts them.
const CARRIED_FIELDS: [&str; 8] = [
    "category",
    "tags",
    "author",
    "license",
    "homepage",
    "capabilities",
    "required_env_vars",
    "extra_docker_images",
];

/// Legacy fields of the tool manifests, carried over with any JSON value.
const TOOL_FIELDS: [&str; 2] = ["optional_env_vars", "configuration_examples"];

/// Legacy fields that the new file sets itself, in the order it writes
/// them; everything else unknown is left out with a note.
const KNOWN_FIELDS: [&str; 14] = [
    "name",
    "version",
    "template_type",
    "kamiwaza_version",
    "source_type",
    "visibility",
    "description",
    "display_name",
    "risk_tier",
    "verified",
    "preview_image",
    "image",
    "preferred_model_type",
    "env_defaults",
];

/// A field, the test of the type it needs, and that type's name.
type TypedField = (&'static str, fn(&Value) -> bool, &'static str);

/// Model preference fields and the type each needs.
const MODEL_FIELDS: [TypedField; 3] = [
    (
        "fail_if_model_type_unavailable",
        Value::is_boolean,
        "a boolean",
    ),
    ("preferred_model_name", Value::is_string, "a string"),
    (
        "fail_if_model_name_unavailable",
        Value::is_boolean,
        "a boolean",
    ),
];

/// The inputs of `build_manifest`.
pub struct ManifestInput<'a> {
    /// The extension, with its folder at the staged copy.
    pub extension: &'a Extension,
    pub docker_org: &'a str,
    pub values: &'a ChosenValues,
    pub legacy: Option<&'a Legacy>,
    /// Whether the copy has a compose file.
    pub has_compose: bool,
}

/// Builds the new `kamiwaza.json` and the notes about legacy fields.
pub fn build_manifest(input: &ManifestInput) -> (Manifest, Vec<FieldNote>) {
    let mut builder = Builder {
        input,
        legacy: input
            .legacy
            .and_then(|legacy| legacy.fields.as_ref().ok())
            .cloned()
            .unwrap_or_default(),
        fields: Map::new(),
        notes: input.values.notes.clone(),
    };
    if let Some(Legacy {
        fields: Err(message),
        ..
    }) = input.legacy
    {
        builder.notes.push(FieldNote::new(
            "",
            format!("nothing taken from it: {message}"),
        ));
    }
    builder.identity();
    builder.description();
    builder.carried();
    builder.trust();
    builder.images();
    builder.tool_fields();
    builder.model();
    builder.env_defaults();
    builder.unknown();
    builder.drop_rejected();
    (builder.fields, builder.notes)
}

/// Writes `manifest` as `kamiwaza.json` into `folder`: two-space indent and
/// a final newline, as `new` writes it.
pub fn write_manifest(folder: &Path, manifest: &Manifest) -> Result<()> {
    let mut text = serde_json::to_string_pretty(manifest)?;
    text.push('\n');
    std::fs::write(folder.join("kamiwaza.json"), text)?;
    Ok(())
}

struct Builder<'a> {
    input: &'a ManifestInput<'a>,
    legacy: Manifest,
    fields: Manifest,
    notes: Vec<FieldNote>,
}

impl Builder<'_> {
    fn set(&mut self, field: &str, value: impl Into<Value>) {
        self.fields.insert(field.to_string(), value.into());
    }

    fn note(&mut self, field: &str, message: String) {
        self.notes.push(FieldNote::new(field, message));
    }

    fn legacy_string(&self, field: &str) -> Option<String> {
        self.legacy
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    fn identity(&mut self) {
        let extension = self.input.extension;
        let name = extension.name.clone();
        self.set("name", name.as_str());
        self.set("version", self.input.values.version.as_str());
        self.set("template_type", extension.kind.label());
        if let Some(old) = self.legacy_string("template_type")
            && old.trim().to_ascii_lowercase().trim_end_matches('s') != extension.kind.label()
        {
            self.note(
                "template_type",
                format!(
                    "`{old}` replaced by `{}`, the type of the import",
                    extension.kind
                ),
            );
        }
        let kamiwaza_version = match self.legacy.get("kamiwaza_version") {
            Some(value) => value.clone(),
            None => Value::from(DEFAULT_KAMIWAZA_VERSION),
        };
        self.set("kamiwaza_version", kamiwaza_version);
        self.set("source_type", "kamiwaza");
        if let Some(old) = self
            .legacy_string("source_type")
            .filter(|old| old != "kamiwaza")
        {
            self.note(
                "source_type",
                format!("`{old}` replaced by `kamiwaza`, which every extension of a repo uses"),
            );
        }
        let visibility = match self.legacy.get("visibility") {
            Some(Value::String(old)) if VISIBILITIES.contains(&old.as_str()) => old.clone(),
            Some(old) => {
                self.note(
                    "visibility",
                    format!("{old} is not one of `public`, `private`, `team`; `public` used"),
                );
                "public".to_string()
            }
            None => "public".to_string(),
        };
        self.set("visibility", visibility);
    }

    fn description(&mut self) {
        self.set("description", self.input.values.description.as_str());
        let name = self.input.extension.name.clone();
        let display_name = self.legacy_string("display_name");
        match (self.legacy_string("name"), display_name) {
            (_, Some(display_name)) => self.set("display_name", display_name),
            (Some(old), None) if old != name => {
                self.note(
                    "name",
                    format!("`{old}` kept as `display_name`; `name` is the folder name `{name}`"),
                );
                self.set("display_name", old);
            }
            _ => {}
        }
    }

    fn carried(&mut self) {
        for field in ["category", "tags", "author", "license", "homepage"] {
            if let Some(value) = self.legacy.get(field) {
                self.set(field, value.clone());
            }
        }
    }

    fn trust(&mut self) {
        let risk_tier = match self.legacy.get("risk_tier") {
            Some(value) if value.as_i64().is_some_and(|tier| (0..=2).contains(&tier)) => {
                value.clone()
            }
            Some(value) => {
                self.note("risk_tier", format!("{value} is not 0, 1 or 2; 1 used"));
                Value::from(1)
            }
            None => Value::from(1),
        };
        self.set("risk_tier", risk_tier);
        let verified = match self.legacy.get("verified") {
            Some(Value::Bool(verified)) => *verified,
            Some(value) => {
                self.note("verified", format!("{value} is not a boolean; false used"));
                false
            }
            None => false,
        };
        self.set("verified", verified);
    }

    fn images(&mut self) {
        if let Some(value) = self.legacy.get("preview_image") {
            self.set("preview_image", value.clone());
        }
        let Some(image) = self.legacy_string("image") else {
            if let Some(value) = self.legacy.get("image") {
                self.set("image", value.clone());
            }
            return;
        };
        let version = Some(self.input.values.version.as_str());
        match own_tag_problem(&image, self.input.docker_org, version) {
            Some(problem) => {
                let tag = image_tag(&image).unwrap_or_default();
                let repository = &image[..image.len() - tag.len() - 1];
                self.note(
                    "image",
                    format!("`{image}` written as `{repository}`: {problem}"),
                );
                self.set("image", repository);
            }
            None => self.set("image", image),
        }
    }

    fn tool_fields(&mut self) {
        for field in ["capabilities", "required_env_vars"]
            .into_iter()
            .chain(TOOL_FIELDS)
            .chain(["extra_docker_images"])
        {
            if let Some(value) = self.legacy.get(field) {
                self.set(field, value.clone());
            }
        }
    }

    fn model(&mut self) {
        let is_tool = self.input.extension.kind == ExtensionKind::Tool;
        let model_type = match self.legacy.get("preferred_model_type") {
            Some(Value::Null) => Some(Value::Null),
            Some(Value::String(old)) if MODEL_TYPES.contains(&old.as_str()) => {
                Some(Value::from(old.as_str()))
            }
            Some(old) => {
                let allowed = MODEL_TYPES.join(", ");
                self.note(
                    "preferred_model_type",
                    format!("{old} is not one of {allowed} or null; `{DEFAULT_MODEL_TYPE}` used"),
                );
                Some(Value::from(DEFAULT_MODEL_TYPE))
            }
            None if is_tool => None,
            None => Some(Value::from(DEFAULT_MODEL_TYPE)),
        };
        if let Some(model_type) = model_type {
            self.set("preferred_model_type", model_type);
        }
        for (field, has_type, type_name) in MODEL_FIELDS {
            match self.legacy.get(field) {
                Some(value) if has_type(value) => self.set(field, value.clone()),
                Some(value) => {
                    let found = json_type_name(value);
                    self.note(
                        field,
                        format!("left out: expected {type_name}, found {found}"),
                    );
                }
                None => {}
            }
        }
    }

    fn env_defaults(&mut self) {
        let mut defaults = Map::new();
        match self.legacy.get("env_defaults").cloned() {
            Some(Value::Object(old)) => {
                for (key, value) in old {
                    if let Some(value) = self.env_value(&key, value) {
                        defaults.insert(key, value);
                    }
                }
            }
            Some(other) => {
                let found = json_type_name(&other);
                self.note(
                    "env_defaults",
                    format!("left out: expected an object, found {found}"),
                );
            }
            None => {}
        }
        let (variable, value) = API_URI;
        defaults
            .entry(variable)
            .or_insert_with(|| Value::from(value));
        self.set("env_defaults", defaults);
    }

    /// Converts one legacy `env_defaults` entry to the value kept, if any.
    fn env_value(&mut self, key: &str, value: Value) -> Option<Value> {
        let field = format!("env_defaults.{key}");
        if PLATFORM_VARIABLES.contains(&key) {
            self.note(
                &field,
                "left out: the platform sets this variable at deploy time".to_string(),
            );
            return None;
        }
        let text = match value {
            Value::String(text) => text,
            Value::Number(_) | Value::Bool(_) => {
                let text = value.to_string();
                self.note(&field, format!("{value} written as the string \"{text}\""));
                text
            }
            other => {
                let found = json_type_name(&other);
                self.note(
                    &field,
                    format!("left out: expected a string, found {found}"),
                );
                return None;
            }
        };
        if is_home_path(&text) {
            self.note(
                &field,
                format!("`{text}` is a path on the machine the app ran on; containers in App Garden cannot see it"),
            );
        }
        Some(Value::from(text))
    }

    fn unknown(&mut self) {
        let unknown: Vec<String> = self
            .legacy
            .keys()
            .filter(|key| {
                let key = key.as_str();
                !KNOWN_FIELDS.contains(&key)
                    && !CARRIED_FIELDS.contains(&key)
                    && !TOOL_FIELDS.contains(&key)
                    && !MODEL_FIELDS.iter().any(|(field, _, _)| *field == key)
            })
            .cloned()
            .collect();
        for key in unknown {
            let message = match key.as_str() {
                "compose_yml" | "compose_yml_file" => {
                    "left out: `make sync-compose` writes the App Garden compose file".to_string()
                }
                _ => "left out: not a `kamiwaza.json` field".to_string(),
            };
            self.note(&key, message);
        }
    }

    /// Runs `validate`'s rules on the result and leaves out each carried
    /// field they reject. Required fields are set by this module and are
    /// never dropped.
    fn drop_rejected(&mut self) {
        let mut problems = Vec::new();
        check_manifest(
            self.input.extension,
            &self.fields,
            self.input.docker_org,
            self.input.has_compose,
            &mut problems,
        );
        for problem in problems {
            let Some(field) = &problem.field else {
                continue;
            };
            let root = field.split(['.', '[']).next().unwrap_or(field);
            let droppable = CARRIED_FIELDS.contains(&root)
                || ["kamiwaza_version", "preview_image", "image"].contains(&root);
            if !droppable || self.fields.shift_remove(root).is_none() {
                continue;
            }
            self.note(root, format!("left out: {}", problem.message));
            if root == "kamiwaza_version" {
                self.fields
                    .insert(root.to_string(), Value::from(DEFAULT_KAMIWAZA_VERSION));
            }
        }
        // `kamiwaza_version` goes back to its place after `template_type`.
        if let Some(value) = self.fields.shift_remove("kamiwaza_version") {
            let position = self
                .fields
                .keys()
                .position(|key| key == "template_type")
                .map_or(0, |index| index + 1);
            self.fields
                .shift_insert(position, "kamiwaza_version".to_string(), value);
        }
    }
}

/// Checks whether a value is a path in a user's home folder (`/Users/…`,
/// `/home/…`, `C:\Users\…`), which only exists on the machine the app was
/// developed on. Other absolute paths may well exist in the container.
fn is_home_path(value: &str) -> bool {
    ["/Users/", "/home/", "/Volumes/", "~/"]
        .iter()
        .any(|prefix| value.starts_with(prefix))
        || value.get(1..3) == Some(":\\")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::legacy::{GivenValues, choose_values};
    use super::*;

    fn legacy(fields: Value) -> Legacy {
        Legacy {
            display: "kamiwaza.json".to_string(),
            fields: Ok(fields.as_object().unwrap().clone()),
        }
    }

    fn given() -> GivenValues<'static> {
        GivenValues {
            version: None,
            description: None,
            default_description: "Demo, imported from demo".to_string(),
        }
    }

    fn build(kind: ExtensionKind, legacy: Option<&Legacy>) -> (Value, Vec<FieldNote>) {
        let dir = tempfile::tempdir().unwrap();
        let extension = Extension {
            kind,
            name: "demo".to_string(),
            dir: dir.path().to_path_buf(),
        };
        let values = choose_values(&given(), legacy, None).unwrap();
        let input = ManifestInput {
            extension: &extension,
            docker_org: "acme",
            values: &values,
            legacy,
            has_compose: true,
        };
        let (fields, notes) = build_manifest(&input);
        (Value::Object(fields), notes)
    }

    fn note_fields(notes: &[FieldNote]) -> Vec<&str> {
        notes.iter().map(|note| note.field.as_str()).collect()
    }

    #[test]
    fn defaults_without_legacy() {
        let (manifest, notes) = build(ExtensionKind::App, None);
        assert_eq!(
            manifest,
            json!({
                "name": "demo",
                "version": "1.0.0",
                "template_type": "app",
                "kamiwaza_version": ">=0.9.0",
                "source_type": "kamiwaza",
                "visibility": "public",
                "description": "Demo, imported from demo",
                "risk_tier": 1,
                "verified": false,
                "preferred_model_type": "any",
                "env_defaults": {"KAMIWAZA_API_URI": "http://host.docker.internal:7777/api"},
            })
        );
        assert_eq!(notes, []);
        let text = serde_json::to_string(&manifest).unwrap();
        assert!(text.starts_with("{\"name\":\"demo\",\"version\":\"1.0.0\",\"template_type\""));
    }

    #[test]
    fn broken_legacy_fields_reported() {
        let old = legacy(json!({
            "name": "Deployment Manager",
            "version": "v2.1.0",
            "description": "Manages deployments",
            "image": "acme/demo:latest",
            "risk_tier": 2,
            "visibility": "everyone",
            "preferred_model_type": "chat",
            "ports": ["8000:8000"],
            "compose_yml": "services: {}",
            "tags": "ops",
            "kamiwaza_version": "0.9",
            "env_defaults": {"DATA_DIR": "/Users/me/data", "WORKERS": 4, "KAMIWAZA_API_URL": "x"},
        }));

        let (manifest, notes) = build(ExtensionKind::App, Some(&old));

        assert_eq!(manifest["version"], "2.1.0");
        assert_eq!(manifest["description"], "Manages deployments");
        assert_eq!(manifest["display_name"], "Deployment Manager");
        assert_eq!(manifest["image"], "acme/demo");
        assert_eq!(manifest["risk_tier"], 2);
        assert_eq!(manifest["visibility"], "public");
        assert_eq!(manifest["preferred_model_type"], "any");
        assert_eq!(manifest["kamiwaza_version"], ">=0.9.0");
        assert_eq!(manifest.get("tags"), None);
        assert_eq!(manifest.get("ports"), None);
        assert_eq!(
            manifest["env_defaults"],
            json!({
                "DATA_DIR": "/Users/me/data",
                "WORKERS": "4",
                "KAMIWAZA_API_URI": "http://host.docker.internal:7777/api",
            })
        );
        assert_eq!(
            note_fields(&notes),
            [
                "version",
                "visibility",
                "name",
                "image",
                "preferred_model_type",
                "env_defaults.DATA_DIR",
                "env_defaults.WORKERS",
                "env_defaults.KAMIWAZA_API_URL",
                "ports",
                "compose_yml",
                "tags",
                "kamiwaza_version",
            ]
        );
        assert_eq!(
            notes[3].message,
            "`acme/demo:latest` written as `acme/demo`: tag `latest` does not match the version: expected `v2.1.0`"
        );
        let keys: Vec<&String> = manifest.as_object().unwrap().keys().collect();
        assert_eq!(keys[3], "kamiwaza_version");
    }

    #[test]
    fn tool_fields_kept() {
        let old = legacy(json!({
            "name": "demo",
            "version": "1.0.0",
            "source_type": "kamiwaza",
            "visibility": "public",
            "description": "Git over MCP",
            "image": "kamiwazaai/tool-git-mcp",
            "capabilities": ["git_status"],
            "required_env_vars": [],
            "optional_env_vars": {"GIT_AUTHOR": {"required": false}},
            "env_defaults": {"MCP_PORT": "8000"},
        }));

        let (manifest, notes) = build(ExtensionKind::Tool, Some(&old));

        assert_eq!(notes, []);
        assert_eq!(manifest["image"], "kamiwazaai/tool-git-mcp");
        assert_eq!(manifest["capabilities"], json!(["git_status"]));
        assert_eq!(
            manifest["optional_env_vars"]["GIT_AUTHOR"]["required"],
            false
        );
        assert_eq!(manifest.get("preferred_model_type"), None);
    }
}
