//! Helpers shared by the integration tests: running the binary, copying and
//! comparing folder trees.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A command for the kwz-new binary under test, with git identity and
/// colour settings fixed so output does not depend on the machine.
pub fn kwz_new() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kwz-new"));
    command
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("XDG_CONFIG_HOME", "/nonexistent/kwz-new-tests")
        .env_remove("COPIER_SETTINGS_PATH")
        .env_remove("RUST_LOG");
    command
}

/// Reads a list of strings from `case.yml`.
pub fn case_args(case_yml: &Path, key: &str) -> Vec<String> {
    let text = std::fs::read_to_string(case_yml).unwrap();
    let parsed: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    match parsed.get(key) {
        Some(serde_yaml::Value::Sequence(items)) => items
            .iter()
            .map(|item| match item {
                serde_yaml::Value::String(text) => text.clone(),
                other => serde_yaml::to_string(other).unwrap().trim().to_string(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads one scalar of `case.yml` as text; `None` when the key is absent.
pub fn case_value(case_yml: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(case_yml).unwrap();
    let parsed: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    match parsed.get(key)? {
        serde_yaml::Value::String(text) => Some(text.clone()),
        serde_yaml::Value::Null => None,
        other => Some(serde_yaml::to_string(other).unwrap().trim().to_string()),
    }
}

/// Copies a folder recursively, keeping modes and symlinks.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let source = entry.path();
        let target = to.join(entry.file_name());
        let file_type = entry.file_type().unwrap();
        if file_type.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&source).unwrap(), &target).unwrap();
        } else if file_type.is_dir() {
            copy_tree(&source, &target);
        } else {
            std::fs::copy(&source, &target).unwrap();
        }
    }
}

/// Lists regular files and symlinks below `root` (relative paths),
/// skipping `.git`.
pub fn list_files(root: &Path) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    for entry in walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .filter_entry(|entry| entry.file_name() != ".git")
    {
        let entry = entry.unwrap();
        if entry.file_type().is_file() || entry.file_type().is_symlink() {
            files.insert(entry.path().strip_prefix(root).unwrap().to_path_buf());
        }
    }
    files
}

/// Compares `got` with `expected`: the file list, each file's bytes, each
/// symlink's target, and the executable bit where `expected` has it.
/// Returns the differences.
pub fn compare_trees(got: &Path, expected: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let got_files = list_files(got);
    let expected_files = list_files(expected);
    for missing in expected_files.difference(&got_files) {
        problems.push(format!("missing file {}", missing.display()));
    }
    for extra in got_files.difference(&expected_files) {
        problems.push(format!("unexpected file {}", extra.display()));
    }
    for file in expected_files.intersection(&got_files) {
        let want_link = std::fs::read_link(expected.join(file)).ok();
        let have_link = std::fs::read_link(got.join(file)).ok();
        match (&want_link, &have_link) {
            (None, None) => {
                compare_files(&got.join(file), &expected.join(file), file, &mut problems)
            }
            (Some(want), Some(have)) if want == have => {}
            _ => problems.push(format!(
                "symlink differs: {}\n    expected: {:?}\n    got:      {:?}",
                file.display(),
                want_link,
                have_link
            )),
        }
    }
    problems
}

/// Compares the bytes and the executable bit of two regular files.
fn compare_files(got: &Path, expected: &Path, name: &Path, problems: &mut Vec<String>) {
    let want = std::fs::read(expected).unwrap();
    let have = std::fs::read(got).unwrap();
    if want != have {
        problems.push(format!(
            "content differs: {}\n    expected: {:?}\n    got:      {:?}",
            name.display(),
            String::from_utf8_lossy(&want),
            String::from_utf8_lossy(&have)
        ));
    }
    let is_executable =
        |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0;
    if is_executable(expected) && !is_executable(got) {
        problems.push(format!("not executable: {}", name.display()));
    }
}

/// Stages every file (ignored ones stay out, deletions are staged) and
/// commits on the current branch, as `git add -A && git commit` would.
pub fn commit_all(repository: &git2::Repository, message: &str) {
    let mut index = repository.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repository.find_tree(index.write_tree().unwrap()).unwrap();
    let parent = repository
        .head()
        .ok()
        .map(|head| head.peel_to_commit().unwrap());
    let parents: Vec<_> = parent.iter().collect();
    let signature = git2::Signature::now("t", "t@example.com").unwrap();
    repository
        .commit(
            Some("HEAD"),
            &signature,
            &signature,
            message,
            &tree,
            &parents,
        )
        .unwrap();
}
pub mod scratch;
