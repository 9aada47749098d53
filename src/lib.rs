//! kwz-new: a Copier-compatible template engine and the Kamiwaza extensions
//! scaffolder.
//!
//! The pipeline is `source` (where the template comes from) → `config`
//! (`copier.yml`) → `answers` → `plan` (every file to write, in memory) →
//! `apply` (disk, tasks, git). `yaml` and `jinja` reproduce PyYAML and
//! Jinja2 as Copier 9.19.1 uses them; `extensions` holds the commands that
//! the generated repo's Makefile calls, and `push` publishes an extension to a
//! running Kamiwaza.

pub mod adopt;
pub mod answers;
pub mod apply;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod engine;
pub mod exclude;
pub mod exit;
pub mod extensions;
pub mod external_data;
pub mod interrupt;
pub mod jinja;
pub mod journal;
pub mod plan;
pub mod prompt;
pub mod push;
pub mod pyjson;
pub mod question;
pub mod scaffold;
pub mod source;
pub mod staging;
pub mod tasks;
pub mod update;
pub mod user_settings;
pub mod value;
pub mod yaml;
