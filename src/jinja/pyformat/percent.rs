//! `printf`-style formatting: Python's `format % args`.

use std::iter::Peekable;
use std::str::CharIndices;

use minijinja::value::ValueKind;
use minijinja::{Error, Value};

use super::{Number, character, exponent, fixed, general, integer_digits};
use crate::jinja::objects::{check_padding, invalid, type_name};
use crate::jinja::repr::{jinja_repr, jinja_str};

/// One `%` conversion specifier.
#[derive(Default)]
struct Spec {
    key: Option<String>,
    left: bool,
    zero: bool,
    plus: bool,
    space: bool,
    alternate: bool,
    width: usize,
    precision: Option<usize>,
    conversion: char,
}

/// The values for the conversions: a tuple's items in order, or a mapping
/// for `%(name)s`.
struct Arguments<'a> {
    positional: Vec<Value>,
    next: usize,
    mapping: Option<&'a Value>,
}

impl Arguments<'_> {
    fn next_value(&mut self) -> Result<Value, Error> {
        let value = self
            .positional
            .get(self.next)
            .cloned()
            .ok_or_else(|| invalid("not enough arguments for format string"))?;
        self.next += 1;
        Ok(value)
    }

    fn next_count(&mut self) -> Result<usize, Error> {
        let value = self.next_value()?;
        match Number::from_value(&value) {
            Some(Number::Int(count)) => Ok(usize::try_from(count).unwrap_or(0)),
            _ => Err(invalid("* wants int")),
        }
    }
}

/// Formats `format % args` as Python does. A tuple supplies one value per
/// conversion, a mapping serves `%(name)s`, and any other value is a single
/// argument.
pub fn format_percent(format: &str, args: &Value) -> Result<String, Error> {
    let mut arguments = Arguments {
        positional: if args.is_tuple() {
            args.try_iter()?.collect()
        } else {
            vec![args.clone()]
        },
        next: 0,
        mapping: (args.kind() == ValueKind::Map).then_some(args),
    };
    let mut out = String::with_capacity(format.len());
    let mut chars = format.char_indices().peekable();
    while let Some((_, ch)) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        let spec = parse_spec(format, &mut chars, &mut arguments)?;
        if spec.conversion == '%' {
            out.push('%');
            continue;
        }
        let value = match &spec.key {
            Some(key) => {
                let mapping = arguments
                    .mapping
                    .ok_or_else(|| invalid("format requires a mapping"))?;
                let found = mapping.get_item(&Value::from(key.as_str()))?;
                if found.is_undefined() {
                    return Err(invalid(format!("key '{key}' not found for format")));
                }
                found
            }
            None => arguments.next_value()?,
        };
        out.push_str(&convert(&spec, &value)?);
    }
    if arguments.next < arguments.positional.len() && arguments.mapping.is_none() {
        return Err(invalid(
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}

fn parse_spec(
    format: &str,
    chars: &mut Peekable<CharIndices<'_>>,
    arguments: &mut Arguments<'_>,
) -> Result<Spec, Error> {
    let mut spec = Spec::default();
    if chars.next_if(|(_, ch)| *ch == '(').is_some() {
        spec.key = Some(parse_key(chars)?);
    }
    while let Some((_, flag)) = chars.next_if(|(_, ch)| "-+ #0".contains(*ch)) {
        match flag {
            '-' => spec.left = true,
            '+' => spec.plus = true,
            ' ' => spec.space = true,
            '#' => spec.alternate = true,
            _ => spec.zero = true,
        }
    }
    if chars.next_if(|(_, ch)| *ch == '*').is_some() {
        spec.width = arguments.next_count()?;
    } else {
        spec.width = parse_digits(chars).unwrap_or(0);
    }
    if chars.next_if(|(_, ch)| *ch == '.').is_some() {
        spec.precision = if chars.next_if(|(_, ch)| *ch == '*').is_some() {
            Some(arguments.next_count()?)
        } else {
            Some(parse_digits(chars).unwrap_or(0))
        };
    }
    check_padding("format width", spec.width as i128)?;
    check_padding("format precision", spec.precision.unwrap_or(0) as i128)?;
    while chars.next_if(|(_, ch)| "hlL".contains(*ch)).is_some() {}
    let (index, conversion) = chars.next().ok_or_else(|| invalid("incomplete format"))?;
    if !"diouxXeEfFgGcrsa%".contains(conversion) {
        return Err(invalid(format!(
            "unsupported format character '{conversion}' ({:#x}) at index {index}",
            conversion as u32
        )));
    }
    let _ = format;
    spec.conversion = conversion;
    Ok(spec)
}

/// Reads a `%(name)` key up to its balanced closing parenthesis.
fn parse_key(chars: &mut Peekable<CharIndices<'_>>) -> Result<String, Error> {
    let mut depth = 1;
    let mut key = String::new();
    for (_, ch) in chars.by_ref() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(key);
                }
            }
            _ => {}
        }
        key.push(ch);
    }
    Err(invalid("incomplete format key"))
}

fn parse_digits(chars: &mut Peekable<CharIndices<'_>>) -> Option<usize> {
    let mut digits = String::new();
    while let Some((_, digit)) = chars.next_if(|(_, ch)| ch.is_ascii_digit()) {
        digits.push(digit);
    }
    digits.parse().ok()
}

