//! The per-file update primitives against the git CLI, byte for byte:
//! `merge_inline` against `git merge-file -p` with Copier's labels,
//! `owner_patch` against `git diff-tree --unified=N
//! --inter-hunk-context=-1`, `apply_with_rejects` against
//! `git apply --reject`, and `mark_unmerged` against `git status`.

use std::path::Path;
use std::process::{Command, Output};

use kwz_new::update::merge::{self, merge_inline};
use kwz_new::update::patch::{apply_with_rejects, owner_patch};
use kwz_new::update::{ConflictMode, update_file};
use tempfile::TempDir;

fn run_git(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write as _;
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("git runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.unwrap_or_default())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn git_ok(dir: &Path, args: &[&str]) -> Vec<u8> {
    let output = run_git(dir, args, None);
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// One scenario: the old render, the owner's file and the new render.
struct Case {
    name: &'static str,
    base: &'static str,
    ours: &'static str,
    theirs: &'static str,
}

const LINES: &str = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\nthirteen\nfourteen\n";

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "same line changed",
            base: "title=app\ncolor=blue\nsize=10\n",
            ours: "title=app\ncolor=red\nsize=10\n",
            theirs: "title=app\ncolor=green\nsize=10\n",
        },
        Case {
            name: "different lines changed",
            base: LINES,
            ours: "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\nthirteen\nfourteen\n",
            theirs: "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\nTWELVE\nthirteen\nfourteen\n",
        },
        Case {
            name: "adjacent lines changed",
            base: "a\nb\nc\nd\n",
            ours: "a\nB\nc\nd\n",
            theirs: "a\nb\nC\nd\n",
        },
        Case {
            name: "change at start",
            base: "first\nmiddle\nlast\n",
            ours: "FIRST\nmiddle\nlast\n",
            theirs: "First\nmiddle\nlast\n",
        },
        Case {
            name: "change at end",
            base: "first\nmiddle\nlast\n",
            ours: "first\nmiddle\nLAST\n",
            theirs: "first\nmiddle\nLast\n",
        },
        Case {
            name: "no final newline",
            base: "a\nb\nc",
            ours: "a\nb\nC",
            theirs: "a\nB\nc",
        },
        Case {
            name: "final newline conflict",
            base: "a\nb\nc",
            ours: "a\nb\nc\n",
            theirs: "a\nb\nd",
        },
        Case {
            name: "crlf conflict",
            base: "a\r\nb\r\nc\r\n",
            ours: "a\r\nB\r\nc\r\n",
            theirs: "a\r\nb2\r\nc\r\n",
        },
        Case {
            name: "identical change both sides",
            base: "a\nb\nc\n",
            ours: "a\nX\nc\n",
            theirs: "a\nX\nc\n",
        },
        Case {
            name: "owner deletes lines",
            base: LINES,
            ours: "one\ntwo\nthree\nseven\neight\nnine\nten\neleven\ntwelve\nthirteen\nfourteen\n",
            theirs: "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\nthirteen\nfourteen\nfifteen\n",
        },
        Case {
            name: "template deletes owner edited",
            base: "keep\nold1\nold2\nkeep2\n",
            ours: "keep\nmine1\nold2\nkeep2\n",
            theirs: "keep\nkeep2\n",
        },
        Case {
            name: "template inserts above",
            base: LINES,
            ours: "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nTEN\neleven\ntwelve\nthirteen\nfourteen\n",
            theirs: "zero\nzero2\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\nthirteen\nfourteen\n",
        },
        Case {
            name: "gap of exactly six lines",
            base: LINES,
            ours: "one\nTWO\nthree\nfour\nfive\nsix\nseven\neight\nNINE\nten\neleven\ntwelve\nthirteen\nfourteen\n",
            theirs: "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\nthirteen\nFOURTEEN\n",
        },
        Case {
            name: "gap of five lines",
            base: LINES,
            ours: "one\nTWO\nthree\nfour\nfive\nsix\nseven\nEIGHT\nnine\nten\neleven\ntwelve\nthirteen\nfourteen\n",
            theirs: "one\ntwo\nthree\nfour\nfive\nsix\nseven\nEight\nnine\nten\neleven\ntwelve\nthirteen\nfourteen\n",
        },
        Case {
            name: "owner adds at end template too",
            base: "[app]\nname = x\n",
            ours: "[app]\nname = x\nmine = 1\n",
            theirs: "[app]\nname = x\ntheirs = 2\n",
        },
        Case {
            name: "empty base both added",
            base: "",
            ours: "owner line\n",
            theirs: "template line\nsecond\n",
        },
        Case {
            name: "function lines in headers",
            base: "def alpha():\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n    e = 5\n    f = 6\n    g = 7\n    h = 8\n\ndef beta_function_with_a_name_that_is_long_enough_to_pass_the_eighty_byte_limit_of_git():\n    x = 1\n    y = 2\n    z = 3\n    w = 4\n",
            ours: "def alpha():\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n    e = 5\n    f = 6\n    g = 7\n    h = 80\n\ndef beta_function_with_a_name_that_is_long_enough_to_pass_the_eighty_byte_limit_of_git():\n    x = 1\n    y = 2\n    z = 3\n    w = 40\n",
            theirs: "def alpha():\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n    e = 5\n    f = 6\n    g = 7\n    h = 9\n\ndef beta_function_with_a_name_that_is_long_enough_to_pass_the_eighty_byte_limit_of_git():\n    x = 1\n    y = 2\n    z = 3\n    w = 4\n",
        },
        Case {
            name: "alnum simplification",
            base: "a\nb\nc\nd\ne\n",
            ours: "a\nB1\nc\nD1\ne\n",
            theirs: "a\nB2\nc\nD2\ne\n",
        },
    ]
}

