//! Python's `str()` and `repr()` of template values.
//!
//! Jinja2 prints a value with `str(value)`, so `{{ flag }}` shows `True`,
//! `{{ [1, 'a'] }}` shows `[1, 'a']` and `{{ 1e16 }}` shows `1e+16`. This
//! module reproduces CPython 3.11's rules for the kinds of values a template
//! meets: the shortest round-trip float repr, string quoting and escaping,
//! containers (which print their items with `repr()`), dates and the special
//! objects of `objects`. The same rules serve `crate::value::Value` (the
//! engine's plain values) and `minijinja::Value`, so `python_str` and the
//! output formatter agree.

use std::fmt::Write as _;

use minijinja::value::{DynObject, ValueKind};
use unicode_general_category::{GeneralCategory, get_general_category};

use super::objects::{DateValue, DictView, GroupTuple, PathValue, PyDict, PyList, RangeValue};
use crate::value::{Date, DateTime, Value as PlainValue};

/// Python's `repr(float)`: shortest digits that read back as the same
/// number, in positional notation for exponents -5 < e < 16 and in
/// scientific notation (`1e+16`, `1e-05`) otherwise.
pub fn float_repr(number: f64) -> String {
    if number.is_nan() {
        return "nan".into();
    }
    if number.is_infinite() {
        return if number > 0.0 { "inf" } else { "-inf" }.into();
    }
    if number == 0.0 {
        return if number.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .into();
    }

    // Rust's `{:e}` gives the shortest round-trip digits, as Python does.
    let scientific = format!("{number:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();

    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if !(-4..16).contains(&exponent) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let sign = if exponent < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exponent.unsigned_abs());
    } else if exponent < 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exponent - 1) as usize));
        out.push_str(&digits);
    } else {
        let integer_len = exponent as usize + 1;
        if digits.len() <= integer_len {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', integer_len - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..integer_len]);
            out.push('.');
            out.push_str(&digits[integer_len..]);
        }
    }
    out
}

