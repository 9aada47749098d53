//! Copies the source folder into the staging folder, leaving out what the
//! extensions repo would not commit.
//!
//! Left out, and listed in the summary with the reason:
//! - `.git` (a folder, or the file of a worktree or submodule) at any depth;
//! - build output and caches: `node_modules`, `.venv`, `venv`,
//!   `__pycache__`, `.next`, `.pytest_cache`, `.mypy_cache`, `.ruff_cache`,
//!   `.tox`, `.DS_Store`, any folder holding a `pyvenv.cfg` (a Python
//!   virtual environment), and `dist` beside a `package.json`;
//! - what `.gitignore` files exclude, with git's rules (the `ignore`
//!   crate's gitignore matcher, not `crate::exclude`, whose rules are
//!   Python pathspec's for Copier). Each entry is matched at the path it
//!   will have in the repo. The `.gitignore` files that apply are the
//!   repo's, from its root down to the target folder, and the source
//!   folder's. As in git, the deepest file decides first;
//! - symlinks that lead outside the source folder, and entries that are
//!   neither files, folders nor symlinks (sockets, pipes, devices).
//!
//! Files keep their permission bits, so scripts stay executable. Symlinks
//! that stay inside the source are copied as symlinks; an absolute one is
//! rewritten as a relative link, so it points into the copy and not back
//! at the source. The source itself is only read.

use std::fs::File;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Folder and file names that are build output or caches wherever they are.
const BUILD_OUTPUT: [&str; 10] = [
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".next",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".tox",
    ".DS_Store",
];

/// The reason an entry of the source was not copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    GitMetadata,
    BuildOutput,
    VirtualEnvironment,
    /// A `.gitignore` pattern matched; `file` names the `.gitignore`.
    Ignored {
        pattern: String,
        file: String,
    },
    LinkOutside {
        target: String,
    },
    NotAFile,
}

/// One entry that was not copied, relative to the source folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub is_dir: bool,
    pub reason: SkipReason,
}

/// The counts and lists of one copy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// Regular files copied.
    pub files: usize,
    /// Symlinks copied as they were.
    pub links: usize,
    /// Absolute symlinks rewritten as relative ones: path and new target.
    pub relinked: Vec<(String, String)>,
    pub skipped: Vec<Skipped>,
}

/// The paths the copy works with.
pub struct CopyPaths<'a> {
    /// The source folder, canonical.
    pub source: &'a Path,
    /// The folder the copy is written to; it must not exist yet.
    pub staged: &'a Path,
    /// The copy's final folder in the work tree.
    pub target: &'a Path,
    /// The work tree root of the repo.
    pub workdir: &'a Path,
}

/// Copies `paths.source` into `paths.staged`.
pub fn copy_source(paths: &CopyPaths) -> Result<CopyReport> {
    let mut copier = Copier {
        paths,
        matchers: repo_matchers(paths.workdir, paths.target),
        report: CopyReport::default(),
    };
    std::fs::create_dir(paths.staged)
        .with_context(|| format!("failed to create `{}`", paths.staged.display()))?;
    copier.copy_dir(Path::new(""))?;
    Ok(copier.report)
}

/// Builds matchers for the repo's `.gitignore` files from its root down to
/// the target's parent folder, shallowest first.
fn repo_matchers(workdir: &Path, target: &Path) -> Vec<Gitignore> {
    let mut folders: Vec<&Path> = target
        .ancestors()
        .skip(1)
        .take_while(|folder| folder.starts_with(workdir))
        .collect();
    folders.reverse();
    folders
        .into_iter()
        .filter_map(|folder| matcher(folder, &folder.join(".gitignore")))
        .collect()
}

/// Builds a matcher for the `.gitignore` file at `file` that matches paths
/// below `root`, or returns `None` when there is no such file. Invalid
/// lines are skipped, as git skips them.
fn matcher(root: &Path, file: &Path) -> Option<Gitignore> {
    if !file.is_file() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(root);
    if let Some(error) = builder.add(file) {
        tracing::debug!("skipped invalid lines of `{}`: {error}", file.display());
    }
    match builder.build() {
        Ok(gitignore) => Some(gitignore),
        Err(error) => {
            tracing::debug!("ignored `{}`: {error}", file.display());
            None
        }
    }
}

