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
static CONFIG: &str = include_str!("../../copier.yml");
// `(path below template/, mode)` for every embedded file, written by build.rs.
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
    collect(&TEMPLATE, &mut entries);
    let revision = Revision {
        describe: format!("v{VERSION}"),
        sha: String::new(),
        version: Some(VERSION.to_string()),
    };
    TemplateTree::new(
        SRC_PATH.to_string(),
        PathBuf::from(SRC_PATH),
        entries,
        Some(revision),
    )
}

fn collect(dir: &'static Dir<'static>, entries: &mut Vec<Entry>) {
    for child in dir.entries() {
        let relative = child
            .path()
            .to_str()
            .expect("embedded template paths are UTF-8");
        let path = format!("template/{relative}");
        match child {
            DirEntry::Dir(subdir) => {
                entries.push(Entry {
                    path,
                    kind: EntryKind::Dir,
                });
                collect(subdir, entries);
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

fn mode_of(relative: &str) -> u32 {
    TEMPLATE_MODES
        .binary_search_by(|(path, _)| (*path).cmp(relative))
        .map_or(0o644, |position| TEMPLATE_MODES[position].1)
}
