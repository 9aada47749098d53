//! The variables every render sees, as Copier 9.19.1 builds them: all
//! answers, `_copier_answers`, `_copier_conf`, `_folder_name`,
//! `_copier_python`, `_copier_phase` and `_external_data` (read lazily, see
//! `external_data`).

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Result;
use indexmap::IndexMap;

use crate::answers::Answers;
use crate::external_data::{ExternalCache, ExternalData};
use crate::jinja::{Context, Renderer, path_object, to_jinja};
use crate::value::{Map, Value};

/// Which stage a render belongs to (`_copier_phase`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Prompt,
    Render,
    Tasks,
    Migrate,
    Undefined,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Prompt => "prompt",
            Phase::Render => "render",
            Phase::Tasks => "tasks",
            Phase::Migrate => "migrate",
            Phase::Undefined => "undefined",
        }
    }
}

/// The run's settings that `_copier_conf` exposes.
#[derive(Clone, Debug, Default)]
pub struct RunFacts {
    /// Absolute path of the template root.
    pub src_path: PathBuf,
    /// The destination as the user typed it.
    pub dst_path: String,
    /// Absolute destination, for `_folder_name` and `_external_data`.
    pub dst_absolute: PathBuf,
    pub answers_file: String,
    pub vcs_ref: Option<String>,
    pub vcs_ref_hash: Option<String>,
    /// The raw `--data` mapping.
    pub data: IndexMap<String, Value>,
    pub exclude: Vec<String>,
    pub skip_if_exists: Vec<String>,
    pub use_prereleases: bool,
    pub cleanup_on_error: bool,
    pub defaults: bool,
    pub overwrite: bool,
    pub pretend: bool,
    pub quiet: bool,
    /// `--conflict` of `update`; `None` shows Copier's default, `inline`.
    pub conflict: Option<String>,
    /// `--context-lines` of `update`; `None` shows Copier's default, 3.
    pub context_lines: Option<u32>,
    pub trust: bool,
    pub skip_answered: bool,
    pub skip_tasks: bool,
}

impl RunFacts {
    fn copier_conf(&self, answers_file: &str) -> minijinja::Value {
        let data: Map = self
            .data
            .iter()
            .map(|(key, value)| (Value::from(key.as_str()), value.clone()))
            .collect();
        let settings = Map::from([
            (Value::from("defaults"), Value::Map(Map::new())),
            (Value::from("trust"), Value::List(Vec::new())),
        ]);
        let strings = |items: &[String]| {
            Value::List(
                items
                    .iter()
                    .map(|item| Value::from(item.as_str()))
                    .collect(),
            )
        };
        let optional = |item: &Option<String>| item.as_deref().map_or(Value::Null, Value::from);
        let entries: Vec<(&str, minijinja::Value)> = vec![
            ("src_path", path_object(&self.src_path.to_string_lossy())),
            ("dst_path", path_object(&self.dst_path)),
            ("answers_file", path_object(answers_file)),
            ("vcs_ref", to_jinja(&optional(&self.vcs_ref))),
            ("vcs_ref_hash", to_jinja(&optional(&self.vcs_ref_hash))),
            ("data", to_jinja(&Value::Map(data))),
            ("settings", to_jinja(&Value::Map(settings))),
            ("exclude", to_jinja(&strings(&self.exclude))),
            (
                "use_prereleases",
                to_jinja(&Value::Bool(self.use_prereleases)),
            ),
            ("skip_if_exists", to_jinja(&strings(&self.skip_if_exists))),
            (
                "cleanup_on_error",
                to_jinja(&Value::Bool(self.cleanup_on_error)),
            ),
            ("defaults", to_jinja(&Value::Bool(self.defaults))),
            ("user_defaults", to_jinja(&Value::Map(Map::new()))),
            ("overwrite", to_jinja(&Value::Bool(self.overwrite))),
            ("pretend", to_jinja(&Value::Bool(self.pretend))),
            ("quiet", to_jinja(&Value::Bool(self.quiet))),
            (
                "conflict",
                to_jinja(&Value::from(self.conflict.as_deref().unwrap_or("inline"))),
            ),
            (
                "context_lines",
                to_jinja(&Value::Int(i128::from(self.context_lines.unwrap_or(3)))),
            ),
            ("unsafe", to_jinja(&Value::Bool(self.trust))),
            ("skip_answered", to_jinja(&Value::Bool(self.skip_answered))),
            ("skip_tasks", to_jinja(&Value::Bool(self.skip_tasks))),
            ("sep", to_jinja(&Value::from("/"))),
            ("os", to_jinja(&Value::from(operating_system()))),
        ];
        crate::jinja::dict_value(
            entries
                .into_iter()
                .map(|(key, value)| (key.to_string(), value))
                .collect(),
        )
    }
}

fn operating_system() -> &'static str {
    match std::env::consts::OS {
        "macos" => "macos",
        "windows" => "windows",
        _ => "linux",
    }
}

/// Everything needed to build a context, minus the answers that change.
pub struct ContextBuilder<'a> {
    pub facts: &'a RunFacts,
    pub remembered: &'a dyn Fn(&Answers) -> IndexMap<String, Value>,
    pub external_data: &'a IndexMap<String, Value>,
    /// Files of `_external_data` loaded in the current phase.
    pub external_cache: &'a ExternalCache,
    pub renderer: &'a Renderer,
}

