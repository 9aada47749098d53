//! A scratch folder for attack tests, and a fingerprint of everything in
//! it, so a test can prove that a refused run changed nothing.

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// What one entry of a folder tree is: its kind, mode bits and a SHA-256
/// of its bytes or link target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub kind: &'static str,
    pub mode: u32,
    pub digest: String,
}

/// Every entry below a root by relative path; the root itself is `""`.
pub type TreeFingerprint = BTreeMap<PathBuf, Fingerprint>;

/// A temporary folder holding a template, a destination and the files an
/// attack aims at.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::Builder::new()
                .prefix("kwz-safety-")
                .tempdir()
                .unwrap(),
        }
    }

    /// The scratch root, canonical so that paths in messages match.
    pub fn root(&self) -> PathBuf {
        self.dir.path().canonicalize().unwrap()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    /// Writes a file, creating its parent folders.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Creates a symlink at `relative` pointing to `target` as given.
    pub fn symlink(&self, target: impl AsRef<Path>, relative: &str) -> PathBuf {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, &path).unwrap();
        path
    }

    pub fn mkdir(&self, relative: &str) -> PathBuf {
        let path = self.path(relative);
        std::fs::create_dir_all(&path).unwrap();
        path
    }

    pub fn fingerprint(&self) -> TreeFingerprint {
        fingerprint(&self.root())
    }
}

/// Fingerprints every file, folder and link below `root`, without following
/// links. A missing root gives an empty map.
pub fn fingerprint(root: &Path) -> TreeFingerprint {
    let mut entries = BTreeMap::new();
    if std::fs::symlink_metadata(root).is_err() {
        return entries;
    }
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry.unwrap();
        let metadata = entry.path().symlink_metadata().unwrap();
        let file_type = metadata.file_type();
        let (kind, bytes) = if file_type.is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            ("link", target.into_os_string().into_encoded_bytes())
        } else if file_type.is_dir() {
            ("dir", Vec::new())
        } else if file_type.is_file() {
            ("file", std::fs::read(entry.path()).unwrap())
        } else {
            ("special", metadata.rdev().to_le_bytes().to_vec())
        };
        let relative = entry.path().strip_prefix(root).unwrap().to_path_buf();
        entries.insert(
            relative,
            Fingerprint {
                kind,
                mode: metadata.permissions().mode() & 0o7777,
                digest: format!("{:x}", Sha256::digest(&bytes)),
            },
        );
    }
    entries
}

/// Lists the paths that differ between two fingerprints, each with what
/// happened to it.
pub fn differences(before: &TreeFingerprint, after: &TreeFingerprint) -> Vec<String> {
    let mut found = Vec::new();
    for (path, old) in before {
        match after.get(path) {
            None => found.push(format!("removed {}", path.display())),
            Some(new) if new != old => found.push(format!("changed {}", path.display())),
            Some(_) => {}
        }
    }
    for path in after.keys() {
        if !before.contains_key(path) {
            found.push(format!("added {}", path.display()));
        }
    }
    found
}

/// The end of one run of the binary.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs kwz-new with `args` in `directory`, with standard input closed.
pub fn run_in(directory: &Path, args: &[&str]) -> Outcome {
    outcome_of(super::kwz_new().args(args).current_dir(directory))
}

/// Runs a prepared command with standard input closed and collects its
/// exit code and output.
pub fn outcome_of(command: &mut std::process::Command) -> Outcome {
    let output = command.stdin(std::process::Stdio::null()).output().unwrap();
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Checks that a run failed with `code` without a panic, and that its
/// error line contains every fragment.
pub fn assert_error(outcome: &Outcome, code: i32, fragments: &[&str]) {
    assert!(
        !outcome.stderr.contains("panicked"),
        "the run panicked:\n{}",
        outcome.stderr
    );
    assert_eq!(outcome.code, code, "exit code; stderr:\n{}", outcome.stderr);
    for fragment in fragments {
        assert!(
            outcome.stderr.contains(fragment),
            "stderr lacks `{fragment}`:\n{}",
            outcome.stderr
        );
    }
}

/// Caps the child's address space at `bytes`, so that a run that tries to
/// allocate without bound fails quickly instead of exhausting the machine.
pub fn limit_address_space(command: &mut std::process::Command, bytes: u64) {
    use std::os::unix::process::CommandExt as _;
    // SAFETY: the closure runs in the forked child before exec and calls
    // only setrlimit, which is async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Runs a prepared command with standard input closed, killing it and
/// failing the test when it runs past `deadline`: a guard against hangs,
/// set far above the normal run time.
pub fn outcome_within(command: &mut std::process::Command, deadline: Duration) -> Outcome {
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > deadline {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!(
                "the run hung; stderr:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Makes the child unable to write files that their modes forbid, even
/// when the tests run as root: root's capabilities are dropped from the
/// bounding set, so the program starts without them.
pub fn without_root_override(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt as _;
    // SAFETY: runs in the forked child before exec and calls only geteuid
    // and prctl, which are async-signal-safe.
    unsafe {
        command.pre_exec(|| {
            if libc::geteuid() == 0 {
                for capability in 0..64 {
                    libc::prctl(libc::PR_CAPBSET_DROP, capability, 0, 0, 0);
                }
            }
            Ok(())
        });
    }
}
