//! `kwz-new push`: publishes one extension to a running Kamiwaza, so it shows
//! up in App Garden (apps and services) or the Tool Shed (tools).
//!
//! The steps, each in its own module:
//! - `payload` builds the extension's registry entry and turns it into the
//!   request body: server-owned fields and nulls removed, tool defaults added.
//! - `settings` resolves the API URL, TLS checking, time-outs and credentials
//!   from the flags, the environment and the repo's `.env`.
//! - `auth` logs in with a password, unless an API key is given.
//! - `api` finds a template of the same name (or takes `--template-id`), then
//!   updates it with PUT or creates it with POST.
//! - `client` sends the requests and turns transport failures into errors
//!   that name the URL tried.
//!
//! Secrets (API key, password, access token) are held in `auth::Secret`, whose
//! `Debug` and `Display` print a mask, and nothing here writes to disk. The
//! only place a secret is revealed is the request sent over the wire.

mod api;
mod auth;
mod client;
mod error;
mod payload;
mod settings;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde_json::Value;

pub use error::PushError;
pub use payload::{push_payload, registry_entry};

use api::Kamiwaza;
use client::Client;
use settings::{Environment, Settings};

/// Name of the file that marks the root of a generated extensions repo.
const ANSWERS_FILE: &str = ".copier-answers.yml";

/// The three kinds of extension, each in its own top-level folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionKind {
    App,
    Service,
    Tool,
}

impl ExtensionKind {
    /// Folder that contains extensions of this kind: `apps`, `services`, `tools`.
    pub fn folder(self) -> &'static str {
        match self {
            ExtensionKind::App => "apps",
            ExtensionKind::Service => "services",
            ExtensionKind::Tool => "tools",
        }
    }

    /// Word used in messages: `app`, `service`, `tool`.
    pub fn label(self) -> &'static str {
        match self {
            ExtensionKind::App => "app",
            ExtensionKind::Service => "service",
            ExtensionKind::Tool => "tool",
        }
    }
}

/// Release stage; it decides the suffix of the extension's own image tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Dev,
    Stage,
    Prod,
}

impl Stage {
    /// Tag suffix for images built by the repo: `dev`, `stage`, or none.
    pub fn tag_suffix(self) -> Option<&'static str> {
        match self {
            Stage::Dev => Some("dev"),
            Stage::Stage => Some("stage"),
            Stage::Prod => None,
        }
    }
}

/// Options of `kwz-new push`, as plain values.
#[derive(Debug, Clone)]
pub struct PushOptions {
    pub kind: ExtensionKind,
    pub name: String,
    pub stage: Stage,
    /// `--api-url`, or `KAMIWAZA_API_URL` from the environment.
    pub api_url: Option<String>,
    pub template_id: Option<String>,
    pub insecure: bool,
    pub dry_run: bool,
}

/// Publishes the extension `options.name` of the repo that contains
/// `start_dir`, and prints one line saying whether its template was created
/// or updated. With `dry_run`, prints the requests instead and sends nothing.
pub fn push(options: &PushOptions, start_dir: &Path) -> Result<()> {
    let repo_root = find_repo_root(start_dir)?;
    tracing::debug!("extensions repo root: `{}`", repo_root.display());

    // NOTE: this is the one call to change when the shared registry builder lands.
    let entry = payload::registry_entry(&repo_root, options.kind, &options.name, options.stage)?;
    let payload = payload::push_payload(entry, options.kind)?;
    let template_name = string_field(&payload, "name")?;
    let version = string_field(&payload, "version")?;

    let environment = Environment::load(&repo_root)?;
    let settings = Settings::resolve(options, &environment)?;
    if let Some(id) = &options.template_id {
        api::check_template_id(id)?;
    }

    if options.dry_run {
        let plan = api::dry_run_plan(&settings, options, &template_name, &payload);
        print!("{plan}");
        return Ok(());
    }

    let client = Client::new(&settings);
    let kamiwaza = Kamiwaza::connect(&client, &settings)?;
    let published = kamiwaza.publish(
        options.kind,
        &template_name,
        options.template_id.as_deref(),
        &payload,
    )?;
    println!(
        "{} {} `{template_name}` {version} at {}{}",
        published.action.verb(),
        options.kind.label(),
        settings.api_url,
        published
            .id
            .map(|id| format!(" (template id `{id}`)"))
            .unwrap_or_default(),
    );
    Ok(())
}

/// Walks up from `start_dir` to the folder that contains `.copier-answers.yml`.
pub fn find_repo_root(start_dir: &Path) -> Result<PathBuf> {
    let start_dir = start_dir
        .canonicalize()
        .with_context(|| format!("failed to read the folder `{}`", start_dir.display()))?;
    for folder in start_dir.ancestors() {
        if folder.join(ANSWERS_FILE).is_file() {
            return Ok(folder.to_path_buf());
        }
    }
    bail!(
        "not inside a Kamiwaza extensions repo: no `{ANSWERS_FILE}` in `{}` or any parent folder\n\
         hint: run `kwz-new push` inside a repo created by `kwz-new DEST`",
        start_dir.display()
    )
}

/// Reads a string field that `registry_entry` guarantees.
fn string_field(payload: &Value, field: &str) -> Result<String> {
    match payload.get(field) {
        Some(Value::String(text)) => Ok(text.clone()),
        _ => bail!("the registry entry has no string `{field}`"),
    }
}
