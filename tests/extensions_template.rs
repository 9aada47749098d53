//! The built-in template as a whole: real Copier renders it to the same
//! files as kwz-new, and the Makefile targets of a freshly scaffolded repo
//! work on a machine that has only Python 3, Node 20 and make (they install
//! their Python and npm packages themselves, so these tests need the
//! package registries).

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kwz_new() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kwz-new"));
    command.env_remove("RUST_LOG").env("NO_COLOR", "1");
    command
}

/// Whether `program --version` runs.
fn is_installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Scaffolds `acme` in `parent` with the built-in template and defaults.
fn scaffold(parent: &Path) -> PathBuf {
    let output = kwz_new()
        .args(["acme", "--defaults", "--no-git"])
        .current_dir(parent)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "scaffold failed: {}",
        describe(&output)
    );
    parent.join("acme")
}

/// Every file below `root` (skipping `.git`) with its bytes and whether it
/// is executable.
fn read_tree(root: &Path) -> BTreeMap<String, (Vec<u8>, bool)> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .filter_entry(|entry| entry.file_name() != ".git")
    {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let executable = entry.metadata().unwrap().permissions().mode() & 0o111 != 0;
        files.insert(relative, (std::fs::read(entry.path()).unwrap(), executable));
    }
    files
}

/// The answers file without `_commit` and `_src_path`, which name where
/// each tool took the template from.
fn answers_without_source(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|line| !line.starts_with("_commit:") && !line.starts_with("_src_path:"))
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn copier_and_kwz_new_render_same_tree() {
    if !is_installed("copier") {
        // CI sets this so that a missing Copier fails instead of skipping.
        assert!(
            std::env::var_os("KWZ_NEW_REQUIRE_COPIER").is_none(),
            "KWZ_NEW_REQUIRE_COPIER is set but no `copier` is on PATH"
        );
        eprintln!("skipped: no `copier` on PATH; install Copier 9.19.1 to compare with it");
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let copier_parent = scratch.path().join("copier");
    std::fs::create_dir_all(&copier_parent).unwrap();
    let output = Command::new("copier")
        .args(["copy", "--defaults", "--trust", "--vcs-ref", "HEAD"])
        .arg(env!("CARGO_MANIFEST_DIR"))
        .arg(copier_parent.join("acme"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "copier failed: {}",
        describe(&output)
    );
    let kwz_parent = scratch.path().join("kwz");
    std::fs::create_dir_all(&kwz_parent).unwrap();
    let kwz_root = scaffold(&kwz_parent);

    let expected = read_tree(&copier_parent.join("acme"));
    let rendered = read_tree(&kwz_root);
    let expected_names: Vec<&String> = expected.keys().collect();
    let rendered_names: Vec<&String> = rendered.keys().collect();
    assert_eq!(rendered_names, expected_names, "same file list");
    for (path, (bytes, executable)) in &expected {
        let (rendered_bytes, rendered_executable) = &rendered[path];
        if path == ".copier-answers.yml" {
            assert_eq!(
                answers_without_source(rendered_bytes),
                answers_without_source(bytes)
            );
            continue;
        }
        assert!(
            rendered_bytes == bytes,
            "{path} differs:\ncopier:\n{}\nkwz-new:\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(rendered_bytes)
        );
        assert_eq!(rendered_executable, executable, "{path}: executable bit");
    }
}

/// Runs `make ARGS` in `repo` with the kwz-new under test first on PATH.
fn make(repo: &Path, args: &[&str]) -> Output {
    let binary_dir = Path::new(env!("CARGO_BIN_EXE_kwz-new")).parent().unwrap();
    let path = format!(
        "{}:{}",
        binary_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("make")
        .args(args)
        .current_dir(repo)
        .env("PATH", path)
        .env_remove("MAKEFLAGS")
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn make_succeeds(repo: &Path, args: &[&str]) -> String {
    let output = make(repo, args);
    assert!(
        output.status.success(),
        "make {}: {}",
        args.join(" "),
        describe(&output)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn scaffolded_repo_make_targets_work() {
    for program in ["make", "python3", "npm"] {
        if !is_installed(program) {
            eprintln!(
                "skipped: no `{program}` on PATH; the template's Makefile needs make, Python 3 and Node 20"
            );
            return;
        }
    }
    let scratch = tempfile::tempdir().unwrap();
    let repo = scaffold(scratch.path());

    // The empty repo: every metadata target and the shared libraries.
    assert!(
        make_succeeds(&repo, &[]).contains("kamiwaza-push"),
        "help is the default goal"
    );
    make_succeeds(&repo, &["validate"]);
    make_succeeds(&repo, &["sync-compose"]);
    make_succeeds(&repo, &["check-compose"]);
    make_succeeds(&repo, &["build-registry"]);
    make_succeeds(&repo, &["package-libs"]);
    assert!(
        repo.join("shared/python/dist/kamiwaza_auth-0.1.0-py3-none-any.whl")
            .is_file()
    );
    assert!(
        repo.join("shared/typescript/kamiwaza-client/kamiwaza-client-0.1.0.tgz")
            .is_file()
    );
    assert!(
        repo.join("shared/typescript/kamiwaza-auth/kamiwaza-auth-0.1.0.tgz")
            .is_file()
    );
    make_succeeds(&repo, &["test"]);

    // One extension of each kind, valid and tested as created.
    make_succeeds(&repo, &["new", "TYPE=app", "NAME=demo-app"]);
    make_succeeds(&repo, &["validate"]);
    make_succeeds(&repo, &["new", "TYPE=service", "NAME=service-notes"]);
    make_succeeds(&repo, &["new", "TYPE=tool", "NAME=tool-words"]);
    make_succeeds(&repo, &["validate"]);
    make_succeeds(&repo, &["check-compose"]);
    let tested = make_succeeds(&repo, &["test"]);
    for root in [
        "apps/demo-app/backend",
        "apps/demo-app/frontend",
        "services/service-notes/api",
        "tools/tool-words",
    ] {
        assert!(
            tested.contains(&format!("==> {root}:")),
            "make test ran {root}:\n{tested}"
        );
    }
    make_succeeds(&repo, &["build-registry"]);
    let apps =
        std::fs::read_to_string(repo.join("build/kamiwaza-extension-registry/garden/v2/apps.json"))
            .unwrap();
    assert!(apps.contains("\"kamiwazaai/demo-app-backend:v0.1.0-dev\""));
    make_succeeds(&repo, &["bump", "TYPE=app", "NAME=demo-app", "LEVEL=minor"]);
    make_succeeds(&repo, &["validate"]);

    // Targets that need docker or a running Kamiwaza, printed only.
    let build_all = make_succeeds(&repo, &["-n", "build-all"]);
    for extension in [
        "apps/demo-app",
        "services/service-notes",
        "tools/tool-words",
    ] {
        assert!(
            build_all.contains(&format!("cd {extension} && docker compose build\n")),
            "build-all builds {extension}:\n{build_all}"
        );
    }
    assert!(build_all.contains("docker tag \"$image\" \"$image-dev\""));
    let push = make_succeeds(&repo, &["-n", "kamiwaza-push", "TYPE=app", "NAME=demo-app"]);
    assert!(push.contains("kwz-new validate apps/demo-app\n"), "{push}");
    assert!(
        push.contains("kwz-new push app demo-app --stage dev\n"),
        "{push}"
    );

    // A missing TYPE stops before any command runs.
    let output = make(&repo, &["build", "NAME=demo-app"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("error: set TYPE=app, service or tool")
    );
}
