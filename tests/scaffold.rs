//! End to end: `kwz-new DEST` scaffolds an extensions repo from the built-in
//! template, with its answers file, first commit and branches.

mod common;

use common::kwz_new;
use git2::Repository;

const HEADER: &str = "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n";

fn expected_answers(project: &str, github_org: &str, docker_org: &str) -> String {
    format!(
        "{HEADER}_commit: v{}\n_src_path: gh:kamiwaza-internal/kamiwaza-extensions-template\ndocker_org: {docker_org}\ngithub_org: {github_org}\nproject_name: {project}\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Checks that `main` has exactly one commit holding every file of the work
/// tree, and that `develop` is checked out at it.
fn assert_git_layout(repo_path: &std::path::Path) {
    let repository = Repository::open(repo_path).unwrap();
    let main = repository
        .find_branch("main", git2::BranchType::Local)
        .unwrap();
    let main_commit = main.get().peel_to_commit().unwrap();
    assert_eq!(
        main_commit.message().unwrap(),
        "Initial commit from template"
    );
    assert_eq!(main_commit.parent_count(), 0);
    let develop = repository
        .find_branch("develop", git2::BranchType::Local)
        .unwrap();
    assert_eq!(
        develop.get().peel_to_commit().unwrap().id(),
        main_commit.id()
    );
    assert_eq!(repository.head().unwrap().shorthand().unwrap(), "develop");
    let statuses = repository
        .statuses(Some(git2::StatusOptions::new().include_untracked(true)))
        .unwrap();
    assert_eq!(statuses.len(), 0, "every rendered file is committed");
    let tree = main_commit.tree().unwrap();
    for file in [
        "README.md",
        "Makefile",
        ".gitignore",
        ".copier-answers.yml",
        "apps/.gitkeep",
    ] {
        assert!(
            tree.get_path(std::path::Path::new(file)).is_ok(),
            "{file} is in the first commit"
        );
    }
}

#[test]
fn scaffold_with_defaults() {
    let scratch = tempfile::tempdir().unwrap();
    let output = kwz_new()
        .current_dir(scratch.path())
        .args(["acme-extensions", "--defaults"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let repo = scratch.path().join("acme-extensions");
    let answers = std::fs::read_to_string(repo.join(".copier-answers.yml")).unwrap();
    assert_eq!(
        answers,
        expected_answers("acme-extensions", "kamiwaza-internal", "kamiwazaai")
    );
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    assert!(
        readme.starts_with("# acme-extensions\n"),
        "README title: {readme}"
    );
    assert!(repo.join("services/.gitkeep").is_file());
    assert!(repo.join("tools/.gitkeep").is_file());
    assert_git_layout(&repo);
}

#[test]
fn scaffold_with_data() {
    let scratch = tempfile::tempdir().unwrap();
    let output = kwz_new()
        .current_dir(scratch.path())
        .args([
            "target",
            "--defaults",
            "--data",
            "project_name=widgets",
            "--data",
            "github_org=acme",
            "--data",
            "docker_org=acmehub",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let repo = scratch.path().join("target");
    let answers = std::fs::read_to_string(repo.join(".copier-answers.yml")).unwrap();
    assert_eq!(answers, expected_answers("widgets", "acme", "acmehub"));
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    assert!(readme.contains("https://github.com/acme/widgets"));
    assert_git_layout(&repo);
}

#[test]
fn scaffold_without_git() {
    let scratch = tempfile::tempdir().unwrap();
    let output = kwz_new()
        .current_dir(scratch.path())
        .args(["plain", "--defaults", "--no-git"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(scratch.path().join("plain/README.md").is_file());
    assert!(!scratch.path().join("plain/.git").exists());
}

#[test]
fn invalid_project_name_writes_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    let output = kwz_new()
        .current_dir(scratch.path())
        .args(["bad", "--defaults", "--data", "project_name=Has Space"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("project_name"),
        "stderr names the question: {stderr}"
    );
    assert!(!scratch.path().join("bad").exists());
    assert_eq!(
        std::fs::read_dir(scratch.path()).unwrap().count(),
        0,
        "no staging folder is left behind"
    );
}

#[test]
fn existing_repository_gets_no_second_init() {
    let scratch = tempfile::tempdir().unwrap();
    Repository::init(scratch.path()).unwrap();
    let output = kwz_new()
        .current_dir(scratch.path())
        .args(["inner", "--defaults"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!scratch.path().join("inner/.git").exists());
    assert!(String::from_utf8_lossy(&output.stderr).contains("skipped `git init`"));
}

#[test]
fn builtin_template_refuses_foreign_folder() {
    let scratch = tempfile::tempdir().unwrap();
    let folder = scratch.path().join("my-template");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("copier.yml"), "name: x\n").unwrap();
    let output = kwz_new()
        .current_dir(scratch.path())
        .args(["copy", "--defaults", "my-template"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not empty and is not a project of the built-in template"),
        "{stderr}"
    );
    let names: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["copier.yml"]);
}

#[test]
fn mistyped_command_is_named() {
    let output = kwz_new()
        .args(["cpoy", "template", "out"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown command `cpoy`"), "{stderr}");
    assert!(stderr.contains("kwz-new copy"), "{stderr}");
}

#[test]
fn destination_spelled_like_command_is_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let output = kwz_new()
        .current_dir(scratch.path())
        .args(["udpate", "--defaults"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown command `udpate`"), "{stderr}");
    assert!(stderr.contains("kwz-new update"), "{stderr}");
    assert!(stderr.contains("kwz-new ./udpate"), "{stderr}");
    assert!(!scratch.path().join("udpate").exists());
}

#[test]
fn destination_with_path_is_never_a_typo() {
    let scratch = tempfile::tempdir().unwrap();
    let output = kwz_new()
        .current_dir(scratch.path())
        .args(["./udpate", "--defaults", "--no-git", "--quiet"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(scratch.path().join("udpate/.copier-answers.yml").exists());
}

#[test]
fn destination_that_is_a_file_is_refused() {
    let scratch = tempfile::tempdir().unwrap();
    std::fs::write(scratch.path().join("afile"), "x\n").unwrap();
    let output = kwz_new()
        .current_dir(scratch.path())
        .args(["afile", "--defaults", "--no-git"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the destination `afile` exists and is not a folder"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(scratch.path().join("afile")).unwrap(), b"x\n");
}
