//! `update` refusals, `recopy` and `check-update` on a small git template
//! with tags `v1.0.0` and `v2.0.0`.

mod common;

use std::path::Path;

use common::{commit_all, kwz_new};
use git2::Repository;

fn tag(repository: &Repository, name: &str) {
    let head = repository.head().unwrap().peel_to_commit().unwrap();
    repository
        .tag_lightweight(name, head.as_object(), false)
        .unwrap();
}

/// A template repository with two tagged versions of `greeting.txt`.
fn template_repository(root: &Path) -> std::path::PathBuf {
    let template = root.join("template");
    std::fs::create_dir_all(&template).unwrap();
    let repository = Repository::init(&template).unwrap();
    std::fs::write(template.join("copier.yml"), "name: world\n").unwrap();
    std::fs::write(
        template.join("{{ _copier_conf.answers_file }}.jinja"),
        "{{ _copier_answers|to_nice_yaml -}}\n",
    )
    .unwrap();
    std::fs::write(template.join("greeting.txt.jinja"), "hello {{ name }}\n").unwrap();
    commit_all(&repository, "v1");
    tag(&repository, "v1.0.0");
    std::fs::write(template.join("greeting.txt.jinja"), "hello {{ name }}!\n").unwrap();
    commit_all(&repository, "v2");
    tag(&repository, "v2.0.0");
    template
}

