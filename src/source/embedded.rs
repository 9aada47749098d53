//! The Kamiwaza extensions template built into the binary.
//!
//! `include_dir` embeds `template/`, and the repository's `copier.yml` is
//! embedded beside it, so the tree looks exactly like the repository root
//! that real Copier renders. `include_dir` keeps no file modes, so `build.rs`
//! records them in a table.

use std::path::PathBuf;
use std::sync::Arc;

use include_dir::{Dir, DirEntry, include_dir};

use super::{Contents, Entry, EntryKind, Revision, TemplateTree};

static TEMPLATE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/template");
static RELEASES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/releases");
static CONFIG: &str = include_str!("../../copier.yml");
// `(path below template/, mode)` and `(path below releases/, mode)` for every
// embedded file, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/template_modes.rs"));

/// `_src_path` recorded for projects made from the built-in template.
pub const SRC_PATH: &str = "gh:kamiwaza-internal/kamiwaza-extensions-template";

/// The template version: the crate's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Returns the built-in template as a tree rooted like the repository.
pub fn load() -> TemplateTree {
    let mut entries = vec![Entry {
        path: "copier.yml".to_string(),
        kind: EntryKind::File {
            contents: Contents::Bytes(Arc::from(CONFIG.as_bytes())),
            mode: 0o644,
        },
    }];
    entries.push(Entry {
        path: "template".to_string(),
        kind: EntryKind::Dir,
    });
    collect(&TEMPLATE, "template/", 0, &mut entries, &|path| {
        mode_in(TEMPLATE_MODES, path)
    });
    tree_for(VERSION, entries)
}

fn tree_for(version: &str, entries: Vec<Entry>) -> TemplateTree {
    let revision = Revision {
        describe: format!("v{version}"),
        sha: String::new(),
        version: Some(version.to_string()),
    };
    TemplateTree::new(
        SRC_PATH.to_string(),
        PathBuf::from(SRC_PATH),
        entries,
        Some(revision),
    )
}

/// Template versions a kwz-new build can render for `update`.
pub trait Catalog {
    /// The newest version.
    fn latest(&self) -> String;
    /// The tree of `version` (`1.2.0`), or `None` when it is not available.
    fn release(&self, version: &str) -> Option<TemplateTree>;
}

/// The versions built into this binary: the current template and the
/// releases archived under `releases/`.
pub struct BuiltIn;

impl Catalog for BuiltIn {
    fn latest(&self) -> String {
        VERSION.to_string()
    }

    fn release(&self, version: &str) -> Option<TemplateTree> {
        if version == VERSION {
            return Some(load());
        }
        let folder = RELEASES.get_dir(version)?;
        let mut entries = Vec::new();
        collect(folder, "", version.len() + 1, &mut entries, &|path| {
            mode_in(RELEASE_MODES, &format!("{version}/{path}"))
        });
        Some(tree_for(version, entries))
    }
}

/// The tree for `vcs_ref` (a `_commit` such as `v1.2.0`, or `None` for the
/// newest), from `catalog`.
pub fn release_from(catalog: &dyn Catalog, vcs_ref: Option<&str>) -> anyhow::Result<TemplateTree> {
    let version = match vcs_ref {
        None => catalog.latest(),
        Some(reference) => version_of(reference).ok_or_else(|| {
            anyhow::anyhow!("`{reference}` is not a version of the built-in template")
        })?,
    };
    catalog.release(&version).ok_or_else(|| {
        anyhow::anyhow!(
            "this kwz-new build does not contain version {version} of the built-in template\nhint: it contains {} and the releases archived in it; update with the kwz-new release that made the project, or a newer one",
            catalog.latest()
        )
    })
}

/// The tree for `vcs_ref` from the versions built into this binary.
pub fn release(vcs_ref: Option<&str>) -> anyhow::Result<TemplateTree> {
    release_from(&BuiltIn, vcs_ref)
}

/// The version named by a recorded `_commit` (`v1.2.0` gives `1.2.0`).
pub fn version_of(describe: &str) -> Option<String> {
    let version = describe.strip_prefix('v').unwrap_or(describe);
    (!version.is_empty()
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.'))
    .then(|| version.to_string())
}

/// Adds the entries of `dir` with `prefix` prepended to each path; `strip`
/// bytes are cut from the front of each embedded path first.
fn collect(
    dir: &'static Dir<'static>,
    prefix: &str,
    strip: usize,
    entries: &mut Vec<Entry>,
    mode_of: &dyn Fn(&str) -> u32,
) {
    for child in dir.entries() {
        let embedded_path = child
            .path()
            .to_str()
            .expect("embedded template paths are UTF-8");
        let relative = &embedded_path[strip.min(embedded_path.len())..];
        let path = format!("{prefix}{relative}");
        match child {
            DirEntry::Dir(subdir) => {
                entries.push(Entry {
                    path,
                    kind: EntryKind::Dir,
                });
                collect(subdir, prefix, strip, entries, mode_of);
            }
            DirEntry::File(file) => {
                let mode = mode_of(relative);
                let contents = Contents::Bytes(Arc::from(file.contents()));
                entries.push(Entry {
                    path,
                    kind: EntryKind::File { contents, mode },
                });
            }
        }
    }
}

fn mode_in(table: &[(&str, u32)], relative: &str) -> u32 {
    table
        .binary_search_by(|(path, _)| (*path).cmp(relative))
        .map_or(0o644, |position| table[position].1)
}
