//! Jinja2's filters over sequences and mappings.

use minijinja::value::{Kwargs, Tuple, ValueKind};
use minijinja::{Error, ErrorKind, State, Value};
use rand::seq::IndexedRandom;

use super::{FilterFn, attribute_path, bind, ignore_case, iterate, lookup_path, sort_by_keys};
use crate::jinja::objects::{GroupTuple, PyList, invalid, mapping_entries, type_name};
use crate::jinja::pyformat::Number;
use crate::jinja::repr::jinja_str;

pub const FILTERS: &[(&str, FilterFn)] = &[
    ("attr", attr),
    ("batch", batch),
    ("slice", slice),
    ("dictsort", dictsort),
    ("first", first),
    ("last", last),
    ("join", join),
    ("length", length),
    ("count", length),
    ("list", list),
    ("map", map),
    ("max", max),
    ("min", min),
    ("select", select),
    ("reject", reject),
    ("selectattr", selectattr),
    ("rejectattr", rejectattr),
    ("reverse", reverse),
    ("sort", sort),
    ("sum", sum),
    ("unique", unique),
    ("groupby", groupby),
    ("items", items),
    ("random", random),
    ("default", default),
    ("d", default),
];

fn list_value(items: Vec<Value>) -> Value {
    PyList::value(items)
}

/// `attr(name)`: an attribute, never an item. A dict's keys are not found
/// (Jinja2 gives undefined for them); its methods are, as bound methods.
fn attr(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("attr", &["name"], args, kwargs)?;
    let name = bound.text(0, "");
    if matches!(
        value.kind(),
        ValueKind::Map | ValueKind::Seq | ValueKind::String
    ) {
        if !crate::jinja::methods::has_method(&value, &name) {
            return Ok(Value::UNDEFINED);
        }
        return Ok(Value::from_function(
            move |state: &mut State, args: minijinja::value::Rest<Value>| {
                value.call_method(state, &name, &args)
            },
        ));
    }
    Ok(value.get_attr(&name).unwrap_or_default())
}

/// `batch(linecount, fill_with=None)`.
fn batch(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("batch", &["linecount", "fill_with"], args, kwargs)?;
    let size = usize::try_from(bound.int(0, 0)?).unwrap_or(0).max(1);
    let fill = bound.given(1).cloned();
    let mut batches = Vec::new();
    for chunk in iterate(state, &value)?.chunks(size) {
        let mut chunk = chunk.to_vec();
        if let Some(fill) = &fill {
            chunk.resize(size, fill.clone());
        }
        batches.push(list_value(chunk));
    }
    Ok(list_value(batches))
}

/// `slice(slices, fill_with=None)`: `slices` columns, the first ones one
/// item longer when the items do not divide evenly.
fn slice(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("slice", &["slices", "fill_with"], args, kwargs)?;
    let slices = usize::try_from(bound.int(0, 0)?).unwrap_or(0);
    if slices == 0 {
        return Err(invalid("integer division or modulo by zero"));
    }
    let fill = bound.given(1).cloned();
    let items = iterate(state, &value)?;
    let per_slice = items.len() / slices;
    let with_extra = items.len() % slices;
    let mut out = Vec::with_capacity(slices);
    let mut offset = 0;
    for number in 0..slices {
        let start = offset + number * per_slice;
        if number < with_extra {
            offset += 1;
        }
        let end = offset + (number + 1) * per_slice;
        let mut part = items[start..end].to_vec();
        if let Some(fill) = &fill
            && number >= with_extra
        {
            part.push(fill.clone());
        }
        out.push(list_value(part));
    }
    Ok(list_value(out))
}

/// `dictsort(case_sensitive=False, by='key', reverse=False)`.
fn dictsort(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind(
        "dictsort",
        &["case_sensitive", "by", "reverse"],
        args,
        kwargs,
    )?;
    let case_sensitive = bound.flag(0, false);
    let position = match bound.text(1, "key").as_str() {
        "key" => 0,
        "value" => 1,
        _ => return Err(invalid("You can only sort by either \"key\" or \"value\"")),
    };
    if value.kind() != ValueKind::Map {
        return Err(undefined_or_type(&value, "dictsort"));
    }
    let entries = mapping_entries(&value)?;
    let keys = entries
        .iter()
        .map(|(key, item)| {
            let sort_key = if position == 0 { key } else { item };
            if case_sensitive {
                sort_key.clone()
            } else {
                ignore_case(sort_key.clone())
            }
        })
        .collect();
    let pairs = entries
        .into_iter()
        .map(|(key, item)| Value::from(Tuple::from(vec![key, item])))
        .collect();
    Ok(list_value(sort_by_keys(pairs, keys, bound.flag(2, false))?))
}

