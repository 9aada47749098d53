//! Python's `json.dumps` and `json.loads` on template values.

use minijinja::value::ValueKind;
use minijinja::{Error, Value};

use crate::jinja::objects::{DateValue, PathValue, check_padding, invalid, type_name};
use crate::jinja::pyformat::Number;
use crate::jinja::repr::float_repr;
use crate::value::DateTime;

/// The `json.dumps` arguments that the filters use.
#[derive(Clone, Debug)]
pub struct JsonOptions {
    pub sort_keys: bool,
    /// Spaces per level; `None` writes everything on one line.
    pub indent: Option<i64>,
    pub ensure_ascii: bool,
    /// `(item, key)` separators; Python's default depends on `indent`.
    pub separators: Option<(String, String)>,
    /// Copier's `to_json` fallback (pydantic's `to_jsonable_python`):
    /// dates and datetimes as ISO text, paths as their text.
    pub jsonable_fallback: bool,
}

impl Default for JsonOptions {
    fn default() -> Self {
        JsonOptions {
            sort_keys: false,
            indent: None,
            ensure_ascii: true,
            separators: None,
            jsonable_fallback: false,
        }
    }
}

/// Serialises `value` as `json.dumps(value, **options)` does.
pub fn dumps(value: &Value, options: &JsonOptions) -> Result<String, Error> {
    let (item_separator, key_separator) = match &options.separators {
        Some((item, key)) => (item.clone(), key.clone()),
        None if options.indent.is_some() => (",".to_string(), ": ".to_string()),
        None => (", ".to_string(), ": ".to_string()),
    };
    let encoder = Encoder {
        options,
        item_separator,
        key_separator,
    };
    let mut out = String::new();
    encoder.write(&mut out, value, 0)?;
    Ok(out)
}

struct Encoder<'a> {
    options: &'a JsonOptions,
    item_separator: String,
    key_separator: String,
}

impl Encoder<'_> {
    fn write(&self, out: &mut String, value: &Value, level: usize) -> Result<(), Error> {
        match value.kind() {
            ValueKind::None => out.push_str("null"),
            ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
            ValueKind::Number => out.push_str(&number(value)),
            ValueKind::String => write_string(
                out,
                value.as_str().unwrap_or_default(),
                self.options.ensure_ascii,
            ),
            ValueKind::Seq => {
                let items: Vec<Value> = value.try_iter()?.collect();
                self.write_container(out, level, '[', ']', &items, |out, item, level| {
                    self.write(out, item, level)
                })?;
            }
            ValueKind::Map => self.write_map(out, value, level)?,
            _ => match self.fallback(value) {
                Some(text) => write_string(out, &text, self.options.ensure_ascii),
                None => {
                    return Err(invalid(format!(
                        "Object of type {} is not JSON serializable",
                        type_name(value)
                    )));
                }
            },
        }
        Ok(())
    }

    /// The text that Copier's `to_json` fallback gives dates and paths.
    fn fallback(&self, value: &Value) -> Option<String> {
        if !self.options.jsonable_fallback {
            return None;
        }
        if let Some(path) = value.downcast_object_ref::<PathValue>() {
            return Some(path.as_str().to_string());
        }
        match value.downcast_object_ref::<DateValue>()? {
            DateValue::Date(date) => Some(date.to_string()),
            DateValue::DateTime(datetime) => Some(iso_datetime(datetime)),
        }
    }

    fn write_map(&self, out: &mut String, value: &Value, level: usize) -> Result<(), Error> {
        let mut entries = crate::jinja::objects::mapping_entries(value)?;
        if self.options.sort_keys {
            let keys: Vec<Value> = entries.iter().map(|(key, _)| key.clone()).collect();
            crate::jinja::objects::check_comparable(&keys)?;
            entries.sort_by(|left, right| left.0.cmp(&right.0));
        }
        let mut pairs = Vec::with_capacity(entries.len());
        for (key, item) in entries {
            pairs.push((key_text(&key)?, item));
        }
        self.write_container(out, level, '{', '}', &pairs, |out, (key, item), level| {
            write_string(out, key, self.options.ensure_ascii);
            out.push_str(&self.key_separator);
            self.write(out, item, level)
        })
    }

    fn write_container<T>(
        &self,
        out: &mut String,
        level: usize,
        open: char,
        close: char,
        items: &[T],
        write_item: impl Fn(&mut String, &T, usize) -> Result<(), Error>,
    ) -> Result<(), Error> {
        out.push(open);
        if items.is_empty() {
            out.push(close);
            return Ok(());
        }
        if let Some(indent) = self.options.indent {
            check_padding("indent", i128::from(indent) * (level as i128 + 1))?;
        }
        let newline = self.options.indent.map(|indent| {
            let unit = " ".repeat(usize::try_from(indent).unwrap_or(0));
            (
                format!("\n{}", unit.repeat(level + 1)),
                format!("\n{}", unit.repeat(level)),
            )
        });
        if let Some((inner, _)) = &newline {
            out.push_str(inner);
        }
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                out.push_str(&self.item_separator);
                if let Some((inner, _)) = &newline {
                    out.push_str(inner);
                }
            }
            write_item(out, item, level + 1)?;
        }
        if let Some((_, outer)) = &newline {
            out.push_str(outer);
        }
        out.push(close);
        Ok(())
    }
}

