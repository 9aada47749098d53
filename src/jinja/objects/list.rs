//! `PyList`: a Python `list` that templates can change in place.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use minijinja::value::{Enumerator, Kwargs, Object, ObjectRepr, from_args};
use minijinja::{Error, State, Value};

use super::{invalid, none};
use crate::jinja::repr::jinja_repr;

/// A mutable sequence. `{% set _ = items.append(x) %}` changes the list for
/// every name bound to it, as in Python, where minijinja's own sequences are
/// immutable.
#[derive(Default)]
pub struct PyList {
    items: Mutex<Vec<Value>>,
}

impl PyList {
    /// Creates a list of `items`.
    pub fn new(items: Vec<Value>) -> PyList {
        PyList {
            items: Mutex::new(items),
        }
    }

    /// Wraps `items` in a new list value.
    pub fn value(items: Vec<Value>) -> Value {
        Value::from_object(PyList::new(items))
    }

    /// Returns a copy of the current items.
    pub fn snapshot(&self) -> Vec<Value> {
        self.lock().clone()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Value>> {
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for PyList {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_list().entries(self.snapshot()).finish()
    }
}

impl Object for PyList {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let items = self.lock();
        let index = key.as_i64()?;
        let index = if index < 0 {
            items.len().checked_sub(index.unsigned_abs() as usize)?
        } else {
            usize::try_from(index).ok()?
        };
        items.get(index).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.snapshot())
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
            "append" => {
                let (item,): (Value,) = from_args(args)?;
                self.lock().push(item);
                Ok(none())
            }
            "extend" => {
                let (other,): (Value,) = from_args(args)?;
                // Collect before locking: `items.extend(items)` reads this list.
                let new_items: Vec<Value> = other.try_iter()?.collect();
                self.lock().extend(new_items);
                Ok(none())
            }
            "insert" => {
                let (index, item): (i64, Value) = from_args(args)?;
                let mut items = self.lock();
                let position = clamp_index(index, items.len());
                items.insert(position, item);
                Ok(none())
            }
            "pop" => self.pop(args),
            "remove" => {
                let (item,): (Value,) = from_args(args)?;
                let mut items = self.lock();
                match items.iter().position(|candidate| *candidate == item) {
                    Some(position) => {
                        items.remove(position);
                        Ok(none())
                    }
                    None => Err(invalid("list.remove(x): x not in list")),
                }
            }
            "index" => {
                let (item, start, end): (Value, Option<i64>, Option<i64>) = from_args(args)?;
                let items = self.lock();
                let start = start.map_or(0, |start| clamp_index(start, items.len()));
                let end = end.map_or(items.len(), |end| clamp_index(end, items.len()));
                (start..end.max(start))
                    .find(|&position| items[position] == item)
                    .map(Value::from)
                    .ok_or_else(|| invalid(format!("{} is not in list", jinja_repr(&item))))
            }
            "count" => {
                let (item,): (Value,) = from_args(args)?;
                let count = self
                    .lock()
                    .iter()
                    .filter(|candidate| **candidate == item)
                    .count();
                Ok(Value::from(count))
            }
            "sort" => self.sort(args),
            "reverse" => {
                let () = from_args(args)?;
                self.lock().reverse();
                Ok(none())
            }
            "clear" => {
                let () = from_args(args)?;
                self.lock().clear();
                Ok(none())
            }
            "copy" => {
                let () = from_args(args)?;
                Ok(PyList::value(self.snapshot()))
            }
            _ => Err(Error::from(minijinja::ErrorKind::UnknownMethod)),
        }
    }

    fn render(self: &Arc<Self>, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&jinja_repr(&Value::from_dyn_object(self.clone())))
    }
}

impl PyList {
    fn pop(&self, args: &[Value]) -> Result<Value, Error> {
        let (index,): (Option<i64>,) = from_args(args)?;
        let mut items = self.lock();
        if items.is_empty() {
            return Err(invalid("pop from empty list"));
        }
        let index = index.unwrap_or(-1);
        let position = if index < 0 {
            items.len().checked_sub(index.unsigned_abs() as usize)
        } else {
            usize::try_from(index)
                .ok()
                .filter(|&index| index < items.len())
        };
        match position {
            Some(position) => Ok(items.remove(position)),
            None => Err(invalid("pop index out of range")),
        }
    }

    /// `list.sort(reverse=False)` with Python's rule that only values of
    /// comparable kinds sort; `key=` is not supported.
    fn sort(&self, args: &[Value]) -> Result<Value, Error> {
        let (kwargs,): (Kwargs,) = from_args(args)?;
        let reverse: Option<bool> = kwargs.get("reverse")?;
        if kwargs.has("key") {
            return Err(invalid(
                "list.sort(key=...) is not supported; use the `sort` filter",
            ));
        }
        kwargs.assert_all_used()?;
        let mut items = self.snapshot();
        super::check_comparable(&items)?;
        items.sort();
        if reverse.unwrap_or(false) {
            items.reverse();
        }
        *self.lock() = items;
        Ok(none())
    }
}

/// Python's index clamping for `insert` and slices: negative counts from
/// the end, and out-of-range values stop at the ends.
fn clamp_index(index: i64, len: usize) -> usize {
    if index < 0 {
        len.saturating_sub(index.unsigned_abs() as usize)
    } else {
        (index as usize).min(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamp_index_follows_python() {
        assert_eq!(clamp_index(-1, 3), 2);
        assert_eq!(clamp_index(-10, 3), 0);
        assert_eq!(clamp_index(10, 3), 3);
    }

    #[test]
    fn list_prints_as_python_repr() {
        let list = PyList::value(vec![Value::from(1), Value::from("a"), Value::from(())]);
        assert_eq!(list.to_string(), "[1, 'a', None]");
    }
}
