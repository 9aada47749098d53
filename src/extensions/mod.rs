//! Commands that work inside a generated Kamiwaza extensions repo:
//! `sync-compose`, `validate`, `build-registry` and `new`.
//!
//! A repo holds extensions in `apps/<name>`, `services/<name>` and
//! `tools/<name>`, each with a `kamiwaza.json`, a `docker-compose.yml` for
//! local development and a generated `docker-compose.appgarden.yml` that
//! App Garden deploys. The generated repo's Makefile calls these commands,
//! so the metadata logic exists once, here. Each command function takes
//! plain values (the folder it runs in, paths, flags) and prints its own
//! report; findings are collected per extension so one run reports them all.

pub mod compose;
pub mod compose_rules;
pub mod compose_writer;
pub mod extension;
pub mod manifest;
pub mod metadata_rules;
pub mod problem;
pub mod registry;
pub mod repo;
pub mod skeleton;
pub mod sync_compose;
pub mod validate;

pub use extension::{Extension, ExtensionKind, Stage};
pub use problem::{Problem, Severity};
pub use registry::{RegistryEntry, build_entry, registry_entry};
pub use repo::Repo;
pub use sync_compose::{SyncOutcome, SyncStatus, sync_extension};
pub use validate::validate_extension;

/// Writes `count` with the singular or the plural noun:
/// `counted(1, "entry", "entries")` is `1 entry`.
pub fn counted(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("{count} {singular}")
    } else {
        format!("{count} {plural}")
    }
}
