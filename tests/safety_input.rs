//! Hostile and broken input: every case ends with one `error:` line that
//! names the file, line or question, the documented exit code, no panic,
//! and nothing written (the scratch folder is fingerprinted before and
//! after). A few inputs that Copier accepts are checked to succeed.

mod common;

use std::process::Command;
use std::time::Duration;

use common::scratch::{
    Outcome, Scratch, assert_error, differences, fingerprint, limit_address_space, outcome_of,
    outcome_within, run_in,
};

fn setup(config: &str) -> Scratch {
    let scratch = Scratch::new();
    scratch.write("template/copier.yml", config);
    scratch.write("template/a.txt", "a\n");
    scratch.mkdir("work");
    scratch
}

/// Copies with the address space capped at 4 GiB and a guard against hangs.
fn copy_bounded(scratch: &Scratch, deadline: Duration) -> Outcome {
    let mut command = common::kwz_new();
    command
        .args(["copy", "--defaults", "../template", "project"])
        .current_dir(scratch.path("work"));
    limit_address_space(&mut command, 4 << 30);
    outcome_within(&mut command, deadline)
}

fn copy(scratch: &Scratch, extra: &[&str]) -> Outcome {
    let mut args = vec!["copy", "--defaults"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["../template", "project"]);
    run_in(&scratch.path("work"), &args)
}

/// Copies and checks the error line, the exit code and that the scratch
/// folder is unchanged.
fn assert_copy_fails(scratch: &Scratch, extra: &[&str], fragments: &[&str]) -> Outcome {
    let before = scratch.fingerprint();
    let outcome = copy(scratch, extra);
    assert_error(&outcome, 1, fragments);
    assert!(
        outcome
            .stderr
            .lines()
            .any(|line| line.starts_with("error: ")),
        "no `error:` line:\n{}",
        outcome.stderr
    );
    let changed = differences(&before, &scratch.fingerprint());
    assert!(changed.is_empty(), "the run changed files: {changed:?}");
    outcome
}

#[test]
fn malformed_yaml_names_file_and_line() {
    let scratch = setup("a: [1, 2\nb: }\n");
    assert_copy_fails(
        &scratch,
        &[],
        &["invalid config file `copier.yml`", "copier.yml:2:"],
    );
}

#[test]
fn wrong_setting_types_name_the_setting() {
    let cases = [
        ("_answers_file: [1]", "`_answers_file`"),
        ("_envops: [1]", "`_envops`"),
        (
            "_envops: {block_start_string: 5}",
            "`_envops.block_start_string`",
        ),
        ("_exclude: 5", "`_exclude`"),
        ("_external_data: [1]", "`_external_data`"),
        ("_min_copier_version: [1]", "`_min_copier_version`"),
        ("_min_copier_version: abc", "`_min_copier_version`"),
        ("_secret_questions: 5", "`_secret_questions`"),
        ("_subdirectory: {a: 1}", "`_subdirectory`"),
        ("_tasks: [{command: 5}]", "`_tasks`"),
        ("_tasks: [{when: x}]", "`_tasks`"),
        ("_templates_suffix: [1]", "`_templates_suffix`"),
        ("5: {type: str}", "key `5`"),
    ];
    for (config, fragment) in cases {
        let scratch = setup(&format!("{config}\n"));
        assert_copy_fails(&scratch, &[], &[fragment]);
    }
}

/// Copier 9.19.1 reads these settings only when it uses them, or iterates
/// them whatever their type, so a copy succeeds; kwz-new does the same.
#[test]
fn settings_read_only_when_used_accept_any_value() {
    for config in [
        "_external_data: {x: [1]}",
        "_migrations: 5",
        "_skip_if_exists: {}",
    ] {
        let scratch = setup(&format!("{config}\n"));
        let outcome = copy(&scratch, &[]);
        assert_eq!(outcome.code, 0, "{config}: {}", outcome.stderr);
    }
}