/// Python's `repr(str)`: single quotes unless the text contains `'` and no
/// `"`, with backslash escapes for the quote, backslashes, control
/// characters and characters that `str.isprintable()` rejects.
pub fn string_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ if ch == quote => {
                out.push('\\');
                out.push(ch);
            }
            _ if is_printable(ch) => out.push(ch),
            _ => {
                let code = ch as u32;
                let _ = if code <= 0xff {
                    write!(out, "\\x{code:02x}")
                } else if code <= 0xffff {
                    write!(out, "\\u{code:04x}")
                } else {
                    write!(out, "\\U{code:08x}")
                };
            }
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable()` for one character: everything except the
/// "Other" and "Separator" categories, with the ASCII space allowed.
pub fn is_printable(ch: char) -> bool {
    if ch == ' ' {
        return true;
    }
    !matches!(
        get_general_category(ch),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::SpaceSeparator
    )
}

/// Python's `repr(bytes)`.
fn bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = format!("b{quote}");
    for &byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ if char::from(byte) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push(quote);
    out
}

/// Python's `repr(datetime.date)`.
pub fn date_repr(date: &Date) -> String {
    format!("datetime.date({}, {}, {})", date.year, date.month, date.day)
}

/// Python's `repr(datetime.datetime)`: trailing zero seconds and
/// microseconds are left out, and an offset prints as a `timezone`.
pub fn datetime_repr(datetime: &DateTime) -> String {
    let date = &datetime.date;
    let mut out = format!(
        "datetime.datetime({}, {}, {}, {}, {}",
        date.year, date.month, date.day, datetime.hour, datetime.minute
    );
    if datetime.second != 0 || datetime.microsecond != 0 {
        let _ = write!(out, ", {}", datetime.second);
    }
    if datetime.microsecond != 0 {
        let _ = write!(out, ", {}", datetime.microsecond);
    }
    match datetime.utc_offset {
        None => {}
        Some(0) => out.push_str(", tzinfo=datetime.timezone.utc"),
        Some(offset) => {
            // `timedelta` normalises to non-negative seconds and whole days.
            let days = offset.div_euclid(86_400);
            let seconds = offset.rem_euclid(86_400);
            out.push_str(", tzinfo=datetime.timezone(datetime.timedelta(");
            match (days, seconds) {
                (0, seconds) => {
                    let _ = write!(out, "seconds={seconds}");
                }
                (days, 0) => {
                    let _ = write!(out, "days={days}");
                }
                (days, seconds) => {
                    let _ = write!(out, "days={days}, seconds={seconds}");
                }
            }
            out.push_str("))");
        }
    }
    out.push(')');
    out
}

/// Python's `str()` of a plain value.
pub fn plain_str(value: &PlainValue) -> String {
    match value {
        PlainValue::Str(text) => text.clone(),
        PlainValue::Date(date) => date.to_string(),
        PlainValue::DateTime(datetime) => datetime.to_string(),
        _ => plain_repr(value),
    }
}

/// Python's `repr()` of a plain value.
pub fn plain_repr(value: &PlainValue) -> String {
    let mut out = String::new();
    write_plain_repr(&mut out, value);
    out
}

fn write_plain_repr(out: &mut String, value: &PlainValue) {
    match value {
        PlainValue::Null => out.push_str("None"),
        PlainValue::Bool(flag) => out.push_str(if *flag { "True" } else { "False" }),
        PlainValue::Int(number) => {
            let _ = write!(out, "{number}");
        }
        PlainValue::Float(number) => out.push_str(&float_repr(*number)),
        PlainValue::Str(text) => out.push_str(&string_repr(text)),
        PlainValue::Date(date) => out.push_str(&date_repr(date)),
        PlainValue::DateTime(datetime) => out.push_str(&datetime_repr(datetime)),
        PlainValue::List(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_plain_repr(out, item);
            }
            out.push(']');
        }
        PlainValue::Map(map) => {
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_plain_repr(out, key);
                out.push_str(": ");
                write_plain_repr(out, item);
            }
            out.push('}');
        }
    }
}

/// Python's `str()` of a template value: what `{{ value }}` prints.
pub fn jinja_str(value: &minijinja::Value) -> String {
    match value.kind() {
        ValueKind::Undefined => String::new(),
        ValueKind::String => value.as_str().unwrap_or_default().to_string(),
        _ => {
            if let Some(text) = object_str(value) {
                return text;
            }
            jinja_repr(value)
        }
    }
}

/// Python's `repr()` of a template value.
pub fn jinja_repr(value: &minijinja::Value) -> String {
    let mut out = String::new();
    ReprWriter::default().write(&mut out, value);
    out
}

/// `str()` for objects whose `str()` differs from their `repr()`.
fn object_str(value: &minijinja::Value) -> Option<String> {
    if let Some(date) = value.downcast_object_ref::<DateValue>() {
        return Some(date.to_string());
    }
    if let Some(path) = value.downcast_object_ref::<PathValue>() {
        return Some(path.as_str().to_string());
    }
    None
}

/// Writes reprs while tracking the containers being written, so a list
/// that contains itself prints `[...]` as in Python instead of recursing.
#[derive(Default)]
struct ReprWriter {
    open: Vec<usize>,
}

impl ReprWriter {
    fn write(&mut self, out: &mut String, value: &minijinja::Value) {
        match value.kind() {
            ValueKind::Undefined => out.push_str("Undefined"),
            ValueKind::None => out.push_str("None"),
            ValueKind::Bool => out.push_str(if value.is_true() { "True" } else { "False" }),
            ValueKind::Number => out.push_str(&number_repr(value)),
            ValueKind::String => out.push_str(&string_repr(value.as_str().unwrap_or_default())),
            ValueKind::Bytes => out.push_str(&bytes_repr(value.as_bytes().unwrap_or_default())),
            _ => {
                if let Some(object) = value.as_object() {
                    self.write_object(out, value, object);
                } else {
                    let _ = write!(out, "{value}");
                }
            }
        }
    }

    fn write_object(&mut self, out: &mut String, value: &minijinja::Value, object: &DynObject) {
        if let Some(date) = value.downcast_object_ref::<DateValue>() {
            out.push_str(&date.repr());
            return;
        }
        if let Some(path) = value.downcast_object_ref::<PathValue>() {
            out.push_str(&path.repr());
            return;
        }
        if let Some(range) = value.downcast_object_ref::<RangeValue>() {
            out.push_str(&range.repr());
            return;
        }
        let address = object_address(object);
        if let Some(address) = address {
            if self.open.contains(&address) {
                out.push_str(match value.kind() {
                    ValueKind::Map => "{...}",
                    _ => "[...]",
                });
                return;
            }
            self.open.push(address);
        }
        if let Some(view) = value.downcast_object_ref::<DictView>() {
            let _ = write!(out, "{}(", view.type_name());
            self.write_seq(out, view.items().iter(), "[", "]");
            out.push(')');
        } else if value.kind() == ValueKind::Map {
            self.write_map(out, value);
        } else if value.is_tuple() || value.downcast_object_ref::<GroupTuple>().is_some() {
            let items: Vec<_> = value.try_iter().map(Iterator::collect).unwrap_or_default();
            if items.len() == 1 {
                out.push('(');
                self.write(out, &items[0]);
                out.push_str(",)");
            } else {
                self.write_seq(out, items.iter(), "(", ")");
            }
        } else if matches!(value.kind(), ValueKind::Seq | ValueKind::Iterable) {
            let items: Vec<_> = value.try_iter().map(Iterator::collect).unwrap_or_default();
            self.write_seq(out, items.iter(), "[", "]");
        } else {
            let _ = write!(out, "{value}");
        }
        if address.is_some() {
            self.open.pop();
        }
    }

    fn write_seq<'a>(
        &mut self,
        out: &mut String,
        items: impl Iterator<Item = &'a minijinja::Value>,
        open: &str,
        close: &str,
    ) {
        out.push_str(open);
        for (index, item) in items.enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            self.write(out, item);
        }
        out.push_str(close);
    }

    fn write_map(&mut self, out: &mut String, value: &minijinja::Value) {
        let pairs: Vec<(minijinja::Value, minijinja::Value)> = match value.as_object() {
            Some(object) => object
                .try_iter_pairs()
                .map(Iterator::collect)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        out.push('{');
        for (index, (key, item)) in pairs.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            self.write(out, key);
            out.push_str(": ");
            self.write(out, item);
        }
        out.push('}');
    }
}

/// Identifies a mutable container by the address of its shared data, for
/// cycle checks; other objects cannot contain themselves.
fn object_address(object: &DynObject) -> Option<usize> {
    if let Some(list) = object.downcast_ref::<PyList>() {
        return Some(std::ptr::from_ref(list) as usize);
    }
    object
        .downcast_ref::<PyDict>()
        .map(|dict| std::ptr::from_ref(dict) as usize)
}

/// Python's repr of an `int` or `float` held by minijinja.
pub fn number_repr(value: &minijinja::Value) -> String {
    if value.is_integer() {
        if let Ok(number) = i128::try_from(value.clone()) {
            return number.to_string();
        }
        // Integers past i128 (minijinja keeps u128) print as minijinja does.
        return value.to_string();
    }
    match f64::try_from(value.clone()) {
        Ok(number) => float_repr(number),
        Err(_) => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_follow_python_repr() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (-0.0, "-0.0"),
            (1.5e300, "1.5e+300"),
            (123456789.123, "123456789.123"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (2.5e-7, "2.5e-07"),
            (-1234.5, "-1234.5"),
        ];
        for (number, expected) in cases {
            assert_eq!(float_repr(number), expected, "repr of {number:?}");
        }
        assert_eq!(float_repr(f64::NAN), "nan");
    }

    #[test]
    fn strings_pick_quotes_like_python() {
        assert_eq!(string_repr("x"), "'x'");
        assert_eq!(string_repr("it's"), "\"it's\"");
        assert_eq!(string_repr("a\"b"), "'a\"b'");
        assert_eq!(string_repr("it's \"q\""), "'it\\'s \"q\"'");
        assert_eq!(string_repr("new\nline\\"), "'new\\nline\\\\'");
    }

    #[test]
    fn unprintable_characters_are_escaped() {
        assert_eq!(
            string_repr("\u{a0}\u{200b}\u{feff}\u{7f}\u{80}\u{2028} é🎉\u{e0001}"),
            "'\\xa0\\u200b\\ufeff\\x7f\\x80\\u2028 é🎉\\U000e0001'"
        );
    }

    #[test]
    fn datetimes_repr_like_python() {
        let date = Date {
            year: 2024,
            month: 1,
            day: 31,
        };
        let mut datetime = DateTime {
            date,
            hour: 10,
            minute: 0,
            second: 0,
            microsecond: 0,
            utc_offset: Some(-5 * 3600),
        };
        assert_eq!(date_repr(&date), "datetime.date(2024, 1, 31)");
        assert_eq!(
            datetime_repr(&datetime),
            "datetime.datetime(2024, 1, 31, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=68400)))"
        );
        datetime.utc_offset = Some(0);
        datetime.microsecond = 5;
        assert_eq!(
            datetime_repr(&datetime),
            "datetime.datetime(2024, 1, 31, 10, 0, 0, 5, tzinfo=datetime.timezone.utc)"
        );
    }
}