fn undefined_or_type(value: &Value, filter: &str) -> Error {
    if value.is_undefined() {
        Error::new(
            ErrorKind::UndefinedError,
            format!("`{filter}` of an undefined value"),
        )
    } else {
        invalid(format!(
            "`{filter}` needs a mapping, not {}",
            type_name(value)
        ))
    }
}

fn first(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("first", &[], args, kwargs)?;
    Ok(iterate(state, &value)?
        .into_iter()
        .next()
        .unwrap_or(Value::UNDEFINED))
}

fn last(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("last", &[], args, kwargs)?;
    Ok(iterate(state, &value)?.pop().unwrap_or(Value::UNDEFINED))
}

/// `join(d='', attribute=None)`: items as Python's `str()`.
fn join(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("join", &["d", "attribute"], args, kwargs)?;
    let separator = bound.text(0, "");
    let path = attribute_path(bound.given(1));
    let mut parts = Vec::new();
    for item in iterate(state, &value)? {
        parts.push(jinja_str(&lookup_path(&item, &path)?));
    }
    Ok(Value::from(parts.join(&separator)))
}

/// Python's `len()`; an undefined value has length 0.
fn length(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("length", &[], args, kwargs)?;
    let len = match value.kind() {
        ValueKind::String => value.as_str().unwrap_or_default().chars().count(),
        ValueKind::Undefined => iterate(state, &value)?.len(),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable => match value.len() {
            Some(len) => len,
            None => value.try_iter()?.count(),
        },
        _ => {
            return Err(invalid(format!(
                "object of type '{}' has no len()",
                type_name(&value)
            )));
        }
    };
    Ok(Value::from(len))
}

fn list(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("list", &[], args, kwargs)?;
    Ok(list_value(iterate(state, &value)?))
}

/// Marks every keyword argument as used and returns them as one value to
/// pass on to another filter or test.
fn forward_kwargs(kwargs: &Kwargs, skip: &[&str]) -> Result<Option<Value>, Error> {
    let mut forwarded = Vec::new();
    for name in kwargs.args() {
        if !skip.contains(&name) {
            forwarded.push((name.to_string(), kwargs.get::<Value>(name)?));
        }
    }
    Ok((!forwarded.is_empty()).then(|| Value::from(forwarded.into_iter().collect::<Kwargs>())))
}

/// `map(attribute=..., default=...)` or `map(filter, *args, **kwargs)`.
fn map(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let items = iterate(state, &value)?;
    if args.is_empty() && kwargs.has("attribute") {
        let path = attribute_path(Some(&kwargs.get::<Value>("attribute")?));
        let default: Option<Value> = kwargs.get("default")?;
        let default = default.filter(|value| !value.is_none());
        if let Some(extra) = kwargs
            .args()
            .find(|name| !["attribute", "default"].contains(name))
        {
            return Err(invalid(format!("Unexpected keyword argument '{extra}'")));
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let mut found = lookup_path(&item, &path)?;
            if found.is_undefined()
                && let Some(default) = &default
            {
                found = default.clone();
            }
            out.push(found);
        }
        return Ok(list_value(out));
    }
    let Some(filter) = args.first() else {
        return Err(invalid("map requires a filter argument"));
    };
    let filter = jinja_str(filter);
    let forwarded = forward_kwargs(kwargs, &[])?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let mut call_args = vec![item];
        call_args.extend_from_slice(&args[1..]);
        call_args.extend(forwarded.clone());
        out.push(state.apply_filter(&filter, &call_args)?);
    }
    Ok(list_value(out))
}

fn max(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    min_or_max(state, value, args, kwargs, true)
}

fn min(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    min_or_max(state, value, args, kwargs, false)
}

/// `min`/`max(case_sensitive=False, attribute=None)`: the first of the
/// smallest or largest, undefined for an empty sequence.
fn min_or_max(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
    largest: bool,
) -> Result<Value, Error> {
    let bound = bind(
        if largest { "max" } else { "min" },
        &["case_sensitive", "attribute"],
        args,
        kwargs,
    )?;
    let case_sensitive = bound.flag(0, false);
    let path = attribute_path(bound.given(1));
    let items = iterate(state, &value)?;
    if items.is_empty() {
        return Ok(Value::UNDEFINED);
    }
    let mut keys = Vec::with_capacity(items.len());
    for item in &items {
        let key = lookup_path(item, &path)?;
        keys.push(if case_sensitive {
            key
        } else {
            ignore_case(key)
        });
    }
    crate::jinja::objects::check_comparable(&keys)?;
    let mut best = 0;
    for index in 1..keys.len() {
        let better = if largest {
            keys[index] > keys[best]
        } else {
            keys[index] < keys[best]
        };
        if better {
            best = index;
        }
    }
    Ok(items[best].clone())
}