/// Runs `git merge-file -p` with Copier's labels and returns its output and
/// whether it reported conflicts.
fn git_merge_file(dir: &Path, case: &Case) -> (Vec<u8>, bool) {
    std::fs::write(dir.join("ours"), case.ours).unwrap();
    std::fs::write(dir.join("base"), case.base).unwrap();
    std::fs::write(dir.join("theirs"), case.theirs).unwrap();
    let output = run_git(
        dir,
        &[
            "merge-file",
            "-p",
            "-L",
            "before updating",
            "-L",
            "last update",
            "-L",
            "after updating",
            "ours",
            "base",
            "theirs",
        ],
        None,
    );
    let code = output.status.code().unwrap();
    assert!(
        (0..128).contains(&code),
        "{}: merge-file exit {code}",
        case.name
    );
    (output.stdout, code > 0)
}

#[test]
fn merge_inline_matches_git_merge_file() {
    let temp = TempDir::new().unwrap();
    for case in cases() {
        let (expected, git_conflicted) = git_merge_file(temp.path(), &case);
        let merged = merge_inline(
            "f",
            case.base.as_bytes(),
            case.ours.as_bytes(),
            case.theirs.as_bytes(),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&merged.content),
            String::from_utf8_lossy(&expected),
            "merge of case `{}`",
            case.name
        );
        assert_eq!(
            merged.conflicted, git_conflicted,
            "conflict flag of case `{}`",
            case.name
        );
    }
}

#[test]
fn merge_inline_marker_layout() {
    let merged = merge_inline(
        "settings.txt",
        b"title=app\ncolor=blue\nsize=10\n",
        b"title=app\ncolor=red\nsize=10\n",
        b"title=app\ncolor=green\nsize=10\n",
    )
    .unwrap();
    assert!(merged.conflicted);
    assert_eq!(
        String::from_utf8(merged.content).unwrap(),
        "title=app\n<<<<<<< before updating\ncolor=red\n=======\ncolor=green\n>>>>>>> after updating\nsize=10\n"
    );
}

#[test]
fn merge_inline_rejects_binary() {
    let error = merge_inline("logo.png", b"a\0b", b"a\0c", b"a\0d").unwrap_err();
    assert_eq!(error.to_string(), "cannot merge binary file `logo.png`");
}

#[test]
fn conflict_markers_detected_like_copier() {
    assert!(merge::has_conflict_markers(
        b"x\n<<<<<<< before updating\r\n"
    ));
    assert!(merge::has_conflict_markers(b">>>>>>> after updating"));
    assert!(!merge::has_conflict_markers(
        b"<<<<<<< before updating now\n"
    ));
    assert!(!merge::has_conflict_markers(b"=======\n"));
}