struct Copier<'a> {
    paths: &'a CopyPaths<'a>,
    /// Matchers in effect for the folder being copied, shallowest first.
    matchers: Vec<Gitignore>,
    report: CopyReport,
}

impl Copier<'_> {
    fn copy_dir(&mut self, relative: &Path) -> Result<()> {
        let source_dir = self.paths.source.join(relative);
        let pushed = match matcher(
            &self.paths.target.join(relative),
            &source_dir.join(".gitignore"),
        ) {
            Some(gitignore) => {
                self.matchers.push(gitignore);
                true
            }
            None => false,
        };
        let result = self.copy_entries(relative, &source_dir);
        if pushed {
            self.matchers.pop();
        }
        result
    }

    fn copy_entries(&mut self, relative: &Path, source_dir: &Path) -> Result<()> {
        let mut names: Vec<_> = std::fs::read_dir(source_dir)
            .and_then(|entries| {
                entries
                    .map(|entry| entry.map(|entry| entry.file_name()))
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|error| read_error(&self.display(relative), &error))?;
        names.sort();
        let has_package_json = source_dir.join("package.json").is_file();
        for name in names {
            let entry = relative.join(&name);
            let metadata = std::fs::symlink_metadata(self.paths.source.join(&entry))
                .map_err(|error| read_error(&self.display(&entry), &error))?;
            let file_type = metadata.file_type();
            if let Some(reason) = self.skip_reason(&entry, file_type.is_dir(), has_package_json) {
                self.skip(&entry, file_type.is_dir(), reason);
            } else if file_type.is_dir() {
                let staged = self.paths.staged.join(&entry);
                std::fs::create_dir(&staged)
                    .with_context(|| format!("failed to create `{}`", staged.display()))?;
                self.copy_dir(&entry)?;
            } else if file_type.is_file() {
                self.copy_file(&entry, &metadata)?;
            } else if file_type.is_symlink() {
                self.copy_link(&entry)?;
            } else {
                self.skip(&entry, false, SkipReason::NotAFile);
            }
        }
        Ok(())
    }

    /// Returns the reason `entry` is left out, if it is.
    fn skip_reason(
        &self,
        entry: &Path,
        is_dir: bool,
        has_package_json: bool,
    ) -> Option<SkipReason> {
        let name = entry.file_name()?.to_string_lossy();
        if name == ".git" {
            return Some(SkipReason::GitMetadata);
        }
        if BUILD_OUTPUT.contains(&name.as_ref()) || (is_dir && name == "dist" && has_package_json) {
            return Some(SkipReason::BuildOutput);
        }
        if is_dir && self.paths.source.join(entry).join("pyvenv.cfg").is_file() {
            return Some(SkipReason::VirtualEnvironment);
        }
        let target = self.paths.target.join(entry);
        for gitignore in self.matchers.iter().rev() {
            match gitignore.matched(&target, is_dir) {
                Match::None => continue,
                Match::Whitelist(_) => return None,
                Match::Ignore(glob) => {
                    return Some(SkipReason::Ignored {
                        pattern: glob.original().to_string(),
                        file: self.describe_gitignore(glob.from()),
                    });
                }
            }
        }
        None
    }

    /// Names a `.gitignore` file for the summary: relative to the source
    /// folder, or to the repo root.
    fn describe_gitignore(&self, file: Option<&Path>) -> String {
        let Some(file) = file else {
            return ".gitignore".to_string();
        };
        if let Ok(inside) = file.strip_prefix(self.paths.source) {
            return format!("{} of the source", slash_path(inside));
        }
        match file.strip_prefix(self.paths.workdir) {
            Ok(inside) => slash_path(inside),
            Err(_) => file.display().to_string(),
        }
    }

    fn skip(&mut self, entry: &Path, is_dir: bool, reason: SkipReason) {
        tracing::debug!("not copied `{}`: {reason:?}", entry.display());
        self.report.skipped.push(Skipped {
            path: slash_path(entry),
            is_dir,
            reason,
        });
    }

    fn copy_file(&mut self, entry: &Path, metadata: &std::fs::Metadata) -> Result<()> {
        let source = self.paths.source.join(entry);
        let staged = self.paths.staged.join(entry);
        let mut reader =
            File::open(&source).map_err(|error| read_error(&self.display(entry), &error))?;
        let mut writer = File::create(&staged)
            .with_context(|| format!("failed to write `{}`", staged.display()))?;
        std::io::copy(&mut reader, &mut writer)
            .map_err(|error| read_error(&self.display(entry), &error))?;
        std::fs::set_permissions(&staged, metadata.permissions())
            .with_context(|| format!("failed to set the mode of `{}`", staged.display()))?;
        self.report.files += 1;
        Ok(())
    }

    fn copy_link(&mut self, entry: &Path) -> Result<()> {
        let source = self.paths.source.join(entry);
        let link = std::fs::read_link(&source)
            .map_err(|error| read_error(&self.display(entry), &error))?;
        let parent = source.parent().expect("an entry has a parent folder");
        let resolved = normalize(&parent.join(&link));
        if !resolved.starts_with(self.paths.source) {
            self.skip(
                entry,
                false,
                SkipReason::LinkOutside {
                    target: link.display().to_string(),
                },
            );
            return Ok(());
        }
        let written = if link.is_absolute() {
            let relative = relative_path(parent, &resolved);
            self.report
                .relinked
                .push((slash_path(entry), slash_path(&relative)));
            relative
        } else {
            self.report.links += 1;
            link
        };
        let staged = self.paths.staged.join(entry);
        std::os::unix::fs::symlink(&written, &staged)
            .with_context(|| format!("failed to create the symlink `{}`", staged.display()))
    }

    /// Formats a source entry as error messages show it.
    fn display(&self, entry: &Path) -> String {
        self.paths.source.join(entry).display().to_string()
    }
}