#[test]
fn external_data_of_wrong_type_fails_when_read() {
    let scratch = setup("_external_data: {x: [1]}\n");
    scratch.write("template/out.txt.jinja", "{{ _external_data.x }}\n");
    assert_copy_fails(
        &scratch,
        &[],
        &["the `_external_data` path of `x` must be a string"],
    );
}

#[test]
fn tasks_mapping_is_read_as_its_keys() {
    let scratch = setup("_tasks: {a: 1}\n");
    let outcome = copy(&scratch, &[]);
    assert_error(&outcome, 4, &["unsafe feature: tasks"]);
}

/// Copier reads a mapping under `_jinja_extensions` as the list of its keys:
/// without `--trust` the run is refused as unsafe (exit 4), with it the
/// unknown extension `a` is named.
#[test]
fn jinja_extensions_mapping_is_read_as_its_keys() {
    let scratch = setup("_jinja_extensions: {a: 1}\n");
    let before = scratch.fingerprint();
    let outcome = copy(&scratch, &[]);
    assert_error(&outcome, 4, &["unsafe feature: jinja_extensions"]);
    assert!(differences(&before, &scratch.fingerprint()).is_empty());
    assert_copy_fails(&scratch, &["--trust"], &["cannot load: a"]);
}

#[test]
fn wrong_question_types_name_the_question() {
    let cases = [
        ("q: {type: 5}", "question `q`"),
        ("q: {type: nope, default: 1}", "question `q`"),
        ("q: {type: int, default: abc}", "question `q`"),
        ("q: {type: json, default: '{x'}", "question `q`"),
        ("q: {type: yaml, default: '{{'}", "question `q`"),
        (
            "q: {multiselect: true, choices: [1], default: 5}",
            "question `q`",
        ),
        ("q: {secret: true}", "question `q`"),
        ("q: {choices: 5}", "question `q`"),
        ("q: {when: [1]}", "question `q`"),
    ];
    for (config, fragment) in cases {
        let scratch = setup(&format!("{config}\n"));
        assert_copy_fails(&scratch, &[], &[fragment]);
    }
}

#[test]
fn recursive_yaml_include_stops() {
    let scratch = setup("- !include copier.yml\n");
    assert_copy_fails(&scratch, &[], &["`!include` nests more than 16 levels"]);
    let scratch = setup("- !include other.yml\n");
    scratch.write("template/other.yml", "- !include copier.yml\n");
    assert_copy_fails(&scratch, &[], &["`!include` nests more than 16 levels"]);
}

#[test]
fn alias_bomb_is_cut_off() {
    let mut config = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let items = vec![format!("*{}", pair[0]); 9].join(",");
        config.push_str(&format!("{0}: &{0} [{items}]\n", pair[1]));
    }
    let scratch = setup(&config);
    assert_copy_fails(
        &scratch,
        &[],
        &["copier.yml:", "aliases expand to more than 1000000"],
    );
}

#[test]
fn deep_yaml_nesting_is_cut_off() {
    let depth = 5000;
    let config = format!("q: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let scratch = setup(&config);
    assert_copy_fails(&scratch, &[], &["copier.yml:", "nests deeper than 400"]);
}

#[test]
fn deep_jinja_nesting_is_cut_off() {
    let scratch = setup("");
    let depth = 20_000;
    let source = format!("{{{{ {}1{} }}}}\n", "(".repeat(depth), ")".repeat(depth));
    scratch.write("template/deep.txt.jinja", source);
    assert_copy_fails(
        &scratch,
        &[],
        &["failed to render `deep.txt.jinja`", "recursion limits"],
    );
    let scratch = setup("");
    scratch.write(
        "template/macro.txt.jinja",
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}\n",
    );
    assert_copy_fails(
        &scratch,
        &[],
        &[
            "failed to render `macro.txt.jinja` at line 1",
            "recursion limit exceeded",
        ],
    );
}

