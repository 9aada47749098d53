//! Containment: a template or its answers cannot make `copy` read or write
//! outside the template and the destination, and features that run code
//! need `--trust`.
//!
//! Each test builds a scratch folder with `template/`, `work/` (the
//! current folder, which holds the destination) and `outside/` (what an
//! attack aims at), fingerprints the whole scratch folder, runs the binary
//! and checks the refusal, its message and that nothing in the scratch
//! folder changed.

mod common;

use common::scratch::{Outcome, Scratch, assert_error, differences, outcome_of, run_in};

/// A scratch folder with an empty template and an `outside/secret.txt`.
fn setup() -> Scratch {
    let scratch = Scratch::new();
    scratch.mkdir("template");
    scratch.mkdir("work");
    scratch.write("outside/secret.txt", "secret\n");
    scratch
}

/// Runs `kwz-new ARGS` in `work/` and checks that it failed with `code`,
/// that stderr names every fragment and that the scratch folder is as it
/// was.
fn assert_refused(scratch: &Scratch, args: &[&str], code: i32, fragments: &[&str]) -> Outcome {
    let before = scratch.fingerprint();
    let outcome = run_in(&scratch.path("work"), args);
    assert_error(&outcome, code, fragments);
    let changed = differences(&before, &scratch.fingerprint());
    assert!(changed.is_empty(), "the run changed files: {changed:?}");
    outcome
}

fn copy_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["copy", "--defaults", "--overwrite"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["../template", "project"]);
    args
}

#[test]
fn template_symlink_outside_refused() {
    let scratch = setup();
    scratch.symlink("../outside/secret.txt", "template/relative.txt");
    assert_refused(
        &scratch,
        &copy_args(&[]),
        1,
        &["symlink `relative.txt` leads outside the template"],
    );

    let scratch = setup();
    let absolute = scratch.path("outside");
    scratch.symlink(&absolute, "template/absolute");
    assert_refused(
        &scratch,
        &copy_args(&[]),
        1,
        &["symlink `absolute` leads outside the template"],
    );
}

#[test]
fn destination_folder_symlink_refused() {
    let scratch = setup();
    scratch.write("template/sub/evil.txt", "evil\n");
    scratch.write("template/first.txt", "first\n");
    scratch.mkdir("work/project");
    scratch.symlink("../../outside", "work/project/sub");
    assert_refused(
        &scratch,
        &copy_args(&[]),
        1,
        &[
            "`sub/evil.txt` (from template path `sub/evil.txt`)",
            "outside the destination through a symlink",
        ],
    );
}

#[test]
fn destination_file_symlink_replaced_not_followed() {
    let scratch = setup();
    scratch.write("template/secret.txt", "from the template\n");
    scratch.mkdir("work/project");
    scratch.symlink("../../outside/secret.txt", "work/project/secret.txt");
    let outcome = run_in(&scratch.path("work"), &copy_args(&[]));
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(
        std::fs::read_to_string(scratch.path("outside/secret.txt")).unwrap(),
        "secret\n",
        "the write went through the symlink"
    );
    let written = scratch.path("work/project/secret.txt");
    assert!(!written.symlink_metadata().unwrap().is_symlink());
    assert_eq!(
        std::fs::read_to_string(written).unwrap(),
        "from the template\n"
    );
}

#[test]
fn answers_file_outside_refused() {
    let scratch = setup();
    scratch.write(
        "template/copier.yml",
        "_answers_file: ../answers.yml\nq: 1\n",
    );
    scratch.write(
        "template/{{ _copier_conf.answers_file }}.jinja",
        "{{ _copier_answers | to_nice_yaml }}",
    );
    assert_refused(
        &scratch,
        &copy_args(&[]),
        1,
        &["answers file path `../answers.yml`", "contains `..`"],
    );
    assert_refused(
        &scratch,
        &copy_args(&["--answers-file", "../../outside/a.yml"]),
        1,
        &["`../../outside/a.yml`", "contains `..`"],
    );
}

#[test]
fn subdirectory_outside_refused() {
    for subdirectory in ["..", "inner/../..", "/etc"] {
        let scratch = setup();
        scratch.write("template/inner/a.txt", "a\n");
        scratch.write(
            "template/copier.yml",
            format!("_subdirectory: {subdirectory}\n"),
        );
        assert_refused(
            &scratch,
            &copy_args(&[]),
            1,
            &["`_subdirectory`", "outside the template"],
        );
    }
}

