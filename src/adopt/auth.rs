//! `--retrofit-auth`: wires the repo's shared `kamiwaza_auth` wheel into
//! the adopted app's Python backend.
//!
//! The backend is the first folder of the source, among `backend/`, the
//! top, `api/` and `server/`, that has both a `requirements.txt` and a
//! `Dockerfile`. When none of those has both, it is the only subfolder that
//! has both. The wheel
//! is the newest `shared/python/dist/kamiwaza_auth-*.whl` of the repo, or,
//! when there is none, one built from `shared/python` with
//! `$PYTHON -m pip wheel` (`python3` by default) in a scratch folder, so
//! the repo's own `dist/` stays as it was.
//!
//! In the staged copy the wheel is placed beside `requirements.txt`, which
//! gets `./<wheel>` as its first line (older lines naming `kamiwaza_auth`
//! or `kamiwaza-auth` are removed), and the `Dockerfile` gets a `COPY` of
//! the wheel into the working folder just before the first `RUN` that runs
//! `pip install`, so the relative path in `requirements.txt` resolves. The
//! `COPY` takes the folder prefix and flags of the `COPY` that brings in
//! `requirements.txt`, because that names the build context the Dockerfile
//! expects. Application code is never edited: the summary names the line
//! the owner adds to the FastAPI app.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use anyhow::{Context as _, Result, anyhow, bail};
use regex::Regex;

use super::copy::{CopyPaths, copy_source, slash_path};

/// Folders tried, in order, as the backend.
const BACKEND_CANDIDATES: [&str; 4] = ["backend", "", "api", "server"];

/// Folder of the shared Python library, relative to the repo root.
pub const LIBRARY_DIR: &str = "shared/python";

/// Prefix of the wheel's file name.
const WHEEL_PREFIX: &str = "kamiwaza_auth-";

/// Lines of pip's output shown when the wheel build fails.
const PRINTED_BUILD_LINES: usize = 15;

static PIP_INSTALL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bpip3?(\.\d+)?\s+install\b").unwrap());

static FASTAPI_APP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\w+)\s*(:\s*\w+\s*)?=\s*(fastapi\.)?FastAPI\(").unwrap());

/// The origin of the wheel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WheelSource {
    /// A wheel that `make package-libs` built.
    Packaged(PathBuf),
    /// The library project to build the wheel from.
    Project(PathBuf),
}

/// The record of one retrofit, for the summary. Paths are relative to the
/// extension folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthReport {
    pub wheel: String,
    /// The origin of the wheel, as the summary shows it.
    pub wheel_origin: String,
    pub edited: Vec<String>,
    /// Steps the owner still has to take.
    pub manual: Vec<String>,
}

/// Finds the backend folder of `source`, relative to it (`""` for the top).
pub fn find_backend(source: &Path) -> Result<String> {
    let has_both = |folder: &Path| {
        folder.join("requirements.txt").is_file() && folder.join("Dockerfile").is_file()
    };
    if let Some(found) = BACKEND_CANDIDATES
        .iter()
        .find(|candidate| has_both(&source.join(candidate)))
    {
        return Ok(found.to_string());
    }
    let mut others: Vec<String> = std::fs::read_dir(source)
        .map(|entries| {
            entries
                .flatten()
                .filter(|entry| entry.path().is_dir() && has_both(&entry.path()))
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    others.sort();
    match others.as_slice() {
        [only] => Ok(only.clone()),
        [] => bail!(
            "--retrofit-auth: no Python backend found in the source: no folder among `backend/`, the top, `api/` and `server/` has both `requirements.txt` and `Dockerfile`"
        ),
        many => bail!(
            "--retrofit-auth: several folders could be the backend ({}); adopt cannot tell which one serves the API\n\
             hint: run adopt without --retrofit-auth and wire the wheel by hand",
            many.join(", ")
        ),
    }
}

/// Finds the packaged wheel of the repo at `repo_root`, or the project to
/// build it from.
pub fn find_wheel(repo_root: &Path) -> Result<WheelSource> {
    let library = repo_root.join(LIBRARY_DIR);
    let mut wheels: Vec<PathBuf> = std::fs::read_dir(library.join("dist"))
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| {
                    path.file_name()
                        .map(|name| name.to_string_lossy())
                        .is_some_and(|name| {
                            name.starts_with(WHEEL_PREFIX) && name.ends_with(".whl")
                        })
                })
                .collect()
        })
        .unwrap_or_default();
    wheels.sort_by_key(|path| wheel_version(path));
    if let Some(newest) = wheels.pop() {
        return Ok(WheelSource::Packaged(newest));
    }
    if library.join("pyproject.toml").is_file() {
        return Ok(WheelSource::Project(library));
    }
    bail!(
        "--retrofit-auth: no `{LIBRARY_DIR}/dist/{WHEEL_PREFIX}*.whl` and no `{LIBRARY_DIR}/pyproject.toml` to build it from\n\
         hint: this repo lacks the shared Python library; run adopt without --retrofit-auth"
    )
}

