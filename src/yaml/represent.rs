//! Values to YAML scalar text and key order, as PyYAML's representer does.
//!
//! `yaml.dump` turns each Python object into a node with a tag and a text:
//! `None` is `null`, floats use `repr()` with `.0` added before a bare
//! exponent (`1.0e+20`), dates use `isoformat()`. Mapping keys are sorted as
//! Python's `sorted()` orders them; when Python cannot compare two keys
//! (`1` and `"a"`), PyYAML keeps the insertion order.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::resolve::ImplicitTag;
use crate::value::{DateTime, Value};

/// The type tag of a represented scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ScalarKind {
    Null,
    Bool,
    Int,
    Float,
    Str,
    Timestamp,
}

impl ScalarKind {
    /// The tag the resolver must find for the text to be written untagged.
    pub(super) fn implicit_tag(self) -> ImplicitTag {
        match self {
            ScalarKind::Null => ImplicitTag::Null,
            ScalarKind::Bool => ImplicitTag::Bool,
            ScalarKind::Int => ImplicitTag::Int,
            ScalarKind::Float => ImplicitTag::Float,
            ScalarKind::Str => ImplicitTag::Str,
            ScalarKind::Timestamp => ImplicitTag::Timestamp,
        }
    }

    /// Returns the tag as the emitter writes it.
    pub(super) fn shorthand(self) -> &'static str {
        match self {
            ScalarKind::Null => "!!null",
            ScalarKind::Bool => "!!bool",
            ScalarKind::Int => "!!int",
            ScalarKind::Float => "!!float",
            ScalarKind::Str => "!!str",
            ScalarKind::Timestamp => "!!timestamp",
        }
    }
}

/// Returns the tag and text of a scalar value, or `None` for lists and
/// mappings.
pub(super) fn represent_scalar(value: &Value) -> Option<(ScalarKind, Cow<'_, str>)> {
    let represented = match value {
        Value::Null => (ScalarKind::Null, Cow::Borrowed("null")),
        Value::Bool(true) => (ScalarKind::Bool, Cow::Borrowed("true")),
        Value::Bool(false) => (ScalarKind::Bool, Cow::Borrowed("false")),
        Value::Int(number) => (ScalarKind::Int, Cow::Owned(number.to_string())),
        Value::Float(number) => (ScalarKind::Float, Cow::Owned(represent_float(*number))),
        Value::Str(text) => (ScalarKind::Str, Cow::Borrowed(text.as_str())),
        Value::Date(date) => (ScalarKind::Timestamp, Cow::Owned(date.to_string())),
        // `Display` prints `isoformat(' ')`.
        Value::DateTime(datetime) => (ScalarKind::Timestamp, Cow::Owned(datetime.to_string())),
        Value::List(_) | Value::Map(_) => return None,
    };
    Some(represented)
}

/// Formats a float as `SafeRepresenter.represent_float` does.
fn represent_float(number: f64) -> String {
    if number.is_nan() {
        return ".nan".to_string();
    }
    if number.is_infinite() {
        return if number > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    let text = python_float_repr(number);
    if !text.contains('.') && text.contains('e') {
        return text.replacen('e', ".0e", 1);
    }
    text
}

/// Python's `repr(float)` for a finite number: the shortest digits that read
/// back to the same float, in fixed notation when the decimal exponent is
/// between -4 and 16, otherwise as `1e+16` or `1.5e-05`.
pub(super) fn python_float_repr(number: f64) -> String {
    // `{:e}` gives the same shortest round-trip digits as Python's repr.
    let scientific = format!("{number:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` output has an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` exponent is an integer");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|&c| c != '.').collect();
    let point = exponent + 1;
    let body = if !(-3..=16).contains(&point) {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{first}{fraction}e{exponent_sign}{:02}",
            exponent.unsigned_abs()
        )
    } else if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else {
        let point = point as usize;
        if point >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point - digits.len()))
        } else {
            format!("{}.{}", &digits[..point], &digits[point..])
        }
    };
    format!("{sign}{body}")
}

/// Lists the entries of a mapping in the order PyYAML writes them.
pub(super) fn ordered_entries(map: &crate::value::Map, sort_keys: bool) -> Vec<(&Value, &Value)> {
    let mut entries: Vec<(&Value, &Value)> = map.iter().collect();
    if sort_keys && keys_are_comparable(entries.iter().map(|(key, _)| *key)) {
        entries.sort_by(|(left, _), (right, _)| python_compare(left, right));
    }
    entries
}

/// Group of keys that Python's `<` can compare with each other.
#[derive(PartialEq, Eq)]
enum KeyClass {
    Number,
    Str,
    Date,
    NaiveDateTime,
    AwareDateTime,
    Other,
}

fn key_class(key: &Value) -> KeyClass {
    match key {
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => KeyClass::Number,
        Value::Str(_) => KeyClass::Str,
        Value::Date(_) => KeyClass::Date,
        Value::DateTime(datetime) if datetime.utc_offset.is_some() => KeyClass::AwareDateTime,
        Value::DateTime(_) => KeyClass::NaiveDateTime,
        Value::Null | Value::List(_) | Value::Map(_) => KeyClass::Other,
    }
}