#[test]
fn jinja_include_outside_refused() {
    let scratch = setup();
    let absolute = scratch.path("outside/secret.txt");
    let cases = [
        ("../outside/secret.txt", "leads outside the template"),
        (absolute.to_str().unwrap(), "template not found"),
    ];
    for (name, message) in cases {
        scratch.write(
            "template/a.txt.jinja",
            format!("{{% include \"{name}\" %}}\n"),
        );
        assert_refused(
            &scratch,
            &copy_args(&[]),
            1,
            &["failed to render `a.txt.jinja` at line 1", message],
        );
    }
}

#[test]
fn jinja_include_through_symlink_refused() {
    let scratch = setup();
    scratch.symlink("../outside", "template/link");
    scratch.write("template/copier.yml", "_subdirectory: files\n");
    scratch.write(
        "template/files/a.txt.jinja",
        "{% include \"link/secret.txt\" %}\n",
    );
    assert_refused(
        &scratch,
        &copy_args(&[]),
        1,
        &[
            "failed to render `files/a.txt.jinja` at line 1",
            "`link/secret.txt` leads outside the template",
        ],
    );
}

#[test]
fn tasks_refused_without_trust() {
    let scratch = setup();
    let marker = scratch.path("outside/task-ran");
    scratch.write(
        "template/copier.yml",
        format!("_tasks:\n  - touch {}\n", marker.display()),
    );
    scratch.write("template/a.txt", "a\n");
    assert_refused(
        &scratch,
        &copy_args(&[]),
        4,
        &["potentially unsafe feature: tasks", "--trust"],
    );
}

#[test]
fn jinja_extensions_refused_without_trust() {
    let scratch = setup();
    scratch.write(
        "template/copier.yml",
        "_jinja_extensions:\n  - jinja2.ext.loopcontrols\n",
    );
    scratch.write("template/a.txt", "a\n");
    assert_refused(
        &scratch,
        &copy_args(&[]),
        4,
        &["potentially unsafe feature: jinja_extensions"],
    );
}

/// Writes a settings file that trusts `prefix` and a template with a task
/// in `other/evil`.
fn trust_setup(scratch: &Scratch) -> std::path::PathBuf {
    let marker = scratch.path("outside/task-ran");
    scratch.mkdir("trusted/real");
    scratch.write(
        "other/evil/copier.yml",
        format!("_tasks:\n  - touch {}\n", marker.display()),
    );
    scratch.write("other/evil/a.txt", "a\n");
    scratch.mkdir("other/decoy");
    let prefix = format!("{}/", scratch.path("trusted").display());
    scratch.write("settings.yml", format!("trust:\n  - {prefix}\n"))
}

#[test]
fn trusted_prefix_normalised_before_check() {
    let scratch = setup();
    let settings = trust_setup(&scratch);
    let escaping = format!("{}/../other/evil", scratch.path("trusted").display());
    let before = scratch.fingerprint();
    let outcome = outcome_of(
        common::kwz_new()
            .env("COPIER_SETTINGS_PATH", &settings)
            .args(["copy", "--defaults", &escaping, "project"])
            .current_dir(scratch.path("work")),
    );
    assert_error(&outcome, 4, &["potentially unsafe feature: tasks"]);
    assert!(differences(&before, &scratch.fingerprint()).is_empty());
}