fn read_error(display: &str, error: &std::io::Error) -> anyhow::Error {
    anyhow!(
        "failed to read `{display}`: {error}\n\
         hint: adopt copies every file that git would commit; make it readable, or remove it from the source, then run adopt again"
    )
}

/// `path` with `/` between its parts.
pub fn slash_path(path: &Path) -> String {
    path.iter()
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Removes `.` and `..` without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normalized.pop();
            }
            other => normalized.push(other),
        }
    }
    normalized
}

/// Returns the relative path from the folder `from` to `to`. Both are
/// absolute and normalized.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from
        .iter()
        .zip(&to)
        .take_while(|(left, right)| left == right)
        .count();
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    for component in &to[common..] {
        relative.push(component);
    }
    relative
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    struct Fixture {
        _dir: tempfile::TempDir,
        source: PathBuf,
        workdir: PathBuf,
        staged: PathBuf,
        target: PathBuf,
    }

    /// Creates a repo work tree with `.gitignore` text `repo_ignore`, and a
    /// source folder beside it.
    fn fixture(repo_ignore: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let workdir = root.join("repo");
        let source = root.join("legacy");
        std::fs::create_dir_all(workdir.join(".git")).unwrap();
        std::fs::create_dir_all(&source).unwrap();
        std::fs::write(workdir.join(".gitignore"), repo_ignore).unwrap();
        Fixture {
            staged: workdir.join(".git/staged"),
            target: workdir.join("apps/legacy"),
            _dir: dir,
            source,
            workdir,
        }
    }

    impl Fixture {
        fn write(&self, relative: &str, contents: &str) {
            let path = self.source.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }

        fn copy(&self) -> CopyReport {
            copy_source(&CopyPaths {
                source: &self.source,
                staged: &self.staged,
                target: &self.target,
                workdir: &self.workdir,
            })
            .unwrap()
        }

        fn skipped(report: &CopyReport) -> Vec<(&str, &SkipReason)> {
            report
                .skipped
                .iter()
                .map(|skipped| (skipped.path.as_str(), &skipped.reason))
                .collect()
        }
    }

    #[test]
    fn junk_and_git_left_out() {
        let fixture = fixture("");
        fixture.write("app.py", "print()\n");
        fixture.write(".git/HEAD", "ref: refs/heads/main\n");
        fixture.write("frontend/package.json", "{}\n");
        fixture.write("frontend/dist/app.js", "x\n");
        fixture.write("frontend/node_modules/x/index.js", "x\n");
        fixture.write("backend/dist/keep.txt", "a backend dist is source\n");
        fixture.write("backend/__pycache__/m.pyc", "x\n");
        fixture.write("env/pyvenv.cfg", "home = /usr\n");
        fixture.write("tools/sub/.git", "gitdir: ../../.git/modules/sub\n");

        let report = fixture.copy();

        assert_eq!(report.files, 3);
        assert_eq!(
            Fixture::skipped(&report),
            [
                (".git", &SkipReason::GitMetadata),
                ("backend/__pycache__", &SkipReason::BuildOutput),
                ("env", &SkipReason::VirtualEnvironment),
                ("frontend/dist", &SkipReason::BuildOutput),
                ("frontend/node_modules", &SkipReason::BuildOutput),
                ("tools/sub/.git", &SkipReason::GitMetadata),
            ]
        );
        assert!(fixture.staged.join("backend/dist/keep.txt").is_file());
        assert!(fixture.staged.join("frontend/package.json").is_file());
    }

    #[test]
    fn repo_and_source_gitignore_applied() {
        let fixture = fixture("/build/\n.env\ndocker-compose.override.yml\n*.log\n");
        fixture.write(".gitignore", "secrets/\n!keep.log\n");
        fixture.write(".env", "TOKEN=x\n");
        fixture.write(".env.example", "TOKEN=\n");
        fixture.write("docker-compose.override.yml", "services: {}\n");
        fixture.write(
            "build/out.txt",
            "a folder named build below apps/ is kept\n",
        );
        fixture.write("secrets/key.pem", "x\n");
        fixture.write("debug.log", "x\n");
        fixture.write("keep.log", "x\n");

        let report = fixture.copy();

        let ignored = |pattern: &str, file: &str| SkipReason::Ignored {
            pattern: pattern.to_string(),
            file: file.to_string(),
        };
        assert_eq!(
            Fixture::skipped(&report),
            [
                (".env", &ignored(".env", ".gitignore")),
                ("debug.log", &ignored("*.log", ".gitignore")),
                (
                    "docker-compose.override.yml",
                    &ignored("docker-compose.override.yml", ".gitignore")
                ),
                ("secrets", &ignored("secrets/", ".gitignore of the source")),
            ]
        );
        assert!(fixture.staged.join("keep.log").is_file());
        assert!(fixture.staged.join("build/out.txt").is_file());
        assert!(fixture.staged.join(".env.example").is_file());
        assert!(fixture.staged.join(".gitignore").is_file());
    }

    #[test]
    fn modes_and_inner_links_kept() {
        let fixture = fixture("");
        fixture.write("start.sh", "#!/bin/sh\n");
        fixture.write("config/base.yml", "a: 1\n");
        std::fs::set_permissions(
            fixture.source.join("start.sh"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        symlink("config/base.yml", fixture.source.join("current.yml")).unwrap();
        symlink(
            fixture.source.join("config/base.yml"),
            fixture.source.join("config/absolute.yml"),
        )
        .unwrap();
        symlink("../outside.txt", fixture.source.join("escape.txt")).unwrap();

        let report = fixture.copy();

        let mode = std::fs::metadata(fixture.staged.join("start.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
        assert_eq!(
            std::fs::read_link(fixture.staged.join("current.yml")).unwrap(),
            Path::new("config/base.yml")
        );
        assert_eq!(
            std::fs::read_link(fixture.staged.join("config/absolute.yml")).unwrap(),
            Path::new("base.yml")
        );
        assert_eq!(report.links, 1);
        assert_eq!(
            report.relinked,
            [("config/absolute.yml".to_string(), "base.yml".to_string())]
        );
        assert_eq!(
            Fixture::skipped(&report),
            [(
                "escape.txt",
                &SkipReason::LinkOutside {
                    target: "../outside.txt".to_string()
                }
            )]
        );
    }

    #[test]
    fn relative_paths_between_folders() {
        assert_eq!(
            relative_path(Path::new("/a/b/c"), Path::new("/a/b/d/e")),
            Path::new("../d/e")
        );
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b/x")),
            Path::new("x")
        );
    }
}
