//! Jinja2's built-in tests (`x is odd`) where minijinja's results differ,
//! mostly because Python's `bool` is an `int` and Jinja2's `Undefined`
//! has a length and an iterator.

use minijinja::value::ValueKind;
use minijinja::{Environment, Error, Value};

use super::objects::{PyDict, PyList, invalid};
use super::pyformat::Number;
use super::repr::jinja_str;

/// Registers every test that differs from minijinja's.
pub fn register(env: &mut Environment<'static>) {
    env.add_test("boolean", |value: Value| value.kind() == ValueKind::Bool);
    env.add_test("number", |value: Value| {
        Number::from_value(&value).is_some()
    });
    env.add_test("integer", |value: Value| {
        value.kind() == ValueKind::Number && value.is_integer()
    });
    env.add_test("float", |value: Value| {
        value.kind() == ValueKind::Number && !value.is_integer()
    });

    env.add_test("string", |value: Value| value.kind() == ValueKind::String);
    env.add_test("mapping", |value: Value| value.kind() == ValueKind::Map);
    env.add_test("sequence", is_sequence);
    env.add_test("iterable", |value: Value| {
        matches!(
            value.kind(),
            ValueKind::Undefined
                | ValueKind::String
                | ValueKind::Seq
                | ValueKind::Map
                | ValueKind::Iterable
        )
    });

    env.add_test("lower", |value: Value| has_case(&value, false));
    env.add_test("upper", |value: Value| has_case(&value, true));
    env.add_test("even", |value: Value| -> Result<bool, Error> {
        Ok(remainder(&value, 2.0)? == 0.0)
    });
    env.add_test("odd", |value: Value| -> Result<bool, Error> {
        Ok(remainder(&value, 2.0)?.abs() == 1.0)
    });
    env.add_test(
        "divisibleby",
        |value: Value, divisor: Value| -> Result<bool, Error> {
            let divisor = Number::from_value(&divisor)
                .ok_or_else(|| invalid("divisibleby needs a number"))?
                .as_f64();
            if divisor == 0.0 {
                return Err(invalid("integer division or modulo by zero"));
            }
            Ok(remainder(&value, divisor)? == 0.0)
        },
    );

    env.add_test("true", |value: Value| {
        value.kind() == ValueKind::Bool && value.is_true()
    });
    env.add_test("false", |value: Value| {
        value.kind() == ValueKind::Bool && !value.is_true()
    });
    env.add_test("sameas", is_same);
    env.add_test("callable", is_callable);
}

/// Functions, macros and callable objects. minijinja has no general
/// "callable" check, so every plain object counts except dates and paths.
fn is_callable(value: Value) -> bool {
    value.kind() == ValueKind::Plain
        && value
            .downcast_object_ref::<super::objects::DateValue>()
            .is_none()
        && value
            .downcast_object_ref::<super::objects::PathValue>()
            .is_none()
}

/// Jinja2's `sequence`: anything with a length and item access, which
/// includes strings, mappings and undefined values.
fn is_sequence(value: Value) -> bool {
    matches!(
        value.kind(),
        ValueKind::Undefined | ValueKind::String | ValueKind::Seq | ValueKind::Map
    )
}

/// `str(value).islower()` or `.isupper()`.
fn has_case(value: &Value, upper: bool) -> bool {
    let text = jinja_str(value);
    let mut cased = false;
    for ch in text.chars() {
        if ch.is_uppercase() || ch.is_lowercase() {
            cased = true;
            if ch.is_uppercase() != upper {
                return false;
            }
        }
    }
    cased
}

/// `value % divisor` for the number tests, with Python's sign rule.
fn remainder(value: &Value, divisor: f64) -> Result<f64, Error> {
    let number = Number::from_value(value).ok_or_else(|| {
        invalid(format!(
            "not all arguments converted during string formatting: `{}` is not a number",
            jinja_str(value)
        ))
    })?;
    let result = number.as_f64() % divisor;
    Ok(if result != 0.0 && (result < 0.0) != (divisor < 0.0) {
        result + divisor
    } else {
        result
    })
}

/// Python's `is`: the same list or dict object, equal `None`s and
/// booleans, and equal small integers and strings (which CPython shares).
fn is_same(value: Value, other: Value) -> bool {
    if let (Some(left), Some(right)) = (
        value.downcast_object::<PyList>(),
        other.downcast_object::<PyList>(),
    ) {
        return std::sync::Arc::ptr_eq(&left, &right);
    }
    if let (Some(left), Some(right)) = (
        value.downcast_object::<PyDict>(),
        other.downcast_object::<PyDict>(),
    ) {
        return std::sync::Arc::ptr_eq(&left, &right);
    }
    if value.kind() != other.kind() {
        return false;
    }
    match value.kind() {
        ValueKind::None | ValueKind::Bool | ValueKind::String => value == other,
        ValueKind::Number => {
            value.is_integer()
                && other.is_integer()
                && value == other
                && i128::try_from(value).is_ok_and(|number| (-5..=256).contains(&number))
        }
        _ => false,
    }
}
