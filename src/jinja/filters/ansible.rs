//! The Ansible core filters of jinja2-ansible-filters 1.3.2 that are not
//! about JSON and YAML, randomness, dates, regexes or paths (those have
//! their own modules).

use base64::Engine;
use indexmap::IndexMap;
use md5::Md5;
use minijinja::value::{Kwargs, Tuple, ValueKind};
use minijinja::{Error, ErrorKind, State, Value};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use super::sequence::group_items;
use super::{FilterFn, bind};
use crate::jinja::objects::{PyDict, PyList, check_padding, invalid, mapping_entries, type_name};
use crate::jinja::pyformat::Number;
use crate::jinja::repr::{jinja_repr, jinja_str};

pub const FILTERS: &[(&str, FilterFn)] = &[
    ("bool", to_bool),
    ("ternary", ternary),
    ("combine", combine),
    ("hash", hash),
    ("md5", md5),
    ("sha1", sha1),
    ("checksum", sha1),
    ("b64encode", b64encode),
    ("b64decode", b64decode),
    ("to_uuid", to_uuid),
    ("quote", quote),
    ("comment", comment),
    ("mandatory", mandatory),
    ("type_debug", type_debug),
    ("flatten", flatten),
    ("extract", extract),
    ("subelements", subelements),
    ("ans_groupby", ans_groupby),
];

/// `bool`: `None` and booleans as they are, `yes`/`on`/`1`/`true` (any
/// case) and the number 1 true, anything else false.
fn to_bool(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("bool", &[], args, kwargs)?;
    if matches!(value.kind(), ValueKind::None | ValueKind::Bool) {
        return Ok(value);
    }
    let truthy = match value.as_str() {
        Some(text) => matches!(text.to_lowercase().as_str(), "yes" | "on" | "1" | "true"),
        None => matches!(Number::from_value(&value), Some(number) if number.as_f64() == 1.0),
    };
    Ok(Value::from(truthy))
}

/// `ternary(true_val, false_val, none_val=None)`.
fn ternary(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind(
        "ternary",
        &["true_val", "false_val", "none_val"],
        args,
        kwargs,
    )?;
    let missing = || invalid("ternary() needs true_val and false_val");
    if value.is_none()
        && let Some(none_value) = bound.given(2)
    {
        return Ok(none_value.clone());
    }
    if value.is_true() {
        bound.value(0).cloned().ok_or_else(missing)
    } else {
        bound.value(1).cloned().ok_or_else(missing)
    }
}

/// `combine(*dicts, recursive=False, list_merge='replace')`: later dicts
/// win; lists of dicts are taken apart one level.
fn combine(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let recursive = kwargs
        .get::<Option<Value>>("recursive")?
        .is_some_and(|flag| flag.is_true());
    let list_merge = kwargs
        .get::<Option<Value>>("list_merge")?
        .map_or_else(|| "replace".to_string(), |mode| jinja_str(&mode));
    if let Some(extra) = kwargs
        .args()
        .find(|name| !["recursive", "list_merge"].contains(name))
    {
        return Err(invalid(format!(
            "'recursive' and 'list_merge' are the only valid keyword arguments, not '{extra}'"
        )));
    }
    let mut terms = vec![value];
    terms.extend_from_slice(args);
    let dictionaries = flatten_levels(&terms, Some(1));
    for dictionary in &dictionaries {
        check_defined(dictionary)?;
    }
    let mut remaining = dictionaries.into_iter().rev();
    let Some(mut result) = remaining.next() else {
        return Ok(PyDict::value(IndexMap::new()));
    };
    for dictionary in remaining {
        result = merge_hash(&dictionary, &result, recursive, &list_merge)?;
    }
    Ok(result)
}

/// Ansible's `recursive_check_defined`.
fn check_defined(value: &Value) -> Result<(), Error> {
    if value.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "combine() got an undefined value",
        ));
    }
    if matches!(value.kind(), ValueKind::Map | ValueKind::Seq) {
        let items: Vec<Value> = if value.kind() == ValueKind::Map {
            mapping_entries(value)?
                .into_iter()
                .map(|(_, item)| item)
                .collect()
        } else {
            value.try_iter()?.collect()
        };
        for item in &items {
            check_defined(item)?;
        }
    }
    Ok(())
}

