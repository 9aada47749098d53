//! `Journal`: the changes one run makes below a root folder, made so that
//! no path ever contains half a file and so that a failure can undo them.
//!
//! Every new file or link is first written in full into a work folder,
//! then renamed onto its path. A file it replaces is first hard-linked into
//! the work folder, so the path holds the old file until the rename swaps
//! in the new one. A deleted entry is moved into the work folder.
//! `rollback` moves the backups back and removes what the run created,
//! newest first; `commit` (or dropping the journal) removes the work folder
//! with the backups in it.
//!
//! The work folder (`.kwz-new-XXXXXX`) is created beside the root, so that
//! renames and hard links stay on one file system while tasks running in
//! the root do not see it. When the root's parent is not writable it goes
//! to the system temporary folder, and when an entry is on another file
//! system than the work folder, copying takes the place of renaming and
//! hard-linking.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::context::resolve_existing;
use crate::update::reconcile::Node;

/// A record of the changes this run made on disk, so that a failure can
/// undo them.
#[derive(Debug, Default)]
pub struct Journal {
    created_dirs: Vec<PathBuf>,
    created_files: Vec<PathBuf>,
    /// Entries replaced or deleted, with their backup in the work folder.
    replaced: Vec<(PathBuf, PathBuf)>,
    work: Option<tempfile::TempDir>,
    next_name: usize,
}

/// A file or link written in full into the work folder, waiting to be
/// moved onto its path by `Journal::place`.
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
}

impl Journal {
    /// Writes `bytes` with permission bits `mode` into the work folder of
    /// `root`.
    pub fn stage_file(&mut self, root: &Path, bytes: &[u8], mode: u32) -> Result<Staged> {
        let path = self.work_path(root, 's')?;
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        file.write_all(bytes)?;
        file.set_permissions(fs::Permissions::from_mode(mode & 0o7777))?;
        Ok(Staged { path })
    }

    /// Creates a symlink to `target` in the work folder of `root`.
    pub fn stage_link(&mut self, root: &Path, target: &str) -> Result<Staged> {
        let path = self.work_path(root, 's')?;
        std::os::unix::fs::symlink(target, &path)?;
        Ok(Staged { path })
    }

    /// Moves a staged entry onto `path`, creating missing parent folders
    /// and keeping a backup of what `path` held.
    pub fn place(&mut self, root: &Path, staged: Staged, path: &Path) -> Result<()> {
        let parent = path.parent().unwrap_or(root);
        self.create_dirs(parent)?;
        let existing = fs::symlink_metadata(path).ok();
        if let Some(metadata) = &existing {
            let backup = self.work_path(root, 'b')?;
            if metadata.is_dir() {
                move_entry(path, &backup)?;
            } else {
                fs::hard_link(path, &backup).or_else(|_| copy_entry(path, &backup))?;
            }
            self.replaced.push((path.to_path_buf(), backup));
        }
        move_entry(&staged.path, path)?;
        if existing.is_none() {
            self.created_files.push(path.to_path_buf());
        }
        Ok(())
    }

    /// Creates `path` and its missing parents, recording each one.
    pub fn create_dirs(&mut self, path: &Path) -> std::io::Result<()> {
        let mut missing = Vec::new();
        let mut current = path;
        while fs::symlink_metadata(current).is_err() {
            missing.push(current.to_path_buf());
            match current.parent() {
                Some(parent) => current = parent,
                None => break,
            }
        }
        for dir in missing.into_iter().rev() {
            fs::create_dir(&dir)?;
            self.created_dirs.push(dir);
        }
        Ok(())
    }

    /// Writes a file or link at `relative` below `root`, recording it.
    pub fn write_node(&mut self, root: &Path, relative: &str, node: &Node) -> Result<()> {
        let path = root.join(relative);
        check_inside(root, &path, relative, relative)?;
        let staged = match node {
            Node::File { bytes, mode } => self.stage_file(root, bytes, *mode),
            Node::Link { target } => self.stage_link(root, target),
        };
        staged
            .and_then(|staged| self.place(root, staged, &path))
            .with_context(|| format!("failed to write `{relative}`"))
    }

