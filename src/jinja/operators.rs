//! The helper functions that `rewrite` puts in place of `%`, `/`, `~` and
//! list and dict literals, with Python's semantics for each.

use minijinja::value::{StringInput, ValueKind};
use minijinja::{Error, State, Value};

use super::objects::{PathValue, PyDict, PyList, invalid, mapping_entries, path_text, type_name};
use super::pyformat::{Number, format_percent};
use super::repr::jinja_str;

/// `left % right`: string formatting for a string, Python's floored modulo
/// for numbers.
pub fn modulo(state: &State, left: Value, right: Value) -> Result<Value, Error> {
    check_defined(state, &left)?;
    check_defined(state, &right)?;
    if let Some(format) = left.as_str() {
        return format_percent(format, &right).map(Value::from);
    }
    match (Number::from_value(&left), Number::from_value(&right)) {
        (Some(Number::Int(a)), Some(Number::Int(b))) => {
            if b == 0 {
                return Err(invalid("integer division or modulo by zero"));
            }
            // `i128::MIN % -1` overflows in Rust; Python's answer is 0.
            let mut remainder = a.checked_rem(b).unwrap_or(0);
            if remainder != 0 && (remainder < 0) != (b < 0) {
                remainder += b;
            }
            Ok(Value::from(remainder))
        }
        (Some(a), Some(b)) => {
            let (a, b) = (a.as_f64(), b.as_f64());
            if b == 0.0 {
                return Err(invalid("float modulo"));
            }
            let mut remainder = a % b;
            if remainder != 0.0 && (remainder < 0.0) != (b < 0.0) {
                remainder += b;
            } else if remainder == 0.0 {
                remainder = 0.0f64.copysign(b);
            }
            Ok(Value::from(remainder))
        }
        _ => Err(unsupported("%", &left, &right)),
    }
}

/// `left + right`: numbers add, strings and sequences concatenate, and two
/// lists give a new changeable list.
pub fn add(state: &State, left: Value, right: Value) -> Result<Value, Error> {
    check_defined(state, &left)?;
    check_defined(state, &right)?;
    match (Number::from_value(&left), Number::from_value(&right)) {
        (Some(Number::Int(a)), Some(Number::Int(b))) => {
            return a
                .checked_add(b)
                .map(Value::from)
                .ok_or_else(|| invalid("integer overflow: the sum does not fit 128 bits"));
        }
        (Some(a), Some(b)) => return Ok(Value::from(a.as_f64() + b.as_f64())),
        _ => {}
    }
    if let (Some(a), Some(b)) = (left.as_str(), right.as_str()) {
        return Ok(concat_strings(state, &left, a, &right, b));
    }
    if left.kind() == ValueKind::Seq && right.kind() == ValueKind::Seq {
        if left.is_tuple() != right.is_tuple() {
            return Err(unsupported("+", &left, &right));
        }
        let mut items: Vec<Value> = left.try_iter()?.collect();
        items.extend(right.try_iter()?);
        return Ok(if left.is_tuple() {
            Value::from(minijinja::value::Tuple::from(items))
        } else {
            PyList::value(items)
        });
    }
    Err(unsupported("+", &left, &right))
}

/// Joins two strings. With autoescaping on, a safe side makes the other
/// escaped and the result safe, as markupsafe's `Markup.__add__` does.
fn concat_strings(state: &State, left: &Value, a: &str, right: &Value, b: &str) -> Value {
    let escaping = !matches!(state.auto_escape(), minijinja::AutoEscape::None);
    if escaping && (left.is_safe() || right.is_safe()) {
        let part = |value: &Value, text: &str| {
            if value.is_safe() {
                text.to_string()
            } else {
                super::filters::html_escape(text)
            }
        };
        return Value::from_safe_string(part(left, a) + &part(right, b));
    }
    Value::from(format!("{a}{b}"))
}

/// `left / right`: true division for numbers, joining for paths.
pub fn divide(state: &State, left: Value, right: Value) -> Result<Value, Error> {
    check_defined(state, &left)?;
    check_defined(state, &right)?;
    if let Some(path) = left.downcast_object_ref::<PathValue>() {
        return Ok(Value::from_object(path.join(&path_text(&right))));
    }
    if let (Some(path), Some(text)) = (right.downcast_object_ref::<PathValue>(), left.as_str()) {
        return Ok(Value::from_object(PathValue::new(text).join(path.as_str())));
    }
    match (Number::from_value(&left), Number::from_value(&right)) {
        (Some(a), Some(b)) => {
            if b.as_f64() == 0.0 {
                return Err(invalid("division by zero"));
            }
            Ok(Value::from(a.as_f64() / b.as_f64()))
        }
        _ => Err(unsupported("/", &left, &right)),
    }
}

/// `left ~ right`: both sides as Python's `str()`, undefined as empty.
pub fn concat(state: &State, left: Value, right: Value) -> Result<Value, Error> {
    check_defined(state, &left)?;
    check_defined(state, &right)?;
    Ok(concat_strings(
        state,
        &left,
        &jinja_str(&left),
        &right,
        &jinja_str(&right),
    ))
}

/// Makes a list literal mutable.
pub fn list(items: Value) -> Result<Value, Error> {
    Ok(PyList::value(items.try_iter()?.collect()))
}

/// Makes a dict literal mutable.
pub fn dict(entries: Value) -> Result<Value, Error> {
    Ok(PyDict::value(
        mapping_entries(&entries)?.into_iter().collect(),
    ))
}

/// Raises minijinja's undefined error (which names the variable) when the
/// value is undefined and the environment is strict.
fn check_defined(state: &State, value: &Value) -> Result<(), Error> {
    if value.is_undefined() {
        StringInput::new(state, value)?;
    }
    Ok(())
}

fn unsupported(operator: &str, left: &Value, right: &Value) -> Error {
    if left.kind() == ValueKind::Undefined || right.kind() == ValueKind::Undefined {
        return Error::new(
            minijinja::ErrorKind::UndefinedError,
            format!("undefined value used with the `{operator}` operator"),
        );
    }
    invalid(format!(
        "unsupported operand type(s) for {operator}: '{}' and '{}'",
        type_name(left),
        type_name(right)
    ))
}
