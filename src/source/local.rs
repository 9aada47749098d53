//! A template in a plain local folder.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use walkdir::WalkDir;

use super::{Contents, Entry, EntryKind, TemplateTree};

/// Lists every entry below `root` in directory order (as Copier's
/// `os.scandir` walk does), without following symlinks. File contents are
/// read later, when a render or copy needs them.
pub fn load(src_path: &str, root: &Path) -> Result<TemplateTree> {
    if !root.is_dir() {
        bail!(
            "template folder `{}` not found or not a folder",
            root.display()
        );
    }
    let root = root
        .canonicalize()
        .with_context(|| format!("failed to resolve template folder `{}`", root.display()))?;
    let mut entries = Vec::new();
    for item in WalkDir::new(&root).min_depth(1).follow_links(false) {
        let item =
            item.with_context(|| format!("failed to list template folder `{}`", root.display()))?;
        entries.push(entry_for(&root, &item)?);
    }
    Ok(TemplateTree::new(src_path.to_string(), root, entries, None))
}

fn entry_for(root: &Path, item: &walkdir::DirEntry) -> Result<Entry> {
    let relative = item
        .path()
        .strip_prefix(root)
        .expect("walkdir yields paths below its root");
    let Some(path) = relative.to_str() else {
        bail!("template path `{}` is not valid UTF-8", relative.display());
    };
    let file_type = item.file_type();
    let kind = if file_type.is_symlink() {
        let target = std::fs::read_link(item.path())
            .with_context(|| format!("failed to read symlink `{path}` in the template"))?;
        let Some(target) = target.to_str() else {
            bail!("target of symlink `{path}` is not valid UTF-8");
        };
        EntryKind::Symlink {
            target: target.to_string(),
        }
    } else if file_type.is_dir() {
        EntryKind::Dir
    } else if !file_type.is_file() {
        // Reading a FIFO blocks until a writer appears, and a device can
        // be endless, so only regular files are read.
        bail!(
            "template path `{}` is a {}, not a regular file; only files, folders and symlinks can be copied",
            crate::plan::escape_control(path),
            special_kind(&file_type)
        );
    } else {
        let metadata = item
            .metadata()
            .with_context(|| format!("failed to read `{path}` in the template"))?;
        EntryKind::File {
            contents: Contents::Disk(item.path().to_path_buf()),
            mode: metadata.permissions().mode() & 0o7777,
        }
    };
    Ok(Entry {
        path: path.to_string(),
        kind,
    })
}

fn special_kind(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if file_type.is_fifo() {
        "FIFO"
    } else if file_type.is_socket() {
        "socket"
    } else if file_type.is_block_device() || file_type.is_char_device() {
        "device"
    } else {
        "special file"
    }
}