    /// Deletes the file or link at `relative` below `root`, keeping a backup
    /// until the journal is committed, then removes parent folders that
    /// became empty.
    pub fn delete(&mut self, root: &Path, relative: &str) -> Result<()> {
        let path = root.join(relative);
        check_inside(root, &path, relative, relative)?;
        if fs::symlink_metadata(&path).is_err() {
            return Ok(());
        }
        let backup = self.work_path(root, 'b')?;
        move_entry(&path, &backup).with_context(|| format!("failed to delete `{relative}`"))?;
        self.replaced.push((path.clone(), backup));
        let mut parent = path.parent();
        while let Some(dir) = parent {
            if dir == root || fs::remove_dir(dir).is_err() {
                break;
            }
            parent = dir.parent();
        }
        Ok(())
    }

    /// Restores every replaced entry and removes what was created, newest
    /// first. Errors are logged: this runs while another error is handled.
    pub fn rollback(mut self) {
        for (original, backup) in self.replaced.drain(..).rev() {
            if let Err(error) = restore(&original, &backup) {
                tracing::error!(
                    "failed to restore `{}` (its copy is `{}`): {error}",
                    original.display(),
                    backup.display()
                );
                // Keep the work folder, which has the only copy.
                if let Some(work) = self.work.take() {
                    let _ = work.keep();
                }
            }
        }
        for file in self.created_files.drain(..).rev() {
            let _ = remove_entry(&file);
        }
        for dir in self.created_dirs.drain(..).rev() {
            let _ = fs::remove_dir(&dir);
        }
    }

    /// Keeps every change: removes the backups.
    pub fn commit(self) {}

    /// Returns a fresh name in the work folder, creating the folder beside
    /// `root` on first use.
    fn work_path(&mut self, root: &Path, kind: char) -> Result<PathBuf> {
        if self.work.is_none() {
            let mut builder = tempfile::Builder::new();
            builder.prefix(".kwz-new-");
            let beside = root.parent().map(|parent| builder.tempdir_in(parent));
            let work = match beside {
                Some(Ok(work)) => work,
                _ => builder
                    .tempdir()
                    .context("failed to create a work folder")?,
            };
            self.work = Some(work);
        }
        let work = self.work.as_ref().expect("created above");
        self.next_name += 1;
        Ok(work.path().join(format!("{kind}{}", self.next_name)))
    }
}

/// Rejects a path below `root` whose parent resolves outside `root` (which
/// must be canonical), for example through a symlink already on disk.
/// `destination` and `source` name the entry and the template path it came
/// from in the message.
pub fn check_inside(root: &Path, path: &Path, destination: &str, source: &str) -> Result<()> {
    let parent = path.parent().unwrap_or(root);
    if !resolve_existing(parent).starts_with(root) {
        bail!(
            "`{destination}` (from template path `{source}`) would be written outside the destination through a symlink; writing it is forbidden"
        );
    }
    Ok(())
}

/// Puts a backup back at `original`, replacing what the run wrote there.
fn restore(original: &Path, backup: &Path) -> std::io::Result<()> {
    if let Some(parent) = original.parent() {
        // A delete may have removed the parent folder when it became empty.
        fs::create_dir_all(parent)?;
    }
    if fs::rename(backup, original).is_ok() {
        return Ok(());
    }
    remove_entry(original)?;
    move_entry(backup, original)
}

/// Renames `from` to `to`. When they are on different file systems, copies
/// `from` into a temporary folder beside `to` and renames the copy onto
/// `to`, so that `to` never holds a partial copy, then removes `from`.
fn move_entry(from: &Path, to: &Path) -> std::io::Result<()> {
    match fs::rename(from, to) {
        Err(error) if error.raw_os_error() == Some(libc::EXDEV) => {
            let parent = to.parent().unwrap_or(Path::new("."));
            let temporary = tempfile::Builder::new()
                .prefix(".kwz-new-")
                .tempdir_in(parent)?;
            let copy = temporary.path().join("entry");
            copy_entry(from, &copy)?;
            fs::rename(&copy, to)?;
            remove_entry(from)
        }
        other => other,
    }
}