#[test]
fn huge_file_is_copied() {
    let scratch = setup("");
    let size = 64 << 20;
    let contents: Vec<u8> = (0..size).map(|index| (index % 251) as u8).collect();
    scratch.write("template/huge.bin", &contents);
    let outcome = copy(&scratch, &[]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(std::fs::read(scratch.path("work/project/huge.bin")).unwrap() == contents);
}

#[test]
fn binary_file_with_jinja_suffix_is_refused() {
    let scratch = setup("");
    scratch.write(
        "template/image.png.jinja",
        [0x89, b'P', b'N', b'G', 0xff, 0x00],
    );
    assert_copy_fails(
        &scratch,
        &[],
        &[
            "template file `image.png.jinja` is not valid UTF-8",
            "hint:",
        ],
    );
}

#[test]
fn invalid_utf8_name_is_refused() {
    use std::os::unix::ffi::OsStrExt as _;
    let scratch = setup("");
    let name = std::ffi::OsStr::from_bytes(b"bad\xffname.txt");
    std::fs::write(scratch.path("template").join(name), "x").unwrap();
    assert_copy_fails(&scratch, &[], &["template path `bad", "is not valid UTF-8"]);
}

#[test]
fn invalid_utf8_contents_copied_verbatim() {
    let scratch = setup("");
    scratch.write("template/raw.txt", b"bad\xff\n");
    let outcome = copy(&scratch, &[]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(
        std::fs::read(scratch.path("work/project/raw.txt")).unwrap(),
        b"bad\xff\n"
    );
}

#[test]
fn newline_in_file_name_is_copied() {
    let scratch = setup("");
    scratch.write("template/two\nlines.txt", "x\n");
    let outcome = copy(&scratch, &[]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(
        std::fs::read_to_string(scratch.path("work/project/two\nlines.txt")).unwrap(),
        "x\n"
    );
}

#[test]
fn erroring_validator_names_the_question() {
    let cases = [
        "{{ q | no_such_filter }}",
        "{{ 1 / 0 }}",
        "{% if %}",
        "{{ q.missing.deeper }}",
    ];
    for validator in cases {
        let scratch = setup(&format!(
            "q:\n  type: str\n  default: a\n  validator: \"{validator}\"\n"
        ));
        assert_copy_fails(&scratch, &[], &["question `q`"]);
    }
}

#[test]
fn answers_file_with_bad_yaml_is_reported() {
    let scratch = setup("q: {default: 1}\n");
    scratch.write("work/project/.copier-answers.yml", "q: [unclosed\n");
    let before = fingerprint(&scratch.root());
    let outcome = copy(&scratch, &[]);
    assert_error(
        &outcome,
        1,
        &["invalid answers file `.copier-answers.yml`", "line"],
    );
    assert!(differences(&before, &scratch.fingerprint()).is_empty());
}

#[test]
fn bad_settings_file_is_reported() {
    let scratch = setup("");
    let settings = scratch.write("settings.yml", "trust: {a: 1}\n");
    let before = scratch.fingerprint();
    let outcome = outcome_of(
        common::kwz_new()
            .env("COPIER_SETTINGS_PATH", &settings)
            .args(["copy", "--defaults", "../template", "project"])
            .current_dir(scratch.path("work")),
    );
    assert_error(&outcome, 1, &["invalid settings file", "`trust`"]);
    assert!(differences(&before, &scratch.fingerprint()).is_empty());
}

#[test]
fn fifo_in_template_is_refused() {
    let scratch = setup("");
    let fifo = scratch.path("template/pipe");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let before = scratch.fingerprint();
    let outcome = copy_bounded(&scratch, Duration::from_secs(60));
    assert_error(&outcome, 1, &["template path `pipe`", "not a regular file"]);
    assert!(differences(&before, &scratch.fingerprint()).is_empty());
}

#[test]
fn render_error_hides_secret_values() {
    let scratch = setup("password:\n  type: str\n  secret: true\n  default: hunter2-secret\n");
    scratch.write(
        "template/a.txt.jinja",
        "{% for i in range(password | length * 100000) %}x{% endfor %}\n",
    );
    let outcome = assert_copy_fails(&scratch, &[], &["failed to render `a.txt.jinja`"]);
    assert!(
        !outcome.stderr.contains("hunter2-secret"),
        "the secret is in the message:\n{}",
        outcome.stderr
    );
}

#[test]
fn template_including_itself_gives_one_line() {
    let scratch = setup("");
    scratch.write(
        "template/self.txt.jinja",
        "{% include 'self.txt.jinja' %}\n",
    );
    let outcome = assert_copy_fails(
        &scratch,
        &[],
        &[
            "failed to render `self.txt.jinja`",
            "recursion limit exceeded",
        ],
    );
    let error_line = outcome
        .stderr
        .lines()
        .find(|line| line.starts_with("error: "))
        .unwrap();
    assert!(
        error_line.len() < 300,
        "the error line runs to {} characters: {error_line}",
        error_line.len()
    );
}

#[test]
fn huge_padding_is_an_error() {
    let cases = [
        "{{ 'ab'.ljust(10000000000) }}",
        "{{ 'ab'.center(10000000000) }}",
        "{{ 'ab'.zfill(10000000000) }}",
        "{{ 'a\tb'.expandtabs(10000000000) }}",
        "{{ '{:10000000000}'.format('x') }}",
        "{{ '%10000000000s' % 'x' }}",
        "{{ 'ab' | center(10000000000) }}",
        "{{ 'a\nb' | indent(10000000000) }}",
    ];
    for source in cases {
        let scratch = setup("");
        scratch.write("template/pad.txt.jinja", source);
        let before = scratch.fingerprint();
        let outcome = copy_bounded(&scratch, Duration::from_secs(120));
        assert_error(
            &outcome,
            1,
            &["failed to render `pad.txt.jinja`", "too large"],
        );
        assert!(differences(&before, &scratch.fingerprint()).is_empty());
    }
}

#[test]
fn data_for_unknown_question_warns() {
    let scratch = setup("q: {default: 1}\n");
    let outcome = copy(&scratch, &["--data", "nope=1"]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("warning: `--data nope` answers no question of the template"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn tag_before_comma_is_an_error() {
    for config in ["q: [!t,]\n", "q: {!t ,}\n", "q: [!!str,]\n"] {
        let scratch = setup(config);
        assert_copy_fails(&scratch, &[], &["invalid config file `copier.yml`"]);
    }
    let scratch = setup("q: [!t,]\n");
    assert_copy_fails(&scratch, &[], &["while scanning a tag"]);
}

#[test]
fn folder_rendering_to_dot_is_the_root() {
    let scratch = setup("name: x\n");
    scratch.write("template/{{ name }}/inner.txt", "inner\n");
    let outcome = copy(&scratch, &["--data", "name=."]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(
        std::fs::read_to_string(scratch.path("work/project/inner.txt")).unwrap(),
        "inner\n"
    );
}

#[test]
fn config_may_start_with_any_character() {
    for first in ["\u{fd92}", "\u{ff1a}", "\u{f000}"] {
        let scratch = setup(&format!("{first}: 1\nq: {{default: 2}}\n"));
        let outcome = copy(&scratch, &[]);
        assert_eq!(outcome.code, 0, "{first:?}: {}", outcome.stderr);
    }
}

#[test]
fn validator_error_shows_value() {
    let scratch = setup(
        "name:\n  type: str\n  validator: \"{% if name[0] in '0123456789' %}bad{% endif %}\"\n",
    );
    assert_copy_fails(
        &scratch,
        &["--data", "name=1abc"],
        &["validation error for question `name`: bad (value: '1abc')"],
    );
}

#[test]
fn validator_error_hides_secret_value() {
    let scratch = setup(
        "token:\n  type: str\n  secret: true\n  default: x\n  validator: \"{% if token == 'hunter2' %}bad{% endif %}\"\n",
    );
    let outcome = assert_copy_fails(&scratch, &["--data", "token=hunter2"], &["bad"]);
    assert!(!outcome.stderr.contains("hunter2"), "{}", outcome.stderr);
}
