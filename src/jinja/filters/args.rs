//! Python-style argument binding for filters: each parameter can be passed
//! by position or by name, with defaults, as in the Python signatures the
//! filters reproduce.

use minijinja::value::{Kwargs, ValueKind};
use minijinja::{Error, ErrorKind, Value};

use crate::jinja::objects::{invalid, type_name};
use crate::jinja::pyformat::Number;
use crate::jinja::repr::jinja_str;

/// The arguments of one call, bound to the parameter names.
pub struct Bound {
    values: Vec<Option<Value>>,
}

/// Binds `args` and `kwargs` to `params` (in order) for the filter `name`.
/// Too many positional arguments, an unknown keyword or a parameter given
/// twice are errors, as in Python.
pub fn bind(name: &str, params: &[&str], args: &[Value], kwargs: &Kwargs) -> Result<Bound, Error> {
    if args.len() > params.len() {
        return Err(Error::new(
            ErrorKind::TooManyArguments,
            format!(
                "{name}() takes at most {} arguments ({} given)",
                params.len(),
                args.len()
            ),
        ));
    }
    let mut values: Vec<Option<Value>> = args.iter().cloned().map(Some).collect();
    values.resize(params.len(), None);
    for keyword in kwargs.args() {
        let Some(index) = params.iter().position(|param| *param == keyword) else {
            return Err(Error::new(
                ErrorKind::TooManyArguments,
                format!("{name}() got an unexpected keyword argument '{keyword}'"),
            ));
        };
        if values[index].is_some() {
            return Err(invalid(format!(
                "{name}() got multiple values for argument '{keyword}'"
            )));
        }
        values[index] = Some(kwargs.get::<Value>(keyword)?);
    }
    Ok(Bound { values })
}

impl Bound {
    /// The argument at `index`, if given.
    pub fn value(&self, index: usize) -> Option<&Value> {
        self.values.get(index).and_then(Option::as_ref)
    }

    /// The argument at `index`, or `None` when missing or Python's `None`.
    pub fn given(&self, index: usize) -> Option<&Value> {
        self.value(index).filter(|value| !value.is_none())
    }

    /// The argument at `index` by Python truthiness, or `default`.
    pub fn flag(&self, index: usize, default: bool) -> bool {
        self.value(index).map_or(default, Value::is_true)
    }

    /// The argument at `index` as an integer, or `default`.
    pub fn int(&self, index: usize, default: i64) -> Result<i64, Error> {
        match self.given(index) {
            None => Ok(default),
            Some(value) => to_int(value),
        }
    }

    /// The argument at `index` as `str()`, or `default`.
    pub fn text(&self, index: usize, default: &str) -> String {
        self.given(index)
            .map_or_else(|| default.to_string(), jinja_str)
    }
}

/// An integer argument: ints and bools, and floats without a fraction.
pub fn to_int(value: &Value) -> Result<i64, Error> {
    match Number::from_value(value) {
        Some(Number::Int(number)) => {
            i64::try_from(number).map_err(|_| invalid("integer argument out of range"))
        }
        Some(Number::Float(number)) if number.fract() == 0.0 => Ok(number as i64),
        _ if value.kind() == ValueKind::Undefined => Err(Error::new(
            ErrorKind::UndefinedError,
            "undefined value used as an integer argument",
        )),
        _ => Err(invalid(format!(
            "'{}' object cannot be interpreted as an integer",
            type_name(value)
        ))),
    }
}