/// Ansible's `merge_hash(x, y)`: a copy of `x` with `y` merged in.
fn merge_hash(x: &Value, y: &Value, recursive: bool, list_merge: &str) -> Result<Value, Error> {
    if ![
        "replace",
        "keep",
        "append",
        "prepend",
        "append_rp",
        "prepend_rp",
    ]
    .contains(&list_merge)
    {
        return Err(invalid(
            "merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'",
        ));
    }
    if x.kind() != ValueKind::Map || y.kind() != ValueKind::Map {
        return Err(invalid(format!(
            "failed to combine variables, expected dicts but got a '{}' and a '{}'",
            type_name(x),
            type_name(y)
        )));
    }
    let mut merged: IndexMap<Value, Value> = mapping_entries(x)?.into_iter().collect();
    for (key, y_value) in mapping_entries(y)? {
        let Some(x_value) = merged.get(&key).cloned() else {
            merged.insert(key, y_value);
            continue;
        };
        let new_value = match (x_value.kind(), y_value.kind()) {
            (ValueKind::Map, ValueKind::Map) if recursive => {
                merge_hash(&x_value, &y_value, recursive, list_merge)?
            }
            (ValueKind::Seq, ValueKind::Seq) if !x_value.is_tuple() && !y_value.is_tuple() => {
                merge_lists(&x_value, &y_value, list_merge)?
            }
            _ => y_value,
        };
        merged.insert(key, new_value);
    }
    Ok(PyDict::value(merged))
}

fn merge_lists(x: &Value, y: &Value, list_merge: &str) -> Result<Value, Error> {
    let x_items: Vec<Value> = x.try_iter()?.collect();
    let y_items: Vec<Value> = y.try_iter()?.collect();
    let not_in_y = || {
        x_items
            .iter()
            .filter(|item| !y_items.contains(item))
            .cloned()
    };
    let items: Vec<Value> = match list_merge {
        "keep" => return Ok(x.clone()),
        "append" => x_items.iter().chain(&y_items).cloned().collect(),
        "prepend" => y_items.iter().chain(&x_items).cloned().collect(),
        "append_rp" => not_in_y().chain(y_items.iter().cloned()).collect(),
        "prepend_rp" => y_items.iter().cloned().chain(not_in_y()).collect(),
        _ => return Ok(y.clone()),
    };
    Ok(PyList::value(items))
}

/// Ansible's `to_bytes`: the UTF-8 bytes of a string, or of `str()`.
fn bytes_of(value: &Value) -> Vec<u8> {
    jinja_str(value).into_bytes()
}

fn hex_digest<D: Digest>(data: &[u8]) -> String {
    D::digest(data)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// `hash(hashtype='sha1')`: `None` for an algorithm kwz-new does not have
/// (Python's `hashlib` has more, such as `blake2b` and `sha3_256`).
fn hash(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("hash", &["hashtype"], args, kwargs)?;
    let data = bytes_of(&value);
    let digest = match bound.text(0, "sha1").to_lowercase().as_str() {
        "md5" => hex_digest::<Md5>(&data),
        "sha1" => hex_digest::<Sha1>(&data),
        "sha224" => hex_digest::<Sha224>(&data),
        "sha256" => hex_digest::<Sha256>(&data),
        "sha384" => hex_digest::<Sha384>(&data),
        "sha512" => hex_digest::<Sha512>(&data),
        _ => return Ok(Value::from(())),
    };
    Ok(Value::from(digest))
}

fn md5(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("md5", &[], args, kwargs)?;
    Ok(Value::from(hex_digest::<Md5>(&bytes_of(&value))))
}

fn sha1(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("sha1", &[], args, kwargs)?;
    Ok(Value::from(hex_digest::<Sha1>(&bytes_of(&value))))
}

fn check_encoding(encoding: &str) -> Result<(), Error> {
    match encoding.to_lowercase().replace('_', "-").as_str() {
        "utf-8" | "utf8" => Ok(()),
        other => Err(invalid(format!(
            "encoding `{other}` is not supported: only utf-8 is"
        ))),
    }
}

fn b64encode(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("b64encode", &["encoding"], args, kwargs)?;
    check_encoding(&bound.text(0, "utf-8"))?;
    Ok(Value::from(
        base64::engine::general_purpose::STANDARD.encode(bytes_of(&value)),
    ))
}

/// `b64decode(encoding='utf-8')`: like Python's non-validating decoder,
/// characters outside the alphabet are skipped; padding is required.
fn b64decode(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("b64decode", &["encoding"], args, kwargs)?;
    check_encoding(&bound.text(0, "utf-8"))?;
    let filtered: String = jinja_str(&value)
        .chars()
        .filter(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '+' | '/' | '='))
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(filtered)
        .map_err(|error| invalid(format!("invalid base64: {error}")))?;
    Ok(Value::from(String::from_utf8_lossy(&bytes).into_owned()))
}

/// `to_uuid`: UUID version 5 in Ansible's namespace.
fn to_uuid(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("to_uuid", &[], args, kwargs)?;
    let namespace = uuid::Uuid::from_u128(0x20851c88_ac15_449f_9ee7_74829105da86);
    Ok(Value::from(
        uuid::Uuid::new_v5(&namespace, jinja_str(&value).as_bytes()).to_string(),
    ))
}

