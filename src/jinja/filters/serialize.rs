//! The Ansible JSON and YAML filters: `to_json`, `to_nice_json`,
//! `from_json`, `to_yaml`, `to_nice_yaml`, `from_yaml` and `from_yaml_all`.

use minijinja::value::{Kwargs, ValueKind};
use minijinja::{Error, State, Value};

use super::json::{JsonOptions, dumps, loads};
use super::{FilterFn, bind};
use crate::jinja::convert::{from_jinja, to_jinja};
use crate::jinja::objects::{PyList, invalid};
use crate::jinja::repr::jinja_str;
use crate::yaml::{DumpOptions, FlowStyle};

pub const FILTERS: &[(&str, FilterFn)] = &[
    ("to_json", to_json),
    ("to_nice_json", to_nice_json),
    ("from_json", from_json),
    ("to_yaml", to_yaml),
    ("to_nice_yaml", to_nice_yaml),
    ("from_yaml", from_yaml),
    ("from_yaml_all", from_yaml_all),
];

/// The `json.dumps` keyword arguments a template may pass.
fn json_options(kwargs: &Kwargs, mut options: JsonOptions) -> Result<JsonOptions, Error> {
    if let Some(indent) = kwargs.get::<Option<Value>>("indent")? {
        options.indent = (!indent.is_none())
            .then(|| super::args::to_int(&indent))
            .transpose()?;
    }
    if let Some(sort_keys) = kwargs.get::<Option<Value>>("sort_keys")? {
        options.sort_keys = sort_keys.is_true();
    }
    if let Some(ensure_ascii) = kwargs.get::<Option<Value>>("ensure_ascii")? {
        options.ensure_ascii = ensure_ascii.is_true();
    }
    if let Some(separators) = kwargs.get::<Option<Value>>("separators")? {
        let parts: Vec<String> = separators
            .try_iter()?
            .map(|part| jinja_str(&part))
            .collect();
        let [item, key] = <[String; 2]>::try_from(parts)
            .map_err(|_| invalid("separators must be an (item, key) pair"))?;
        options.separators = Some((item, key));
    }
    Ok(options)
}

/// `to_json(**kwargs)`: `json.dumps` with Python's defaults and Copier's
/// fallback for dates and paths.
fn to_json(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind(
        "to_json",
        &[],
        args,
        &Kwargs::from_iter(std::iter::empty::<(String, Value)>()),
    )?;
    let options = json_options(
        kwargs,
        JsonOptions {
            jsonable_fallback: true,
            ..JsonOptions::default()
        },
    )?;
    Ok(Value::from(dumps(&value, &options)?))
}

/// `to_nice_json(indent=4, sort_keys=True)` with `(",", ": ")` separators;
/// when that fails (say, keys that cannot be sorted) Ansible falls back to
/// a plain `json.dumps`, without Copier's date fallback.
fn to_nice_json(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind(
        "to_nice_json",
        &["indent", "sort_keys"],
        args,
        &Kwargs::from_iter(std::iter::empty::<(String, Value)>()),
    )?;
    let defaults = JsonOptions {
        indent: Some(bound.int(0, 4)?),
        sort_keys: bound.flag(1, true),
        separators: Some((",".into(), ": ".into())),
        ..JsonOptions::default()
    };
    let options = json_options(kwargs, defaults)?;
    match dumps(&value, &options) {
        Ok(text) => Ok(Value::from(text)),
        Err(_) => Ok(Value::from(dumps(&value, &JsonOptions::default())?)),
    }
}

fn from_json(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("from_json", &[], args, kwargs)?;
    loads(&jinja_str(&value))
}

fn yaml_error(error: crate::yaml::YamlError) -> Error {
    invalid(format!("YAML: {error}"))
}

/// The `yaml.dump` keyword arguments a template may pass.
fn yaml_options(kwargs: &Kwargs, mut options: DumpOptions) -> Result<DumpOptions, Error> {
    if let Some(indent) = kwargs.get::<Option<Value>>("indent")? {
        options.indent = usize::try_from(super::args::to_int(&indent)?).unwrap_or(2);
    }
    if let Some(width) = kwargs.get::<Option<Value>>("width")? {
        options.width = usize::try_from(super::args::to_int(&width)?).unwrap_or(80);
    }
    if let Some(sort_keys) = kwargs.get::<Option<Value>>("sort_keys")? {
        options.sort_keys = sort_keys.is_true();
    }
    if let Some(allow_unicode) = kwargs.get::<Option<Value>>("allow_unicode")? {
        options.allow_unicode = allow_unicode.is_true();
    }
    if let Some(explicit_start) = kwargs.get::<Option<Value>>("explicit_start")? {
        options.explicit_start = explicit_start.is_true();
    }
    if let Some(explicit_end) = kwargs.get::<Option<Value>>("explicit_end")? {
        options.explicit_end = explicit_end.is_true();
    }
    Ok(options)
}

/// `to_yaml(default_flow_style=None, **kwargs)`: `yaml.dump` with
/// `allow_unicode`.
fn to_yaml(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind(
        "to_yaml",
        &[],
        args,
        &Kwargs::from_iter(std::iter::empty::<(String, Value)>()),
    )?;
    let mut options = yaml_options(kwargs, DumpOptions::to_yaml())?;
    if let Some(style) = kwargs.get::<Option<Value>>("default_flow_style")? {
        options.flow_style = match style.kind() {
            ValueKind::None => FlowStyle::Auto,
            _ if style.is_true() => FlowStyle::Flow,
            _ => FlowStyle::Block,
        };
    }
    Ok(Value::from(
        crate::yaml::dump(&from_jinja(&value), &options).map_err(yaml_error)?,
    ))
}

/// `to_nice_yaml(indent=4)`: block style, `allow_unicode`.
fn to_nice_yaml(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind(
        "to_nice_yaml",
        &["indent"],
        args,
        &Kwargs::from_iter(std::iter::empty::<(String, Value)>()),
    )?;
    let mut options = yaml_options(kwargs, DumpOptions::to_nice_yaml())?;
    if let Some(indent) = bound.given(0) {
        options.indent = usize::try_from(super::args::to_int(indent)?).unwrap_or(4);
    }
    Ok(Value::from(
        crate::yaml::dump(&from_jinja(&value), &options).map_err(yaml_error)?,
    ))
}

/// `from_yaml`: `yaml.safe_load` of a string; other values pass through.
fn from_yaml(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("from_yaml", &[], args, kwargs)?;
    match value.as_str() {
        Some(text) => Ok(to_jinja(&crate::yaml::load(text).map_err(yaml_error)?)),
        None => Ok(value),
    }
}

/// `from_yaml_all`: every document of a string, as a list.
fn from_yaml_all(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("from_yaml_all", &[], args, kwargs)?;
    match value.as_str() {
        Some(text) => {
            let documents = crate::yaml::load_all(text, None).map_err(yaml_error)?;
            Ok(PyList::value(documents.iter().map(to_jinja).collect()))
        }
        None => Ok(value),
    }
}
