//! Conversion between the engine's plain values and template values.
//!
//! Lists and mappings become `PyList` and `PyDict`, so templates can change
//! them as Python code can; dates become `DateValue`. Back from a template,
//! any sequence or iterable becomes a list, any mapping a map, paths and
//! unknown objects their `str()`, and an undefined value `None`.

use indexmap::IndexMap;
use minijinja::value::ValueKind;

use super::objects::{DateValue, PathValue, PyDict, PyList};
use super::repr::jinja_str;
use crate::value::{Map, Value as PlainValue};

/// Converts a plain value into a template value.
pub fn to_jinja(value: &PlainValue) -> minijinja::Value {
    match value {
        PlainValue::Null => minijinja::Value::from(()),
        PlainValue::Bool(flag) => minijinja::Value::from(*flag),
        PlainValue::Int(number) => match i64::try_from(*number) {
            Ok(small) => minijinja::Value::from(small),
            Err(_) => minijinja::Value::from(*number),
        },
        PlainValue::Float(number) => minijinja::Value::from(*number),
        PlainValue::Str(text) => minijinja::Value::from(text.as_str()),
        PlainValue::Date(date) => minijinja::Value::from_object(DateValue::Date(*date)),
        PlainValue::DateTime(datetime) => {
            minijinja::Value::from_object(DateValue::DateTime(*datetime))
        }
        PlainValue::List(items) => PyList::value(items.iter().map(to_jinja).collect()),
        PlainValue::Map(map) => PyDict::value(
            map.iter()
                .map(|(key, item)| (to_jinja(key), to_jinja(item)))
                .collect::<IndexMap<_, _>>(),
        ),
    }
}

/// Converts a template value back into a plain value.
pub fn from_jinja(value: &minijinja::Value) -> PlainValue {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => PlainValue::Null,
        ValueKind::Bool => PlainValue::Bool(value.is_true()),
        ValueKind::Number => number_from_jinja(value),
        ValueKind::String => PlainValue::Str(value.as_str().unwrap_or_default().to_string()),
        ValueKind::Bytes => {
            PlainValue::Str(String::from_utf8_lossy(value.as_bytes().unwrap_or_default()).into())
        }
        ValueKind::Seq | ValueKind::Iterable => PlainValue::List(
            value
                .try_iter()
                .map(|items| items.map(|item| from_jinja(&item)).collect())
                .unwrap_or_default(),
        ),
        ValueKind::Map => {
            let mut map = Map::new();
            if let Some(pairs) = value.as_object().and_then(|object| object.try_iter_pairs()) {
                for (key, item) in pairs {
                    map.insert(from_jinja(&key), from_jinja(&item));
                }
            }
            PlainValue::Map(map)
        }
        _ => {
            if let Some(date) = value.downcast_object_ref::<DateValue>() {
                return match date {
                    DateValue::Date(date) => PlainValue::Date(*date),
                    DateValue::DateTime(datetime) => PlainValue::DateTime(*datetime),
                };
            }
            if let Some(path) = value.downcast_object_ref::<PathValue>() {
                return PlainValue::Str(path.as_str().to_string());
            }
            PlainValue::Str(jinja_str(value))
        }
    }
}

fn number_from_jinja(value: &minijinja::Value) -> PlainValue {
    if value.is_integer()
        && let Ok(number) = i128::try_from(value.clone())
    {
        return PlainValue::Int(number);
    }
    match f64::try_from(value.clone()) {
        Ok(number) => PlainValue::Float(number),
        Err(_) => PlainValue::Str(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Date;

    #[test]
    fn plain_values_survive_a_round_trip() {
        let mut map = Map::new();
        map.insert(PlainValue::Int(1), PlainValue::from("one"));
        map.insert(
            PlainValue::from("list"),
            PlainValue::List(vec![
                PlainValue::Null,
                PlainValue::Bool(true),
                PlainValue::Float(2.5),
                PlainValue::Int(i128::from(i64::MAX) + 1),
                PlainValue::Date(Date {
                    year: 2024,
                    month: 2,
                    day: 29,
                }),
            ]),
        );
        let value = PlainValue::Map(map);
        assert_eq!(from_jinja(&to_jinja(&value)), value);
    }

    #[test]
    fn undefined_becomes_none() {
        assert_eq!(from_jinja(&minijinja::Value::UNDEFINED), PlainValue::Null);
    }
}
