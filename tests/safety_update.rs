//! `update` under attack and under failure: it stays inside the project,
//! runs migrations and tasks only with `--trust`, and leaves the project
//! exactly as it was (files and git index) when anything fails.

mod common;

use std::path::Path;

use common::scratch::{Outcome, Scratch, assert_error, differences, fingerprint, outcome_of};
use git2::{IndexAddOption, Repository, Signature};

const ANSWERS_TEMPLATE: &str = "{{ _copier_answers | to_nice_yaml }}";

fn signature() -> Signature<'static> {
    Signature::now("t", "t@example.com").unwrap()
}

/// Stages every file of the work tree and commits it on `HEAD`.
fn commit_all(repository: &Repository, message: &str) {
    let mut index = repository.index().unwrap();
    index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repository.find_tree(index.write_tree().unwrap()).unwrap();
    let parent = repository
        .head()
        .ok()
        .map(|head| head.peel_to_commit().unwrap());
    let parents: Vec<_> = parent.iter().collect();
    repository
        .commit(
            Some("HEAD"),
            &signature(),
            &signature(),
            message,
            &tree,
            &parents,
        )
        .unwrap();
}

/// Builds `template/` as a git repository with one tagged commit per
/// version; each version lists its files, and files of an earlier version
/// that it does not list are deleted.
fn template_repository(scratch: &Scratch, versions: &[(&str, &[(&str, &str)])]) {
    let root = scratch.mkdir("template");
    let repository = Repository::init(&root).unwrap();
    for (tag, files) in versions {
        for entry in std::fs::read_dir(&root).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap() != ".git" {
                if path.is_dir() {
                    std::fs::remove_dir_all(&path).unwrap();
                } else {
                    std::fs::remove_file(&path).unwrap();
                }
            }
        }
        scratch.write(
            "template/{{ _copier_conf.answers_file }}.jinja",
            ANSWERS_TEMPLATE,
        );
        for (path, contents) in *files {
            scratch.write(&format!("template/{path}"), contents);
        }
        commit_all(&repository, tag);
        let head = repository.head().unwrap().peel_to_commit().unwrap();
        repository
            .tag_lightweight(tag, head.as_object(), false)
            .unwrap();
    }
}

