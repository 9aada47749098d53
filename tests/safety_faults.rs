//! Faults while `copy` writes: SIGKILL at random points, a write that
//! fails on `RLIMIT_FSIZE`, read-only files and folders, failing tasks and
//! Ctrl-C. After each, the destination must be exactly as before or
//! exactly as a successful run leaves it, and no file may be lost.
//!
//! Each test prints one `fault summary:` line with its counts; run with
//! `--nocapture` to see them.

mod common;

use std::collections::BTreeSet;
use std::io::BufRead as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::scratch::{Scratch, TreeFingerprint, fingerprint, without_root_override};
use rand::{Rng as _, SeedableRng as _};

/// Folders and files per folder of the generated template: enough that a
/// copy runs for a noticeable time, so that a kill can land mid-write.
const FOLDERS: usize = 12;
const FILES_PER_FOLDER: usize = 50;

/// Writes a template with `FOLDERS * FILES_PER_FOLDER` files, half of them
/// rendered with `name`, and an answers file.
fn big_template(scratch: &Scratch) {
    scratch.write("template/copier.yml", "name:\n  default: first\n");
    scratch.write(
        "template/{{ _copier_conf.answers_file }}.jinja",
        "{{ _copier_answers | to_nice_yaml }}",
    );
    for folder in 0..FOLDERS {
        for file in 0..FILES_PER_FOLDER {
            let line = format!("line {file} of {{{{ name }}}}\n").repeat(60);
            if file % 2 == 0 {
                scratch.write(&format!("template/d{folder}/f{file}.txt.jinja"), line);
            } else {
                scratch.write(&format!("template/d{folder}/f{file}.txt"), line);
            }
        }
    }
    scratch.write("template/tool.sh", "#!/bin/sh\necho tool\n");
    let tool = scratch.path("template/tool.sh");
    let mut permissions = std::fs::metadata(&tool).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&tool, permissions).unwrap();
}

fn copy_command(scratch: &Scratch, name: &str, extra: &[&str]) -> Command {
    let data = format!("name={name}");
    let mut command = common::kwz_new();
    command
        .args(["copy", "--defaults", "--overwrite", "--data", &data])
        .args(extra)
        .args(["../template", "project"])
        .current_dir(scratch.path("work"))
        .stdin(Stdio::null());
    command
}

/// Runs a copy to the end and returns the destination's fingerprint.
fn reference_copy(scratch: &Scratch, name: &str, into: &str) -> TreeFingerprint {
    let output = copy_command(scratch, name, &["--quiet"]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::rename(scratch.path("work/project"), scratch.path(into)).unwrap();
    fingerprint(&scratch.path(into))
}

/// Names in `work/` left by a killed run: staging and work folders.
fn debris(scratch: &Scratch) -> Vec<PathBuf> {
    std::fs::read_dir(scratch.path("work"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".kwz-new-")
        })
        .collect()
}

fn remove_debris(scratch: &Scratch) -> usize {
    let found = debris(scratch);
    for path in &found {
        std::fs::remove_dir_all(path).unwrap();
    }
    found.len()
}

fn seed() -> u64 {
    std::env::var("KWZ_FAULT_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| rand::rng().random())
}

/// How far a copy has got, from its stderr: the plan is rendered, then
/// every changed file is staged, then the staged files are moved into
/// place (`apply`'s debug line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Staging,
    Placing,
}

/// Starts a copy with stderr read on a thread, which reports when each
/// phase begins.
fn spawn_watched(mut command: Command) -> (Child, mpsc::Receiver<(Phase, Instant)>) {
    let mut child = command
        .env(
            "RUST_LOG",
            "kwz_new::apply=debug,kwz_new::commands::copy=debug",
        )
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let phase = if line.starts_with("Copying from template version") {
                Phase::Staging
            } else if line.contains("moving them into place") {
                Phase::Placing
            } else {
                continue;
            };
            let _ = sender.send((phase, Instant::now()));
        }
    });
    (child, receiver)
}

/// How long each part of a full copy takes: rendering, staging, and
/// moving into place. Measured once so that kill delays spread over a run.
struct Timing {
    render: Duration,
    stage: Duration,
    place: Duration,
}

fn calibrate(scratch: &Scratch, name: &str) -> Timing {
    let started = Instant::now();
    let (mut child, receiver) = spawn_watched(copy_command(scratch, name, &[]));
    let (_, staging) = receiver.recv().unwrap();
    let (_, placing) = receiver.recv().unwrap();
    assert!(child.wait().unwrap().success());
    Timing {
        render: staging - started,
        stage: placing - staging,
        place: placing.elapsed(),
    }
}

