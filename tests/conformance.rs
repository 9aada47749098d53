//! Runs the copy cases of `tests/conformance/`, recorded from Copier 9.19.1,
//! against the kwz-new binary.
//!
//! Each case folder holds `template/`, `case.yml` (`args`) and either
//! `expected/` (the tree Copier produced) or `expected-exit` (Copier refused).
//! The test copies the template into a scratch folder, copies the case's
//! `existing/` folder to `out` when there is one, runs
//! `kwz-new copy --quiet ARGS template out` there, and compares the file
//! list, every file's bytes, the symlink targets and the executable bits
//! with `expected/`. A refusal must exit non-zero (with exactly case.yml's
//! `exit_code` when it is set) and leave `out` as it was.
//! `tests/conformance/record-copy-case` records a case with Copier. The
//! copy cases of `tests/deviations/` run the same way, but their recorded
//! result is kwz-new's, which differs from Copier's on purpose.
//! Update cases (`kind: update`) are run by `tests/update_conformance.rs`.

mod common;

use std::path::Path;
use std::process::Output;

use common::{case_args, case_value, compare_trees, copy_tree, kwz_new};

fn cases_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance"))
}

/// Runs one copy case; returns a description of every difference.
fn run_copy_case(case: &Path) -> Vec<String> {
    let scratch = tempfile::tempdir().unwrap();
    copy_tree(&case.join("template"), &scratch.path().join("template"));
    let out = scratch.path().join("out");
    let existing = case.join("existing");
    if existing.is_dir() {
        copy_tree(&existing, &out);
    }
    let args = case_args(&case.join("case.yml"), "args");
    let output = kwz_new()
        .current_dir(scratch.path())
        .arg("copy")
        .arg("--quiet")
        .args(&args)
        .arg("template")
        .arg("out")
        .output()
        .expect("kwz-new runs");
    if case.join("expected-exit").exists() {
        return check_refusal(case, &output, &out);
    }
    if !output.status.success() {
        return vec![format!(
            "exit {:?}: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        )];
    }
    compare_trees(&out, &case.join("expected"))
}

/// Checks a case that Copier refused: a non-zero exit (the one `case.yml`
/// names in `exit_code`, if any) and `out` left as it was before the run.
fn check_refusal(case: &Path, output: &Output, out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let expected_code = case_value(&case.join("case.yml"), "exit_code");
    match (output.status.code(), expected_code) {
        (Some(0), _) => problems.push("expected an error exit, got 0".to_string()),
        (Some(code), Some(expected)) if code.to_string() != expected => problems.push(format!(
            "exit {code}, expected {expected}: {}",
            String::from_utf8_lossy(&output.stderr)
        )),
        _ => {}
    }
    let existing = case.join("existing");
    if existing.is_dir() {
        let changes = compare_trees(out, &existing);
        if !changes.is_empty() {
            problems.push(format!(
                "changed existing files although it refused: {}",
                changes.join("; ")
            ));
        }
    } else if out.exists() && std::fs::read_dir(out).unwrap().next().is_some() {
        problems.push("wrote files although it refused".to_string());
    }
    problems
}

/// Runs every copy case in `tests/<folder>/`; returns the number of cases
/// and a report of each one that differs.
fn run_all(folder: &str) -> (usize, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(folder);
    let mut failures = Vec::new();
    let mut count = 0;
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("case.yml").exists())
        .collect();
    names.sort();
    for case in names {
        let case_yml = std::fs::read_to_string(case.join("case.yml")).unwrap();
        if case_yml.lines().any(|line| line.trim() == "kind: update") {
            continue;
        }
        count += 1;
        let problems = run_copy_case(&case);
        if !problems.is_empty() {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    (count, failures)
}

#[test]
fn copy_cases_match_copier() {
    let (count, failures) = run_all("conformance");
    assert!(
        count > 0,
        "no copy cases found in {}",
        cases_dir().display()
    );
    assert!(
        failures.is_empty(),
        "{} of {count} copy cases differ from Copier:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The copy cases of `tests/deviations/`, whose recorded result is
/// kwz-new's deliberate one.
#[test]
fn copy_deviations_hold() {
    let (count, failures) = run_all("deviations");
    assert!(count > 0, "no copy cases found in tests/deviations");
    assert!(
        failures.is_empty(),
        "{} of {count} copy deviations changed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