/// Copies the template at `v1.0.0` into `root/project` and commits it.
fn project_at_v1(root: &Path) -> (std::path::PathBuf, Repository) {
    template_repository(root);
    let project = root.join("project");
    std::fs::create_dir_all(&project).unwrap();
    let output = kwz_new()
        .current_dir(&project)
        .args([
            "copy",
            "--quiet",
            "--defaults",
            "--vcs-ref",
            "v1.0.0",
            "../template",
            ".",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "copy: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let repository = Repository::init(&project).unwrap();
    commit_all(&repository, "copy");
    (project, repository)
}

/// Snapshot of every file below `root` except `.git`.
fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|entry| entry.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            (
                entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .display()
                    .to_string(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn update(project: &Path, args: &[&str]) -> std::process::Output {
    kwz_new()
        .current_dir(project)
        .arg("update")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn update_applies_new_version() {
    let scratch = tempfile::tempdir().unwrap();
    let (project, _) = project_at_v1(scratch.path());
    let output = update(&project, &["--defaults", "--quiet"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(project.join("greeting.txt")).unwrap(),
        "hello world!\n"
    );
    let answers = std::fs::read_to_string(project.join(".copier-answers.yml")).unwrap();
    assert!(answers.contains("_commit: v2.0.0\n"), "{answers}");
}

#[test]
fn update_names_conflicted_files() {
    let scratch = tempfile::tempdir().unwrap();
    let (project, repository) = project_at_v1(scratch.path());
    std::fs::write(project.join("greeting.txt"), "hello owner\n").unwrap();
    commit_all(&repository, "owner edit");
    let output = update(&project, &["--defaults"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("Conflicts to resolve (unmerged in git): greeting.txt\n"),
        "{stderr}"
    );
    let merged = std::fs::read_to_string(project.join("greeting.txt")).unwrap();
    assert!(merged.contains("hello owner\n"), "{merged}");
}

#[test]
fn update_names_reject_files() {
    let scratch = tempfile::tempdir().unwrap();
    let (project, repository) = project_at_v1(scratch.path());
    std::fs::write(project.join("greeting.txt"), "hello owner\n").unwrap();
    commit_all(&repository, "owner edit");
    let output = update(&project, &["--defaults", "--conflict", "rej"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("Changes that did not apply, beside their files: greeting.txt.rej\n"),
        "{stderr}"
    );
    assert!(project.join("greeting.txt.rej").exists());
}

#[test]
fn update_refuses_dirty_project() {
    let scratch = tempfile::tempdir().unwrap();
    let (project, _) = project_at_v1(scratch.path());
    std::fs::write(project.join("untracked.txt"), "x").unwrap();
    let before = snapshot(&project);
    let output = update(&project, &["--defaults"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("uncommitted changes"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(snapshot(&project), before);
}

#[test]
fn update_refuses_missing_commit() {
    let scratch = tempfile::tempdir().unwrap();
    let (project, repository) = project_at_v1(scratch.path());
    let answers = std::fs::read_to_string(project.join(".copier-answers.yml")).unwrap();
    let without_commit: String = answers
        .lines()
        .filter(|line| !line.starts_with("_commit"))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(project.join(".copier-answers.yml"), without_commit).unwrap();
    commit_all(&repository, "drop _commit");
    let before = snapshot(&project);
    let output = update(&project, &["--defaults"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("`_commit`"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(snapshot(&project), before);
}

#[test]
fn update_refuses_downgrade() {
    let scratch = tempfile::tempdir().unwrap();
    let (project, _) = project_at_v1(scratch.path());
    let output = update(&project, &["--defaults", "--quiet"]);
    assert!(output.status.success());
    let repository = Repository::open(&project).unwrap();
    commit_all(&repository, "update");
    let before = snapshot(&project);
    let output = update(&project, &["--defaults", "--vcs-ref", "v1.0.0"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("downgrades are not supported"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(snapshot(&project), before);
}

#[test]
fn update_refuses_plain_folder_template() {
    let scratch = tempfile::tempdir().unwrap();
    let template = scratch.path().join("plain");
    std::fs::create_dir_all(&template).unwrap();
    std::fs::write(
        template.join("{{ _copier_conf.answers_file }}.jinja"),
        "{{ _copier_answers|to_nice_yaml -}}\n",
    )
    .unwrap();
    let project = scratch.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let output = kwz_new()
        .current_dir(&project)
        .args(["copy", "--quiet", "../plain", "."])
        .output()
        .unwrap();
    assert!(output.status.success());
    std::fs::write(
        project.join(".copier-answers.yml"),
        "_commit: v1\n_src_path: ../plain\n",
    )
    .unwrap();
    let repository = Repository::init(&project).unwrap();
    commit_all(&repository, "copy");
    let before = snapshot(&project);
    let output = update(&project, &["--defaults"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not a git repository"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(snapshot(&project), before);
}

#[test]
fn update_refuses_untracked_project() {
    let scratch = tempfile::tempdir().unwrap();
    template_repository(scratch.path());
    let project = scratch.path().join("loose");
    let output = kwz_new()
        .current_dir(scratch.path())
        .args([
            "copy",
            "--quiet",
            "--defaults",
            "--vcs-ref",
            "v1.0.0",
            "template",
            "loose",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let output = update(&project, &["--defaults"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("tracked by git"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn check_update_reports_versions() {
    let scratch = tempfile::tempdir().unwrap();
    let (project, _) = project_at_v1(scratch.path());
    let plain = kwz_new()
        .current_dir(&project)
        .arg("check-update")
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout),
        "New template version available.\nCurrent version is 1.0.0, latest version is 2.0.0.\n"
    );
    let json = kwz_new()
        .current_dir(&project)
        .args(["check-update", "--output-format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&json.stdout),
        "{\"update_available\": true, \"current_version\": \"1.0.0\", \"latest_version\": \"2.0.0\"}\n"
    );
    let quiet = kwz_new()
        .current_dir(&project)
        .args(["check-update", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(quiet.status.code(), Some(2));
    assert!(quiet.stdout.is_empty());
}

#[test]
fn recopy_renders_recorded_answers_again() {
    let scratch = tempfile::tempdir().unwrap();
    let (project, _) = project_at_v1(scratch.path());
    std::fs::write(project.join("greeting.txt"), "changed by hand\n").unwrap();
    let output = kwz_new()
        .current_dir(&project)
        .args([
            "recopy",
            "--defaults",
            "--overwrite",
            "--quiet",
            "--vcs-ref",
            "v1.0.0",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(project.join("greeting.txt")).unwrap(),
        "hello world\n"
    );
}

/// Copier 9.19.1 removes folders of the old render that end up empty after
/// an update (recorded: a `notes/` folder whose files `_exclude` drops).
#[test]
fn update_removes_empty_old_folders() {
    let scratch = tempfile::tempdir().unwrap();
    let template = scratch.path().join("template");
    std::fs::create_dir_all(template.join("notes")).unwrap();
    let repository = Repository::init(&template).unwrap();
    std::fs::write(
        template.join("copier.yml"),
        "_exclude:\n  - \"notes/\"\nname: x\n",
    )
    .unwrap();
    std::fs::write(
        template.join("{{ _copier_conf.answers_file }}.jinja"),
        "{{ _copier_answers|to_nice_yaml -}}\n",
    )
    .unwrap();
    std::fs::write(template.join("notes/a.txt"), "n\n").unwrap();
    std::fs::write(template.join("f.txt.jinja"), "v1 {{ name }}\n").unwrap();
    commit_all(&repository, "v1");
    tag(&repository, "v1.0.0");
    std::fs::write(template.join("f.txt.jinja"), "v2 {{ name }}\n").unwrap();
    commit_all(&repository, "v2");
    tag(&repository, "v2.0.0");
    let project = scratch.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let copy = kwz_new()
        .current_dir(&project)
        .args([
            "copy",
            "--quiet",
            "--defaults",
            "--vcs-ref",
            "v1.0.0",
            "../template",
            ".",
        ])
        .output()
        .unwrap();
    assert!(
        copy.status.success(),
        "{}",
        String::from_utf8_lossy(&copy.stderr)
    );
    assert!(
        project.join("notes").is_dir(),
        "the copy keeps the empty folder"
    );
    commit_all(&Repository::init(&project).unwrap(), "copy");
    let output = update(&project, &["--defaults", "--quiet"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(project.join("f.txt")).unwrap(),
        "v2 x\n"
    );
    assert!(
        !project.join("notes").exists(),
        "the empty folder is removed"
    );
}
