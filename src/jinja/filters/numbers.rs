//! Jinja2's number filters, with Python's `int()`, `float()` and `round()`.

use minijinja::value::{Kwargs, ValueKind};
use minijinja::{Error, ErrorKind, State, Value};

use super::{FilterFn, bind};
use crate::jinja::methods::is_python_space;
use crate::jinja::objects::{invalid, type_name};
use crate::jinja::pyformat::{Number, fixed};

pub const FILTERS: &[(&str, FilterFn)] = &[
    ("int", int),
    ("float", float),
    ("round", round),
    ("abs", abs),
    ("filesizeformat", filesizeformat),
];

/// Undefined values fail in `int()` and `float()`, as Jinja2's `Undefined`
/// does whichever undefined class is configured.
fn reject_undefined(value: &Value, filter: &str) -> Result<(), Error> {
    if value.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            format!("`{filter}` of an undefined value"),
        ));
    }
    Ok(())
}

/// `int(default=0, base=10)`: Python's `int()`, then `int(float(value))`,
/// then the default.
fn int(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("int", &["default", "base"], args, kwargs)?;
    reject_undefined(&value, "int")?;
    let base = u32::try_from(bound.int(1, 10)?).unwrap_or(10);
    let converted = match value.kind() {
        ValueKind::String => {
            let text = value.as_str().unwrap_or_default();
            parse_int(text, base).or_else(|| parse_float(text).and_then(truncate))
        }
        _ => match Number::from_value(&value) {
            Some(Number::Int(number)) => Some(number),
            Some(Number::Float(number)) => truncate(number),
            None => None,
        },
    };
    Ok(match converted {
        Some(number) => Value::from(number),
        None => bound.value(0).cloned().unwrap_or_else(|| Value::from(0)),
    })
}

fn truncate(number: f64) -> Option<i128> {
    number.is_finite().then(|| number.trunc() as i128)
}