/// Kills a copy at a random point: one run in three anywhere in the whole
/// run, one in the staging phase and one while files are moved into place.
/// Returns whether the copy was still running when the signal was sent.
fn kill_at_random(
    command: Command,
    run: usize,
    timing: &Timing,
    random: &mut rand::rngs::StdRng,
) -> bool {
    let (mut child, receiver) = spawn_watched(command);
    let patience = timing.render * 20 + Duration::from_secs(10);
    let window = match run % 3 {
        0 => timing.render + timing.stage + timing.place,
        1 => {
            let _ = receiver.recv_timeout(patience);
            timing.stage
        }
        _ => {
            while let Ok((phase, _)) = receiver.recv_timeout(patience) {
                if phase == Phase::Placing {
                    break;
                }
            }
            timing.place
        }
    };
    let delay = random.random_range(0..=window.as_micros() as u64);
    std::thread::sleep(Duration::from_micros(delay));
    let running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    running
}

#[test]
fn sigkill_new_copy_all_or_nothing() {
    let scratch = Scratch::new();
    scratch.mkdir("work");
    big_template(&scratch);
    let expected = reference_copy(&scratch, "second", "reference");
    let timing = calibrate(&scratch, "second");
    std::fs::remove_dir_all(scratch.path("work/project")).unwrap();
    let seed = seed();
    let mut random = rand::rngs::StdRng::seed_from_u64(seed);

    let runs = 50;
    let (mut killed, mut absent, mut complete, mut leftovers) = (0, 0, 0, 0);
    let mut broken = Vec::new();
    for run in 0..runs {
        let command = copy_command(&scratch, "second", &[]);
        if kill_at_random(command, run, &timing, &mut random) {
            killed += 1;
        }
        let project = scratch.path("work/project");
        let found = fingerprint(&project);
        if found.is_empty() {
            absent += 1;
        } else if found == expected {
            complete += 1;
        } else {
            broken.push(run);
        }
        leftovers += remove_debris(&scratch);
        if project.exists() {
            std::fs::remove_dir_all(&project).unwrap();
        }
    }
    eprintln!(
        "fault summary: new destination, seed {seed}: {runs} runs, {killed} killed mid-run, \
         {absent} left no destination, {complete} complete, {} half-written, \
         {leftovers} staging folders left beside it",
        broken.len()
    );
    assert!(
        broken.is_empty(),
        "half-written destinations in runs {broken:?} (seed {seed})"
    );
    assert!(killed > runs / 4, "too few kills landed mid-run: {killed}");
}

/// Compares every path of the destination with the versions before and
/// after. Returns how many paths still hold the version before, and the
/// paths that hold neither version (lost files).
fn classify(
    found: &TreeFingerprint,
    before: &TreeFingerprint,
    after: &TreeFingerprint,
) -> (usize, Vec<PathBuf>) {
    let paths: BTreeSet<&PathBuf> = before.keys().chain(after.keys()).collect();
    let (mut old, mut lost) = (0, Vec::new());
    for path in paths {
        let got = found.get(path);
        if got == after.get(path) {
            continue;
        }
        if got == before.get(path) {
            old += 1;
        } else {
            lost.push(path.clone());
        }
    }
    (old, lost)
}

#[test]
fn sigkill_existing_copy_keeps_files_whole() {
    let scratch = Scratch::new();
    scratch.mkdir("work");
    big_template(&scratch);
    let before = reference_copy(&scratch, "first", "before");
    let after = reference_copy(&scratch, "second", "after");
    common::copy_tree(&scratch.path("before"), &scratch.path("work/project"));
    let timing = calibrate(&scratch, "second");
    let seed = seed();
    let mut random = rand::rngs::StdRng::seed_from_u64(seed);

    let runs = 30;
    let (mut killed, mut unchanged, mut finished, mut mixed, mut lost) = (0, 0, 0, 0, 0);
    let mut answers_early = Vec::new();
    for run in 0..runs {
        let project = scratch.path("work/project");
        std::fs::remove_dir_all(&project).unwrap();
        common::copy_tree(&scratch.path("before"), &project);
        if kill_at_random(
            copy_command(&scratch, "second", &[]),
            run,
            &timing,
            &mut random,
        ) {
            killed += 1;
        }
        let found = fingerprint(&project);
        let (old, missing) = classify(&found, &before, &after);
        lost += missing.len();
        if found == before {
            unchanged += 1;
        } else if found == after {
            finished += 1;
        } else {
            mixed += 1;
        }
        // The answers file is written last: once it is new, all is new.
        let answers = PathBuf::from(".copier-answers.yml");
        if found.get(&answers) == after.get(&answers) && old > 0 {
            answers_early.push(run);
        }
        remove_debris(&scratch);
    }
    eprintln!(
        "fault summary: existing destination, seed {seed}: {runs} runs, {killed} killed mid-run, \
         {unchanged} unchanged, {finished} finished, {mixed} with whole files from both versions, \
         {lost} files lost"
    );
    assert_eq!(lost, 0, "files neither old nor new (seed {seed})");
    assert!(
        answers_early.is_empty(),
        "answers file written before other files in runs {answers_early:?}"
    );
}

