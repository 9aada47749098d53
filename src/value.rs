//! Python-shaped data: the values that Copier's answers, settings and YAML
//! files hold.
//!
//! Copier is written in Python, so every value it reads or writes follows
//! Python's data model: `True == 1`, mapping keys may be any hashable value,
//! integers are unbounded and YAML 1.1 produces `date` and `datetime` objects.
//! `Value` models that subset. The YAML reader produces it, the YAML emitter
//! and the answers file consume it, and the template engine converts it to and
//! from minijinja values at the render boundary.

use std::fmt;
use std::hash::{Hash, Hasher};

use indexmap::IndexMap;

/// A mapping that keeps insertion order, as Python's `dict` does.
pub type Map = IndexMap<Value, Value>;

/// One Python value of the kinds Copier meets in YAML, JSON and answers.
#[derive(Clone, Debug, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    /// Python's `int`. Values outside `i128` are not representable; the YAML
    /// reader turns such literals into floats, which is a known difference.
    Int(i128),
    Float(f64),
    Str(String),
    Date(Date),
    DateTime(DateTime),
    List(Vec<Value>),
    Map(Map),
}

/// A calendar date, as `datetime.date`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// A date and time, as `datetime.datetime`, with an optional UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub date: Date,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub microsecond: u32,
    /// Offset from UTC in seconds; `None` for a naive datetime.
    pub utc_offset: Option<i32>,
}

impl Value {
    /// Returns the string slice when the value is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(text) => Some(text),
            _ => None,
        }
    }

    /// Returns the mapping when the value is a mapping.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    /// Returns the items when the value is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// Looks up a string key in a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map()?.get(&Value::Str(key.to_string()))
    }

    /// Python truthiness: empty containers, zero, `None` and `""` are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(flag) => *flag,
            Value::Int(number) => *number != 0,
            Value::Float(number) => *number != 0.0,
            Value::Str(text) => !text.is_empty(),
            Value::Date(_) | Value::DateTime(_) => true,
            Value::List(items) => !items.is_empty(),
            Value::Map(map) => !map.is_empty(),
        }
    }

    /// The Python type name, as `type(x).__name__` prints it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Date(_) => "date",
            Value::DateTime(_) => "datetime",
            Value::List(_) => "list",
            Value::Map(_) => "dict",
        }
    }

    /// Whether the value is an instance of one of Copier's
    /// `JSONSerializable` types (dict, list, str, int, float, bool, None).
    /// Like Python's `isinstance`, only the outer type counts, so a list
    /// holding a date passes.
    pub fn is_json_serializable(&self) -> bool {
        !matches!(self, Value::Date(_) | Value::DateTime(_))
    }

    /// The numeric value used for Python's cross-type equality of
    /// `bool`, `int` and `float`.
    fn numeric(&self) -> Option<f64> {
        match self {
            Value::Bool(flag) => Some(f64::from(u8::from(*flag))),
            Value::Int(number) => Some(*number as f64),
            Value::Float(number) => Some(*number),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::Str(text.to_string())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::Str(text)
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Value::Bool(flag)
    }
}

impl From<i64> for Value {
    fn from(number: i64) -> Self {
        Value::Int(i128::from(number))
    }
}

impl PartialEq for Value {
    /// Python equality: `1 == 1.0 == True`, containers compare item by item.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Int(left), Value::Int(right)) => left == right,
            (Value::Str(left), Value::Str(right)) => left == right,
            (Value::Date(left), Value::Date(right)) => left == right,
            (Value::DateTime(left), Value::DateTime(right)) => left == right,
            (Value::List(left), Value::List(right)) => left == right,
            (Value::Map(left), Value::Map(right)) => {
                left.len() == right.len()
                    && left
                        .iter()
                        .all(|(key, value)| right.get(key) == Some(value))
            }
            _ => match (self.numeric(), other.numeric()) {
                (Some(left), Some(right)) => left == right,
                _ => false,
            },
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    /// Hashes consistently with `eq`: equal numbers of any kind hash alike.
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Value::Null => 0u8.hash(state),
            Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
                let number = self.numeric().unwrap_or(0.0);
                if number.fract() == 0.0 && number.is_finite() {
                    1u8.hash(state);
                    (number as i128).hash(state);
                } else {
                    2u8.hash(state);
                    number.to_bits().hash(state);
                }
            }
            Value::Str(text) => text.hash(state),
            Value::Date(date) => date.hash(state),
            Value::DateTime(datetime) => datetime.hash(state),
            Value::List(items) => items.hash(state),
            Value::Map(map) => map.len().hash(state),
        }
    }
}

impl fmt::Display for Date {
    /// Formats as Python's `str(date)`: `2024-01-31`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{:04}-{:02}-{:02}",
            self.year, self.month, self.day
        )
    }
}

impl fmt::Display for DateTime {
    /// Formats as Python's `str(datetime)`: `2024-01-31 10:00:00.500000+01:00`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{} {:02}:{:02}:{:02}",
            self.date, self.hour, self.minute, self.second
        )?;
        if self.microsecond != 0 {
            write!(formatter, ".{:06}", self.microsecond)?;
        }
        if let Some(offset) = self.utc_offset {
            let sign = if offset < 0 { '-' } else { '+' };
            let offset = offset.unsigned_abs();
            write!(
                formatter,
                "{sign}{:02}:{:02}",
                offset / 3600,
                offset / 60 % 60
            )?;
            if offset % 60 != 0 {
                write!(formatter, ":{:02}", offset % 60)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_across_kinds() {
        assert_eq!(Value::Int(1), Value::Float(1.0));
        assert_eq!(Value::Bool(true), Value::Int(1));
        assert_ne!(Value::Str("1".into()), Value::Int(1));
    }

    #[test]
    fn equal_numbers_share_a_map_slot() {
        let mut map = Map::new();
        map.insert(Value::Int(1), Value::from("int"));
        map.insert(Value::Float(1.0), Value::from("float"));
        assert_eq!(map.len(), 1);
        assert_eq!(map.get(&Value::Bool(true)), Some(&Value::from("float")));
    }

    #[test]
    fn datetime_prints_like_python() {
        let date = Date {
            year: 2024,
            month: 1,
            day: 31,
        };
        let datetime = DateTime {
            date,
            hour: 10,
            minute: 0,
            second: 5,
            microsecond: 500_000,
            utc_offset: Some(-5 * 3600),
        };
        assert_eq!(date.to_string(), "2024-01-31");
        assert_eq!(datetime.to_string(), "2024-01-31 10:00:05.500000-05:00");
    }

    #[test]
    fn only_outer_type_counts_as_json() {
        let date = Value::Date(Date {
            year: 2024,
            month: 1,
            day: 1,
        });
        assert!(!date.is_json_serializable());
        assert!(Value::List(vec![date]).is_json_serializable());
        assert!(Value::List(vec![Value::Null, Value::from("x")]).is_json_serializable());
    }
}