/// Copies a file (with its permission bits), a symlink or a folder tree.
fn copy_entry(from: &Path, to: &Path) -> std::io::Result<()> {
    let metadata = fs::symlink_metadata(from)?;
    if metadata.file_type().is_symlink() {
        std::os::unix::fs::symlink(fs::read_link(from)?, to)
    } else if metadata.is_dir() {
        fs::create_dir(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            copy_entry(&entry.path(), &to.join(entry.file_name()))?;
        }
        fs::set_permissions(to, metadata.permissions())
    } else {
        fs::copy(from, to).map(|_| ())
    }
}

fn remove_entry(path: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn rollback_restores_replaced_and_deleted_entries() {
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path().canonicalize().unwrap().join("root");
        fs::create_dir(&root).unwrap();
        fs::write(root.join("a.txt"), "old a").unwrap();
        fs::create_dir(root.join("d")).unwrap();
        fs::write(root.join("d/b.txt"), "old b").unwrap();
        let mut journal = Journal::default();
        let new_file = Node::File {
            bytes: b"new".to_vec(),
            mode: 0o644,
        };
        journal.write_node(&root, "a.txt", &new_file).unwrap();
        journal.write_node(&root, "e/c.txt", &new_file).unwrap();
        journal.delete(&root, "d/b.txt").unwrap();
        assert_eq!(fs::read_to_string(root.join("a.txt")).unwrap(), "new");
        assert!(!root.join("d").exists(), "the emptied folder is removed");

        journal.rollback();
        assert_eq!(fs::read_to_string(root.join("a.txt")).unwrap(), "old a");
        assert_eq!(fs::read_to_string(root.join("d/b.txt")).unwrap(), "old b");
        assert_eq!(names(&root), ["a.txt", "d"]);
    }

    #[test]
    fn commit_keeps_changes_and_removes_work_folder() {
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path().canonicalize().unwrap().join("root");
        fs::create_dir(&root).unwrap();
        fs::write(root.join("a.txt"), "old").unwrap();
        let mut journal = Journal::default();
        let link = Node::Link {
            target: "a.txt".into(),
        };
        journal.write_node(&root, "link", &link).unwrap();
        journal.delete(&root, "a.txt").unwrap();
        journal.commit();
        assert_eq!(names(&root), ["link"]);
        assert_eq!(
            names(scratch.path()),
            ["root"],
            "the work folder is removed"
        );
        assert_eq!(
            fs::read_link(root.join("link")).unwrap(),
            Path::new("a.txt")
        );
    }

    #[test]
    fn replaced_path_always_exists() {
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path().canonicalize().unwrap();
        fs::write(root.join("a.txt"), "old").unwrap();
        let mut journal = Journal::default();
        let staged = journal.stage_file(&root, b"new", 0o600).unwrap();
        assert_eq!(fs::read_to_string(root.join("a.txt")).unwrap(), "old");
        journal.place(&root, staged, &root.join("a.txt")).unwrap();
        let mode = fs::metadata(root.join("a.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        journal.rollback();
        assert_eq!(fs::read_to_string(root.join("a.txt")).unwrap(), "old");
    }

    #[test]
    fn symlink_leading_out_is_refused() {
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path().canonicalize().unwrap().join("root");
        fs::create_dir(&root).unwrap();
        std::os::unix::fs::symlink("..", root.join("up")).unwrap();
        let node = Node::File {
            bytes: b"x".to_vec(),
            mode: 0o644,
        };
        let error = Journal::default()
            .write_node(&root, "up/evil.txt", &node)
            .unwrap_err();
        assert!(error.to_string().contains("outside the destination"));
        assert!(!scratch.path().join("evil.txt").exists());
    }

    #[test]
    fn move_across_file_systems_replaces_whole_file() {
        use std::os::unix::fs::MetadataExt as _;
        let Ok(shm) = tempfile::tempdir_in("/dev/shm") else {
            return;
        };
        let disk = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        let shm_device = fs::metadata(shm.path()).unwrap().dev();
        if shm_device == fs::metadata(disk.path()).unwrap().dev() {
            return;
        }
        let from = shm.path().join("new");
        let to = disk.path().join("a.txt");
        fs::write(&from, "new").unwrap();
        fs::write(&to, "old").unwrap();
        move_entry(&from, &to).unwrap();
        assert_eq!(fs::read_to_string(&to).unwrap(), "new");
        assert!(!from.exists());
        assert_eq!(names(disk.path()), ["a.txt"], "no temporary folder is left");
    }
}
