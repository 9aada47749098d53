//! Offline update of a project made from the built-in template: scaffold at
//! the current version N, then update with a catalog whose newest version is
//! a fixture N+1. No network and no template clone are involved: both
//! versions come from the catalog, as they come from the binary in use.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{commit_all, kwz_new};
use git2::Repository;
use kwz_new::commands::copy::CopyOptions;
use kwz_new::commands::update::{UpdateOptions, update_with};
use kwz_new::source::embedded::{self, Catalog};
use kwz_new::source::{Contents, EntryKind, Revision, TemplateTree};
use kwz_new::update::ConflictMode;

const NEXT: &str = "99.0.0";

/// The current built-in template as version N, and a fixture N+1 that
/// changes the README's layout section and the Makefile's first line.
struct FixtureCatalog;

impl Catalog for FixtureCatalog {
    fn latest(&self) -> String {
        NEXT.to_string()
    }

    fn release(&self, version: &str) -> Option<TemplateTree> {
        if version == embedded::VERSION {
            return Some(embedded::load());
        }
        (version == NEXT).then(next_version)
    }
}

fn next_version() -> TemplateTree {
    let current = embedded::load();
    let mut entries = current.entries.clone();
    for entry in &mut entries {
        let EntryKind::File { contents, mode } = &entry.kind else {
            continue;
        };
        let text = String::from_utf8(contents.read().unwrap().to_vec()).unwrap();
        let changed = match entry.path.as_str() {
            "template/README.md.jinja" => {
                text.replacen("## Layout", "## Layout of the repository", 1)
            }
            "template/Makefile" => {
                let (first, rest) = text.split_once('\n').unwrap();
                format!("{first} (template v{NEXT})\n{rest}")
            }
            _ => continue,
        };
        entry.kind = EntryKind::File {
            contents: Contents::Bytes(Arc::from(changed.into_bytes())),
            mode: *mode,
        };
    }
    let revision = Revision {
        describe: format!("v{NEXT}"),
        sha: String::new(),
        version: Some(NEXT.to_string()),
    };
    TemplateTree::new(
        current.src_path.clone(),
        current.local_path.clone(),
        entries,
        Some(revision),
    )
}

fn edit_first_line(path: &Path, new_first_line: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let (_, rest) = text.split_once('\n').unwrap();
    std::fs::write(path, format!("{new_first_line}\n{rest}")).unwrap();
}

#[test]
fn builtin_template_updates_offline() {
    let scratch = tempfile::tempdir().unwrap();
    let output = kwz_new()
        .current_dir(scratch.path())
        .args(["acme", "--defaults"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "scaffold: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let project = scratch.path().join("acme");
    let repository = Repository::open(&project).unwrap();

    // The owner changes the README's title (the template leaves it alone) and
    // the Makefile's first line (which the template changes too).
    edit_first_line(&project.join("README.md"), "# ACME extensions");
    edit_first_line(&project.join("Makefile"), "# Our own Makefile header");
    commit_all(&repository, "owner edits");

    let options = UpdateOptions {
        destination: project.clone(),
        copy: CopyOptions {
            defaults: true,
            quiet: true,
            overwrite: true,
            ..CopyOptions::default()
        },
        conflict: ConflictMode::Inline,
        context_lines: 3,
    };
    update_with(&options, &FixtureCatalog).unwrap();

    let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
    assert!(
        readme.starts_with("# ACME extensions\n"),
        "owner's title kept: {readme}"
    );
    assert!(
        readme.contains("## Layout of the repository\n"),
        "template change applied: {readme}"
    );

    let makefile = std::fs::read_to_string(project.join("Makefile")).unwrap();
    assert!(
        makefile.starts_with("<<<<<<< before updating\n# Our own Makefile header\n=======\n"),
        "conflict markers: {makefile}"
    );
    assert!(
        makefile.contains(&format!("(template v{NEXT})\n>>>>>>> after updating\n")),
        "new line in conflict: {makefile}"
    );
    let mut index = repository.index().unwrap();
    index.read(true).unwrap();
    let conflicted: Vec<String> = index
        .conflicts()
        .unwrap()
        .map(|conflict| String::from_utf8(conflict.unwrap().our.unwrap().path).unwrap())
        .collect();
    assert_eq!(conflicted, ["Makefile"]);

    let answers = std::fs::read_to_string(project.join(".copier-answers.yml")).unwrap();
    assert!(
        answers.contains(&format!("_commit: v{NEXT}\n")),
        "answers record the new version: {answers}"
    );
}

#[test]
fn missing_version_is_reported() {
    let error = embedded::release_from(&FixtureCatalog, Some("v0.0.1")).unwrap_err();
    assert!(
        error.to_string().contains("does not contain version 0.0.1"),
        "{error}"
    );
}
