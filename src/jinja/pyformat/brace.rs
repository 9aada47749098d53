//! `str.format`: replacement fields and the format spec mini-language.

use minijinja::value::{Kwargs, ValueKind};
use minijinja::{Error, Value};

use super::{Number, character, exponent, fixed, general, integer_digits};
use crate::jinja::objects::{check_padding, invalid, type_name};
use crate::jinja::repr::{float_repr, jinja_repr, jinja_str};

/// Formats `format` with positional `args` and keyword `kwargs`, as
/// `format.format(*args, **kwargs)` does.
pub fn format_braces(format: &str, args: &[Value], kwargs: &Kwargs) -> Result<String, Error> {
    let mut formatter = BraceFormatter {
        args,
        kwargs,
        next_auto: Some(0),
    };
    formatter.format(format, 2)
}

struct BraceFormatter<'a> {
    args: &'a [Value],
    kwargs: &'a Kwargs,
    /// The next automatic field number, or `None` once a field was numbered
    /// by hand (Python forbids mixing the two).
    next_auto: Option<usize>,
}

impl BraceFormatter<'_> {
    /// Formats `format`; `depth` limits nested fields inside format specs.
    fn format(&mut self, format: &str, depth: usize) -> Result<String, Error> {
        let mut out = String::with_capacity(format.len());
        let mut rest = format;
        while let Some(index) = rest.find(['{', '}']) {
            out.push_str(&rest[..index]);
            let brace = rest.as_bytes()[index];
            rest = &rest[index + 1..];
            if rest.as_bytes().first() == Some(&brace) {
                out.push(char::from(brace));
                rest = &rest[1..];
                continue;
            }
            if brace == b'}' {
                return Err(invalid("Single '}' encountered in format string"));
            }
            let end =
                field_end(rest).ok_or_else(|| invalid("expected '}' before end of string"))?;
            if depth == 0 {
                return Err(invalid("Max string recursion exceeded"));
            }
            out.push_str(&self.field(&rest[..end], depth)?);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Formats one `name!conversion:spec` field.
    fn field(&mut self, field: &str, depth: usize) -> Result<String, Error> {
        let (name_and_conversion, spec) = split_spec(field);
        let (name, conversion) = match name_and_conversion.split_once('!') {
            Some((name, conversion)) => (name, Some(conversion)),
            None => (name_and_conversion, None),
        };
        let value = self.lookup(name)?;
        let value = match conversion {
            None => value,
            Some("s") => Value::from(jinja_str(&value)),
            Some("r") | Some("a") => Value::from(jinja_repr(&value)),
            Some(other) => {
                return Err(invalid(format!("Unknown conversion specifier {other}")));
            }
        };
        let spec = if spec.contains('{') {
            self.format(spec, depth - 1)?
        } else {
            spec.to_string()
        };
        format_value(&value, &spec)
    }

    /// Resolves `0`, `name`, `0.attr` or `name[key]`.
    fn lookup(&mut self, name: &str) -> Result<Value, Error> {
        let first_end = name.find(['.', '[']).unwrap_or(name.len());
        let (first, mut accessors) = name.split_at(first_end);
        let mut value = if first.is_empty() {
            let index = self.next_auto.ok_or_else(|| {
                invalid(
                    "cannot switch from manual field specification to automatic field numbering",
                )
            })?;
            self.next_auto = Some(index + 1);
            self.positional(index)?
        } else if let Ok(index) = first.parse::<usize>() {
            if self.next_auto.is_some_and(|next| next > 0) {
                return Err(invalid(
                    "cannot switch from automatic field numbering to manual field specification",
                ));
            }
            self.next_auto = None;
            self.positional(index)?
        } else {
            self.kwargs
                .peek::<Value>(first)
                .map_err(|_| invalid(format!("KeyError: '{first}'")))?
        };
        while !accessors.is_empty() {
            let (next, rest) = accessor(&value, accessors)?;
            value = next;
            accessors = rest;
        }
        Ok(value)
    }

    fn positional(&self, index: usize) -> Result<Value, Error> {
        self.args.get(index).cloned().ok_or_else(|| {
            invalid(format!(
                "Replacement index {index} out of range for positional args tuple"
            ))
        })
    }
}

/// Applies one `.attr` or `[key]` accessor and returns the rest.
fn accessor<'a>(value: &Value, accessors: &'a str) -> Result<(Value, &'a str), Error> {
    if let Some(rest) = accessors.strip_prefix('.') {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let attribute = &rest[..end];
        let found = value.get_attr(attribute)?;
        if found.is_undefined() {
            return Err(invalid(format!(
                "'{}' object has no attribute '{attribute}'",
                type_name(value)
            )));
        }
        return Ok((found, &rest[end..]));
    }
    let rest = &accessors[1..];
    let end = rest
        .find(']')
        .ok_or_else(|| invalid("Missing ']' in format string"))?;
    let key = &rest[..end];
    let key = match key.parse::<i64>() {
        Ok(index) => Value::from(index),
        Err(_) => Value::from(key),
    };
    let found = value.get_item(&key)?;
    if found.is_undefined() {
        return Err(invalid(format!("KeyError: {}", jinja_repr(&key))));
    }
    Ok((found, &rest[end + 1..]))
}