/// Parses the numeric version parts of a wheel file name, for ordering.
fn wheel_version(path: &Path) -> Vec<u64> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let version = name
        .strip_prefix(WHEEL_PREFIX)
        .and_then(|rest| rest.split('-').next())
        .unwrap_or_default();
    version
        .split('.')
        .map_while(|part| part.parse().ok())
        .collect()
}

/// Returns the wheel to use and its origin: the packaged one, or one built
/// into `scratch` from a copy of the project. `workdir` is the repo's work
/// tree root, whose `.gitignore` rules keep build output out of the copy.
pub fn prepare_wheel(
    source: &WheelSource,
    scratch: &Path,
    workdir: &Path,
) -> Result<(PathBuf, String)> {
    let project = match source {
        WheelSource::Packaged(wheel) => {
            let origin = format!("reused `{}`", display_in(workdir, wheel));
            return Ok((wheel.clone(), origin));
        }
        WheelSource::Project(project) => project,
    };
    let copy = scratch.join("project");
    copy_source(&CopyPaths {
        source: project,
        staged: &copy,
        target: project,
        workdir,
    })
    .context("failed to copy the shared Python library for the wheel build")?;
    let out = scratch.join("wheel");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
    let output = Command::new(&python)
        .args(["-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check", "--wheel-dir"])
        .arg(&out)
        .arg(&copy)
        .output()
        .map_err(|error| anyhow!("--retrofit-auth: failed to run `{python}`: {error}\nhint: install Python 3, or run `make package-libs` first"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        let tail = lines[lines.len().saturating_sub(PRINTED_BUILD_LINES)..].join("\n");
        bail!(
            "--retrofit-auth: building the wheel from `{LIBRARY_DIR}` failed:\n{tail}\nhint: run `make package-libs` to see the whole output, then run adopt again"
        );
    }
    let wheel = std::fs::read_dir(&out)
        .ok()
        .and_then(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .find(|path| path.extension().is_some_and(|extension| extension == "whl"))
        })
        .ok_or_else(|| anyhow!("--retrofit-auth: pip built no wheel from `{LIBRARY_DIR}`"))?;
    Ok((wheel, format!("built from `{LIBRARY_DIR}`")))
}

fn display_in(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .map(slash_path)
        .unwrap_or_else(|_| path.display().to_string())
}

/// Wires `wheel` into the backend `backend` (relative to `extension_dir`,
/// the staged copy). `extension_display` names the extension folder in the
/// steps left to the owner.
pub fn retrofit(
    extension_dir: &Path,
    extension_display: &str,
    backend: &str,
    wheel: &Path,
) -> Result<AuthReport> {
    let backend_dir = extension_dir.join(backend);
    let wheel_name = wheel
        .file_name()
        .expect("a wheel path names a file")
        .to_string_lossy()
        .into_owned();
    let in_backend = |file: &str| {
        if backend.is_empty() {
            file.to_string()
        } else {
            format!("{backend}/{file}")
        }
    };
    let mut report = AuthReport {
        wheel: in_backend(&wheel_name),
        ..AuthReport::default()
    };
    std::fs::copy(wheel, backend_dir.join(&wheel_name))
        .with_context(|| format!("failed to copy the wheel into `{}`", in_backend("")))?;

    let requirements = backend_dir.join("requirements.txt");
    let text = read(&requirements)?;
    std::fs::write(&requirements, edit_requirements(&text, &wheel_name))?;
    report.edited.push(in_backend("requirements.txt"));

    let dockerfile = backend_dir.join("Dockerfile");
    let text = read(&dockerfile)?;
    match edit_dockerfile(&text, &wheel_name) {
        Some(edited) => {
            std::fs::write(&dockerfile, edited)?;
            report.edited.push(in_backend("Dockerfile"));
        }
        None => report.manual.push(format!(
            "add `COPY {wheel_name} ./` before `pip install` in `{extension_display}/{}`: it has no `RUN … pip install` line",
            in_backend("Dockerfile")
        )),
    }
    report
        .manual
        .push(fastapi_step(&backend_dir, backend, extension_display));
    Ok(report)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("failed to read `{}`", path.display()))
}