fn set_mode(path: &Path, mode: u32) {
    let mut permissions = std::fs::symlink_metadata(path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, mode);
    std::fs::set_permissions(path, permissions).unwrap();
}

/// Writes a small template and a destination made from it with
/// `name=first`, whose fingerprint it returns.
fn small_setup() -> (Scratch, TreeFingerprint) {
    let scratch = Scratch::new();
    scratch.mkdir("work");
    scratch.write("template/copier.yml", "name:\n  default: first\n");
    scratch.write(
        "template/{{ _copier_conf.answers_file }}.jinja",
        "{{ _copier_answers | to_nice_yaml }}",
    );
    scratch.write("template/a.txt.jinja", "a {{ name }}\n");
    scratch.write("template/sub/b.txt.jinja", "b {{ name }}\n");
    scratch.write(
        "template/sub/big.txt.jinja",
        format!("{{{{ name }}}}\n{}", "x".repeat(200_000)),
    );
    scratch.write("template/z.txt.jinja", "z {{ name }}\n");
    let before = reference_copy(&scratch, "first", "before");
    common::copy_tree(&scratch.path("before"), &scratch.path("work/project"));
    (scratch, before)
}

fn stderr_of(command: &mut Command) -> (i32, String) {
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn file_size_limit_leaves_destination() {
    let mut runs = 0;
    for ignore_signal in [true, false] {
        let (scratch, before) = small_setup();
        let mut command = copy_command(&scratch, "second", &[]);
        // SAFETY: runs in the forked child before exec; signal and
        // setrlimit are async-signal-safe.
        unsafe {
            command.pre_exec(move || {
                if ignore_signal {
                    libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                }
                let limit = libc::rlimit {
                    rlim_cur: 64 * 1024,
                    rlim_max: 64 * 1024,
                };
                libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
                Ok(())
            });
        }
        let (code, stderr) = stderr_of(&mut command);
        runs += 1;
        assert_ne!(code, 0, "the copy succeeded despite the limit");
        if ignore_signal {
            assert_eq!(code, 1, "{stderr}");
            assert!(stderr.contains("failed to write `sub/big.txt`"), "{stderr}");
            assert!(stderr.contains("File too large"), "{stderr}");
        }
        assert_eq!(fingerprint(&scratch.path("work/project")), before);
        remove_debris(&scratch);
        assert!(debris(&scratch).is_empty());

        std::fs::remove_dir_all(scratch.path("work/project")).unwrap();
        let (code, _) = stderr_of(&mut command);
        runs += 1;
        assert_ne!(code, 0);
        assert!(
            !scratch.path("work/project").exists(),
            "a failed new copy left its destination"
        );
        assert!(
            debris(&scratch).is_empty() || !ignore_signal,
            "staging left after an error"
        );
    }
    eprintln!("fault summary: file size limit: {runs} runs, each failed a write and lost no file");
}

#[test]
fn read_only_file_not_overwritten() {
    let (scratch, _) = small_setup();
    set_mode(&scratch.path("work/project/z.txt"), 0o444);
    let before = fingerprint(&scratch.path("work/project"));
    let mut command = copy_command(&scratch, "second", &[]);
    without_root_override(&mut command);
    let (code, stderr) = stderr_of(&mut command);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("`z.txt` cannot be overwritten"), "{stderr}");
    assert_eq!(fingerprint(&scratch.path("work/project")), before);
    assert!(debris(&scratch).is_empty(), "{:?}", debris(&scratch));
}

#[test]
fn read_only_folder_rolled_back() {
    let (scratch, _) = small_setup();
    scratch.write("template/sub/new.txt", "new\n");
    set_mode(&scratch.path("work/project/sub"), 0o555);
    let before = fingerprint(&scratch.path("work/project"));
    let mut command = copy_command(&scratch, "second", &[]);
    without_root_override(&mut command);
    let (code, stderr) = stderr_of(&mut command);
    set_mode(&scratch.path("work/project/sub"), 0o755);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("failed to write `sub/"), "{stderr}");
    let mut after = fingerprint(&scratch.path("work/project"));
    // The folder's mode was changed back above; compare the rest.
    after.get_mut(Path::new("sub")).unwrap().mode = 0o555;
    assert_eq!(after, before);
    assert!(debris(&scratch).is_empty(), "{:?}", debris(&scratch));
}

