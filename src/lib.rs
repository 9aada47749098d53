//! kwz-new: a Copier-compatible template engine and the Kamiwaza extensions
//! scaffolder.
//!
//! The pipeline is `source` (where the template comes from) → `config`
//! (`copier.yml`) → `answers` → `plan` (every file to write, in memory) →
//! `apply` (disk, tasks, git). `yaml` and `jinja` reproduce PyYAML and
//! Jinja2 as Copier 9.19.1 uses them; `extensions` holds the commands that
//! the generated repo's Makefile calls.

pub mod cli;
pub mod commands;
pub mod exit;
pub mod extensions;
pub mod jinja;
pub mod source;
pub mod update;
pub mod value;
pub mod yaml;
