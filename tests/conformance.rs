//! Runs the copy cases of `tests/conformance/`, recorded from Copier 9.19.1,
//! against the kwz-new binary.
//!
//! Each case folder holds `template/`, `case.yml` (`args`) and either
//! `expected/` (the tree Copier produced) or `expected-exit` (Copier refused).
//! The test copies the template into a scratch folder, runs
//! `kwz-new copy --quiet ARGS template out` there, and compares the file
//! list, every file's bytes and the executable bits with `expected/`.
//! Update cases (`kind: update`) are run by `tests/update_conformance.rs`.

mod common;

use std::path::Path;

use common::{case_args, compare_trees, copy_tree, kwz_new};

fn cases_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance"))
}

/// Runs one copy case; returns a description of every difference.
fn run_copy_case(case: &Path) -> Vec<String> {
    let scratch = tempfile::tempdir().unwrap();
    copy_tree(&case.join("template"), &scratch.path().join("template"));
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
    let out = scratch.path().join("out");
    if case.join("expected-exit").exists() {
        let mut problems = Vec::new();
        if output.status.success() {
            problems.push("expected an error exit, got 0".to_string());
        }
        let wrote_files = out.exists() && std::fs::read_dir(&out).unwrap().next().is_some();
        if wrote_files {
            problems.push("wrote files although it refused".to_string());
        }
        return problems;
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

#[test]
fn copy_cases_match_copier() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut names: Vec<_> = std::fs::read_dir(cases_dir())
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