fn select(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    select_or_reject(state, &value, args, kwargs, true, false)
}

fn reject(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    select_or_reject(state, &value, args, kwargs, false, false)
}

fn selectattr(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    select_or_reject(state, &value, args, kwargs, true, true)
}

fn rejectattr(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    select_or_reject(state, &value, args, kwargs, false, true)
}

/// Filters items for the four filtering filters: keeps those (or their
/// attribute) that pass the named test, or are true without one. `keep`
/// false inverts the choice.
fn select_or_reject(
    state: &mut State,
    value: &Value,
    args: &[Value],
    kwargs: &Kwargs,
    keep: bool,
    by_attribute: bool,
) -> Result<Value, Error> {
    if !value.is_true() {
        return Ok(list_value(Vec::new()));
    }
    let (path, rest) = if by_attribute {
        let Some(attribute) = args.first() else {
            return Err(invalid("Missing parameter for attribute name"));
        };
        (attribute_path(Some(attribute)), &args[1..])
    } else {
        (Vec::new(), args)
    };
    let test = rest.first().map(jinja_str);
    let forwarded = forward_kwargs(kwargs, &[])?;
    let mut out = Vec::new();
    for item in iterate(state, value)? {
        let subject = lookup_path(&item, &path)?;
        let passed = match &test {
            None => subject.is_true(),
            Some(test) => {
                let mut test_args = vec![subject];
                test_args.extend_from_slice(&rest[1..]);
                test_args.extend(forwarded.clone());
                state.perform_test(test, &test_args)?
            }
        };
        if passed == keep {
            out.push(item);
        }
    }
    Ok(list_value(out))
}

fn reverse(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("reverse", &[], args, kwargs)?;
    if let Some(text) = value.as_str() {
        return Ok(Value::from(text.chars().rev().collect::<String>()));
    }
    let mut items = iterate(state, &value)?;
    items.reverse();
    Ok(list_value(items))
}

/// `sort(reverse=False, case_sensitive=False, attribute=None)`; the
/// attribute may list several, separated by commas.
fn sort(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind(
        "sort",
        &["reverse", "case_sensitive", "attribute"],
        args,
        kwargs,
    )?;
    let case_sensitive = bound.flag(1, false);
    let paths: Vec<Vec<Value>> = match bound.given(2) {
        Some(attribute) if attribute.kind() == ValueKind::String => jinja_str(attribute)
            .split(',')
            .map(|part| attribute_path(Some(&Value::from(part))))
            .collect(),
        other => vec![attribute_path(other)],
    };
    let items = iterate(state, &value)?;
    let mut keys = Vec::with_capacity(items.len());
    for item in &items {
        let mut parts = Vec::with_capacity(paths.len());
        for path in &paths {
            let key = lookup_path(item, path)?;
            parts.push(if case_sensitive {
                key
            } else {
                ignore_case(key)
            });
        }
        keys.push(if parts.len() == 1 {
            parts.pop().unwrap_or_default()
        } else {
            Value::from(parts)
        });
    }
    Ok(list_value(sort_by_keys(items, keys, bound.flag(0, false))?))
}

/// `sum(attribute=None, start=0)` with Python's `+`: numbers add, lists
/// concatenate, anything else (an undefined item included) fails.
fn sum(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("sum", &["attribute", "start"], args, kwargs)?;
    let path = attribute_path(bound.given(0));
    let mut total = bound.value(1).cloned().unwrap_or_else(|| Value::from(0));
    for item in iterate(state, &value)? {
        let item = lookup_path(&item, &path)?;
        total = add(&total, &item)?;
    }
    Ok(total)
}

fn add(left: &Value, right: &Value) -> Result<Value, Error> {
    if right.is_undefined() || left.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "an undefined value was added in `sum`",
        ));
    }
    match (Number::from_value(left), Number::from_value(right)) {
        (Some(Number::Int(a)), Some(Number::Int(b))) => a
            .checked_add(b)
            .map(Value::from)
            .ok_or_else(|| invalid("integer overflow in `sum`")),
        (Some(a), Some(b)) => Ok(Value::from(a.as_f64() + b.as_f64())),
        _ if left.kind() == ValueKind::Seq && right.kind() == ValueKind::Seq => {
            let mut items: Vec<Value> = left.try_iter()?.collect();
            items.extend(right.try_iter()?);
            Ok(list_value(items))
        }
        _ => Err(invalid(format!(
            "unsupported operand type(s) for +: '{}' and '{}'",
            type_name(left),
            type_name(right)
        ))),
    }
}