/// Python's JSON text of a number: floats by `repr`, with `NaN` and
/// `Infinity` for the non-finite ones.
fn number(value: &Value) -> String {
    match Number::from_value(value) {
        Some(Number::Int(number)) => number.to_string(),
        Some(Number::Float(number)) if number.is_nan() => "NaN".into(),
        Some(Number::Float(number)) if number.is_infinite() => if number > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .into(),
        Some(Number::Float(number)) => float_repr(number),
        None => value.to_string(),
    }
}

/// A mapping key as `json.dumps` converts it: strings as they are, numbers,
/// booleans and `None` as their JSON text.
fn key_text(key: &Value) -> Result<String, Error> {
    match key.kind() {
        ValueKind::String => Ok(key.as_str().unwrap_or_default().to_string()),
        ValueKind::Number => Ok(number(key)),
        ValueKind::Bool => Ok(if key.is_true() { "true" } else { "false" }.into()),
        ValueKind::None => Ok("null".into()),
        _ => Err(invalid(format!(
            "keys must be str, int, float, bool or None, not {}",
            type_name(key)
        ))),
    }
}

fn write_string(out: &mut String, text: &str, ensure_ascii: bool) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            _ if (ch as u32) < 0x20 || (ensure_ascii && !(' '..='~').contains(&ch)) => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            _ => out.push(ch),
        }
    }
    out.push('"');
}

/// pydantic's ISO text of a datetime: `T` between date and time, `Z` for
/// UTC, `+01:00` for other offsets.
fn iso_datetime(datetime: &DateTime) -> String {
    let mut text = format!(
        "{}T{:02}:{:02}:{:02}",
        datetime.date, datetime.hour, datetime.minute, datetime.second
    );
    if datetime.microsecond != 0 {
        text.push_str(&format!(".{:06}", datetime.microsecond));
    }
    match datetime.utc_offset {
        None => {}
        Some(0) => text.push('Z'),
        Some(offset) => {
            let sign = if offset < 0 { '-' } else { '+' };
            let offset = offset.unsigned_abs();
            text.push_str(&format!(
                "{sign}{:02}:{:02}",
                offset / 3600,
                offset / 60 % 60
            ));
        }
    }
    text
}

/// Parses JSON as `json.loads` does, into mutable lists and dicts.
pub fn loads(text: &str) -> Result<Value, Error> {
    let parsed =
        crate::pyjson::loads(text).map_err(|error| invalid(format!("invalid JSON: {error}")))?;
    Ok(crate::jinja::to_jinja(&parsed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jinja::objects::{PyDict, PyList};

    fn dict(pairs: Vec<(&str, Value)>) -> Value {
        PyDict::value(
            pairs
                .into_iter()
                .map(|(key, item)| (Value::from(key), item))
                .collect(),
        )
    }

    #[test]
    fn dumps_matches_python_defaults() {
        let value = dict(vec![
            ("b", Value::from("ñ<a>&'")),
            (
                "a",
                PyList::value(vec![
                    Value::from(1),
                    Value::from(2.5),
                    Value::from(()),
                    Value::from(true),
                ]),
            ),
        ]);
        assert_eq!(
            dumps(&value, &JsonOptions::default()).unwrap(),
            r#"{"b": "\u00f1<a>&'", "a": [1, 2.5, null, true]}"#
        );
    }

    #[test]
    fn dumps_indents_like_python() {
        let value = dict(vec![
            ("b", PyList::value(vec![])),
            ("a", PyList::value(vec![Value::from(1), dict(vec![])])),
        ]);
        let options = JsonOptions {
            sort_keys: true,
            indent: Some(2),
            ..JsonOptions::default()
        };
        assert_eq!(
            dumps(&value, &options).unwrap(),
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}"
        );
    }

    #[test]
    fn strings_escape_like_python() {
        let mut out = String::new();
        write_string(&mut out, "\u{7f}\u{2028}🎉\u{1}\"", true);
        assert_eq!(out, r#""\u007f\u2028\ud83c\udf89\u0001\"""#);
        let mut out = String::new();
        write_string(&mut out, "ñ🎉\u{1}", false);
        assert_eq!(out, "\"ñ🎉\\u0001\"");
    }
}