/// Tells whether `sorted()` succeeds on these keys. Any sort of keys of two
/// classes compares two neighbours of different classes, which raises
/// `TypeError` in Python, and PyYAML then keeps the insertion order.
fn keys_are_comparable<'v>(mut keys: impl Iterator<Item = &'v Value>) -> bool {
    let Some(first) = keys.next() else {
        return true;
    };
    let class = key_class(first);
    let mut count = 1;
    for key in keys {
        if key_class(key) != class {
            return false;
        }
        count += 1;
    }
    // `None < None` raises too, but one key alone is never compared.
    class != KeyClass::Other || count == 1
}

// NOTE: Python's sort of float keys that include NaN depends on the order in
// which timsort compares them; here NaN compares equal to everything.
fn python_compare(left: &Value, right: &Value) -> Ordering {
    match (left, right) {
        (Value::Str(left), Value::Str(right)) => left.cmp(right),
        (Value::Date(left), Value::Date(right)) => left.cmp(right),
        (Value::DateTime(left), Value::DateTime(right)) => compare_datetimes(left, right),
        _ => compare_numbers(left, right),
    }
}

fn compare_numbers(left: &Value, right: &Value) -> Ordering {
    match (as_int(left), as_int(right)) {
        (Some(left), Some(right)) => left.cmp(&right),
        (Some(left), None) => compare_int_float(left, as_float(right)),
        (None, Some(right)) => compare_int_float(right, as_float(left)).reverse(),
        (None, None) => as_float(left)
            .partial_cmp(&as_float(right))
            .unwrap_or(Ordering::Equal),
    }
}

fn as_int(value: &Value) -> Option<i128> {
    match value {
        Value::Bool(flag) => Some(i128::from(*flag)),
        Value::Int(number) => Some(*number),
        _ => None,
    }
}

fn as_float(value: &Value) -> f64 {
    match value {
        Value::Float(number) => *number,
        _ => f64::NAN,
    }
}

/// Compares an int with a float exactly, as Python does.
fn compare_int_float(int: i128, float: f64) -> Ordering {
    const TWO_POW_127: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    if float.is_nan() {
        return Ordering::Equal;
    }
    if float >= TWO_POW_127 {
        return Ordering::Less;
    }
    if float < -TWO_POW_127 {
        return Ordering::Greater;
    }
    let whole = float.trunc();
    // In range, so the conversion is exact.
    let whole_int = whole as i128;
    int.cmp(&whole_int).then_with(|| {
        let fraction = float - whole;
        0.0_f64.partial_cmp(&fraction).unwrap_or(Ordering::Equal)
    })
}

/// Naive datetimes compare field by field, aware ones by their UTC instant.
fn compare_datetimes(left: &DateTime, right: &DateTime) -> Ordering {
    instant(left).cmp(&instant(right))
}

fn instant(datetime: &DateTime) -> (i64, u32) {
    let date = datetime.date;
    let days = days_from_civil(i64::from(date.year), date.month, date.day);
    let seconds = days * 86_400
        + i64::from(datetime.hour) * 3600
        + i64::from(datetime.minute) * 60
        + i64::from(datetime.second)
        - i64::from(datetime.utc_offset.unwrap_or(0));
    (seconds, datetime.microsecond)
}

/// Days from 1970-01-01 to a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Map;

    #[test]
    fn float_repr_matches_python() {
        let cases = [
            (0.1, "0.1"),
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456789.123, "123456789.123"),
            (1.5e-7, "1.5e-07"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2.5e300, "2.5e+300"),
        ];
        for (number, expected) in cases {
            assert_eq!(python_float_repr(number), expected, "{number:e}");
        }
    }

    #[test]
    fn float_representation_adds_dot_zero() {
        assert_eq!(represent_float(1e20), "1.0e+20");
        assert_eq!(represent_float(1e-5), "1.0e-05");
        assert_eq!(represent_float(f64::NEG_INFINITY), "-.inf");
        assert_eq!(represent_float(f64::NAN), ".nan");
    }

    #[test]
    fn mixed_keys_keep_insertion_order() {
        let mut map = Map::new();
        map.insert(Value::from("b"), Value::Null);
        map.insert(Value::Int(1), Value::Null);
        map.insert(Value::from("a"), Value::Null);
        let keys: Vec<&Value> = ordered_entries(&map, true)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, [&Value::from("b"), &Value::Int(1), &Value::from("a")]);
    }

    #[test]
    fn numbers_sort_across_kinds() {
        let mut map = Map::new();
        map.insert(Value::Float(2.5), Value::Null);
        map.insert(Value::Int(3), Value::Null);
        map.insert(Value::Bool(false), Value::Null);
        let keys: Vec<&Value> = ordered_entries(&map, true)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            keys,
            [&Value::Bool(false), &Value::Float(2.5), &Value::Int(3)]
        );
    }

    #[test]
    fn int_float_comparison_is_exact() {
        assert_eq!(
            compare_int_float(1 << 60, (1u64 << 60) as f64),
            Ordering::Equal
        );
        assert_eq!(
            compare_int_float((1 << 60) + 1, (1u64 << 60) as f64),
            Ordering::Greater
        );
        assert_eq!(compare_int_float(2, 2.5), Ordering::Less);
        assert_eq!(compare_int_float(-2, -2.5), Ordering::Greater);
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }
}