/// Copies the template at `v1` into `work/project` and commits it.
fn project_at_v1(scratch: &Scratch) -> Repository {
    scratch.mkdir("work");
    let template = scratch.path("template");
    let outcome = outcome_of(
        common::kwz_new()
            .args([
                "copy",
                "--defaults",
                "--quiet",
                "--trust",
                "--vcs-ref",
                "v1",
            ])
            .arg(&template)
            .arg("project")
            .current_dir(scratch.path("work")),
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let repository = Repository::init(scratch.path("work/project")).unwrap();
    commit_all(&repository, "project at v1");
    repository
}

fn update(scratch: &Scratch, extra: &[&str]) -> Outcome {
    outcome_of(
        common::kwz_new()
            .args(["update", "--defaults", "--quiet"])
            .args(extra)
            .arg("project")
            .current_dir(scratch.path("work")),
    )
}

/// Checks that the run failed as expected and that neither the scratch
/// folder nor the project's git index changed.
fn assert_update_refused(scratch: &Scratch, extra: &[&str], code: i32, fragments: &[&str]) {
    let before = scratch.fingerprint();
    let outcome = update(scratch, extra);
    assert_error(&outcome, code, fragments);
    let changed = differences(&before, &scratch.fingerprint());
    assert!(changed.is_empty(), "the update changed files: {changed:?}");
}

fn is_clean(project: &Path) -> bool {
    let repository = Repository::open(project).unwrap();
    let mut options = git2::StatusOptions::new();
    options.include_untracked(true);
    repository.statuses(Some(&mut options)).unwrap().is_empty()
}

const V1: &[(&str, &str)] = &[
    ("copier.yml", "name:\n  default: demo\n"),
    ("README.md.jinja", "# {{ name }}\n"),
];

#[test]
fn destination_symlink_refused_in_update() {
    let scratch = Scratch::new();
    let v2: &[(&str, &str)] = &[
        ("copier.yml", "name:\n  default: demo\n"),
        ("README.md.jinja", "# {{ name }} v2\n"),
        ("docs/{{ name }}.md.jinja", "guide for {{ name }}\n"),
    ];
    template_repository(&scratch, &[("v1", V1), ("v2", v2)]);
    let repository = project_at_v1(&scratch);
    scratch.mkdir("outside");
    scratch.symlink("../../outside", "work/project/docs");
    commit_all(&repository, "link docs elsewhere");
    assert_update_refused(
        &scratch,
        &[],
        1,
        &[
            "`docs/demo.md` (from template path `docs/{{ name }}.md.jinja`)",
            "outside the destination through a symlink",
        ],
    );
    assert!(is_clean(&scratch.path("work/project")));
}

#[test]
fn answers_file_outside_refused_in_update() {
    let scratch = Scratch::new();
    template_repository(&scratch, &[("v1", V1)]);
    project_at_v1(&scratch);
    let template = scratch.path("template");
    scratch.write(
        "outside/answers.yml",
        format!("_src_path: {}\n_commit: v1\n", template.display()),
    );
    assert_update_refused(
        &scratch,
        &["--answers-file", "../../outside/answers.yml"],
        1,
        &[
            "answers file path `../../outside/answers.yml`",
            "contains `..`",
        ],
    );
}

#[test]
fn migrations_refused_without_trust() {
    let scratch = Scratch::new();
    let marker = scratch.path("outside/migrated");
    let config = format!(
        "name:\n  default: demo\n_migrations:\n  - version: v2\n    command: touch {}\n",
        marker.display()
    );
    let v2: &[(&str, &str)] = &[
        ("copier.yml", &config),
        ("README.md.jinja", "# {{ name }} v2\n"),
    ];
    template_repository(&scratch, &[("v1", V1), ("v2", v2)]);
    project_at_v1(&scratch);
    scratch.mkdir("outside");
    assert_update_refused(
        &scratch,
        &[],
        4,
        &["potentially unsafe feature: migrations", "--trust"],
    );
}

#[test]
fn old_template_tasks_refused_without_trust() {
    let scratch = Scratch::new();
    let v1: &[(&str, &str)] = &[
        (
            "copier.yml",
            "name:\n  default: demo\n_tasks:\n  - 'true'\n",
        ),
        ("README.md.jinja", "# {{ name }}\n"),
    ];
    template_repository(&scratch, &[("v1", v1), ("v2", V1)]);
    project_at_v1(&scratch);
    assert_update_refused(&scratch, &[], 4, &["potentially unsafe feature: tasks"]);
}

/// A v2 whose task or migration fails after the files are written.
fn failing_v2(scratch: &Scratch, failing: &str) {
    let config = format!("name:\n  default: demo\n{failing}");
    let v2: &[(&str, &str)] = &[
        ("copier.yml", &config),
        ("README.md.jinja", "# {{ name }} v2\n"),
        ("new.txt", "new\n"),
    ];
    template_repository(scratch, &[("v1", V1), ("v2", v2)]);
}

#[test]
fn failing_task_leaves_project_unchanged() {
    let cases = [
        "_tasks:\n  - touch created-by-task && exit 5\n",
        "_migrations:\n  - version: v2\n    command: touch created && exit 6\n",
        "_migrations:\n  - version: v2\n    when: '{{ _stage == \"before\" }}'\n    command: touch early && exit 7\n",
    ];
    for failing in cases {
        let scratch = Scratch::new();
        failing_v2(&scratch, failing);
        project_at_v1(&scratch);
        let project = scratch.path("work/project");
        let before = fingerprint(&project);
        let outcome = update(&scratch, &["--trust"]);
        assert_error(&outcome, 1, &["returned non-zero exit status"]);
        let changed = differences(&before, &fingerprint(&project));
        assert!(
            changed.is_empty(),
            "{failing}: the update changed {changed:?}"
        );
        assert!(is_clean(&project), "{failing}: git status is not clean");
    }
}

#[test]
fn read_only_file_refused_in_update() {
    use std::os::unix::fs::PermissionsExt as _;
    let scratch = Scratch::new();
    failing_v2(&scratch, "");
    project_at_v1(&scratch);
    let readme = scratch.path("work/project/README.md");
    std::fs::set_permissions(&readme, std::fs::Permissions::from_mode(0o444)).unwrap();
    let project = scratch.path("work/project");
    let before = fingerprint(&project);
    let mut command = common::kwz_new();
    command
        .args(["update", "--defaults", "--quiet", "project"])
        .current_dir(scratch.path("work"));
    common::scratch::without_root_override(&mut command);
    let outcome = outcome_of(&mut command);
    assert_error(&outcome, 1, &["`README.md` cannot be overwritten"]);
    assert!(differences(&before, &fingerprint(&project)).is_empty());
}

#[test]
fn successful_update_writes_answers() {
    let scratch = Scratch::new();
    failing_v2(&scratch, "");
    project_at_v1(&scratch);
    let outcome = update(&scratch, &[]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let answers =
        std::fs::read_to_string(scratch.path("work/project/.copier-answers.yml")).unwrap();
    assert!(answers.contains("_commit: v2"), "{answers}");
    assert_eq!(
        std::fs::read_to_string(scratch.path("work/project/new.txt")).unwrap(),
        "new\n"
    );
}

#[test]
fn failing_message_leaves_project_unchanged() {
    let scratch = Scratch::new();
    failing_v2(&scratch, "_message_after_update: \"{{ 1 / 0 }}\"\n");
    project_at_v1(&scratch);
    let project = scratch.path("work/project");
    let before = fingerprint(&project);
    let outcome = outcome_of(
        common::kwz_new()
            .args(["update", "--defaults", "project"])
            .current_dir(scratch.path("work")),
    );
    assert_error(&outcome, 1, &["failed to render a template message"]);
    assert!(differences(&before, &fingerprint(&project)).is_empty());
    assert!(is_clean(&project));
}