impl ContextBuilder<'_> {
    /// Builds the context for `phase` with the answers so far.
    pub fn build(&self, answers: &Answers, phase: Phase) -> Result<Context> {
        self.build_with_answers_file(answers, phase, &self.facts.answers_file)
    }

    /// As `build`, with `_copier_conf.answers_file` set to `answers_file`
    /// (Copier blanks it while rendering the answers file path itself).
    pub fn build_with_answers_file(
        &self,
        answers: &Answers,
        phase: Phase,
        answers_file: &str,
    ) -> Result<Context> {
        let mut context = Context::default();
        for (key, value) in answers.combined() {
            context.insert(&key, &value);
        }
        let remembered: Map = (self.remembered)(answers)
            .into_iter()
            .map(|(key, value)| (Value::Str(key), value))
            .collect();
        context.insert("_copier_answers", &Value::Map(remembered));
        context.insert_object("_copier_conf", self.facts.copier_conf(answers_file));
        let folder_name = self
            .facts
            .dst_absolute
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        context.insert("_folder_name", &Value::Str(folder_name));
        context.insert("_copier_python", &Value::Str(python_path()));
        context.insert("_copier_phase", &Value::from(phase.name()));
        if !self.external_data.is_empty() {
            let paths = self.render_external_paths(&context);
            let external = ExternalData::value(
                paths,
                &self.facts.dst_absolute,
                self.facts.trust,
                self.external_cache,
            );
            context.insert_object("_external_data", external);
        }
        Ok(context)
    }

    /// Renders each `_external_data` path with `context`, in the undefined
    /// phase as Copier does. A failure is kept for the first access.
    fn render_external_paths(&self, context: &Context) -> Vec<(String, Result<String, String>)> {
        let mut context = context.clone();
        context.insert("_copier_phase", &Value::from(Phase::Undefined.name()));
        self.external_data
            .iter()
            .map(|(name, source)| {
                let path = match source {
                    Value::Str(source) => {
                        self.renderer.render_str(source, &context).map_err(|error| {
                            format!(
                                "failed to render the `_external_data` path of `{name}`: {error}"
                            )
                        })
                    }
                    _ => Err(format!(
                        "the `_external_data` path of `{name}` must be a string"
                    )),
                };
                (name.clone(), path)
            })
            .collect()
    }
}

/// Whether `path` stays inside `root` after resolving `..` and the symlinks
/// that exist on disk.
pub fn stays_inside(root: &Path, path: &Path) -> bool {
    resolve_existing(path).starts_with(resolve_existing(root))
}

/// Resolves `path` as the kernel walks it: each symlink met on the way is
/// replaced by its target before a later `..` applies, so `link/..` is the
/// parent of the link's target, not the folder holding the link. Components
/// that do not exist are appended as they are. A relative path is taken
/// from the current folder. After 40 links (Linux's limit) the rest of the
/// path is taken literally, where the kernel would fail with `ELOOP`.
pub fn resolve_existing(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|current| current.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut links_left = 40;
    resolve_components(&absolute, &mut links_left)
}

fn resolve_components(path: &Path, links_left: &mut u32) -> PathBuf {
    let mut resolved = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                let candidate = resolved.join(name);
                let is_link = std::fs::symlink_metadata(&candidate)
                    .is_ok_and(|metadata| metadata.file_type().is_symlink());
                match std::fs::read_link(&candidate) {
                    Ok(target) if is_link && *links_left > 0 => {
                        *links_left -= 1;
                        resolved = resolve_components(&resolved.join(target), links_left);
                    }
                    _ => resolved = candidate,
                }
            }
        }
    }
    resolved
}

/// Removes `.` and applies `..` without touching the disk.
pub fn normalize_lexically(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normalized.pop();
            }
            other => normalized.push(other.as_os_str()),
        }
    }
    normalized
}

/// The Python interpreter that tasks may call as `{{ _copier_python }}`:
/// the first `python3` (then `python`) on `PATH`.
pub fn python_path() -> String {
    static PYTHON: OnceLock<String> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let path = std::env::var_os("PATH").unwrap_or_default();
            for name in ["python3", "python"] {
                for dir in std::env::split_paths(&path) {
                    let candidate = dir.join(name);
                    if candidate.is_file() {
                        return candidate.to_string_lossy().into_owned();
                    }
                }
            }
            "python3".to_string()
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn parent_of_a_link_is_the_parent_of_its_target() {
        let scratch = tempfile::tempdir().unwrap();
        let base = scratch.path().canonicalize().unwrap();
        std::fs::create_dir_all(base.join("outside/deep")).unwrap();
        std::fs::create_dir(base.join("root")).unwrap();
        symlink(base.join("outside/deep"), base.join("root/link")).unwrap();
        assert_eq!(
            resolve_existing(&base.join("root/link/../x.yml")),
            base.join("outside/x.yml")
        );
        assert!(!stays_inside(
            &base.join("root"),
            &base.join("root/link/../x")
        ));
        assert!(stays_inside(&base.join("root"), &base.join("root/a/../b")));
    }

    #[test]
    fn dangling_link_resolves_to_its_target() {
        let scratch = tempfile::tempdir().unwrap();
        let base = scratch.path().canonicalize().unwrap();
        std::fs::create_dir(base.join("root")).unwrap();
        symlink("../missing", base.join("root/dangling")).unwrap();
        assert_eq!(
            resolve_existing(&base.join("root/dangling/file")),
            base.join("missing/file")
        );
    }

    #[test]
    fn link_loop_stops() {
        let scratch = tempfile::tempdir().unwrap();
        let base = scratch.path().canonicalize().unwrap();
        symlink("b", base.join("a")).unwrap();
        symlink("a", base.join("b")).unwrap();
        let resolved = resolve_existing(&base.join("a/x"));
        assert!(resolved.starts_with(&base));
    }
}