/// `quote`: Python's `shlex.quote`.
fn quote(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("quote", &[], args, kwargs)?;
    let text = jinja_str(&value);
    if text.is_empty() {
        return Ok(Value::from("''"));
    }
    let safe = text
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || "_@%+=:,./-".contains(ch));
    if safe {
        return Ok(Value::from(text));
    }
    Ok(Value::from(format!("'{}'", text.replace('\'', "'\"'\"'"))))
}

/// `comment(style='plain', **params)`: the text as a comment block in one
/// of Ansible's styles, each part overridable by keyword.
fn comment(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind(
        "comment",
        &["style"],
        args,
        &Kwargs::from_iter(std::iter::empty::<(String, Value)>()),
    )?;
    let style = bound.text(0, "plain");
    let (beginning, decoration, end) = match style.as_str() {
        "plain" => ("", "# ", ""),
        "erlang" => ("", "% ", ""),
        "c" => ("", "// ", ""),
        "cblock" => ("/*", " * ", " */"),
        "xml" => ("<!--", " - ", "-->"),
        other => return Err(invalid(format!("unknown comment style '{other}'"))),
    };
    let param = |name: &str, default: &str| -> Result<String, Error> {
        Ok(kwargs
            .get::<Option<Value>>(name)?
            .map_or_else(|| default.to_string(), |value| jinja_str(&value)))
    };
    let prefix_default = param("decoration", decoration)?;
    let prefix_default = prefix_default.trim_end();
    let newline = param("newline", "\n")?;
    let beginning = param("beginning", beginning)?;
    let prefix = param("prefix", prefix_default)?;
    let prefix_count = param("prefix_count", "1")?.parse::<usize>().unwrap_or(1);
    check_padding("`prefix_count`", prefix_count as i128)?;
    let decoration = param("decoration", decoration)?;
    let postfix = param("postfix", prefix_default)?;
    let postfix_count = param("postfix_count", "1")?.parse::<usize>().unwrap_or(1);
    let end = param("end", end)?;
    for name in kwargs.args() {
        let _ = kwargs.get::<Value>(name)?;
    }

    let text = jinja_str(&value);
    let mut out = String::new();
    if !beginning.is_empty() {
        out.push_str(&format!("{beginning}{newline}"));
    }
    if !prefix.is_empty() {
        let line = if prefix == newline {
            newline.clone()
        } else {
            format!("{prefix}{newline}")
        };
        out.push_str(&line.repeat(prefix_count));
    }
    let decorated = format!(
        "{decoration}{}",
        text.replace(&newline, &format!("{newline}{decoration}"))
    );
    out.push_str(&decorated.replace(
        &format!("{decoration}{newline}"),
        &format!("{}{newline}", decoration.trim_end()),
    ));
    for _ in 0..postfix_count {
        out.push_str(&newline);
        out.push_str(&postfix);
    }
    if !end.is_empty() {
        out.push_str(&format!("{newline}{end}"));
    }
    Ok(Value::from(out))
}

/// `mandatory(msg=None)`: fails on an undefined value.
fn mandatory(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("mandatory", &["msg"], args, kwargs)?;
    if value.is_undefined() {
        let message = bound
            .given(0)
            .map_or_else(|| "Mandatory variable not defined.".to_string(), jinja_str);
        return Err(invalid(message));
    }
    Ok(value)
}

fn type_debug(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("type_debug", &[], args, kwargs)?;
    Ok(Value::from(type_name(&value)))
}

/// `flatten(levels=None)`.
fn flatten(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("flatten", &["levels"], args, kwargs)?;
    let levels = bound.given(0).map(super::args::to_int).transpose()?;
    let items: Vec<Value> = value.try_iter()?.collect();
    Ok(PyList::value(flatten_levels(&items, levels)))
}

/// Ansible's `flatten`: sequences (not strings or mappings) are opened up
/// to `levels` deep, and a `None`, `"None"` or `"null"` item ends the list.
fn flatten_levels(items: &[Value], levels: Option<i64>) -> Vec<Value> {
    let mut out = Vec::new();
    for item in items {
        if item.is_none() || matches!(item.as_str(), Some("None" | "null")) {
            break;
        }
        let is_sequence = item.kind() == ValueKind::Seq;
        match levels {
            _ if !is_sequence => out.push(item.clone()),
            None => {
                let inner: Vec<Value> = item.try_iter().map(Iterator::collect).unwrap_or_default();
                out.extend(flatten_levels(&inner, None));
            }
            Some(levels) if levels >= 1 => {
                let inner: Vec<Value> = item.try_iter().map(Iterator::collect).unwrap_or_default();
                out.extend(flatten_levels(&inner, Some(levels - 1)));
            }
            Some(_) => out.push(item.clone()),
        }
    }
    out
}