/// Finds the `}` that closes a field, skipping nested `{...}` in its spec.
fn field_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_key = false;
    for (index, ch) in text.char_indices() {
        match ch {
            '[' => in_key = true,
            ']' => in_key = false,
            '{' if !in_key => depth += 1,
            '}' if !in_key => {
                if depth == 0 {
                    return Some(index);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

/// Splits a field at the `:` that starts its spec, outside `[...]`.
fn split_spec(field: &str) -> (&str, &str) {
    let mut in_key = false;
    for (index, ch) in field.char_indices() {
        match ch {
            '[' => in_key = true,
            ']' => in_key = false,
            ':' if !in_key => return (&field[..index], &field[index + 1..]),
            _ => {}
        }
    }
    (field, "")
}

/// A parsed `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
#[derive(Default)]
struct FormatSpec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    alternate: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse_format_spec(spec: &str) -> Result<FormatSpec, Error> {
    let chars: Vec<char> = spec.chars().collect();
    let mut parsed = FormatSpec::default();
    let mut index = 0;
    if chars.len() >= 2 && "<>=^".contains(chars[1]) {
        parsed.fill = Some(chars[0]);
        parsed.align = Some(chars[1]);
        index = 2;
    } else if !chars.is_empty() && "<>=^".contains(chars[0]) {
        parsed.align = Some(chars[0]);
        index = 1;
    }
    if let Some(&sign) = chars.get(index).filter(|ch| "+- ".contains(**ch)) {
        parsed.sign = Some(sign);
        index += 1;
    }
    if chars.get(index) == Some(&'z') {
        index += 1;
    }
    if chars.get(index) == Some(&'#') {
        parsed.alternate = true;
        index += 1;
    }
    if chars.get(index) == Some(&'0') {
        parsed.zero = true;
        index += 1;
    }

    let width_start = index;
    while chars.get(index).is_some_and(char::is_ascii_digit) {
        index += 1;
    }
    parsed.width = chars[width_start..index]
        .iter()
        .collect::<String>()
        .parse()
        .unwrap_or(0);
    if let Some(&grouping) = chars.get(index).filter(|ch| matches!(**ch, ',' | '_')) {
        parsed.grouping = Some(grouping);
        index += 1;
    }

    if chars.get(index) == Some(&'.') {
        index += 1;
        let start = index;
        while chars.get(index).is_some_and(char::is_ascii_digit) {
            index += 1;
        }
        if start == index {
            return Err(invalid("Format specifier missing precision"));
        }
        parsed.precision = chars[start..index].iter().collect::<String>().parse().ok();
    }
    check_padding("format width", parsed.width as i128)?;
    check_padding("format precision", parsed.precision.unwrap_or(0) as i128)?;
    parsed.kind = chars.get(index).copied();
    if index + usize::from(parsed.kind.is_some()) != chars.len() {
        return Err(invalid("Invalid format specifier"));
    }
    Ok(parsed)
}

/// Formats one value by a spec, as `format(value, spec)` does.
pub fn format_value(value: &Value, spec: &str) -> Result<String, Error> {
    if spec.is_empty() {
        return Ok(jinja_str(value));
    }
    let parsed = parse_format_spec(spec)?;
    if value.kind() != ValueKind::Bool
        && let Some(number) = Number::from_value(value)
    {
        return format_number(number, &parsed, spec);
    }
    if value.kind() == ValueKind::Bool && parsed.kind.is_some_and(|kind| kind != 's') {
        return format_number(Number::Int(i128::from(value.is_true())), &parsed, spec);
    }
    if value.kind() != ValueKind::String && value.kind() != ValueKind::Bool {
        return Err(invalid(format!(
            "unsupported format string passed to {}.__format__",
            type_name(value)
        )));
    }
    if parsed.kind.is_some_and(|kind| kind != 's') {
        return Err(invalid(format!(
            "Unknown format code '{}' for object of type '{}'",
            parsed.kind.unwrap_or('s'),
            type_name(value)
        )));
    }
    if parsed.sign.is_some() || parsed.alternate || parsed.grouping.is_some() {
        return Err(invalid("Sign not allowed in string format specifier"));
    }
    let mut text = jinja_str(value);
    if let Some(precision) = parsed.precision {
        text = text.chars().take(precision).collect();
    }
    Ok(align(&parsed, "", &text, '<'))
}

fn format_number(number: Number, spec: &FormatSpec, raw: &str) -> Result<String, Error> {
    let kind = spec.kind;
    let (negative, body) = match (number, kind) {
        (Number::Int(value), None | Some('d' | 'n' | 'b' | 'o' | 'x' | 'X' | 'c')) => {
            if spec.precision.is_some() {
                return Err(invalid("Precision not allowed in integer format specifier"));
            }
            (value < 0, integer_body(value, spec)?)
        }
        (Number::Float(_), Some('d' | 'b' | 'o' | 'x' | 'X' | 'c')) => {
            return Err(invalid(format!(
                "Unknown format code '{}' for object of type 'float'",
                kind.unwrap_or('d')
            )));
        }
        (_, None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%')) => {
            let value = number.as_f64();
            let negative = value.is_sign_negative() && !value.is_nan();
            (negative, float_body(value.abs(), spec))
        }
        (_, Some(other)) => {
            return Err(invalid(format!(
                "Unknown format code '{other}' for object of type '{}' in `{raw}`",
                match number {
                    Number::Int(_) => "int",
                    Number::Float(_) => "float",
                }
            )));
        }
    };
    let sign = match (negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    Ok(align(spec, sign, &body, '>'))
}

fn integer_body(value: i128, spec: &FormatSpec) -> Result<String, Error> {
    let kind = spec.kind.unwrap_or('d');
    if kind == 'c' {
        return character(&Value::from(value), "%c");
    }
    let (base, prefix) = match kind {
        'b' => (2, "0b"),
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let digits = integer_digits(value, base, kind == 'X');
    let digits = match spec.grouping {
        Some(separator) => group(&digits, separator, if base == 10 { 3 } else { 4 }),
        None => digits,
    };
    Ok(if spec.alternate {
        format!("{prefix}{digits}")
    } else {
        digits
    })
}

fn float_body(value: f64, spec: &FormatSpec) -> String {
    let alternate = spec.alternate;
    let mut text = match spec.kind {
        Some('e' | 'E') => exponent(value, spec.precision.unwrap_or(6), alternate),
        Some('f' | 'F') => fixed(value, spec.precision.unwrap_or(6), alternate),
        Some('g' | 'G' | 'n') => general(value, spec.precision.unwrap_or(6), alternate),
        Some('%') => format!(
            "{}%",
            fixed(value * 100.0, spec.precision.unwrap_or(6), alternate)
        ),
        _ => match spec.precision {
            // No type: like `g`, but a fixed-point result keeps a digit
            // after the point.
            Some(precision) => {
                let text = general(value, precision, alternate);
                if text.contains(['.', 'e', 'n', 'i']) {
                    text
                } else {
                    format!("{text}.0")
                }
            }
            None => float_repr(value),
        },
    };
    if matches!(spec.kind, Some('E' | 'F' | 'G')) {
        text = text.to_uppercase();
    }
    match spec.grouping {
        Some(separator) => {
            let end = text.find(['.', 'e', '%']).unwrap_or(text.len());
            format!("{}{}", group(&text[..end], separator, 3), &text[end..])
        }
        None => text,
    }
}

/// Inserts `separator` between groups of `size` digits from the right.
fn group(digits: &str, separator: char, size: usize) -> String {
    let chars: Vec<char> = digits.chars().collect();
    let mut out = String::with_capacity(digits.len() + digits.len() / size);
    for (index, ch) in chars.iter().enumerate() {
        if index > 0 && (chars.len() - index).is_multiple_of(size) && ch.is_ascii_alphanumeric() {
            out.push(separator);
        }
        out.push(*ch);
    }
    out
}

/// Pads `sign` + `body` to the width with the fill and alignment. The `=`
/// alignment (and the `0` flag) puts the padding between sign and digits.
fn align(spec: &FormatSpec, sign: &str, body: &str, default_align: char) -> String {
    let len = sign.chars().count() + body.chars().count();
    if len >= spec.width {
        return format!("{sign}{body}");
    }
    let (fill, alignment) = match (spec.fill, spec.align) {
        (fill, Some(alignment)) => (fill.unwrap_or(' '), alignment),
        (_, None) if spec.zero => ('0', '='),
        _ => (' ', default_align),
    };
    let padding = spec.width - len;
    let repeat = |count: usize| fill.to_string().repeat(count);
    match alignment {
        '<' => format!("{sign}{body}{}", repeat(padding)),
        '^' => format!(
            "{}{sign}{body}{}",
            repeat(padding / 2),
            repeat(padding - padding / 2)
        ),
        '=' => format!("{sign}{}{body}", repeat(padding)),
        _ => format!("{}{sign}{body}", repeat(padding)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(format: &str, args: &[Value]) -> String {
        format_braces(
            format,
            args,
            &Kwargs::from_iter([("name", Value::from("n"))]),
        )
        .unwrap()
    }

    #[test]
    fn fields_and_specs_match_python() {
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            (
                "{} {:>5} {:05.2f} {name}",
                vec![Value::from(1), Value::from("ab"), Value::from(1.23456)],
                "1    ab 01.23 n",
            ),
            (
                "{0} {1} {0}",
                vec![Value::from("a"), Value::from("b")],
                "a b a",
            ),
            ("{:,}", vec![Value::from(1234567)], "1,234,567"),
            (
                "{:x} {:#X} {:b}",
                vec![Value::from(255), Value::from(255), Value::from(5)],
                "ff 0XFF 101",
            ),
            ("{!r}", vec![Value::from("x")], "'x'"),
            ("{:e}", vec![Value::from(1234.5)], "1.234500e+03"),
            ("{:%}", vec![Value::from(0.5)], "50.000000%"),
            (
                "{:^7}|{:*<6}",
                vec![Value::from("ab"), Value::from("ab")],
                "  ab   |ab****",
            ),
            (
                "{:g} {}",
                vec![Value::from(1e-5), Value::from(1e16)],
                "1e-05 1e+16",
            ),
            (
                "{:.3} {:.3}",
                vec![Value::from(1.0), Value::from(1234.5)],
                "1.0 1.23e+03",
            ),
            ("{:+d} {: d}", vec![Value::from(3), Value::from(3)], "+3  3"),
            ("{:08.3f}", vec![Value::from(-1.23456)], "-001.235"),
            ("{{}} {}", vec![Value::from(true)], "{} True"),
            ("{:d}", vec![Value::from(true)], "1"),
            ("{:_x}", vec![Value::from(0xffffff)], "ff_ffff"),
            ("{:{}}", vec![Value::from("a"), Value::from(3)], "a  "),
        ];
        for (template, args, expected) in cases {
            assert_eq!(format(template, &args), expected, "{template}");
        }
    }

    #[test]
    fn format_errors_match_python_cases() {
        let kwargs = Kwargs::from_iter([("a", Value::from(1))]);
        assert!(format_braces("{} {0}", &[Value::from(1)], &kwargs).is_err());
        assert!(format_braces("{1}", &[Value::from(1)], &kwargs).is_err());
        assert!(format_braces("{:d}", &[Value::from("x")], &kwargs).is_err());
        assert!(format_braces("{b}", &[], &kwargs).is_err());
        assert!(format_braces("}", &[], &kwargs).is_err());
    }
}
