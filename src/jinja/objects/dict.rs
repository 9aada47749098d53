//! `PyDict`: a Python `dict` that templates can change in place, and the
//! views that its `keys()`, `values()` and `items()` methods return.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use indexmap::IndexMap;
use minijinja::value::{Enumerator, Kwargs, Object, ObjectRepr, from_args};
use minijinja::{Error, ErrorKind, State, Value};

use super::{invalid, none};
use crate::jinja::repr::jinja_repr;

/// A mutable mapping that keeps insertion order. `d.update(...)`,
/// `d.pop(...)` and `d.setdefault(...)` change the mapping in place.
#[derive(Default)]
pub struct PyDict {
    entries: Mutex<IndexMap<Value, Value>>,
}

impl PyDict {
    /// Creates a dict of `entries`.
    pub fn new(entries: IndexMap<Value, Value>) -> PyDict {
        PyDict {
            entries: Mutex::new(entries),
        }
    }

    /// Wraps `entries` in a new dict value.
    pub fn value(entries: IndexMap<Value, Value>) -> Value {
        Value::from_object(PyDict::new(entries))
    }

    /// Returns a copy of the current entries.
    pub fn snapshot(&self) -> IndexMap<Value, Value> {
        self.lock().clone()
    }

    fn lock(&self) -> MutexGuard<'_, IndexMap<Value, Value>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for PyDict {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_map().entries(self.snapshot()).finish()
    }
}

impl Object for PyDict {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.lock().get(key).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let pairs: Vec<(Value, Value)> = self.snapshot().into_iter().collect();
        Enumerator::KeyValueIter(Box::new(pairs.into_iter()))
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.lock().len())
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        match method {
            "keys" | "values" | "items" => {
                let () = from_args(args)?;
                Ok(DictView::value(self, method))
            }
            "get" => {
                let (key, default): (Value, Option<Value>) = from_args(args)?;
                Ok(self
                    .lock()
                    .get(&key)
                    .cloned()
                    .or(default)
                    .unwrap_or_else(none))
            }
            "update" => {
                let new_entries = update_entries(args)?;
                self.lock().extend(new_entries);
                Ok(none())
            }
            "pop" => {
                let (key, default): (Value, Option<Value>) = from_args(args)?;
                match self.lock().shift_remove(&key) {
                    Some(item) => Ok(item),
                    None => default.ok_or_else(|| key_error(&key)),
                }
            }
            "popitem" => {
                let () = from_args(args)?;
                match self.lock().pop() {
                    Some((key, item)) => {
                        Ok(Value::from(minijinja::value::Tuple::from(vec![key, item])))
                    }
                    None => Err(invalid("popitem(): dictionary is empty")),
                }
            }
            "setdefault" => {
                let (key, default): (Value, Option<Value>) = from_args(args)?;
                let mut entries = self.lock();
                Ok(entries
                    .entry(key)
                    .or_insert_with(|| default.unwrap_or_else(none))
                    .clone())
            }
            "copy" => {
                let () = from_args(args)?;
                Ok(PyDict::value(self.snapshot()))
            }
            "clear" => {
                let () = from_args(args)?;
                self.lock().clear();
                Ok(none())
            }
            _ => Err(Error::from(ErrorKind::UnknownMethod)),
        }
    }

    fn render(self: &Arc<Self>, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&jinja_repr(&Value::from_dyn_object(self.clone())))
    }
}

/// Collects the entries that `dict.update(other, **kwargs)` adds: a mapping
/// or an iterable of pairs, then the keyword arguments.
pub fn update_entries(args: &[Value]) -> Result<Vec<(Value, Value)>, Error> {
    let (other, kwargs): (Option<Value>, Kwargs) = from_args(args)?;
    let mut entries = match other {
        Some(other) => mapping_entries(&other)?,
        None => Vec::new(),
    };
    for name in kwargs.args() {
        entries.push((Value::from(name), kwargs.get::<Value>(name)?));
    }
    Ok(entries)
}

/// Reads a mapping, or an iterable of two-item pairs, as `dict(x)` does.
pub fn mapping_entries(value: &Value) -> Result<Vec<(Value, Value)>, Error> {
    if let Some(object) = value.as_object()
        && let Some(pairs) = object.try_iter_pairs()
        && value.kind() == minijinja::value::ValueKind::Map
    {
        return Ok(pairs.collect());
    }
    let mut entries = Vec::new();
    for pair in value.try_iter()? {
        let items: Vec<Value> = pair.try_iter()?.collect();
        let [key, item] = <[Value; 2]>::try_from(items).map_err(|items| {
            invalid(format!(
                "dictionary update sequence element has length {}; 2 is required",
                items.len()
            ))
        })?;
        entries.push((key, item));
    }
    Ok(entries)
}

/// Python's `KeyError`, naming the key by its repr.
pub fn key_error(key: &Value) -> Error {
    invalid(format!("key {} not found in dict", jinja_repr(key)))
}

/// The result of `dict.keys()`, `dict.values()` or `dict.items()`: a snapshot
/// that iterates like the view and prints as `dict_items([...])`.
#[derive(Debug)]
pub struct DictView {
    kind: ViewKind,
    items: Vec<Value>,
}

#[derive(Debug, Clone, Copy)]
enum ViewKind {
    Keys,
    Values,
    Items,
}

impl DictView {
    fn value(dict: &PyDict, method: &str) -> Value {
        let entries = dict.snapshot();
        let (kind, items) = match method {
            "keys" => (ViewKind::Keys, entries.into_keys().collect()),
            "values" => (ViewKind::Values, entries.into_values().collect()),
            _ => (
                ViewKind::Items,
                entries
                    .into_iter()
                    .map(|(key, item)| Value::from(minijinja::value::Tuple::from(vec![key, item])))
                    .collect(),
            ),
        };
        Value::from_object(DictView { kind, items })
    }

    /// Python's type name of the view, which its repr starts with.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            ViewKind::Keys => "dict_keys",
            ViewKind::Values => "dict_values",
            ViewKind::Items => "dict_items",
        }
    }

    /// Returns the keys, values or `(key, value)` tuples of the view.
    pub fn items(&self) -> &[Value] {
        &self.items
    }
}

impl Object for DictView {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Iterable
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.items.clone())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.items.len())
    }

    fn render(self: &Arc<Self>, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&jinja_repr(&Value::from_dyn_object(self.clone())))
    }
}
