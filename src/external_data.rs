//! `_external_data`: YAML files of the destination that templates read as
//! `_external_data.<name>`.
//!
//! Copier 9.19.1 loads each file on first access and keeps the result for
//! the rest of the phase: one cache serves the questions, and a fresh one
//! serves the files and the tasks. So a path may depend on an answer given
//! before the first access, a file written by the template is seen by a
//! task when no earlier render read it, and a path outside the destination
//! fails (without `--trust`) only when a template reads it. `ExternalData`
//! reproduces this as a template object. Each context renders the paths
//! when it is built, and a failure to render or load surfaces as the error
//! of the attribute access.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result, bail};
use minijinja::value::{Enumerator, Object, ObjectRepr, from_args};
use minijinja::{Error, ErrorKind, State};

use crate::context::stays_inside;
use crate::jinja::to_jinja;
use crate::value::{Map, Value};

/// Loaded files by `_external_data` name, shared by the contexts of one
/// phase. Cloning shares the cache; `reset` starts a new phase.
#[derive(Clone, Debug, Default)]
pub struct ExternalCache {
    loaded: Arc<Mutex<HashMap<String, Result<Value, String>>>>,
}

impl ExternalCache {
    /// Forgets every loaded file, as Copier does once the questions end.
    pub fn reset(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Result<Value, String>>> {
        self.loaded
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The `_external_data` mapping of one context.
#[derive(Debug)]
pub struct ExternalData {
    /// Each name with its path as rendered by this context, or the error of
    /// that render.
    paths: Vec<(String, Result<String, String>)>,
    destination: PathBuf,
    trust: bool,
    cache: ExternalCache,
}

impl ExternalData {
    /// Builds the mapping from rendered paths; files are read on access.
    pub fn value(
        paths: Vec<(String, Result<String, String>)>,
        destination: &Path,
        trust: bool,
        cache: &ExternalCache,
    ) -> minijinja::Value {
        minijinja::Value::from_object(ExternalData {
            paths,
            destination: destination.to_path_buf(),
            trust,
            cache: cache.clone(),
        })
    }

    /// Loads the file of `name` (once per phase); `None` for an unknown name.
    fn load(&self, name: &str) -> Option<Result<Value, String>> {
        let (_, path) = self.paths.iter().find(|(known, _)| known == name)?;
        let mut loaded = self.cache.lock();
        let result = loaded.entry(name.to_string()).or_insert_with(|| {
            let path = path.as_ref().map_err(Clone::clone)?;
            load_file(&self.destination, path, self.trust)
                .with_context(|| format!("failed to load `_external_data.{name}` from `{path}`"))
                .map_err(|error| format!("{error:#}"))
        });
        Some(result.clone())
    }
}

impl Object for ExternalData {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        Some(match self.load(key.as_str()?)? {
            Ok(value) => to_jinja(&value),
            Err(message) => Error::new(ErrorKind::InvalidOperation, message).into(),
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let names: Vec<minijinja::Value> = self
            .paths
            .iter()
            .map(|(name, _)| minijinja::Value::from(name.as_str()))
            .collect();
        Enumerator::Values(names)
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[minijinja::Value],
    ) -> Result<minijinja::Value, Error> {
        match method {
            "get" => {
                let (key, default): (minijinja::Value, Option<minijinja::Value>) = from_args(args)?;
                match self.get_value(&key) {
                    Some(value) => Ok(value),
                    None => Ok(default.unwrap_or(minijinja::Value::from(()))),
                }
            }
            "keys" => {
                let () = from_args(args)?;
                Ok(self.paths.iter().map(|(name, _)| name.as_str()).collect())
            }
            _ => Err(Error::new(
                ErrorKind::UnknownMethod,
                format!("`_external_data` has no method `{method}`"),
            )),
        }
    }
}

/// Reads `root/relative` as YAML. A path outside `root` needs `trust`; a
/// missing file is an empty mapping, with a warning as Copier gives.
fn load_file(root: &Path, relative: &str, trust: bool) -> Result<Value> {
    let path = root.join(relative);
    if !trust && !stays_inside(root, &path) {
        bail!(
            "`{relative}` is outside the destination\nhint: pass `--trust` if you trust this template"
        );
    }
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            crate::yaml::load(&text).map_err(|error| anyhow::anyhow!("{relative}: {error}"))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!("external data file `{relative}` not found; using an empty mapping");
            Ok(Value::Map(Map::new()))
        }
        Err(error) => Err(error).with_context(|| format!("failed to read `{relative}`")),
    }
}