/// Commits `old` as `f`, then returns the hunk part of `git diff-tree
/// --unified=N --inter-hunk-context=-1` from that commit to a tree with
/// `new`, and the whole patch.
fn git_diff(dir: &Path, old: &str, new: &str, context: u32) -> (Vec<u8>, Vec<u8>) {
    let repo = dir.join("diff");
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir(&repo).unwrap();
    git_ok(&repo, &["init", "-q"]);
    std::fs::write(repo.join("f"), old).unwrap();
    git_ok(&repo, &["add", "f"]);
    git_ok(&repo, &["commit", "-q", "-m", "old"]);
    std::fs::write(repo.join("f"), new).unwrap();
    git_ok(&repo, &["add", "f"]);
    let tree = String::from_utf8(git_ok(&repo, &["write-tree"])).unwrap();
    let patch = git_ok(
        &repo,
        &[
            "diff-tree",
            &format!("--unified={context}"),
            "--inter-hunk-context=-1",
            "HEAD",
            tree.trim(),
        ],
    );
    let hunks_start = find(&patch, b"\n@@ ").map_or(patch.len(), |position| position + 1);
    (patch[hunks_start..].to_vec(), patch)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[test]
fn owner_patch_matches_git_diff_tree() {
    let temp = TempDir::new().unwrap();
    for case in cases() {
        for context in [1, 2, 3] {
            let (expected, _) = git_diff(temp.path(), case.base, case.ours, context);
            let hunks =
                owner_patch("f", case.base.as_bytes(), case.ours.as_bytes(), context).unwrap();
            let got: Vec<u8> = hunks.iter().flat_map(|hunk| hunk.to_bytes()).collect();
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&expected),
                "diff of case `{}` with {context} context lines",
                case.name
            );
        }
    }
}

/// Applies the owner's patch to the new render with `git apply --reject`
/// and returns the file and the `.rej` file, if any.
fn git_apply_reject(dir: &Path, case: &Case, context: u32) -> (Vec<u8>, Option<Vec<u8>>) {
    let (_, patch) = git_diff(dir, case.base, case.ours, context);
    let repo = dir.join("diff");
    std::fs::write(repo.join("f"), case.theirs).unwrap();
    let _ = std::fs::remove_file(repo.join("f.rej"));
    run_git(&repo, &["apply", "--reject"], Some(&patch));
    let content = std::fs::read(repo.join("f")).unwrap();
    (content, std::fs::read(repo.join("f.rej")).ok())
}

#[test]
fn apply_with_rejects_matches_git_apply() {
    let temp = TempDir::new().unwrap();
    for case in cases() {
        for context in [1, 3] {
            let (expected, expected_rej) = git_apply_reject(temp.path(), &case, context);
            let hunks =
                owner_patch("f", case.base.as_bytes(), case.ours.as_bytes(), context).unwrap();
            let applied = apply_with_rejects("f", &hunks, case.theirs.as_bytes());
            let label = format!("case `{}` with {context} context lines", case.name);
            assert_eq!(
                String::from_utf8_lossy(&applied.content),
                String::from_utf8_lossy(&expected),
                "applied file of {label}"
            );
            assert_eq!(
                applied.rejects.as_deref().map(String::from_utf8_lossy),
                expected_rej.as_deref().map(String::from_utf8_lossy),
                ".rej of {label}"
            );
        }
    }
}

#[test]
fn update_file_inline_falls_back_to_merge() {
    let case = &cases()[0];
    let update = update_file(
        "settings.txt",
        case.base.as_bytes(),
        case.ours.as_bytes(),
        case.theirs.as_bytes(),
        3,
        ConflictMode::Inline,
    )
    .unwrap();
    assert!(update.conflicted);
    assert!(update.rejects.is_none());
    assert!(merge::has_conflict_markers(&update.content));
}

#[test]
fn update_file_rej_keeps_new_render() {
    let case = &cases()[0];
    let update = update_file(
        "settings.txt",
        case.base.as_bytes(),
        case.ours.as_bytes(),
        case.theirs.as_bytes(),
        3,
        ConflictMode::Rej,
    )
    .unwrap();
    assert!(!update.conflicted);
    assert_eq!(update.content, case.theirs.as_bytes());
    assert_eq!(
        String::from_utf8(update.rejects.unwrap()).unwrap(),
        "diff a/settings.txt b/settings.txt\t(rejected hunks)\n@@ -1,3 +1,3 @@\n title=app\n-color=blue\n+color=red\n size=10\n"
    );
}

