//! Template values that behave like the Python objects Copier hands to
//! Jinja2: mutable lists and dicts, dict views, paths and dates.

mod date;
mod dict;
mod group;
mod list;
mod path;
mod range;

pub use date::DateValue;
pub use dict::{DictView, PyDict, mapping_entries};
pub use group::GroupTuple;
pub use list::PyList;
pub use path::{PathValue, path_text};
pub use range::RangeValue;

use minijinja::value::ValueKind;
use minijinja::{Error, ErrorKind, Value};

/// Python's `None`.
pub fn none() -> Value {
    Value::from(())
}

/// An error for a failed Python operation (Python would raise `TypeError`,
/// `ValueError` or `KeyError`).
pub fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// Most characters that one padding, indentation or precision may ask for,
/// the same cap minijinja puts on a repeated string. Python would try to
/// allocate whatever the template asks for.
pub const MAX_PADDING: usize = 100_000_000;

/// Rejects a width (`what` names it in the message) above `MAX_PADDING`.
pub fn check_padding(what: &str, width: i128) -> Result<(), Error> {
    if width > MAX_PADDING as i128 {
        return Err(invalid(format!(
            "{what} {width} is too large: at most {MAX_PADDING} characters are allowed"
        )));
    }
    Ok(())
}

/// Rejects a sort over values that Python cannot order against each other,
/// such as numbers mixed with strings.
pub fn check_comparable(items: &[Value]) -> Result<(), Error> {
    let Some(first) = items.first() else {
        return Ok(());
    };
    let class = sort_class(first);
    for item in &items[1..] {
        let other = sort_class(item);
        if other != class || class == SortClass::Unordered {
            return Err(invalid(format!(
                "'<' not supported between instances of '{}' and '{}'",
                type_name(item),
                type_name(first)
            )));
        }
    }
    Ok(())
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum SortClass {
    Number,
    String,
    Sequence,
    Date,
    Unordered,
}

fn sort_class(value: &Value) -> SortClass {
    match value.kind() {
        ValueKind::Bool | ValueKind::Number => SortClass::Number,
        ValueKind::String => SortClass::String,
        ValueKind::Seq => SortClass::Sequence,
        ValueKind::Plain if value.downcast_object_ref::<DateValue>().is_some() => SortClass::Date,
        _ => SortClass::Unordered,
    }
}

/// Python's `type(value).__name__` for a template value.
pub fn type_name(value: &Value) -> &'static str {
    match value.kind() {
        ValueKind::Undefined => "Undefined",
        ValueKind::None => "NoneType",
        ValueKind::Bool => "bool",
        ValueKind::Number if value.is_integer() => "int",
        ValueKind::Number => "float",
        ValueKind::String => "str",
        ValueKind::Bytes => "bytes",
        ValueKind::Seq if value.is_tuple() => "tuple",
        ValueKind::Seq => "list",
        ValueKind::Map => "dict",
        ValueKind::Iterable if value.downcast_object_ref::<DictView>().is_some() => value
            .downcast_object_ref::<DictView>()
            .map_or("dict_items", DictView::type_name),
        ValueKind::Iterable => "generator",
        ValueKind::Plain => match value.downcast_object_ref::<DateValue>() {
            Some(DateValue::Date(_)) => "date",
            Some(DateValue::DateTime(_)) => "datetime",
            None if value.downcast_object_ref::<PathValue>().is_some() => "PurePosixPath",
            None => "object",
        },
        _ => "object",
    }
}