/// Returns the line ending `text` uses.
fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Rewrites `requirements.txt` with `./<wheel>` first and no other line
/// naming the library.
fn edit_requirements(text: &str, wheel_name: &str) -> String {
    let ending = line_ending(text);
    let mut edited = format!("./{wheel_name}{ending}");
    for line in text.split_inclusive('\n') {
        let requirement = line
            .split('#')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if requirement.contains("kamiwaza_auth") || requirement.contains("kamiwaza-auth") {
            continue;
        }
        edited.push_str(line);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        edited.push_str(ending);
    }
    edited
}

/// Rewrites the Dockerfile with the `COPY` of the wheel before the first
/// `pip install`, or returns `None` when no `RUN` instruction runs it.
fn edit_dockerfile(text: &str, wheel_name: &str) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let instructions = instructions(&lines);
    // A one-line `COPY` of nothing but `kamiwaza_auth` wheels is an older
    // retrofit; the new `COPY` replaces it.
    let is_old_copy = |start: usize| {
        let mut words = lines[start].split_whitespace();
        let is_copy = words
            .next()
            .is_some_and(|word| word.eq_ignore_ascii_case("COPY"));
        let words: Vec<&str> = words.filter(|word| !word.starts_with("--")).collect();
        let sources = words.split_last().map_or(&[][..], |(_, sources)| sources);
        is_copy
            && !sources.is_empty()
            && sources.iter().all(|source| {
                let name = source.rsplit('/').next().unwrap_or(source);
                name.starts_with(WHEEL_PREFIX) && name.ends_with(".whl")
            })
    };
    let run = instructions.iter().find(|(start, end)| {
        lines[*start]
            .trim_start()
            .to_ascii_uppercase()
            .starts_with("RUN")
            && PIP_INSTALL.is_match(&lines[*start..*end].concat())
    })?;
    let (flags, prefix) = requirements_copy(&lines, &instructions);
    let ending = if lines[run.0].ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let copy = format!("COPY {flags}{prefix}{wheel_name} ./{ending}");

    let mut edited = String::new();
    for (number, line) in lines.iter().enumerate() {
        if number == run.0 {
            edited.push_str(&copy);
        }
        if instructions
            .iter()
            .any(|(start, end)| *start == number && *end == number + 1 && is_old_copy(number))
        {
            continue;
        }
        edited.push_str(line);
    }
    Some(edited)
}

/// Splits a Dockerfile into instructions, each a range of lines: a first
/// line and the lines its trailing backslashes continue onto.
fn instructions(lines: &[&str]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut number = 0;
    while number < lines.len() {
        let trimmed = lines[number].trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            number += 1;
            continue;
        }
        let start = number;
        while number < lines.len() && lines[number].trim_end().ends_with('\\') {
            number += 1;
        }
        number = (number + 1).min(lines.len());
        found.push((start, number));
    }
    found
}

/// Returns the flags (`--chown=…`, with a trailing space) and the folder
/// prefix of the `COPY` that brings in `requirements.txt`, both empty when
/// there is none.
fn requirements_copy(lines: &[&str], instructions: &[(usize, usize)]) -> (String, String) {
    for (start, end) in instructions {
        let text = lines[*start..*end]
            .concat()
            .replace("\\\n", " ")
            .replace("\\\r\n", " ");
        let mut words = text.split_whitespace();
        if !words
            .next()
            .is_some_and(|word| word.eq_ignore_ascii_case("COPY"))
        {
            continue;
        }
        let words: Vec<&str> = words.collect();
        let Some((_, sources)) = words.split_last() else {
            continue;
        };
        let flags: Vec<&str> = sources
            .iter()
            .copied()
            .filter(|word| word.starts_with("--") && !word.starts_with("--from"))
            .collect();
        if let Some(source) = sources
            .iter()
            .find(|word| !word.starts_with("--") && word.ends_with("requirements.txt"))
        {
            let prefix = &source[..source.len() - "requirements.txt".len()];
            let flags = flags
                .iter()
                .map(|flag| format!("{flag} "))
                .collect::<String>();
            return (flags, prefix.trim_start_matches("./").to_string());
        }
    }
    (String::new(), String::new())
}

/// Describes the step that mounts the session router in the FastAPI app.
fn fastapi_step(backend_dir: &Path, backend: &str, extension_display: &str) -> String {
    let code = "`from kamiwaza_auth import create_session_router` and `{app}.include_router(create_session_router(prefix=\"/api\"))`";
    match find_fastapi_app(backend_dir) {
        Some((file, line, variable)) => {
            let folder = if backend.is_empty() {
                String::new()
            } else {
                format!("{backend}/")
            };
            format!(
                "add {} to `{extension_display}/{folder}{file}`, after line {line} that creates `{variable}`",
                code.replace("{app}", &variable)
            )
        }
        None => format!(
            "add {} to the backend's FastAPI app (no `FastAPI(` call found)",
            code.replace("{app}", "app")
        ),
    }
}