/// `extract(container, morekeys=None)`: `container[item]`, then each of
/// `morekeys`; a missing later key gives undefined.
fn extract(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("extract", &["container", "morekeys"], args, kwargs)?;
    let container = bound.value(0).cloned().unwrap_or_default();
    let found = container.get_item(&value)?;
    if found.is_undefined() {
        return Err(invalid(format!("key {} not found", jinja_repr(&value))));
    }
    let Some(more) = bound.given(1) else {
        return Ok(found);
    };
    let keys: Vec<Value> = if more.kind() == ValueKind::Seq && !more.is_tuple() {
        more.try_iter()?.collect()
    } else {
        vec![more.clone()]
    };
    let mut current = found;
    for key in keys {
        current = current.get_item(&key)?;
        if current.is_undefined() {
            return Ok(Value::UNDEFINED);
        }
    }
    Ok(current)
}

/// `subelements(subelements, skip_missing=False)`: `(item, sub)` pairs for
/// each item of a list (or a dict's values) and each entry of its list at
/// the dotted path.
fn subelements(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind(
        "subelements",
        &["subelements", "skip_missing"],
        args,
        kwargs,
    )?;
    let elements: Vec<Value> = match value.kind() {
        ValueKind::Map => mapping_entries(&value)?
            .into_iter()
            .map(|(_, item)| item)
            .collect(),
        ValueKind::Seq if !value.is_tuple() => value.try_iter()?.collect(),
        _ => return Err(invalid("obj must be a list of dicts or a nested dict")),
    };
    let path: Vec<Value> = match bound.value(0) {
        Some(path) if path.kind() == ValueKind::Seq => path.try_iter()?.collect(),
        Some(path) if path.kind() == ValueKind::String => {
            jinja_str(path).split('.').map(Value::from).collect()
        }
        _ => return Err(invalid("subelements must be a list or a string")),
    };
    let skip_missing = bound.flag(1, false);
    let mut results = Vec::new();
    for element in elements {
        let mut values = element.clone();
        for key in &path {
            if values.kind() != ValueKind::Map {
                return Err(invalid(format!(
                    "the key {} should point to a dictionary, got \"{}\"",
                    jinja_str(key),
                    jinja_str(&values)
                )));
            }
            let found = values.get_item(key)?;
            if found.is_undefined() {
                if skip_missing {
                    values = PyList::value(Vec::new());
                    break;
                }
                return Err(invalid(format!(
                    "could not find {} key in iterated item {}",
                    jinja_repr(key),
                    jinja_repr(&values)
                )));
            }
            values = found;
        }
        if values.kind() != ValueKind::Seq || values.is_tuple() {
            return Err(invalid(format!(
                "the key {} should point to a list, got {}",
                jinja_repr(path.last().unwrap_or(&Value::from(""))),
                jinja_repr(&values)
            )));
        }
        for item in values.try_iter()? {
            results.push(Value::from(Tuple::from(vec![element.clone(), item])));
        }
    }
    Ok(PyList::value(results))
}

/// `ans_groupby(attribute)`: `groupby` with plain tuples.
fn ans_groupby(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind("ans_groupby", &["attribute"], args, kwargs)?;
    let groups = group_items(state, &value, &bound, false)?;
    Ok(PyList::value(
        groups
            .into_iter()
            .map(|(grouper, items)| Value::from(Tuple::from(vec![grouper, PyList::value(items)])))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_stops_at_none() {
        let nested = PyList::value(vec![Value::from(2), PyList::value(vec![Value::from(3)])]);
        let items = vec![Value::from(1), nested, Value::from(()), Value::from(4)];
        assert_eq!(
            flatten_levels(&items, None),
            vec![Value::from(1), Value::from(2), Value::from(3)]
        );
        assert_eq!(flatten_levels(&items, Some(0)).len(), 2);
    }

    #[test]
    fn merge_lists_modes() {
        let x = PyList::value(vec![Value::from(1), Value::from(2)]);
        let y = PyList::value(vec![Value::from(2), Value::from(3)]);
        let merged = |mode| jinja_repr(&merge_lists(&x, &y, mode).unwrap());
        assert_eq!(merged("append"), "[1, 2, 2, 3]");
        assert_eq!(merged("prepend"), "[2, 3, 1, 2]");
        assert_eq!(merged("append_rp"), "[1, 2, 3]");
        assert_eq!(merged("prepend_rp"), "[2, 3, 1]");
        assert_eq!(merged("keep"), "[1, 2]");
        assert_eq!(merged("replace"), "[2, 3]");
    }
}
