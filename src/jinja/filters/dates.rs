//! The Ansible date filters: `to_datetime` and `strftime`.

use chrono::Timelike as _;
use minijinja::value::Kwargs;
use minijinja::{Error, State, Value};

use super::{FilterFn, bind};
use crate::jinja::objects::{DateValue, invalid};
use crate::jinja::pyformat::Number;
use crate::jinja::repr::{jinja_repr, jinja_str};

pub const FILTERS: &[(&str, FilterFn)] = &[("to_datetime", to_datetime), ("strftime", strftime)];

/// `to_datetime(format='%Y-%m-%d %H:%M:%S')`: Python's `strptime`.
fn to_datetime(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind("to_datetime", &["format"], args, kwargs)?;
    let format = bound.text(0, "%Y-%m-%d %H:%M:%S");
    let text = jinja_str(&value);
    let mut parsed = chrono::format::Parsed::new();
    chrono::format::parse(
        &mut parsed,
        &text,
        chrono::format::StrftimeItems::new(&format),
    )
    .map_err(|error| {
        invalid(format!(
            "time data {} does not match format {}: {error}",
            jinja_repr(&value),
            jinja_repr(&Value::from(format.as_str()))
        ))
    })?;
    // Python's defaults for fields the format leaves out.
    let year = parsed.year().unwrap_or(1900);
    let month = parsed.month().unwrap_or(1);
    let day = parsed.day().unwrap_or(1);
    let hour = parsed
        .hour_div_12()
        .zip(parsed.hour_mod_12())
        .map_or(0, |(half, hour)| half * 12 + hour);
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| invalid("day is out of range for month"))?;
    let time = chrono::NaiveTime::from_hms_nano_opt(
        hour,
        parsed.minute().unwrap_or(0),
        parsed.second().unwrap_or(0),
        parsed.nanosecond().unwrap_or(0),
    )
    .ok_or_else(|| invalid("time out of range"))?;
    Ok(Value::from_object(DateValue::from_chrono(
        date.and_time(time),
        parsed.offset(),
    )))
}

/// `strftime(second=None)`: the format applied to the local time of an
/// epoch second, or of now.
fn strftime(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("strftime", &["second"], args, kwargs)?;
    let moment = match bound.given(0) {
        Some(second) => {
            let seconds = match (Number::from_value(second), second.as_str()) {
                (Some(number), _) => Some(number.as_f64().trunc() as i64),
                (None, Some(text)) => super::numbers::parse_int(text, 10).map(|n| n as i64),
                _ => None,
            }
            .ok_or_else(|| {
                invalid(format!(
                    "Invalid value for epoch value ({})",
                    jinja_str(second)
                ))
            })?;
            chrono::DateTime::from_timestamp(seconds, 0)
                .ok_or_else(|| invalid("epoch value out of range"))?
                .with_timezone(&chrono::Local)
        }
        None => chrono::Local::now(),
    };
    let offset = moment.offset().local_minus_utc();
    // `time.localtime` has whole seconds only.
    let local = moment
        .naive_local()
        .with_nanosecond(0)
        .unwrap_or(moment.naive_local());
    Ok(Value::from(crate::jinja::strftime::strftime(
        &jinja_str(&value),
        &local,
        Some(offset),
    )))
}