#[test]
fn trusted_template_runs_tasks() {
    let scratch = setup();
    let settings = trust_setup(&scratch);
    scratch.write(
        "trusted/real/copier.yml",
        format!(
            "_tasks:\n  - touch {}\n",
            scratch.path("outside/task-ran").display()
        ),
    );
    let template = scratch.path("trusted/real");
    let outcome = outcome_of(
        common::kwz_new()
            .env("COPIER_SETTINGS_PATH", &settings)
            .args(["copy", "--defaults", template.to_str().unwrap(), "project"])
            .current_dir(scratch.path("work")),
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(scratch.path("outside/task-ran").exists());
}

fn templated_name(scratch: &Scratch) {
    scratch.write("template/copier.yml", "name: x\n");
    scratch.write("template/{{ name }}.txt.jinja", "hello\n");
    scratch.write("template/keep.txt", "keep\n");
}

#[test]
fn rendered_parent_path_refused() {
    let scratch = setup();
    templated_name(&scratch);
    for name in ["../../outside/evil", "a/../../../outside/evil", "../x"] {
        let data = format!("name={name}");
        assert_refused(
            &scratch,
            &copy_args(&["--data", &data]),
            1,
            &[
                "template path `{{ name }}.txt.jinja`",
                "outside the destination",
                "contains `..`",
            ],
        );
    }
}

#[test]
fn rendered_absolute_path_refused() {
    let scratch = setup();
    templated_name(&scratch);
    let target = scratch.path("outside/evil");
    let data = format!("name={}", target.display());
    assert_refused(
        &scratch,
        &copy_args(&["--data", &data]),
        1,
        &[
            "template path `{{ name }}.txt.jinja`",
            "is an absolute path",
        ],
    );
}

#[test]
fn rendered_nul_byte_refused() {
    let scratch = setup();
    templated_name(&scratch);
    scratch.write("work/data.yml", "name: \"a\\0b\"\n");
    let outcome = assert_refused(
        &scratch,
        &copy_args(&["--data-file", "data.yml"]),
        1,
        &["template path `{{ name }}.txt.jinja`", "a\\0b.txt", "NUL"],
    );
    assert!(
        !outcome.stderr.contains('\0'),
        "the message holds a raw NUL"
    );
}

#[test]
fn rendered_windows_drive_refused() {
    let scratch = setup();
    templated_name(&scratch);
    assert_refused(
        &scratch,
        &copy_args(&["--data", "name=C:evil"]),
        1,
        &["template path `{{ name }}.txt.jinja`", "Windows drive"],
    );
}

#[test]
fn subdirectory_symlink_outside_refused() {
    let scratch = setup();
    scratch.symlink("../outside", "template/linked");
    scratch.write("template/copier.yml", "_subdirectory: linked\n");
    assert_refused(
        &scratch,
        &copy_args(&[]),
        1,
        &["`_subdirectory`", "`linked`", "outside the template"],
    );
}

#[test]
fn subdirectory_symlink_inside_followed() {
    let scratch = setup();
    scratch.write("template/inner/a.txt", "a\n");
    scratch.symlink("inner", "template/linked");
    scratch.write("template/copier.yml", "_subdirectory: linked\n");
    let outcome = run_in(&scratch.path("work"), &copy_args(&[]));
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(
        std::fs::read_to_string(scratch.path("work/project/a.txt")).unwrap(),
        "a\n"
    );
}

#[test]
fn external_data_outside_refused() {
    let scratch = setup();
    scratch.write("outside/data.yml", "leaked: yes\n");
    scratch.write("outside/deep/data.yml", "leaked: yes\n");
    scratch.mkdir("outside/deep/deeper");
    scratch.mkdir("work/project");
    scratch.symlink("../../outside", "work/project/link");
    scratch.symlink("../../outside/deep/deeper", "work/project/deeper");
    scratch.write("template/a.txt.jinja", "{{ _external_data.x }}\n");
    // The last path climbs out of a linked folder with `..`, which a check
    // that applies `..` before resolving symlinks would let through.
    for path in [
        "../../outside/data.yml",
        "link/data.yml",
        "deeper/../data.yml",
    ] {
        scratch.write(
            "template/copier.yml",
            format!("_external_data:\n  x: {path}\n"),
        );
        assert_refused(
            &scratch,
            &copy_args(&[]),
            1,
            &[
                &format!("`_external_data.x` from `{path}`"),
                "outside the destination",
            ],
        );
    }
}

#[test]
fn yaml_include_outside_refused() {
    let scratch = setup();
    scratch.write("outside/inc.yml", "injected: 1\n");
    scratch.write("template/copier.yml", "- !include ../outside/inc.yml\n");
    scratch.write("template/a.txt", "a\n");
    assert_refused(
        &scratch,
        &copy_args(&[]),
        1,
        &["`!include ../outside/inc.yml`", "outside the template"],
    );
}

#[test]
fn answers_file_symlink_outside_refused() {
    let scratch = setup();
    scratch.write("template/copier.yml", "q: 1\n");
    scratch.write(
        "template/{{ _copier_conf.answers_file }}.jinja",
        "{{ _copier_answers | to_nice_yaml }}",
    );
    scratch.write("outside/answers.yml", "q: 2\n");
    scratch.mkdir("work/project");
    scratch.symlink("../../outside", "work/project/link");
    assert_refused(
        &scratch,
        &copy_args(&["--answers-file", "link/answers.yml"]),
        1,
        &["answers file `link/answers.yml`", "outside the destination"],
    );
}

#[test]
fn trusted_prefix_symlink_escape_refused() {
    let scratch = setup();
    let settings = trust_setup(&scratch);
    // `trusted/link/..` is `trusted` on paper but `other` on disk.
    scratch.symlink("../other/decoy", "trusted/link");
    let escaping = format!("{}/link/../evil", scratch.path("trusted").display());
    let before = scratch.fingerprint();
    let outcome = outcome_of(
        common::kwz_new()
            .env("COPIER_SETTINGS_PATH", &settings)
            .args(["copy", "--defaults", &escaping, "project"])
            .current_dir(scratch.path("work")),
    );
    assert_error(&outcome, 4, &["potentially unsafe feature: tasks"]);
    assert!(differences(&before, &scratch.fingerprint()).is_empty());
}