#[test]
fn update_file_clean_patch_applies() {
    let case = &cases()[1];
    let update = update_file(
        "f",
        case.base.as_bytes(),
        case.ours.as_bytes(),
        case.theirs.as_bytes(),
        3,
        ConflictMode::Inline,
    )
    .unwrap();
    assert!(!update.conflicted);
    assert!(
        String::from_utf8(update.content)
            .unwrap()
            .contains("THREE\n")
    );
}

#[test]
fn mark_unmerged_shows_uu() {
    let temp = TempDir::new().unwrap();
    let dir = temp.path();
    git_ok(dir, &["init", "-q"]);
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/f.txt"), "ours\n").unwrap();
    std::fs::write(dir.join("other.txt"), "x\n").unwrap();
    git_ok(dir, &["add", "-A"]);
    git_ok(dir, &["commit", "-q", "-m", "c"]);
    std::fs::write(dir.join("sub/f.txt"), "<<<<<<< before updating\n").unwrap();

    let repo = git2::Repository::open(dir).unwrap();
    merge::mark_unmerged(&repo, "sub/f.txt", Some(b"base\n"), Some(b"theirs\n")).unwrap();

    let status = String::from_utf8(git_ok(dir, &["status", "--porcelain"])).unwrap();
    assert_eq!(status, "UU sub/f.txt\n");
    let stages = String::from_utf8(git_ok(dir, &["ls-files", "--stage", "sub/f.txt"])).unwrap();
    let lines: Vec<&str> = stages.lines().collect();
    assert_eq!(lines.len(), 3, "{stages}");
    let blob_of = |text: &str| {
        std::fs::write(dir.join("probe"), text).unwrap();
        String::from_utf8(git_ok(dir, &["hash-object", "probe"]))
            .unwrap()
            .trim()
            .to_string()
    };
    assert_eq!(
        lines[0],
        format!("100644 {} 1\tsub/f.txt", blob_of("base\n"))
    );
    assert_eq!(
        lines[1],
        format!("100644 {} 2\tsub/f.txt", blob_of("ours\n"))
    );
    assert_eq!(
        lines[2],
        format!("100644 {} 3\tsub/f.txt", blob_of("theirs\n"))
    );
    let cat = String::from_utf8(git_ok(dir, &["cat-file", "-p", ":1:sub/f.txt"])).unwrap();
    assert_eq!(cat, "base\n");
}

#[test]
fn mark_unmerged_without_base() {
    let temp = TempDir::new().unwrap();
    let dir = temp.path();
    git_ok(dir, &["init", "-q"]);
    std::fs::write(dir.join("f.txt"), "ours\n").unwrap();
    git_ok(dir, &["add", "-A"]);
    git_ok(dir, &["commit", "-q", "-m", "c"]);
    let repo = git2::Repository::open(dir).unwrap();
    merge::mark_unmerged(&repo, "f.txt", None, Some(b"theirs\n")).unwrap();
    let status = String::from_utf8(git_ok(dir, &["status", "--porcelain"])).unwrap();
    assert_eq!(status, "AA f.txt\n");
}

/// Reads a file of a conformance case.
fn case_file(case: &str, path: &str) -> Option<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    std::fs::read(root.join(case).join(path)).ok()
}

/// Renders a template file of a recorded case whose only variable is
/// `{{ name }}`, answered `app` in every case used here.
fn render_version(case: &str, version: &str, file: &str) -> Vec<u8> {
    let plain = case_file(case, &format!("{version}/{file}"));
    let templated = case_file(case, &format!("{version}/{file}.jinja"));
    let text = String::from_utf8(plain.or(templated).unwrap_or_default()).unwrap();
    text.replace("{{ name }}", "app").into_bytes()
}

/// Returns the owner's version of `file`: the case's edit, or the old
/// render when the owner left the file alone.
fn owner_version(case: &str, file: &str) -> Vec<u8> {
    let case_yml: serde_yaml::Value =
        serde_yaml::from_slice(&case_file(case, "case.yml").unwrap()).unwrap();
    match case_yml["edits"][file].as_str() {
        Some(edit) => edit.as_bytes().to_vec(),
        None => render_version(case, "template-v1", file),
    }
}

