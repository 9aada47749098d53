//! `DateValue`: the `datetime.date` and `datetime.datetime` objects that
//! YAML values, `now()` and `to_datetime` produce.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use minijinja::value::{DynObject, Enumerator, Object, ObjectRepr, from_args};
use minijinja::{Error, ErrorKind, State, Value};

use super::invalid;
use crate::jinja::repr::{date_repr, datetime_repr};
use crate::value::{Date, DateTime};

/// A date or a date and time, printed as Python prints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateValue {
    Date(Date),
    DateTime(DateTime),
}

impl DateValue {
    /// Returns the date part.
    pub fn date(&self) -> Date {
        match self {
            DateValue::Date(date) => *date,
            DateValue::DateTime(datetime) => datetime.date,
        }
    }

    /// Python's `repr()`.
    pub fn repr(&self) -> String {
        match self {
            DateValue::Date(date) => date_repr(date),
            DateValue::DateTime(datetime) => datetime_repr(datetime),
        }
    }

    /// Converts the value to a chrono timestamp (midnight for a date) and
    /// its UTC offset in seconds, if any.
    pub fn to_chrono(&self) -> Option<(NaiveDateTime, Option<i32>)> {
        let date = self.date();
        let day = NaiveDate::from_ymd_opt(date.year, date.month, date.day)?;
        match self {
            DateValue::Date(_) => Some((day.and_time(NaiveTime::MIN), None)),
            DateValue::DateTime(datetime) => {
                let time = NaiveTime::from_hms_micro_opt(
                    datetime.hour,
                    datetime.minute,
                    datetime.second,
                    datetime.microsecond,
                )?;
                Some((day.and_time(time), datetime.utc_offset))
            }
        }
    }

    /// Builds a `datetime` from a chrono timestamp.
    pub fn from_chrono(timestamp: NaiveDateTime, utc_offset: Option<i32>) -> DateValue {
        use chrono::Timelike;
        DateValue::DateTime(DateTime {
            date: Date {
                year: timestamp.year(),
                month: timestamp.month(),
                day: timestamp.day(),
            },
            hour: timestamp.hour(),
            minute: timestamp.minute(),
            second: timestamp.second(),
            microsecond: timestamp.nanosecond() / 1000,
            utc_offset,
        })
    }

    /// Returns the instant in UTC, for comparisons of aware datetimes.
    fn sort_key(&self) -> (NaiveDateTime, bool) {
        let Some((timestamp, offset)) = self.to_chrono() else {
            return (NaiveDateTime::MIN, false);
        };
        let utc = timestamp - chrono::Duration::seconds(i64::from(offset.unwrap_or(0)));
        (utc, matches!(self, DateValue::DateTime(_)))
    }

    fn isoformat(&self, separator: &str) -> String {
        match self {
            DateValue::Date(date) => date.to_string(),
            DateValue::DateTime(datetime) => {
                let text = datetime.to_string();
                text.replacen(' ', separator, 1)
            }
        }
    }
}

impl fmt::Display for DateValue {
    /// Python's `str()`: `2024-01-31` or `2024-01-31 10:00:00+01:00`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateValue::Date(date) => date.fmt(formatter),
            DateValue::DateTime(datetime) => datetime.fmt(formatter),
        }
    }
}

impl Object for DateValue {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let date = self.date();
        let time = match **self {
            DateValue::DateTime(datetime) => Some(datetime),
            DateValue::Date(_) => None,
        };
        if key.as_str()? == "tzinfo" {
            let datetime = time?;
            return Some(match datetime.utc_offset {
                None => Value::from(()),
                Some(0) => Value::from("UTC"),
                Some(offset) => Value::from(format!(
                    "UTC{}",
                    crate::jinja::strftime::offset_text(offset, ":")
                )),
            });
        }
        let number = match key.as_str()? {
            "year" => i64::from(date.year),
            "month" => i64::from(date.month),
            "day" => i64::from(date.day),
            "hour" => i64::from(time?.hour),
            "minute" => i64::from(time?.minute),
            "second" => i64::from(time?.second),
            "microsecond" => i64::from(time?.microsecond),
            _ => return None,
        };
        Some(Value::from(number))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::NonEnumerable
    }

    fn is_true(self: &Arc<Self>) -> bool {
        true
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        match method {
            "isoformat" => {
                let (separator,): (Option<&str>,) = from_args(args)?;
                Ok(Value::from(self.isoformat(separator.unwrap_or("T"))))
            }
            "strftime" => {
                let (format,): (&str,) = from_args(args)?;
                let (timestamp, offset) = self
                    .to_chrono()
                    .ok_or_else(|| invalid("date out of range"))?;
                Ok(Value::from(crate::jinja::strftime::strftime(
                    format, &timestamp, offset,
                )))
            }
            "date" => {
                let () = from_args(args)?;
                Ok(Value::from_object(DateValue::Date(self.date())))
            }
            "weekday" | "isoweekday" => {
                let () = from_args(args)?;
                let (timestamp, _) = self
                    .to_chrono()
                    .ok_or_else(|| invalid("date out of range"))?;
                let weekday = timestamp.weekday();
                Ok(Value::from(if method == "weekday" {
                    weekday.num_days_from_monday()
                } else {
                    weekday.number_from_monday()
                }))
            }
            _ => Err(Error::from(ErrorKind::UnknownMethod)),
        }
    }

    fn custom_cmp(self: &Arc<Self>, other: &DynObject) -> Option<Ordering> {
        let other = other.downcast_ref::<DateValue>()?;
        Some(self.sort_key().cmp(&other.sort_key()))
    }

    fn render(self: &Arc<Self>, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, formatter)
    }
}
