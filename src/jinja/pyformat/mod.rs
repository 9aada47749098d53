//! Python's two string formatting languages: `printf`-style (`'%s' % x`,
//! the `format` filter) and `str.format` (`'{:>5}'.format(x)`).
//!
//! Both follow CPython 3.11: conversions, flags, width, precision, fill and
//! alignment, grouping, and the error cases templates hit (missing or extra
//! arguments, a number format applied to a string). The number helpers here
//! are shared by both.

mod brace;
mod percent;

pub use brace::format_braces;
pub use percent::format_percent;

use minijinja::Value;
use minijinja::value::ValueKind;

use super::objects::invalid;

/// A number as Python's `int` or `float`; `bool` counts as `int`.
#[derive(Clone, Copy, Debug)]
pub enum Number {
    Int(i128),
    Float(f64),
}

impl Number {
    /// Reads a number from a template value, or `None` for other kinds.
    pub fn from_value(value: &Value) -> Option<Number> {
        match value.kind() {
            ValueKind::Bool => Some(Number::Int(i128::from(value.is_true()))),
            ValueKind::Number if value.is_integer() => {
                i128::try_from(value.clone()).ok().map(Number::Int)
            }
            ValueKind::Number => f64::try_from(value.clone()).ok().map(Number::Float),
            _ => None,
        }
    }

    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(number) => number as f64,
            Number::Float(number) => number,
        }
    }
}

/// Digits past these precisions are zeros for every `f64`, which has at
/// most 1074 fractional binary digits and 767 significant decimal ones;
/// Rust's formatter rejects precisions past `u16::MAX`.
const MAX_FIXED_DIGITS: usize = 1100;
const MAX_EXPONENT_DIGITS: usize = 800;

/// Formats `number` with `precision` digits after the point, `f` style.
pub fn fixed(number: f64, precision: usize, alternate: bool) -> String {
    if let Some(text) = non_finite(number) {
        return text;
    }
    let exact = precision.min(MAX_FIXED_DIGITS);
    let mut text = format!("{number:.exact$}");
    text.extend(std::iter::repeat_n('0', precision - exact));
    if alternate && precision == 0 {
        text.push('.');
    }
    text
}

/// Formats `number` in scientific notation, `e` style: `1.50e+03`.
pub fn exponent(number: f64, precision: usize, alternate: bool) -> String {
    if let Some(text) = non_finite(number) {
        return text;
    }
    let exact = precision.min(MAX_EXPONENT_DIGITS);
    let text = format!("{number:.exact$e}");
    let (mantissa, power) = text.split_once('e').unwrap_or((&text, "0"));
    let mantissa = format!("{mantissa}{}", "0".repeat(precision - exact));
    let power: i32 = power.parse().unwrap_or(0);
    let sign = if power < 0 { '-' } else { '+' };
    let point = if alternate && precision == 0 { "." } else { "" };
    format!("{mantissa}{point}e{sign}{:02}", power.unsigned_abs())
}

/// Formats `number` in `g` style: `precision` significant digits, fixed or
/// scientific by the exponent, trailing zeros removed unless `alternate`.
pub fn general(number: f64, precision: usize, alternate: bool) -> String {
    if let Some(text) = non_finite(number) {
        return text;
    }
    let precision = precision.clamp(1, MAX_EXPONENT_DIGITS);
    let power = decimal_exponent(number, precision);
    let text = if -4 <= power && power < precision as i32 {
        fixed(number, (precision as i32 - 1 - power) as usize, alternate)
    } else {
        exponent(number, precision - 1, alternate)
    };
    if alternate {
        text
    } else {
        strip_trailing_zeros(&text)
    }
}

/// Returns the exponent of `number` once rounded to `precision` significant
/// digits.
fn decimal_exponent(number: f64, precision: usize) -> i32 {
    if number == 0.0 {
        return 0;
    }
    let text = format!("{:.*e}", precision - 1, number);
    text.split_once('e')
        .and_then(|(_, power)| power.parse().ok())
        .unwrap_or(0)
}

/// Removes zeros after the decimal point, and the point if nothing is left
/// after it, keeping any exponent.
fn strip_trailing_zeros(text: &str) -> String {
    let (mantissa, power) = match text.find('e') {
        Some(index) => text.split_at(index),
        None => (text, ""),
    };
    if !mantissa.contains('.') {
        return text.to_string();
    }
    let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
    format!("{mantissa}{power}")
}

fn non_finite(number: f64) -> Option<String> {
    if number.is_nan() {
        Some("nan".into())
    } else if number.is_infinite() {
        Some(if number > 0.0 { "inf" } else { "-inf" }.into())
    } else {
        None
    }
}

/// Formats an integer in `base` (2, 8, 10 or 16), without sign or prefix.
pub fn integer_digits(number: i128, base: u32, upper: bool) -> String {
    let magnitude = number.unsigned_abs();
    match base {
        2 => format!("{magnitude:b}"),
        8 => format!("{magnitude:o}"),
        16 if upper => format!("{magnitude:X}"),
        16 => format!("{magnitude:x}"),
        _ => magnitude.to_string(),
    }
}

/// Python's `chr()` for the `c` conversion.
pub fn character(value: &Value, conversion: &str) -> Result<String, minijinja::Error> {
    if let Some(text) = value.as_str() {
        if text.chars().count() == 1 {
            return Ok(text.to_string());
        }
        return Err(invalid(format!("{conversion} requires int or char")));
    }
    match Number::from_value(value) {
        Some(Number::Int(code)) => u32::try_from(code)
            .ok()
            .and_then(char::from_u32)
            .map(String::from)
            .ok_or_else(|| invalid(format!("{conversion} arg not in range(0x110000)"))),
        _ => Err(invalid(format!("{conversion} requires int or char"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_format_matches_python() {
        let cases = [
            (0.00001, 6, "1e-05"),
            (1e20, 6, "1e+20"),
            (123456.0, 6, "123456"),
            (1234567.0, 6, "1.23457e+06"),
            (0.5, 6, "0.5"),
            (100.0, 1, "1e+02"),
            (0.0, 6, "0"),
        ];
        for (number, precision, expected) in cases {
            assert_eq!(general(number, precision, false), expected, "{number}");
        }
        assert_eq!(general(1.5, 4, true), "1.500");
    }

    #[test]
    fn exponent_has_two_digit_power() {
        assert_eq!(exponent(12345.678, 6, false), "1.234568e+04");
        assert_eq!(exponent(0.5, 0, true), "5.e-01");
    }
}
