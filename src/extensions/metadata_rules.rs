//! The rules a `kamiwaza.json` follows, checked by `validate`.
//!
//! Every extension needs `name`, `version`, `source_type`, `visibility`,
//! `description` (strings), `risk_tier` (an integer) and `verified` (a
//! boolean). `name` equals the folder name, is kebab-case, and starts with
//! `service-` for services and `tool-` or `mcp-` for tools. `version` is
//! semantic versioning without a `v`. Optional fields are checked when
//! present. Each broken rule adds one finding; nothing stops at the first.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::extension::{Extension, ExtensionKind};
use super::manifest::{MANIFEST_FILE, Manifest, json_type_name};
use super::problem::Problem;

/// Allowed values of `source_type`.
pub const SOURCE_TYPES: [&str; 3] = ["kamiwaza", "user_repo", "public"];

/// Allowed values of `visibility`.
pub const VISIBILITIES: [&str; 3] = ["public", "private", "team"];

/// Variables that the platform sets at deploy time; a default for them in
/// `env_defaults` is overridden.
pub const PLATFORM_VARIABLES: [&str; 5] = [
    "KAMIWAZA_API_URL",
    "OPENAI_BASE_URL",
    "KAMIWAZA_APP_PORT",
    "KAMIWAZA_MODEL_PORT",
    "KAMIWAZA_DEPLOYMENT_ID",
];

/// Prefixes of absolute `preview_image` locations that App Garden serves.
const PREVIEW_PREFIXES: [&str; 4] = [
    "https://info.kamiwaza.ai/",
    "/garden/",
    "/app-garden-images/",
    "/api/app-garden-images/",
];

/// File extensions of preview images.
pub const IMAGE_EXTENSIONS: [&str; 6] = ["png", "jpg", "jpeg", "webp", "gif", "svg"];

static SEMVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$",
    )
    .unwrap()
});

static KEBAB_CASE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*$").unwrap());

static VERSION_CONSTRAINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(>=|<=|==|~=|!=|>|<)\s*\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$").unwrap()
});

/// An image reference: optional registry host, repository path, optional
/// tag and optional sha256 digest.
pub static IMAGE_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([A-Za-z0-9.-]+(:\d+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(:\w[\w.-]{0,127})?(@sha256:[0-9a-f]{64})?$",
    )
    .unwrap()
});

/// Whether `name` is kebab-case: lowercase letters and digits in words
/// joined by single hyphens.
pub fn is_kebab_case(name: &str) -> bool {
    KEBAB_CASE.is_match(name)
}

/// Whether `version` is semantic versioning (`1.2.3`, `1.2.3-rc.1`).
pub fn is_semver(version: &str) -> bool {
    SEMVER.is_match(version)
}

/// The prefixes a name of this kind must start with; none for apps.
pub fn name_prefixes(kind: ExtensionKind) -> &'static [&'static str] {
    match kind {
        ExtensionKind::App => &[],
        ExtensionKind::Service => &["service-"],
        ExtensionKind::Tool => &["tool-", "mcp-"],
    }
}

/// Checks one `kamiwaza.json` and adds a finding per broken rule.
/// `has_compose` says whether the extension has a compose file, which a
/// tool without `image` needs.
pub fn check_manifest(
    extension: &Extension,
    manifest: &Manifest,
    docker_org: &str,
    has_compose: bool,
    problems: &mut Vec<Problem>,
) {
    let mut check = Checker {
        extension,
        manifest,
        path: extension.display_path(MANIFEST_FILE),
        problems,
    };
    check.required_fields();
    check.name();
    check.version();
    check.allowed_string("source_type", &SOURCE_TYPES);
    check.allowed_string("visibility", &VISIBILITIES);
    check.risk_tier();
    check.template_type();
    check.string_list("tags");
    check.string_list("required_env_vars");
    check.string_list("capabilities");
    check.env_defaults();
    check.kamiwaza_version();
    check.preview_image();
    check.image(docker_org, has_compose);
}