/// `unique(case_sensitive=False, attribute=None)`: the first item of each
/// distinct key, in order.
fn unique(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind("unique", &["case_sensitive", "attribute"], args, kwargs)?;
    let case_sensitive = bound.flag(0, false);
    let path = attribute_path(bound.given(1));
    let mut seen: Vec<Value> = Vec::new();
    let mut out = Vec::new();
    for item in iterate(state, &value)? {
        let key = lookup_path(&item, &path)?;
        if matches!(key.kind(), ValueKind::Seq | ValueKind::Map) && !key.is_tuple() {
            return Err(invalid(format!("unhashable type: '{}'", type_name(&key))));
        }
        let key = if case_sensitive {
            key
        } else {
            ignore_case(key)
        };
        if !seen.contains(&key) {
            seen.push(key);
            out.push(item);
        }
    }
    Ok(list_value(out))
}

/// `groupby(attribute, default=None, case_sensitive=False)`: items sorted
/// by the attribute, then grouped; each group shows the attribute of its
/// first item.
fn groupby(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind(
        "groupby",
        &["attribute", "default", "case_sensitive"],
        args,
        kwargs,
    )?;
    let groups = group_items(state, &value, &bound, bound.flag(2, false))?;
    Ok(list_value(
        groups
            .into_iter()
            .map(|(grouper, items)| {
                Value::from_object(GroupTuple {
                    grouper,
                    list: list_value(items),
                })
            })
            .collect(),
    ))
}

/// Groups the items for `groupby`: `(grouper, items)` in sorted key order.
pub fn group_items(
    state: &mut State,
    value: &Value,
    bound: &super::Bound,
    case_sensitive: bool,
) -> Result<Vec<(Value, Vec<Value>)>, Error> {
    let path = attribute_path(bound.value(0));
    let default = bound.given(1).cloned();
    let lookup = |item: &Value| -> Result<Value, Error> {
        let found = lookup_path(item, &path)?;
        Ok(match (&default, found.is_undefined()) {
            (Some(default), true) => default.clone(),
            _ => found,
        })
    };
    let items = iterate(state, value)?;
    let mut keys = Vec::with_capacity(items.len());
    for item in &items {
        let key = lookup(item)?;
        keys.push(if case_sensitive {
            key
        } else {
            ignore_case(key)
        });
    }
    let mut pairs: Vec<(Value, Value)> = keys.into_iter().zip(items).collect();
    let sort_keys: Vec<Value> = pairs.iter().map(|(key, _)| key.clone()).collect();
    crate::jinja::objects::check_comparable(&sort_keys)?;
    pairs.sort_by(|left, right| left.0.cmp(&right.0));

    let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
    let mut current_key: Option<Value> = None;
    for (key, item) in pairs {
        if current_key.as_ref() == Some(&key) {
            if let Some((_, members)) = groups.last_mut() {
                members.push(item);
            }
        } else {
            let grouper = if case_sensitive {
                key.clone()
            } else {
                lookup(&item)?
            };
            current_key = Some(key);
            groups.push((grouper, vec![item]));
        }
    }
    Ok(groups)
}

/// `items`: the `(key, value)` pairs of a mapping; nothing for undefined.
fn items(state: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("items", &[], args, kwargs)?;
    if value.is_undefined() {
        iterate(state, &value)?;
        return Ok(list_value(Vec::new()));
    }
    if value.kind() != ValueKind::Map {
        return Err(invalid("Can only get item pairs from a mapping."));
    }
    Ok(list_value(
        mapping_entries(&value)?
            .into_iter()
            .map(|(key, item)| Value::from(Tuple::from(vec![key, item])))
            .collect(),
    ))
}

fn random(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("random", &[], args, kwargs)?;
    let items = iterate(state, &value)?;
    Ok(items
        .choose(&mut rand::rng())
        .cloned()
        .unwrap_or(Value::UNDEFINED))
}

/// `default(default_value='', boolean=False)`: the default for an undefined
/// value, or for any false value with `boolean`.
fn default(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("default", &["default_value", "boolean"], args, kwargs)?;
    if value.is_undefined() || (bound.flag(1, false) && !value.is_true()) {
        return Ok(bound.value(0).cloned().unwrap_or_else(|| Value::from("")));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_follows_python() {
        assert_eq!(
            add(&Value::from(1), &Value::from(2)).unwrap(),
            Value::from(3)
        );
        assert_eq!(
            add(&Value::from(1), &Value::from(0.5)).unwrap(),
            Value::from(1.5)
        );
        assert!(add(&Value::from(1), &Value::from("x")).is_err());
        assert!(add(&Value::from(1), &Value::UNDEFINED).is_err());
    }
}