/// Python's `int(text, base)`: surrounding whitespace, a sign, the base's
/// prefix (any prefix with base 0) and single underscores between digits.
pub fn parse_int(text: &str, base: u32) -> Option<i128> {
    let text = text.trim_matches(is_python_space);
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let lower = digits.to_ascii_lowercase();
    let prefixed = |prefix: &str| lower.starts_with(prefix).then(|| &digits[2..]);
    let (base, digits) = match base {
        0 => {
            if let Some(rest) = prefixed("0x") {
                (16, rest)
            } else if let Some(rest) = prefixed("0o") {
                (8, rest)
            } else if let Some(rest) = prefixed("0b") {
                (2, rest)
            } else if digits.trim_start_matches('0').is_empty() || !digits.starts_with('0') {
                (10, digits)
            } else {
                return None;
            }
        }
        16 => (16, prefixed("0x").unwrap_or(digits)),
        8 => (8, prefixed("0o").unwrap_or(digits)),
        2 => (2, prefixed("0b").unwrap_or(digits)),
        3..=36 => (base, digits),
        _ => return None,
    };
    // A prefix may be followed by one underscore: `0x_ff`.
    let digits = if digits.len() < text.len() && base != 10 {
        digits.strip_prefix('_').unwrap_or(digits)
    } else {
        digits
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let magnitude = i128::from_str_radix(&digits.replace('_', ""), base).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// Python's `float(text)`: whitespace, a sign, `inf`/`infinity`/`nan` in
/// any case, and single underscores between digits.
pub fn parse_float(text: &str) -> Option<f64> {
    let text = text.trim_matches(is_python_space);
    let unsigned = text.trim_start_matches(['+', '-']);
    if text.len() - unsigned.len() > 1 {
        return None;
    }
    let negative = text.starts_with('-');
    let special = match unsigned.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(number) = special {
        return Some(if negative { -number } else { number });
    }

    let valid = !unsigned.is_empty()
        && unsigned
            .chars()
            .all(|ch| ch.is_ascii_digit() || matches!(ch, '.' | 'e' | 'E' | '+' | '-' | '_'))
        && !unsigned.contains("__");
    if !valid {
        return None;
    }
    // Underscores must sit between digits.
    let bytes = unsigned.as_bytes();
    for (index, byte) in bytes.iter().enumerate() {
        if *byte == b'_' {
            let before = index.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(index + 1);
            if !before.is_some_and(|b| b.is_ascii_digit()) || !after.is_some_and(u8::is_ascii_digit)
            {
                return None;
            }
        }
    }
    text.replace('_', "").parse().ok()
}

/// `float(default=0.0)`.
fn float(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("float", &["default"], args, kwargs)?;
    reject_undefined(&value, "float")?;
    let converted = match value.kind() {
        ValueKind::String => parse_float(value.as_str().unwrap_or_default()),
        _ => Number::from_value(&value).map(Number::as_f64),
    };
    Ok(match converted {
        Some(number) => Value::from(number),
        None => bound.value(0).cloned().unwrap_or_else(|| Value::from(0.0)),
    })
}

/// `round(precision=0, method='common')`: Python's `round()` (half to even
/// on the exact binary value), or `ceil`/`floor` at the precision.
fn round(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("round", &["precision", "method"], args, kwargs)?;
    let precision = bound.int(0, 0)?;
    let method = bound.text(1, "common");
    let number = Number::from_value(&value).ok_or_else(|| {
        invalid(format!(
            "type {} doesn't define __round__ method",
            type_name(&value)
        ))
    })?;
    let scale = 10f64.powi(i32::try_from(precision).unwrap_or(0));
    match method.as_str() {
        "common" => Ok(match number {
            Number::Int(integer) if precision >= 0 => Value::from(integer),
            Number::Int(integer) => {
                Value::from((round_half_even(integer as f64 * scale) / scale) as i128)
            }
            Number::Float(number) => Value::from(python_round(number, precision)),
        }),
        "ceil" => Ok(Value::from((number.as_f64() * scale).ceil() / scale)),
        "floor" => Ok(Value::from((number.as_f64() * scale).floor() / scale)),
        _ => Err(invalid("method must be common, ceil or floor")),
    }
}

/// Python's `round(float, digits)`.
fn python_round(number: f64, digits: i64) -> f64 {
    if !number.is_finite() || digits > 22 {
        return number;
    }
    if digits >= 0 {
        return fixed(number, digits as usize, false)
            .parse()
            .unwrap_or(number);
    }
    let scale = 10f64.powi(i32::try_from(-digits).unwrap_or(308));
    round_half_even(number / scale) * scale
}

fn round_half_even(number: f64) -> f64 {
    let rounded = number.round();
    if (number - number.trunc()).abs() == 0.5 && rounded % 2.0 != 0.0 {
        rounded - number.signum()
    } else {
        rounded
    }
}

fn abs(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("abs", &[], args, kwargs)?;
    match Number::from_value(&value) {
        Some(Number::Int(number)) => Ok(Value::from(number.abs())),
        Some(Number::Float(number)) => Ok(Value::from(number.abs())),
        None => Err(invalid(format!(
            "bad operand type for abs(): '{}'",
            type_name(&value)
        ))),
    }
}

/// `filesizeformat(binary=False)`: `1 Byte`, `13 Bytes`, `4.1 MB`, `1.0 KiB`.
fn filesizeformat(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind("filesizeformat", &["binary"], args, kwargs)?;
    let binary = bound.flag(0, false);
    let bytes = match value.as_str() {
        Some(text) => parse_float(text),
        None => Number::from_value(&value).map(Number::as_f64),
    }
    .ok_or_else(|| invalid(format!("could not convert {} to float", type_name(&value))))?;
    let base = if binary { 1024.0 } else { 1000.0 };
    let prefixes = if binary {
        ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
    } else {
        ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    };
    if bytes == 1.0 {
        return Ok(Value::from("1 Byte"));
    }
    if bytes < base {
        return Ok(Value::from(format!("{} Bytes", bytes.trunc() as i128)));
    }
    // The first unit the size is below, or the largest one.
    let (index, unit) = (0..prefixes.len())
        .map(|index| (index, base.powi(index as i32 + 2)))
        .find(|(_, unit)| bytes < *unit)
        .unwrap_or((prefixes.len() - 1, base.powi(prefixes.len() as i32 + 1)));
    Ok(Value::from(format!(
        "{} {}",
        fixed(base * bytes / unit, 1, false),
        prefixes[index]
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_parsing_follows_python() {
        assert_eq!(parse_int("  12 ", 10), Some(12));
        assert_eq!(parse_int("0x1A", 16), Some(26));
        assert_eq!(parse_int("1_000", 10), Some(1000));
        assert_eq!(parse_int("0b101", 0), Some(5));
        assert_eq!(parse_int("010", 0), None);
        assert_eq!(parse_int("3.9", 10), None);
        assert_eq!(parse_int("1__0", 10), None);
    }

    #[test]
    fn float_parsing_follows_python() {
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float(" -Infinity "), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert!(parse_float("nan").is_some_and(f64::is_nan));
        assert_eq!(parse_float("1._5"), None);
        assert_eq!(parse_float("x"), None);
    }

    #[test]
    fn round_is_half_even() {
        assert_eq!(python_round(2.5, 0), 2.0);
        assert_eq!(python_round(3.5, 0), 4.0);
        assert_eq!(python_round(1.23456, 2), 1.23);
        assert_eq!(python_round(0.125, 2), 0.12);
        assert_eq!(python_round(1250.0, -2), 1200.0);
    }
}
