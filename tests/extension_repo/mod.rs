//! A throwaway extensions repo for the extension command tests: a temporary
//! folder with a `.copier-answers.yml` (docker_org `acme`), extensions
//! written from text, and the kwz-new binary run inside it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Image prefix recorded in the test repo's answers file.
pub const DOCKER_ORG: &str = "acme";

pub struct TestRepo {
    dir: tempfile::TempDir,
}

impl TestRepo {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".copier-answers.yml"),
            format!("_src_path: test\ndocker_org: {DOCKER_ORG}\nproject_name: acme\n"),
        )
        .unwrap();
        TestRepo { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, relative: &str, contents: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|error| panic!("cannot read {relative}: {error}"))
    }

    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path(relative)).unwrap();
    }

    /// Runs kwz-new with `args` in the repo root.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(".", args)
    }

    /// Runs kwz-new with `args` in a folder of the repo.
    pub fn run_in(&self, relative: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kwz-new"))
            .args(args)
            .current_dir(self.path(relative))
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    }
}

/// A valid `kamiwaza.json` for an extension `name`, with `extra` fields
/// (a JSON object's inner text, may be empty) added at the end.
pub fn manifest(name: &str, template_type: &str, extra: &str) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(",\n  {extra}")
    };
    format!(
        r#"{{
  "name": "{name}",
  "version": "1.2.0",
  "template_type": "{template_type}",
  "kamiwaza_version": ">=0.9.0",
  "source_type": "kamiwaza",
  "visibility": "private",
  "description": "Test extension {name}",
  "risk_tier": 1,
  "verified": false{extra}
}}
"#
    )
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the command failed with exit code 1 and did not panic.
pub fn assert_fails(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(1),
        "stdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
    assert!(
        !stderr(output).contains("panicked"),
        "stderr: {}",
        stderr(output)
    );
}

/// Asserts the command succeeded.
pub fn assert_succeeds(output: &Output) {
    assert!(
        output.status.success(),
        "stdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
}
