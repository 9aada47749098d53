//! `kwz-new push`: publishes one extension to a running Kamiwaza, so it shows
//! up in App Garden (apps and services) or the Tool Shed (tools).
//!
//! The steps, each in its own module:
//! - `extensions::registry::registry_entry` builds the extension's registry
//!   entry, as `build-registry` does, and `payload` turns it into the request
//!   body: server-owned fields and nulls removed, tool defaults added.
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

use std::path::Path;

use anyhow::{Result, bail};
use serde_json::Value;

pub use error::PushError;
pub use payload::push_payload;

use crate::extensions::registry::registry_entry;
use crate::extensions::{ExtensionKind, Repo, Stage};
use api::Kamiwaza;
use client::Client;
use settings::{Environment, Settings};

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
    let repo_root = Repo::discover(start_dir)?.root;
    tracing::debug!("extensions repo root: `{}`", repo_root.display());

    let entry = registry_entry(&repo_root, options.kind, &options.name, options.stage)?;
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

/// Reads a string field that `registry_entry` guarantees.
fn string_field(payload: &Value, field: &str) -> Result<String> {
    match payload.get(field) {
        Some(Value::String(text)) => Ok(text.clone()),
        _ => bail!("the registry entry has no string `{field}`"),
    }
}
