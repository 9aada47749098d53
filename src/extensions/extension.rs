//! An extension of the repo: its kind, its name and its folder.
//!
//! Every extension lives in `<kind folder>/<name>` below the repo root, so
//! the kind is never stored in the extension itself: `apps/x` is an app,
//! `services/x` a service, `tools/x` a tool.

use std::fmt;
use std::path::PathBuf;

use crate::cli;

/// The three kinds of extension, each in its own top-level folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExtensionKind {
    App,
    Service,
    Tool,
}

impl ExtensionKind {
    /// Every kind, in the order the repo is walked.
    pub const ALL: [ExtensionKind; 3] = [
        ExtensionKind::App,
        ExtensionKind::Service,
        ExtensionKind::Tool,
    ];

    /// Folder below the repo root that holds extensions of this kind.
    pub fn folder(self) -> &'static str {
        match self {
            ExtensionKind::App => "apps",
            ExtensionKind::Service => "services",
            ExtensionKind::Tool => "tools",
        }
    }

    /// The kind whose folder is `folder`, if any.
    pub fn from_folder(folder: &str) -> Option<ExtensionKind> {
        ExtensionKind::ALL
            .into_iter()
            .find(|kind| kind.folder() == folder)
    }

    /// Word used in messages and in `template_type`: `app`, `service`, `tool`.
    pub fn label(self) -> &'static str {
        match self {
            ExtensionKind::App => "app",
            ExtensionKind::Service => "service",
            ExtensionKind::Tool => "tool",
        }
    }
}

impl fmt::Display for ExtensionKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.label())
    }
}

impl From<cli::ExtensionType> for ExtensionKind {
    fn from(kind: cli::ExtensionType) -> Self {
        match kind {
            cli::ExtensionType::App => ExtensionKind::App,
            cli::ExtensionType::Service => ExtensionKind::Service,
            cli::ExtensionType::Tool => ExtensionKind::Tool,
        }
    }
}

/// Release stage of a registry build; it decides the suffix of the repo's
/// own image tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Dev,
    Stage,
    Prod,
}

impl Stage {
    /// Suffix added to the repo's own image tags: `-dev`, `-stage`, or none.
    pub fn tag_suffix(self) -> &'static str {
        match self {
            Stage::Dev => "-dev",
            Stage::Stage => "-stage",
            Stage::Prod => "",
        }
    }
}

impl From<cli::Stage> for Stage {
    fn from(stage: cli::Stage) -> Self {
        match stage {
            cli::Stage::Dev => Stage::Dev,
            cli::Stage::Stage => Stage::Stage,
            cli::Stage::Prod => Stage::Prod,
        }
    }
}

/// One extension folder of the repo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub kind: ExtensionKind,
    /// Folder name, which is also the name `kamiwaza.json` must carry.
    pub name: String,
    /// Absolute path of the folder.
    pub dir: PathBuf,
}

impl Extension {
    /// Path relative to the repo root, `/`-separated: `apps/my-app`.
    pub fn relative(&self) -> String {
        format!("{}/{}", self.kind.folder(), self.name)
    }

    /// Path of a file of this extension relative to the repo root, as
    /// messages show it: `apps/my-app/kamiwaza.json`.
    pub fn display_path(&self, file: &str) -> String {
        format!("{}/{file}", self.relative())
    }
}
