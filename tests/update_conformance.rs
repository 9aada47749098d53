//! Runs the update cases of `tests/conformance/` (`kind: update`), recorded
//! from Copier 9.19.1, against the kwz-new binary.
//!
//! Each case builds a template repository with one commit per version
//! folder (tagged as `case.yml` says, `v1.0.0` and `v2.0.0` by default),
//! copies it at the first tag into a project, commits, applies the owner's
//! `edits` and `deletes`, commits, runs `kwz-new update --quiet ARGS`, and
//! compares the project with `expected/` (and `git status` with
//! `expected-git-status` when present). Repositories are built with git2,
//! so no `git` executable is needed.
//!
//! `tests/deviations/` holds update cases where kwz-new deliberately differs
//! from Copier; their `expected/` is kwz-new's result and their README says
//! why.

mod common;

use std::path::{Path, PathBuf};

use common::{commit_all, compare_trees, copy_tree, kwz_new};
use git2::{Repository, StatusOptions};

/// The version folders and their tags, as `case.yml` lists them.
fn versions(case: &serde_yaml::Value) -> Vec<(String, Vec<String>)> {
    let Some(serde_yaml::Value::Sequence(items)) = case.get("versions") else {
        return vec![
            ("template-v1".into(), vec!["v1.0.0".into()]),
            ("template-v2".into(), vec!["v2.0.0".into()]),
        ];
    };
    items
        .iter()
        .map(|item| {
            let dir = item
                .get("dir")
                .and_then(|dir| dir.as_str())
                .unwrap()
                .to_string();
            let tags = match item.get("tag") {
                Some(serde_yaml::Value::String(tag)) => vec![tag.clone()],
                Some(serde_yaml::Value::Sequence(tags)) => tags
                    .iter()
                    .map(|tag| tag.as_str().unwrap().to_string())
                    .collect(),
                _ => Vec::new(),
            };
            (dir, tags)
        })
        .collect()
}

fn strings(case: &serde_yaml::Value, key: &str) -> Vec<String> {
    match case.get(key) {
        Some(serde_yaml::Value::Sequence(items)) => items
            .iter()
            .map(|item| item.as_str().unwrap().to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// Builds the template repository; returns the first tag.
fn build_template(case_dir: &Path, case: &serde_yaml::Value, template: &Path) -> String {
    let repository = Repository::init_opts(
        template,
        git2::RepositoryInitOptions::new().initial_head("main"),
    )
    .unwrap();
    let mut first_tag = None;
    for (dir, tags) in versions(case) {
        for entry in std::fs::read_dir(template).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() != ".git" {
                let path = entry.path();
                if path.is_dir() && !path.is_symlink() {
                    std::fs::remove_dir_all(&path).unwrap();
                } else {
                    std::fs::remove_file(&path).unwrap();
                }
            }
        }
        copy_tree(&case_dir.join(&dir), template);
        commit_all(&repository, &dir);
        let head = repository.head().unwrap().peel_to_commit().unwrap();
        for tag in tags {
            repository
                .tag_lightweight(&tag, head.as_object(), false)
                .unwrap();
            first_tag.get_or_insert(tag);
        }
    }
    first_tag.expect("a case tags at least one version")
}

fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let depth = from
        .strip_prefix(to.parent().unwrap())
        .unwrap()
        .components()
        .count();
    let mut path = PathBuf::new();
    for _ in 0..depth {
        path.push("..");
    }
    path.join(to.file_name().unwrap())
}

fn apply_edits(case: &serde_yaml::Value, destination: &Path) {
    if let Some(serde_yaml::Value::Mapping(edits)) = case.get("edits") {
        for (path, content) in edits {
            let target = destination.join(path.as_str().unwrap());
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, content.as_str().unwrap()).unwrap();
        }
    }
    for path in strings(case, "deletes") {
        std::fs::remove_file(destination.join(path)).unwrap();
    }
}