fn failing_task_template(scratch: &Scratch, task: &str) {
    scratch.write(
        "template/copier.yml",
        format!("name:\n  default: first\n_tasks:\n  - {task}\n"),
    );
}

#[test]
fn failing_task_restores_destination() {
    let (scratch, before) = small_setup();
    failing_task_template(&scratch, "exit 3");
    let (code, stderr) = stderr_of(&mut copy_command(&scratch, "second", &["--trust"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("task 1 returned non-zero exit status 3"),
        "{stderr}"
    );
    assert_eq!(fingerprint(&scratch.path("work/project")), before);
    assert!(debris(&scratch).is_empty(), "{:?}", debris(&scratch));

    std::fs::remove_dir_all(scratch.path("work/project")).unwrap();
    let (code, _) = stderr_of(&mut copy_command(&scratch, "second", &["--trust"]));
    assert_eq!(code, 1);
    assert!(!scratch.path("work/project").exists());
    assert!(debris(&scratch).is_empty(), "{:?}", debris(&scratch));
}

#[test]
fn failing_task_restores_across_file_systems() {
    use std::os::unix::fs::MetadataExt as _;
    let (scratch, before) = small_setup();
    let shm = Path::new("/dev/shm");
    let other_device = std::fs::metadata(shm)
        .is_ok_and(|shm| shm.dev() != std::fs::metadata(scratch.root()).unwrap().dev());
    if !other_device {
        eprintln!("note: /dev/shm is missing or on the scratch file system; the test is weaker");
    }
    failing_task_template(&scratch, "exit 3");
    let mut command = copy_command(&scratch, "second", &["--trust"]);
    command.env("TMPDIR", shm);
    let (code, stderr) = stderr_of(&mut command);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(fingerprint(&scratch.path("work/project")), before);
}

/// Starts a copy whose task creates `started` and then sleeps, in its own
/// process group, and waits until the task runs.
fn copy_with_slow_task(scratch: &Scratch) -> Child {
    let started = scratch.path("started");
    failing_task_template(scratch, &format!("touch {} && sleep 2", started.display()));
    let mut command = copy_command(scratch, "second", &["--trust"]);
    command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0);
    let child = command.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !started.exists() {
        assert!(Instant::now() < deadline, "the task never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

#[test]
fn interrupt_during_task_restores() {
    for (signal, name, whole_group) in [
        (libc::SIGINT, "SIGINT", true),
        (libc::SIGTERM, "SIGTERM", false),
    ] {
        let (scratch, before) = small_setup();
        let child = copy_with_slow_task(&scratch);
        let pid = child.id() as i32;
        // SAFETY: signalling the child (or its process group) that this
        // test started.
        unsafe {
            if whole_group {
                libc::killpg(pid, signal);
            } else {
                libc::kill(pid, signal);
            }
        }
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("interrupted by {name}")),
            "{stderr}"
        );
        assert_eq!(fingerprint(&scratch.path("work/project")), before, "{name}");
        assert!(debris(&scratch).is_empty(), "{:?}", debris(&scratch));
    }
    eprintln!("fault summary: interrupts: SIGINT and SIGTERM each undid the run");
}

#[test]
fn failing_closing_message_restores_destination() {
    let (scratch, before) = small_setup();
    scratch.write(
        "template/copier.yml",
        "name:\n  default: first\n_message_after_copy: \"{{ 1 / 0 }}\"\n",
    );
    let (code, stderr) = stderr_of(&mut copy_command(&scratch, "second", &[]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("failed to render a template message"),
        "{stderr}"
    );
    assert_eq!(fingerprint(&scratch.path("work/project")), before);
}

#[test]
fn failing_recopy_restores_project() {
    let (scratch, before) = small_setup();
    failing_task_template(&scratch, "touch from-task && exit 4");
    let mut command = common::kwz_new();
    command
        .args([
            "recopy",
            "--defaults",
            "--overwrite",
            "--trust",
            "--data",
            "name=second",
        ])
        .arg("project")
        .current_dir(scratch.path("work"))
        .stdin(Stdio::null());
    let (code, stderr) = stderr_of(&mut command);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("task 1 returned non-zero exit status 4"),
        "{stderr}"
    );
    // The task's own file stays: copy and recopy undo only what they wrote.
    let mut after = fingerprint(&scratch.path("work/project"));
    assert!(after.remove(Path::new("from-task")).is_some());
    assert_eq!(after, before);
}
