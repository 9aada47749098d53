//! Git template sources: URL classification, version choice, `_commit`,
//! versions, dirty work trees, cached remote clones, submodules and file
//! kinds. Repositories are built with the git CLI in temporary folders, and
//! `git describe` / `git rev-parse` give the expected values.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use kwz_new::source::git::{self, Notice, SourceKind};
use kwz_new::source::{EntryKind, TemplateTree};
use tempfile::TempDir;

/// Runs git in `dir` with a fixed identity and returns its trimmed stdout.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "protocol.file.allow=always"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn write(dir: &Path, path: &str, contents: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Creates an empty repository with branch `main` in a new temp folder.
fn new_repo() -> (TempDir, PathBuf) {
    let temp = TempDir::new().unwrap();
    let repo = temp.path().join("template");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    (temp, repo)
}

/// Writes `file`, commits everything and tags the commit with each tag.
fn commit(repo: &Path, file: &str, contents: &str, tags: &[&str]) -> String {
    write(repo, file, contents);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", contents]);
    for tag in tags {
        git(repo, &["tag", tag]);
    }
    git(repo, &["rev-parse", "HEAD"])
}

fn read(tree: &TemplateTree, path: &str) -> String {
    let bytes = tree
        .read_file(path)
        .unwrap()
        .unwrap_or_else(|| panic!("`{path}` missing"));
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn load(src: &Path, vcs_ref: Option<&str>, prereleases: bool) -> git::Loaded {
    git::load(src.to_str().unwrap(), vcs_ref, prereleases).unwrap()
}

#[test]
fn classify_shorthands_and_urls() {
    let github = SourceKind::GitUrl("https://github.com/copier-org/copier.git".to_string());
    assert_eq!(git::classify("gh:copier-org/copier"), github);
    assert_eq!(git::classify("gh:/copier-org/copier"), github);
    assert_eq!(git::classify("gh:copier-org/copier.git"), github);
    assert_eq!(
        git::classify("gl:group/sub/proj"),
        SourceKind::GitUrl("https://gitlab.com/group/sub/proj.git".to_string())
    );
    assert_eq!(
        git::classify("git@github.com:a/b"),
        SourceKind::GitUrl("git@github.com:a/b".to_string())
    );
    assert_eq!(
        git::classify("git+https://example.com/x"),
        SourceKind::GitUrl("https://example.com/x".to_string())
    );
    assert_eq!(
        git::classify("git+ssh://git@host/x"),
        SourceKind::GitUrl("ssh://git@host/x".to_string())
    );
    assert_eq!(
        git::classify("https://github.com/a/b"),
        SourceKind::GitUrl("https://github.com/a/b.git".to_string())
    );
    assert_eq!(
        git::classify("file:///srv/t.git"),
        SourceKind::GitUrl("file:///srv/t.git".to_string())
    );
}

#[test]
fn classify_urls_without_git_markers_as_folders() {
    assert_eq!(
        git::classify("https://example.com/a/b"),
        SourceKind::Folder(PathBuf::from("https://example.com/a/b"))
    );
    assert_eq!(
        git::classify("ssh://git@host/a/b"),
        SourceKind::Folder(PathBuf::from("ssh://git@host/a/b"))
    );
}

#[test]
fn classify_local_paths() {
    let (_temp, repo) = new_repo();
    commit(&repo, "sub/copier.yml", "a: 1\n", &[]);
    assert_eq!(
        git::classify(repo.to_str().unwrap()),
        SourceKind::LocalRepo(repo.clone())
    );
    let subfolder = repo.join("sub");
    assert_eq!(
        git::classify(subfolder.to_str().unwrap()),
        SourceKind::Folder(subfolder.clone())
    );
    // A `.git` suffix makes any path a git URL, even the git folder itself.
    let git_dir = repo.join(".git");
    assert_eq!(
        git::classify(git_dir.to_str().unwrap()),
        SourceKind::GitUrl(git_dir.to_str().unwrap().to_string())
    );
    let bundle = repo.parent().unwrap().join("t.bundle");
    git(
        &repo,
        &["bundle", "create", "-q", bundle.to_str().unwrap(), "--all"],
    );
    assert_eq!(
        git::classify(bundle.to_str().unwrap()),
        SourceKind::Bundle(bundle.clone())
    );
    let error = git::load(bundle.to_str().unwrap(), None, false).unwrap_err();
    assert!(format!("{error:#}").contains("git bundle"), "{error:#}");
}

#[test]
fn subfolder_of_repo_loads_as_plain_folder() {
    let (_temp, repo) = new_repo();
    commit(&repo, "sub/copier.yml", "a: 1\n", &["v1.0.0"]);
    write(&repo, "sub/draft.txt", "uncommitted\n");
    let loaded = load(&repo.join("sub"), Some("v1.0.0"), false);
    assert!(loaded.tree.revision.is_none());
    assert_eq!(read(&loaded.tree, "draft.txt"), "uncommitted\n");
    assert!(loaded.notices.is_empty());
}

#[test]
fn newest_version_tag_chosen() {
    let (_temp, repo) = new_repo();
    commit(&repo, "f.txt", "one\n", &["v1.0.0"]);
    commit(&repo, "f.txt", "two\n", &["v2.0.0", "latest"]);
    commit(&repo, "f.txt", "old-style\n", &["1.5.0"]);
    commit(&repo, "f.txt", "pre\n", &["v3.0.0a1"]);
    commit(&repo, "f.txt", "head\n", &["release-x"]);

    let loaded = load(&repo, None, false);
    assert_eq!(read(&loaded.tree, "f.txt"), "two\n");
    let revision = loaded.tree.revision.clone().unwrap();
    // Two tags on one commit: git describe takes the first by name.
    assert_eq!(
        revision.describe,
        git(&repo, &["describe", "--tags", "--always", "v2.0.0"])
    );
    assert_eq!(revision.describe, "latest");
    assert_eq!(revision.version.as_deref(), Some("2.0.0"));
    assert_eq!(revision.sha, git(&repo, &["rev-parse", "v2.0.0"]));
    assert!(loaded.notices.is_empty());

    let with_pre = load(&repo, None, true);
    assert_eq!(read(&with_pre.tree, "f.txt"), "pre\n");
    assert_eq!(with_pre.tree.revision.unwrap().describe, "v3.0.0a1");

    assert_eq!(
        git::latest_version(repo.to_str().unwrap(), false)
            .unwrap()
            .as_deref(),
        Some("2.0.0")
    );
    assert_eq!(
        git::latest_version(repo.to_str().unwrap(), true)
            .unwrap()
            .as_deref(),
        Some("3.0.0a1")
    );
}

#[test]
fn post_release_tags_count_as_releases() {
    let (_temp, repo) = new_repo();
    commit(&repo, "f.txt", "one\n", &["v1.0.0"]);
    commit(&repo, "f.txt", "post\n", &["v1.0.0.post1"]);
    commit(&repo, "f.txt", "dev\n", &["v1.1.0.dev1"]);
    let loaded = load(&repo, None, false);
    assert_eq!(read(&loaded.tree, "f.txt"), "post\n");
}

#[test]
fn vcs_ref_selects_tag_branch_or_commit() {
    let (_temp, repo) = new_repo();
    let first = commit(&repo, "f.txt", "one\n", &["v1.0.0"]);
    commit(&repo, "f.txt", "two\n", &["v2.0.0"]);
    git(&repo, &["checkout", "-q", "-b", "feature"]);
    commit(&repo, "f.txt", "feature\n", &[]);
    git(&repo, &["checkout", "-q", "main"]);
    commit(&repo, "f.txt", "three\n", &["v3.0.0"]);

    assert_eq!(
        read(&load(&repo, Some("v2.0.0"), false).tree, "f.txt"),
        "two\n"
    );
    assert_eq!(
        read(&load(&repo, Some("feature"), false).tree, "f.txt"),
        "feature\n"
    );
    let by_sha = load(&repo, Some(&first), false);
    assert_eq!(read(&by_sha.tree, "f.txt"), "one\n");
    assert_eq!(by_sha.tree.revision.unwrap().describe, "v1.0.0");
    assert_eq!(
        read(&load(&repo, Some(&first[..8]), false).tree, "f.txt"),
        "one\n"
    );

    let error = git::load(repo.to_str().unwrap(), Some("nope"), false).unwrap_err();
    assert!(
        format!("{error:#}").contains("unknown revision `nope`"),
        "{error:#}"
    );
}

#[test]
fn no_tags_uses_head_with_notice() {
    let (_temp, repo) = new_repo();
    commit(&repo, "f.txt", "one\n", &[]);
    commit(&repo, "f.txt", "two\n", &["not-a-version"]);
    let loaded = load(&repo, None, false);
    assert_eq!(loaded.notices, vec![Notice::NoTagsUsingHead]);
    assert_eq!(
        Notice::NoTagsUsingHead.to_string(),
        "No git tags found in template; using HEAD as ref"
    );
    assert_eq!(read(&loaded.tree, "f.txt"), "two\n");
    let revision = loaded.tree.revision.unwrap();
    // `describe --tags` also counts tags that are not versions.
    assert_eq!(
        revision.describe,
        git(&repo, &["describe", "--tags", "--always"])
    );
    let short = git(&repo, &["rev-parse", "--short", "HEAD"]);
    assert_eq!(revision.version, Some(format!("0.0.0.post2.dev0+{short}")));
}

#[test]
fn untagged_history_describes_as_short_sha() {
    let (_temp, repo) = new_repo();
    commit(&repo, "f.txt", "one\n", &[]);
    let revision = load(&repo, None, false).tree.revision.unwrap();
    let short = git(&repo, &["rev-parse", "--short", "HEAD"]);
    assert_eq!(revision.describe, short);
    assert_eq!(
        revision.describe,
        git(&repo, &["describe", "--tags", "--always"])
    );
    assert_eq!(revision.version, Some(format!("0.0.0.post1.dev0+{short}")));
}

#[test]
fn describe_matches_git_cli_on_every_commit() {
    let (_temp, repo) = new_repo();
    commit(&repo, "f.txt", "0\n", &[]);
    commit(&repo, "f.txt", "1\n", &["v1.0.0"]);
    commit(&repo, "f.txt", "2\n", &[]);
    commit(&repo, "f.txt", "3\n", &[]);
    commit(&repo, "f.txt", "4\n", &["v2.0.0a1"]);
    commit(&repo, "f.txt", "5\n", &[]);
    git(&repo, &["tag", "-a", "-m", "annotated", "v2.0.0", "HEAD~1"]);
    commit(&repo, "f.txt", "6\n", &["zz-not-version"]);
    commit(&repo, "f.txt", "7\n", &[]);
    let commits = git(&repo, &["rev-list", "HEAD"]);
    for sha in commits.lines() {
        let revision = load(&repo, Some(sha), false).tree.revision.unwrap();
        let expected = git(&repo, &["describe", "--tags", "--always", sha]);
        assert_eq!(revision.describe, expected, "describe of {sha}");
    }
}

/// The local version label of a commit as PEP 440 normalises it: an
/// abbreviated hash made only of digits is a number, so `0589403` becomes
/// `589403` (as `packaging.version.Version` prints it).
fn local_label(repo: &Path, commit: &str) -> String {
    let hash = short(repo, commit);
    if hash.bytes().all(|byte| byte.is_ascii_digit()) {
        hash.parse::<u64>().unwrap().to_string()
    } else {
        hash
    }
}

#[test]
fn versions_follow_nearest_version_tag() {
    let (_temp, repo) = new_repo();
    commit(&repo, "f.txt", "1\n", &["v1.0.0"]);
    commit(&repo, "f.txt", "2\n", &[]);
    let two_after = commit(&repo, "f.txt", "3\n", &[]);
    commit(&repo, "f.txt", "4\n", &["v2.0.0a1"]);
    let after_pre = commit(&repo, "f.txt", "5\n", &[]);
    let after_other = commit(&repo, "f.txt", "6\n", &["release-x"]);

    let cases = [
        ("v1.0.0", "1.0.0".to_string()),
        (
            two_after.as_str(),
            format!("1.0.0.post2.dev0+{}", local_label(&repo, &two_after)),
        ),
        ("v2.0.0a1", "2.0.0a1".to_string()),
        (
            after_pre.as_str(),
            format!("2.0.0a1.post1.dev0+{}", local_label(&repo, &after_pre)),
        ),
        (
            after_other.as_str(),
            format!("2.0.0a1.post2.dev0+{}", local_label(&repo, &after_other)),
        ),
    ];
    for (vcs_ref, expected) in cases {
        let revision = load(&repo, Some(vcs_ref), true).tree.revision.unwrap();
        assert_eq!(
            revision.version.as_deref(),
            Some(expected.as_str()),
            "version at {vcs_ref}"
        );
    }
    let after_pre_revision = load(&repo, Some(&after_pre), true).tree.revision.unwrap();
    assert_eq!(
        after_pre_revision.describe,
        format!("v2.0.0a1-1-g{}", short(&repo, &after_pre))
    );
}

fn short(repo: &Path, sha: &str) -> String {
    git(repo, &["rev-parse", "--short", sha])
}

/// Counts the files below `.git/objects`.
fn object_files(repo: &Path) -> usize {
    walkdir::WalkDir::new(repo.join(".git/objects"))
        .into_iter()
        .filter(|item| item.as_ref().unwrap().file_type().is_file())
        .count()
}

#[test]
fn dirty_tree_used_only_for_head() {
    let (_temp, repo) = new_repo();
    commit(&repo, ".gitignore", "*.log\n", &[]);
    commit(&repo, "keep.txt", "committed\n", &[]);
    commit(&repo, "gone.txt", "committed\n", &["v1.0.0"]);
    write(&repo, "keep.txt", "edited\n");
    write(&repo, "new.txt", "untracked\n");
    write(&repo, "debug.log", "ignored\n");
    std::fs::remove_file(repo.join("gone.txt")).unwrap();
    let objects_before = object_files(&repo);
    let index_before = std::fs::read(repo.join(".git/index")).unwrap();

    // With a tag and no ref, the tag wins and the changes are left out.
    let tagged = load(&repo, None, false);
    assert_eq!(read(&tagged.tree, "keep.txt"), "committed\n");
    assert!(tagged.tree.get("new.txt").is_none());
    assert!(tagged.notices.is_empty());

    let dirty = load(&repo, Some("HEAD"), false);
    assert_eq!(dirty.notices, vec![Notice::DirtyChangesIncluded]);
    assert_eq!(read(&dirty.tree, "keep.txt"), "edited\n");
    assert_eq!(read(&dirty.tree, "new.txt"), "untracked\n");
    assert!(dirty.tree.get("gone.txt").is_none());
    assert!(dirty.tree.get("debug.log").is_none());
    let revision = dirty.tree.revision.unwrap();
    assert!(
        revision.describe.starts_with("v1.0.0-1-g"),
        "{}",
        revision.describe
    );
    assert!(
        revision
            .version
            .as_deref()
            .unwrap()
            .starts_with("1.0.0.post1.dev0+"),
        "{:?}",
        revision.version
    );

    assert_eq!(
        object_files(&repo),
        objects_before,
        "template objects unchanged"
    );
    assert_eq!(
        std::fs::read(repo.join(".git/index")).unwrap(),
        index_before
    );
    assert!(git(&repo, &["status", "--porcelain"]).contains("?? new.txt"));
}

#[test]
fn clean_head_has_no_dirty_notice() {
    let (_temp, repo) = new_repo();
    commit(&repo, "f.txt", "one\n", &["v1.0.0"]);
    let loaded = load(&repo, Some("HEAD"), false);
    assert!(loaded.notices.is_empty());
    assert_eq!(loaded.tree.revision.unwrap().describe, "v1.0.0");
}

#[test]
fn file_modes_and_symlinks_from_tree() {
    let (_temp, repo) = new_repo();
    write(&repo, "run.sh", "#!/bin/sh\n");
    std::fs::set_permissions(repo.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    write(&repo, "dir/plain.txt", "plain\n");
    std::os::unix::fs::symlink("dir/plain.txt", repo.join("link.txt")).unwrap();
    commit(&repo, "copier.yml", "{}\n", &["v1.0.0"]);
    let tree = load(&repo, None, false).tree;

    let mode_of = |path: &str| match &tree.get(path).unwrap().kind {
        EntryKind::File { mode, .. } => *mode,
        other => panic!("`{path}` is {other:?}"),
    };
    assert_eq!(mode_of("run.sh"), 0o755);
    assert_eq!(mode_of("dir/plain.txt"), 0o644);
    match &tree.get("link.txt").unwrap().kind {
        EntryKind::Symlink { target } => assert_eq!(target, "dir/plain.txt"),
        other => panic!("link.txt is {other:?}"),
    }
    assert!(matches!(tree.get("dir").unwrap().kind, EntryKind::Dir));
    assert_eq!(read(&tree, "link.txt"), "plain\n");

    let paths: Vec<&str> = tree
        .entries
        .iter()
        .map(|entry| entry.path.as_str())
        .collect();
    let dir_position = paths.iter().position(|path| *path == "dir").unwrap();
    let child_position = paths
        .iter()
        .position(|path| *path == "dir/plain.txt")
        .unwrap();
    assert!(dir_position < child_position, "{paths:?}");
    assert!(
        !paths.iter().any(|path| path.starts_with(".git")),
        "{paths:?}"
    );
}

#[test]
fn submodule_contents_included() {
    let (temp, repo) = new_repo();
    let library = temp.path().join("library");
    std::fs::create_dir(&library).unwrap();
    git(&library, &["init", "-q", "-b", "main"]);
    commit(&library, "lib.txt", "from the submodule\n", &[]);
    commit(&repo, "copier.yml", "{}\n", &[]);
    git(
        &repo,
        &["submodule", "add", "-q", "../library", "vendor/library"],
    );
    git(&repo, &["commit", "-q", "-m", "add submodule"]);
    git(&repo, &["tag", "v1.0.0"]);

    let tree = load(&repo, None, false).tree;
    assert_eq!(
        read(&tree, "vendor/library/lib.txt"),
        "from the submodule\n"
    );
    assert!(matches!(
        tree.get("vendor/library").unwrap().kind,
        EntryKind::Dir
    ));
    assert!(tree.get(".gitmodules").is_some());
}

#[test]
fn bare_repository_path_read_directly() {
    let (temp, repo) = new_repo();
    commit(&repo, "f.txt", "one\n", &["v1.0.0"]);
    let bare = temp.path().join("bare.git");
    git(
        temp.path(),
        &[
            "clone",
            "-q",
            "--bare",
            repo.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    let loaded = load(&bare, None, false);
    assert_eq!(read(&loaded.tree, "f.txt"), "one\n");
    assert_eq!(loaded.tree.revision.unwrap().describe, "v1.0.0");
}

/// The only test that sets the cache variable; no other test loads a URL
/// that needs the cache.
#[test]
fn remote_clone_cached_and_refreshed() {
    let (temp, repo) = new_repo();
    commit(&repo, "f.txt", "one\n", &["v1.0.0"]);
    let bare = temp.path().join("remote.git");
    git(
        temp.path(),
        &[
            "clone",
            "-q",
            "--bare",
            repo.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    let cache = temp.path().join("cache");
    // SAFETY: no other test in this binary reads or writes the environment
    // while this one runs, because only this test loads a remote URL.
    unsafe { std::env::set_var(git::CACHE_DIR_ENV, &cache) };
    let url = format!("file://{}", bare.display());

    let first = git::load(&url, None, false).unwrap();
    assert_eq!(read(&first.tree, "f.txt"), "one\n");
    assert_eq!(first.tree.src_path, url);
    let mirror = git::mirror_path(&url).unwrap();
    assert!(mirror.starts_with(&cache), "{}", mirror.display());
    assert!(mirror.join("objects").is_dir());
    // A marker inside the mirror survives only if the second run fetches
    // into it instead of cloning again.
    std::fs::write(mirror.join("kwz-marker"), "kept").unwrap();

    commit(&repo, "f.txt", "two\n", &["v2.0.0"]);
    git(
        &repo,
        &["push", "-q", "--tags", bare.to_str().unwrap(), "main"],
    );
    let second = git::load(&url, None, false).unwrap();
    assert_eq!(read(&second.tree, "f.txt"), "two\n");
    assert_eq!(second.tree.revision.unwrap().describe, "v2.0.0");
    assert!(
        mirror.join("kwz-marker").exists(),
        "mirror was cloned again"
    );
    let cached: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
    assert_eq!(cached.len(), 1, "one mirror and no leftover staging folder");

    // HEAD of the mirror follows the remote's default branch.
    let head = git::load(&url, Some("HEAD"), false).unwrap();
    assert_eq!(read(&head.tree, "f.txt"), "two\n");

    // A broken cache entry is replaced by a fresh clone.
    std::fs::remove_dir_all(mirror.join("objects")).unwrap();
    let third = git::load(&url, Some("v1.0.0"), false).unwrap();
    assert_eq!(read(&third.tree, "f.txt"), "one\n");
    unsafe { std::env::remove_var(git::CACHE_DIR_ENV) };
}