fn convert(spec: &Spec, value: &Value) -> Result<String, Error> {
    let text = match spec.conversion {
        's' | 'r' | 'a' => {
            let text = match spec.conversion {
                's' => jinja_str(value),
                'r' => jinja_repr(value),
                _ => ascii(&jinja_repr(value)),
            };
            match spec.precision {
                Some(precision) => text.chars().take(precision).collect(),
                None => text,
            }
        }
        'c' => character(value, "%c")?,
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => return integer(spec, value),
        _ => return float(spec, value),
    };
    Ok(pad(spec, "", &text, false))
}

fn integer(spec: &Spec, value: &Value) -> Result<String, Error> {
    let conversion = spec.conversion;
    let number = match Number::from_value(value) {
        Some(Number::Int(number)) => number,
        Some(Number::Float(number)) if matches!(conversion, 'd' | 'i' | 'u') => {
            if !number.is_finite() {
                return Err(invalid(format!("cannot convert float {number} to integer")));
            }
            number.trunc() as i128
        }
        Some(Number::Float(_)) => {
            return Err(invalid(format!(
                "%{conversion} format: an integer is required, not float"
            )));
        }
        None => {
            let expected = if matches!(conversion, 'd' | 'i' | 'u') {
                "a real number"
            } else {
                "an integer"
            };
            return Err(invalid(format!(
                "%{conversion} format: {expected} is required, not {}",
                type_name(value)
            )));
        }
    };
    let (base, prefix) = match conversion {
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let mut digits = integer_digits(number, base, conversion == 'X');
    if let Some(precision) = spec.precision
        && digits.len() < precision
    {
        digits.insert_str(0, &"0".repeat(precision - digits.len()));
    }
    let mut sign = sign(spec, number < 0).to_string();
    if spec.alternate {
        sign.push_str(prefix);
    }
    Ok(pad(spec, &sign, &digits, true))
}

fn float(spec: &Spec, value: &Value) -> Result<String, Error> {
    let number = Number::from_value(value)
        .ok_or_else(|| invalid(format!("must be real number, not {}", type_name(value))))?
        .as_f64();
    let precision = spec.precision.unwrap_or(6);
    let magnitude = number.abs();
    let mut digits = match spec.conversion.to_ascii_lowercase() {
        'e' => exponent(magnitude, precision, spec.alternate),
        'f' => fixed(magnitude, precision, spec.alternate),
        _ => general(magnitude, precision, spec.alternate),
    };
    if spec.conversion.is_ascii_uppercase() {
        digits = digits.to_uppercase();
    }
    let negative = number.is_sign_negative() && !number.is_nan();
    let finite = number.is_finite();
    Ok(pad(spec, sign(spec, negative), &digits, finite))
}

fn sign(spec: &Spec, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    }
}

/// Pads `sign` + `digits` to the width: spaces on the left, spaces on the
/// right with `-`, or zeros after the sign with `0` on numbers.
fn pad(spec: &Spec, sign: &str, digits: &str, numeric: bool) -> String {
    let len = sign.chars().count() + digits.chars().count();
    if len >= spec.width {
        return format!("{sign}{digits}");
    }
    let fill = spec.width - len;
    if spec.left {
        format!("{sign}{digits}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{sign}{digits}", " ".repeat(fill))
    }
}

/// Python's `ascii()`: escapes every character past ASCII.
fn ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        let code = ch as u32;
        if code < 0x80 {
            out.push(ch);
        } else if code <= 0xff {
            out.push_str(&format!("\\x{code:02x}"));
        } else if code <= 0xffff {
            out.push_str(&format!("\\u{code:04x}"));
        } else {
            out.push_str(&format!("\\U{code:08x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::value::Tuple;

    fn tuple(items: Vec<Value>) -> Value {
        Value::from(Tuple::from(items))
    }

    #[test]
    fn percent_conversions_match_python() {
        let cases: Vec<(&str, Value, &str)> = vec![
            (
                "%s-%03d",
                tuple(vec![Value::from("a"), Value::from(7)]),
                "a-007",
            ),
            ("%.2f", Value::from(1.23456), "1.23"),
            ("%x %X %o", tuple(vec![Value::from(255); 3]), "ff FF 377"),
            (
                "%#x %#o",
                tuple(vec![Value::from(255), Value::from(8)]),
                "0xff 0o10",
            ),
            ("%5.1f%%", Value::from(2.25), "  2.2%"),
            (
                "%-5s|%5s",
                tuple(vec![Value::from("a"), Value::from("b")]),
                "a    |    b",
            ),
            (
                "%+d % d",
                tuple(vec![Value::from(5), Value::from(5)]),
                "+5  5",
            ),
            ("%e", Value::from(12345.678), "1.234568e+04"),
            (
                "%g %G",
                tuple(vec![Value::from(0.00001), Value::from(1e20)]),
                "1e-05 1E+20",
            ),
            ("%r", Value::from("x"), "'x'"),
            ("%c", Value::from(65), "A"),
            ("%d", Value::from(3.7), "3"),
            ("%.3d", Value::from(5), "005"),
            ("%s", Value::from(true), "True"),
            ("%s", Value::from(()), "None"),
            ("%*d", tuple(vec![Value::from(4), Value::from(7)]), "   7"),
        ];
        for (format, args, expected) in cases {
            assert_eq!(format_percent(format, &args).unwrap(), expected, "{format}");
        }
    }

    #[test]
    fn percent_argument_errors() {
        let two = tuple(vec![Value::from(1), Value::from(2)]);
        assert!(format_percent("%s", &two).is_err());
        assert!(format_percent("%s %s %s", &two).is_err());
        assert!(format_percent("%d", &Value::from("x")).is_err());
        assert!(format_percent("%q", &Value::from(1)).is_err());
        assert!(format_percent("%", &Value::from(1)).is_err());
    }
}