fn git_status(repository: &Repository) -> String {
    let mut options = StatusOptions::new();
    // As `git status`: a folder whose content is all untracked is one
    // `?? folder/` line.
    options
        .include_untracked(true)
        .recurse_untracked_dirs(false);
    let statuses = repository.statuses(Some(&mut options)).unwrap();
    let mut lines: Vec<String> = statuses
        .iter()
        .map(|entry| {
            let status = entry.status();
            let code = if status.is_conflicted() {
                // `git status` shows `AA` when there is no common ancestor.
                let conflict_has_base = repository
                    .index()
                    .unwrap()
                    .conflicts()
                    .unwrap()
                    .filter_map(Result::ok)
                    .any(|conflict| {
                        conflict.our.is_some_and(|our| {
                            String::from_utf8_lossy(&our.path) == entry.path().unwrap()
                        }) && conflict.ancestor.is_some()
                    });
                if conflict_has_base {
                    "UU".to_string()
                } else {
                    "AA".to_string()
                }
            } else {
                let index = if status.is_index_new() {
                    'A'
                } else if status.is_index_modified() {
                    'M'
                } else if status.is_index_deleted() {
                    'D'
                } else if status.is_wt_new() {
                    '?'
                } else {
                    ' '
                };
                let worktree = if status.is_wt_new() {
                    '?'
                } else if status.is_wt_modified() || status.is_wt_typechange() {
                    'M'
                } else if status.is_wt_deleted() {
                    'D'
                } else {
                    ' '
                };
                format!("{index}{worktree}")
            };
            format!("{code} {}", entry.path().unwrap())
        })
        .collect();
    // `git status --porcelain` lists tracked changes by path, then
    // untracked files by path.
    lines.sort_by(|a, b| (a.starts_with("??"), &a[3..]).cmp(&(b.starts_with("??"), &b[3..])));
    lines.join("\n") + if lines.is_empty() { "" } else { "\n" }
}

/// Runs one update case; returns a description of every difference.
fn run_update_case(case_dir: &Path) -> Vec<String> {
    let case: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(case_dir.join("case.yml")).unwrap()).unwrap();
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("template");
    std::fs::create_dir_all(&template).unwrap();
    let first_tag = build_template(case_dir, &case, &template);
    let copy_ref = case
        .get("copy_ref")
        .and_then(|value| value.as_str())
        .map_or(first_tag, str::to_string);
    let project = work.path().join("project");
    let destination = match case.get("project_subdir").and_then(|value| value.as_str()) {
        Some(subdir) => project.join(subdir),
        None => project.clone(),
    };
    std::fs::create_dir_all(&destination).unwrap();
    let template_argument = relative_path(&destination, &template);

    let copy = kwz_new()
        .current_dir(&destination)
        .args(["copy", "--quiet", "--vcs-ref", &copy_ref])
        .args(strings(&case, "copy_args"))
        .arg(&template_argument)
        .arg(".")
        .output()
        .unwrap();
    if !copy.status.success() {
        return vec![format!(
            "copy failed: {}",
            String::from_utf8_lossy(&copy.stderr)
        )];
    }
    let repository = Repository::init_opts(
        &project,
        git2::RepositoryInitOptions::new().initial_head("main"),
    )
    .unwrap();
    commit_all(&repository, "copy");
    apply_edits(&case, &destination);
    commit_all(&repository, "edits");

    let update = kwz_new()
        .current_dir(&destination)
        .args(["update", "--quiet"])
        .args(strings(&case, "update_args"))
        .output()
        .unwrap();
    if !update.status.success() {
        return vec![format!(
            "update failed: {}",
            String::from_utf8_lossy(&update.stderr)
        )];
    }
    let mut problems = compare_trees(&project, &case_dir.join("expected"));
    if let Ok(expected) = std::fs::read_to_string(case_dir.join("expected-git-status")) {
        let got = git_status(&repository);
        if got != expected {
            problems.push(format!(
                "git status differs:\n    expected: {expected:?}\n    got:      {got:?}"
            ));
        }
    }
    problems
}

fn update_cases(folder: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(folder);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            std::fs::read_to_string(path.join("case.yml"))
                .is_ok_and(|text| text.lines().any(|line| line.trim() == "kind: update"))
        })
        .collect();
    cases.sort();
    cases
}

fn run_all(folder: &str) {
    let cases = update_cases(folder);
    assert!(!cases.is_empty(), "no update cases in tests/{folder}");
    let mut failures = Vec::new();
    for case in &cases {
        let problems = run_update_case(case);
        if !problems.is_empty() {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} update cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn update_cases_match_copier() {
    run_all("conformance");
}

#[test]
fn deliberate_deviations_hold() {
    run_all("deviations");
}