/// Checks `update_file` against what Copier wrote in a recorded case.
/// `repo_path` is the file's path from the repository root.
fn check_recorded(case: &str, file: &str, repo_path: &str, old: Vec<u8>, mode: ConflictMode) {
    let update = update_file(
        repo_path,
        &old,
        &owner_version(case, file),
        &render_version(case, "template-v2", file),
        3,
        mode,
    )
    .unwrap();
    let expected = case_file(case, &format!("expected/{repo_path}")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&update.content),
        String::from_utf8_lossy(&expected),
        "{case}: {repo_path}"
    );
    let expected_rej = case_file(case, &format!("expected/{repo_path}.rej"));
    assert_eq!(
        update.rejects.as_deref().map(String::from_utf8_lossy),
        expected_rej.as_deref().map(String::from_utf8_lossy),
        "{case}: {repo_path}.rej"
    );
    let status = case_file(case, "expected-git-status").unwrap_or_default();
    let unmerged = format!("UU {repo_path}\n");
    let expected_conflict = String::from_utf8(status).unwrap().contains(&unmerged);
    if mode == ConflictMode::Inline && case_file(case, "expected-git-status").is_some() {
        assert_eq!(
            update.conflicted, expected_conflict,
            "{case}: conflict flag of {repo_path}"
        );
    }
}

#[test]
fn update_file_matches_recorded_cases() {
    let old = |case, file| render_version(case, "template-v1", file);
    let inline = ConflictMode::Inline;
    let rej = ConflictMode::Rej;
    check_recorded(
        "update-conflict-rej",
        "settings.txt",
        "settings.txt",
        old("update-conflict-rej", "settings.txt"),
        rej,
    );
    check_recorded(
        "update-conflict-rej",
        "notes.txt",
        "notes.txt",
        old("update-conflict-rej", "notes.txt"),
        rej,
    );
    check_recorded(
        "update-conflict-inline",
        "settings.txt",
        "settings.txt",
        old("update-conflict-inline", "settings.txt"),
        inline,
    );
    check_recorded(
        "update-conflict-unmerged",
        "settings.txt",
        "settings.txt",
        old("update-conflict-unmerged", "settings.txt"),
        inline,
    );
    check_recorded(
        "update-conflict-unmerged",
        "notes.txt",
        "notes.txt",
        old("update-conflict-unmerged", "notes.txt"),
        inline,
    );
    check_recorded(
        "update-merge-clean",
        "config.ini",
        "config.ini",
        old("update-merge-clean", "config.ini"),
        inline,
    );
    check_recorded(
        "update-project-subdir",
        "config.ini",
        "services/api/config.ini",
        old("update-project-subdir", "config.ini"),
        inline,
    );
    // Copier diffs a file that both sides added against an empty file.
    check_recorded(
        "update-added-both-sides",
        "extra.txt",
        "extra.txt",
        Vec::new(),
        inline,
    );
    check_recorded(
        "update-added-both-sides",
        "same.txt",
        "same.txt",
        Vec::new(),
        inline,
    );
}

#[test]
fn update_file_binary_takes_new_render() {
    // The primitive reproduces Copier: binary owner edits give way to the new
    // render and are flagged. The update command keeps the owner's bytes
    // instead (see tests/deviations/README.md).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/deviations/update-binary-edited");
    let read = |path: &str| std::fs::read(root.join(path)).unwrap();
    let case_yml: serde_yaml::Value = serde_yaml::from_slice(&read("case.yml")).unwrap();
    for file in ["both.bin", "owner.bin"] {
        let new_render = read(&format!("template-v2/{file}"));
        let update = update_file(
            file,
            &read(&format!("template-v1/{file}")),
            case_yml["edits"][file].as_str().unwrap().as_bytes(),
            &new_render,
            3,
            ConflictMode::Inline,
        )
        .unwrap();
        assert_eq!(update.content, new_render, "{file}");
        assert!(update.owner_changes_dropped, "{file}");
        assert!(!update.conflicted, "{file}");
    }
}