/// A required field: its name, its type test and the type's name.
type RequiredField = (&'static str, fn(&Value) -> bool, &'static str);

struct Checker<'a> {
    extension: &'a Extension,
    manifest: &'a Manifest,
    path: String,
    problems: &'a mut Vec<Problem>,
}

impl Checker<'_> {
    fn error(&mut self, field: &str, message: String) {
        self.problems
            .push(Problem::error(&self.path, field, message));
    }

    fn warning(&mut self, field: &str, message: String) {
        self.problems
            .push(Problem::warning(&self.path, field, message));
    }

    fn required_fields(&mut self) {
        let required: [RequiredField; 7] = [
            ("name", Value::is_string, "a string"),
            ("version", Value::is_string, "a string"),
            ("source_type", Value::is_string, "a string"),
            ("visibility", Value::is_string, "a string"),
            ("description", Value::is_string, "a string"),
            (
                "risk_tier",
                |value| value.is_i64() || value.is_u64(),
                "an integer",
            ),
            ("verified", Value::is_boolean, "a boolean"),
        ];
        for (field, has_type, type_name) in required {
            match self.manifest.get(field) {
                None => self.error(field, "missing required field".to_string()),
                Some(value) if !has_type(value) => {
                    let found = json_type_name(value);
                    self.error(field, format!("expected {type_name}, found {found}"));
                }
                Some(_) => {}
            }
        }
    }

    fn name(&mut self) {
        let Some(name) = self.manifest.get("name").and_then(Value::as_str) else {
            return;
        };
        let folder = self.extension.name.as_str();
        if name != folder {
            self.error(
                "name",
                format!("`{name}` does not match the folder name `{folder}`"),
            );
        }
        if !is_kebab_case(name) {
            self.error(
                "name",
                format!("`{name}` is not kebab-case (lowercase letters and digits joined by single hyphens)"),
            );
        }
        let prefixes = name_prefixes(self.extension.kind);
        if !prefixes.is_empty() && !prefixes.iter().any(|prefix| name.starts_with(prefix)) {
            let allowed = prefixes
                .iter()
                .map(|prefix| format!("`{prefix}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            let kind = self.extension.kind;
            self.error(
                "name",
                format!("`{name}` must start with {allowed} because it is a {kind}"),
            );
        }
    }

    fn version(&mut self) {
        let Some(version) = self.manifest.get("version").and_then(Value::as_str) else {
            return;
        };
        if !is_semver(version) {
            self.error(
                "version",
                format!("`{version}` is not a semantic version such as `1.2.3` (no leading `v`)"),
            );
        }
    }

    fn allowed_string(&mut self, field: &str, allowed: &[&str]) {
        let Some(value) = self.manifest.get(field).and_then(Value::as_str) else {
            return;
        };
        if !allowed.contains(&value) {
            let choices = allowed
                .iter()
                .map(|choice| format!("`{choice}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.error(field, format!("`{value}` is not one of {choices}"));
        }
    }

    fn risk_tier(&mut self) {
        let Some(tier) = self.manifest.get("risk_tier").and_then(Value::as_i64) else {
            return;
        };
        if !(0..=2).contains(&tier) {
            self.error("risk_tier", format!("`{tier}` is not 0, 1 or 2"));
        }
    }

    fn template_type(&mut self) {
        let Some(value) = self.manifest.get("template_type") else {
            return;
        };
        let expected = self.extension.kind.label();
        let Some(text) = value.as_str() else {
            let found = json_type_name(value);
            self.error("template_type", format!("expected a string, found {found}"));
            return;
        };
        let normalized = text.trim().to_ascii_lowercase();
        let normalized = normalized.strip_suffix('s').unwrap_or(&normalized);
        if normalized != expected {
            let folder = self.extension.kind.folder();
            self.error(
                "template_type",
                format!("`{text}` does not match the folder `{folder}/`: expected `{expected}`"),
            );
        }
    }

    fn string_list(&mut self, field: &str) {
        let Some(value) = self.manifest.get(field) else {
            return;
        };
        match value {
            Value::Array(items) => {
                if let Some(position) = items.iter().position(|item| !item.is_string()) {
                    let found = json_type_name(&items[position]);
                    self.error(
                        &format!("{field}[{position}]"),
                        format!("expected a string, found {found}"),
                    );
                }
            }
            other => {
                let found = json_type_name(other);
                self.error(
                    field,
                    format!("expected an array of strings, found {found}"),
                );
            }
        }
    }

    fn env_defaults(&mut self) {
        let Some(value) = self.manifest.get("env_defaults") else {
            return;
        };
        let Value::Object(defaults) = value else {
            let found = json_type_name(value);
            self.error(
                "env_defaults",
                format!("expected an object of strings, found {found}"),
            );
            return;
        };
        for (key, default) in defaults {
            let field = format!("env_defaults.{key}");
            if !default.is_string() {
                let found = json_type_name(default);
                self.error(&field, format!("expected a string, found {found}"));
            }
            if PLATFORM_VARIABLES.contains(&key.as_str()) {
                self.warning(
                    &field,
                    "the platform sets this variable at deploy time, so this default is ignored"
                        .to_string(),
                );
            }
        }
    }

    fn kamiwaza_version(&mut self) {
        let Some(value) = self.manifest.get("kamiwaza_version") else {
            self.warning(
                "kamiwaza_version",
                "missing; the v2 registry needs it to publish, for example `>=0.9.0`".to_string(),
            );
            return;
        };
        let Some(text) = value.as_str() else {
            let found = json_type_name(value);
            self.error(
                "kamiwaza_version",
                format!("expected a string, found {found}"),
            );
            return;
        };
        let valid = text
            .split(',')
            .all(|constraint| VERSION_CONSTRAINT.is_match(constraint.trim()));
        if !valid {
            self.error(
                "kamiwaza_version",
                format!(
                    "`{text}` is not a list of constraints such as `>=0.9.0` or `>=0.8.0,<1.0.0`"
                ),
            );
        }
    }

    fn preview_image(&mut self) {
        let Some(value) = self.manifest.get("preview_image") else {
            return;
        };
        let Some(location) = value.as_str() else {
            let found = json_type_name(value);
            self.error("preview_image", format!("expected a string, found {found}"));
            return;
        };
        if let Some(message) = preview_image_problem(self.extension, location) {
            self.error("preview_image", message);
        }
    }

    fn image(&mut self, docker_org: &str, has_compose: bool) {
        let Some(value) = self.manifest.get("image") else {
            if self.extension.kind == ExtensionKind::Tool && !has_compose {
                self.error(
                    "image",
                    "missing; a tool needs an `image` or a `docker-compose.yml`".to_string(),
                );
            }
            return;
        };
        let Some(image) = value.as_str() else {
            let found = json_type_name(value);
            self.error("image", format!("expected a string, found {found}"));
            return;
        };
        if let Some(message) = image_problem(image) {
            self.error("image", message);
            return;
        }
        let version = self.manifest.get("version").and_then(Value::as_str);
        if let Some(message) = own_tag_problem(image, docker_org, version) {
            self.error("image", message);
        }
    }
}

/// What is wrong with an image reference, if anything.
pub fn image_problem(image: &str) -> Option<String> {
    if image.contains('$') {
        return Some(format!(
            "`{image}` uses a variable; App Garden needs a literal image name"
        ));
    }
    if !IMAGE_REFERENCE.is_match(image) {
        return Some(format!(
            "`{image}` is not a valid image reference such as `org/name:tag`"
        ));
    }
    None
}

/// The tag of an image reference, if it has one.
pub fn image_tag(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last_segment_start = without_digest.rfind('/').map_or(0, |slash| slash + 1);
    without_digest[last_segment_start..]
        .split_once(':')
        .map(|(_, tag)| tag)
}

/// For an image of the repo (`<docker_org>/…`) with a tag: a stage suffix,
/// or a tag other than `v<version>`, is a problem. The registry build adds
/// the stage suffix itself.
pub fn own_tag_problem(image: &str, docker_org: &str, version: Option<&str>) -> Option<String> {
    if !image.starts_with(&format!("{docker_org}/")) {
        return None;
    }
    let tag = image_tag(image)?;
    if tag.ends_with("-dev") || tag.ends_with("-stage") {
        return Some(format!(
            "tag `{tag}` carries a stage suffix; write `v<version>` and let the registry build add the suffix"
        ));
    }
    let version = version?;
    let expected = format!("v{version}");
    (tag != expected)
        .then(|| format!("tag `{tag}` does not match the version: expected `{expected}`"))
}

fn preview_image_problem(extension: &Extension, location: &str) -> Option<String> {
    let lowercase = location.to_ascii_lowercase();
    let has_image_extension = IMAGE_EXTENSIONS
        .iter()
        .any(|extension| lowercase.ends_with(&format!(".{extension}")));
    let is_remote = location.contains("://") || location.starts_with('/');
    if is_remote {
        let allowed = PREVIEW_PREFIXES
            .iter()
            .any(|prefix| location.starts_with(prefix));
        if !allowed || !has_image_extension {
            return Some(format!(
                "`{location}` is neither an image file in the extension folder nor an image under `https://info.kamiwaza.ai/`, `/garden/` or `/app-garden-images/`"
            ));
        }
        return None;
    }
    if location.split(['/', '\\']).any(|part| part == "..") {
        return Some(format!("`{location}` leads outside the extension folder"));
    }
    if !has_image_extension {
        let allowed = IMAGE_EXTENSIONS.join(", ");
        return Some(format!("`{location}` is not an image file ({allowed})"));
    }
    if !extension.dir.join(location).is_file() {
        return Some(format!(
            "`{location}` not found in `{}`",
            extension.relative()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_cases() {
        for valid in [
            "0.1.0",
            "1.2.3",
            "1.0.0-rc.1",
            "1.0.0+build.5",
            "10.20.30-alpha-1",
        ] {
            assert!(is_semver(valid), "{valid} is valid");
        }
        for invalid in ["v1.0.0", "1.0", "01.0.0", "1.0.0-", "latest", "1.0.0.0"] {
            assert!(!is_semver(invalid), "{invalid} is invalid");
        }
    }

    #[test]
    fn image_reference_cases() {
        for valid in [
            "redis:7-alpine",
            "kamiwazaai/app-backend:v1.0.0",
            "milvusdb/milvus:v2.3.3",
            "localhost:5000/team/app:1",
            "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "postgres",
        ] {
            assert_eq!(image_problem(valid), None, "{valid} is valid");
        }
        for invalid in [
            "Org/App:1",
            "${REGISTRY}/app:1",
            "app:",
            "app::1",
            "app name",
        ] {
            assert!(image_problem(invalid).is_some(), "{invalid} is invalid");
        }
    }

    #[test]
    fn image_tag_cases() {
        assert_eq!(image_tag("redis:7"), Some("7"));
        assert_eq!(image_tag("localhost:5000/app"), None);
        assert_eq!(image_tag("localhost:5000/app:v1"), Some("v1"));
        assert_eq!(image_tag("app@sha256:abc"), None);
    }

    #[test]
    fn own_tag_cases() {
        let org = "kamiwazaai";
        assert_eq!(
            own_tag_problem("kamiwazaai/x-web:v1.0.0", org, Some("1.0.0")),
            None
        );
        assert_eq!(
            own_tag_problem("kamiwazaai/x-web", org, Some("1.0.0")),
            None
        );
        assert_eq!(own_tag_problem("redis:7", org, Some("1.0.0")), None);
        assert_eq!(
            own_tag_problem("kamiwazaai/x-web:1.0.0", org, Some("1.0.0")).unwrap(),
            "tag `1.0.0` does not match the version: expected `v1.0.0`"
        );
        assert!(
            own_tag_problem("kamiwazaai/x-web:v1.0.0-dev", org, Some("1.0.0"))
                .unwrap()
                .contains("stage suffix")
        );
    }
}
