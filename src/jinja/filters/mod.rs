//! Filters: Jinja2 3.1.6's built-ins where minijinja's output differs, and
//! the Ansible core filters (jinja2-ansible-filters 1.3.2) that Copier
//! loads.
//!
//! Each filter follows the Python function it reproduces: the same
//! parameters (by position or name), the same defaults and the same
//! output, including Python's `str()` of non-string arguments. Filters that
//! build a list return a `PyList`, so the result can be changed in place
//! like the Python list it stands for.

mod ansible;
mod args;
mod dates;
mod json;
mod numbers;
mod paths;
mod pprint;
mod pyrandom;
mod random;
mod regex;
mod sequence;
mod serialize;
mod text;
mod textwrap;

pub use args::{Bound, bind};

use minijinja::value::{Kwargs, Rest, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State, Value};

use super::objects::{invalid, type_name};
use super::repr::jinja_str;

/// The signature every filter here has: the state, the filtered value, the
/// positional arguments and the keyword arguments.
pub type FilterFn = fn(&mut State<'_, '_>, Value, &[Value], &Kwargs) -> Result<Value, Error>;

/// Registers every filter.
pub fn register(env: &mut Environment<'static>) {
    let groups: [&[(&str, FilterFn)]; 9] = [
        text::FILTERS,
        sequence::FILTERS,
        numbers::FILTERS,
        ansible::FILTERS,
        serialize::FILTERS,
        random::FILTERS,
        dates::FILTERS,
        regex::FILTERS,
        paths::FILTERS,
    ];
    for (name, filter) in groups.into_iter().flatten() {
        let filter = *filter;
        env.add_filter(
            *name,
            move |state: &mut State<'_, '_>, value: Value, args: Rest<Value>, kwargs: Kwargs| {
                let result = filter(state, value, &args, &kwargs);
                kwargs.assert_all_used()?;
                result
            },
        );
    }
}

/// markupsafe's `escape`: `&`, `<`, `>`, `"` and `'` as HTML entities.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Iterates a value as Python's `iter()` does: a string yields its
/// characters and a mapping its keys. An undefined value yields nothing
/// (or fails under `StrictUndefined`), and numbers and `None` fail.
pub fn iterate(state: &State<'_, '_>, value: &Value) -> Result<Vec<Value>, Error> {
    match value.kind() {
        ValueKind::Undefined => {
            minijinja::value::StringInput::new(state, value)?;
            Ok(Vec::new())
        }
        ValueKind::String => Ok(value
            .as_str()
            .unwrap_or_default()
            .chars()
            .map(Value::from)
            .collect()),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable => Ok(value.try_iter()?.collect()),
        _ => Err(invalid(format!(
            "'{}' object is not iterable",
            type_name(value)
        ))),
    }
}

/// Jinja2's attribute path: `"a.b.0"` is `["a", "b", 0]`, `None` is empty.
pub fn attribute_path(attribute: Option<&Value>) -> Vec<Value> {
    match attribute {
        None => Vec::new(),
        Some(value) if value.is_none() => Vec::new(),
        Some(value) => match value.as_str() {
            Some(path) => path
                .split('.')
                .map(|part| match part.parse::<i64>() {
                    Ok(index) if part.bytes().all(|byte| byte.is_ascii_digit()) => {
                        Value::from(index)
                    }
                    _ => Value::from(part),
                })
                .collect(),
            None => vec![value.clone()],
        },
    }
}

/// Looks `path` up in `item` as Jinja2's `environment.getitem` does for
/// each part; a missing part gives an undefined value, and a part of an
/// undefined value is an error.
pub fn lookup_path(item: &Value, path: &[Value]) -> Result<Value, Error> {
    let mut current = item.clone();
    for part in path {
        if current.is_undefined() {
            return Err(Error::new(
                ErrorKind::UndefinedError,
                format!("cannot look up {} of an undefined value", jinja_str(part)),
            ));
        }
        let mut found = current.get_item(part).unwrap_or_default();
        if found.is_undefined()
            && let Some(name) = part.as_str()
        {
            found = current.get_attr(name).unwrap_or_default();
        }
        current = found;
    }
    Ok(current)
}

/// Jinja2's `ignore_case`: strings compare lowercased.
pub fn ignore_case(value: Value) -> Value {
    match value.as_str() {
        Some(text) => Value::from(text.to_lowercase()),
        None => value,
    }
}

/// Sorts `items` by `keys` (one key per item) as Python's stable `sorted`
/// does, failing on keys Python cannot compare.
pub fn sort_by_keys(
    items: Vec<Value>,
    keys: Vec<Value>,
    reverse: bool,
) -> Result<Vec<Value>, Error> {
    super::objects::check_comparable(&keys)?;
    let mut pairs: Vec<(Value, Value)> = keys.into_iter().zip(items).collect();
    if reverse {
        pairs.sort_by(|left, right| right.0.cmp(&left.0));
    } else {
        pairs.sort_by(|left, right| left.0.cmp(&right.0));
    }
    Ok(pairs.into_iter().map(|(_, item)| item).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_paths_split_on_dots() {
        let path = attribute_path(Some(&Value::from("a.0.b")));
        assert_eq!(
            path,
            vec![Value::from("a"), Value::from(0), Value::from("b")]
        );
        assert!(attribute_path(None).is_empty());
    }

    #[test]
    fn html_escape_matches_markupsafe() {
        assert_eq!(
            html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