/// Finds the first `X = FastAPI(` line of the backend's Python files and
/// returns the file (relative to the backend), line number and variable.
fn find_fastapi_app(backend_dir: &Path) -> Option<(String, usize, String)> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(backend_dir)
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0
                || !(name.starts_with('.')
                    || ["node_modules", "__pycache__", "tests"].contains(&name.as_ref()))
        })
        .flatten()
        .filter(|entry| {
            entry.file_type().is_file()
                && entry
                    .path()
                    .extension()
                    .is_some_and(|extension| extension == "py")
        })
        .map(|entry| entry.into_path())
        .collect();
    files.sort();
    files.into_iter().find_map(|file| {
        let text = std::fs::read_to_string(&file).ok()?;
        let (number, captures) = text.lines().enumerate().find_map(|(number, line)| {
            FASTAPI_APP
                .captures(line)
                .map(|captures| (number, captures))
        })?;
        let relative = slash_path(file.strip_prefix(backend_dir).ok()?);
        Some((relative, number + 1, captures[1].to_string()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_get_wheel_first() {
        let text = "fastapi==0.110\nkamiwaza-auth==0.0.9  # old\nhttpx\n";
        assert_eq!(
            edit_requirements(text, "kamiwaza_auth-0.1.0-py3-none-any.whl"),
            "./kamiwaza_auth-0.1.0-py3-none-any.whl\nfastapi==0.110\nhttpx\n"
        );
        assert_eq!(edit_requirements("uvicorn", "w.whl"), "./w.whl\nuvicorn\n");
    }

    #[test]
    fn dockerfile_gets_copy_before_pip_install() {
        let text = "FROM python:3.11-slim\nWORKDIR /app\nCOPY --chown=app backend/requirements.txt .\nRUN apt-get update\nRUN pip install --no-cache-dir \\\n    -r requirements.txt\nCOPY backend/ .\n";
        assert_eq!(
            edit_dockerfile(text, "kamiwaza_auth-0.1.0-py3-none-any.whl").unwrap(),
            "FROM python:3.11-slim\nWORKDIR /app\nCOPY --chown=app backend/requirements.txt .\nRUN apt-get update\nCOPY --chown=app backend/kamiwaza_auth-0.1.0-py3-none-any.whl ./\nRUN pip install --no-cache-dir \\\n    -r requirements.txt\nCOPY backend/ .\n"
        );
    }

    #[test]
    fn dockerfile_old_copy_replaced() {
        let text = "FROM python:3.11\nCOPY requirements.txt kamiwaza_auth-0.0.9-py3-none-any.whl ./\nCOPY kamiwaza_auth-0.0.9-py3-none-any.whl ./\nRUN pip3 install -r requirements.txt\n";
        assert_eq!(
            edit_dockerfile(text, "kamiwaza_auth-0.1.0-py3-none-any.whl").unwrap(),
            "FROM python:3.11\nCOPY requirements.txt kamiwaza_auth-0.0.9-py3-none-any.whl ./\nCOPY kamiwaza_auth-0.1.0-py3-none-any.whl ./\nRUN pip3 install -r requirements.txt\n"
        );
    }

    #[test]
    fn dockerfile_without_pip_install_untouched() {
        assert_eq!(edit_dockerfile("FROM node:20\nRUN npm ci\n", "w.whl"), None);
    }

    #[test]
    fn fastapi_app_found() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("app")).unwrap();
        std::fs::write(
            dir.path().join("app/main.py"),
            "from fastapi import FastAPI\n\napi = FastAPI(title=\"x\")\n",
        )
        .unwrap();
        assert_eq!(
            find_fastapi_app(dir.path()),
            Some(("app/main.py".to_string(), 3, "api".to_string()))
        );
    }

    #[test]
    fn backend_candidates_in_order() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "requirements.txt",
            "Dockerfile",
            "worker/requirements.txt",
            "worker/Dockerfile",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        assert_eq!(find_backend(dir.path()).unwrap(), "");
        std::fs::remove_file(dir.path().join("Dockerfile")).unwrap();
        assert_eq!(find_backend(dir.path()).unwrap(), "worker");
    }

    #[test]
    fn newest_wheel_reused() {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("shared/python/dist");
        std::fs::create_dir_all(&dist).unwrap();
        for version in ["0.9.0", "0.10.0"] {
            std::fs::write(
                dist.join(format!("kamiwaza_auth-{version}-py3-none-any.whl")),
                "",
            )
            .unwrap();
        }
        assert_eq!(
            find_wheel(dir.path()).unwrap(),
            WheelSource::Packaged(dist.join("kamiwaza_auth-0.10.0-py3-none-any.whl"))
        );
    }
}
