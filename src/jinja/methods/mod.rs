//! Python methods on template values: the environment's unknown-method
//! callback.
//!
//! `PyList`, `PyDict`, `PathValue` and `DateValue` implement their own
//! methods. This callback serves strings, and the read-only sequences and
//! mappings that minijinja itself creates (slices, repeated lists).
//! Changing one of those is an error with a message to that effect, where
//! Python would have changed a temporary copy.

mod string;

pub use string::{change_case, is_python_space, justify, split_whitespace, splitlines, strip};

use std::sync::Arc;

use minijinja::value::{Object, ValueKind, from_args};
use minijinja::{Error, ErrorKind, State, Value};

use super::objects::{PyDict, PyList, invalid};
use super::repr::jinja_repr;

/// Methods that change a list or dict in place.
const MUTATING_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "pop",
    "remove",
    "sort",
    "reverse",
    "clear",
    "update",
    "setdefault",
    "popitem",
];

/// The methods of Python's `dict`, `list` and `str` that kwz-new has.
const DICT_METHODS: &[&str] = &[
    "keys",
    "values",
    "items",
    "get",
    "update",
    "pop",
    "popitem",
    "setdefault",
    "copy",
    "clear",
];
const LIST_METHODS: &[&str] = &[
    "append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse", "clear",
    "copy",
];
const STR_METHODS: &[&str] = &[
    "upper",
    "lower",
    "casefold",
    "swapcase",
    "title",
    "capitalize",
    "strip",
    "lstrip",
    "rstrip",
    "split",
    "rsplit",
    "splitlines",
    "replace",
    "startswith",
    "endswith",
    "find",
    "rfind",
    "index",
    "rindex",
    "count",
    "join",
    "format",
    "format_map",
    "center",
    "ljust",
    "rjust",
    "zfill",
    "expandtabs",
    "partition",
    "rpartition",
    "removeprefix",
    "removesuffix",
    "isalpha",
    "isdecimal",
    "isdigit",
    "isnumeric",
    "isalnum",
    "isspace",
    "isascii",
    "isprintable",
    "isidentifier",
    "islower",
    "isupper",
    "istitle",
];

/// Whether `value` (a dict, list or string) has the Python method `name`.
pub fn has_method(value: &Value, name: &str) -> bool {
    let methods = match value.kind() {
        ValueKind::Map => DICT_METHODS,
        ValueKind::Seq => LIST_METHODS,
        ValueKind::String => STR_METHODS,
        _ => return false,
    };
    methods.contains(&name)
}

/// The unknown-method callback: Python's `str` methods, and the read-only
/// `list` and `dict` methods on minijinja's own sequences and mappings.
pub fn call_method(
    state: &mut State<'_, '_>,
    value: &Value,
    method: &str,
    args: &[Value],
) -> Result<Value, Error> {
    match value.kind() {
        ValueKind::String => string::call(value.as_str().unwrap_or_default(), method, args),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable => {
            container_method(state, value, method, args)
        }
        ValueKind::Number => number_method(value, method, args),
        _ => Err(Error::from(ErrorKind::UnknownMethod)),
    }
}

/// Runs a method on a copy of an immutable sequence or mapping, rejecting
/// methods that would change it.
fn container_method(
    state: &mut State<'_, '_>,
    value: &Value,
    method: &str,
    args: &[Value],
) -> Result<Value, Error> {
    if MUTATING_METHODS.contains(&method) {
        return Err(invalid(format!(
            "`{method}` cannot change this value in place: {} is the result of an expression, \
             not a variable's list or dict",
            jinja_repr(value)
        )));
    }
    // The copy's own method is called directly: `Value::call_method` would
    // come back to this callback for a name the copy does not know.
    if value.kind() == ValueKind::Map {
        let entries = super::objects::mapping_entries(value)?;
        let copy = Arc::new(PyDict::new(entries.into_iter().collect()));
        copy.call_method(state, method, args)
    } else {
        let copy = Arc::new(PyList::new(value.try_iter()?.collect()));
        copy.call_method(state, method, args)
    }
}

fn number_method(value: &Value, method: &str, args: &[Value]) -> Result<Value, Error> {
    let () = from_args(args)?;
    match method {
        "is_integer" if !value.is_integer() => {
            let number = f64::try_from(value.clone())?;
            Ok(Value::from(number.fract() == 0.0))
        }
        "bit_length" if value.is_integer() => {
            let number = i128::try_from(value.clone())?;
            Ok(Value::from(128 - number.unsigned_abs().leading_zeros()))
        }
        _ => Err(Error::from(ErrorKind::UnknownMethod)),
    }
}
