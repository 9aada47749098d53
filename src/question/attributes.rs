//! The types Copier 9.19.1 accepts for question attributes.
//!
//! Copier's `Question` is a pydantic dataclass in lax mode, so a wrong
//! attribute type stops the run before any question is asked. `help`,
//! `placeholder`, `validator` and `type` must be strings, and `choices` a
//! list, mapping or string. `multiselect` and `secret` are booleans, which
//! pydantic also reads from 0, 1 and words such as `"no"`. `when`, `ask`
//! and `multiline` are strings or booleans, and `qmark` a string or null.

use anyhow::{Result, bail};

use crate::jinja::python_repr;
use crate::value::{Map, Value};

/// Checks every attribute whose type Copier validates.
pub fn check_types(attributes: &Map) -> Result<()> {
    for (key, value) in attributes {
        let Value::Str(key) = key else { continue };
        let (valid, expected) = match key.as_str() {
            "help" | "placeholder" | "validator" | "type" => {
                (matches!(value, Value::Str(_)), "a string")
            }
            "qmark" => (matches!(value, Value::Str(_) | Value::Null), "a string"),
            "choices" => (
                matches!(value, Value::List(_) | Value::Map(_) | Value::Str(_)),
                "a list, a mapping or a string",
            ),
            "multiselect" | "secret" => (lax_bool(value).is_some(), "a boolean"),
            "when" | "ask" | "multiline" => (
                matches!(value, Value::Str(_)) || lax_bool(value).is_some(),
                "a string or a boolean",
            ),
            _ => (true, ""),
        };
        if !valid {
            bail!(
                "invalid `{key}` {}: expected {expected}",
                python_repr(value)
            );
        }
    }
    Ok(())
}

/// Pydantic's lax reading of a `bool` field: booleans, the numbers 0 and 1,
/// and the words it accepts in any case. `None` for anything else.
pub fn lax_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Int(0) => Some(false),
        Value::Int(1) => Some(true),
        Value::Float(number) if *number == 0.0 => Some(false),
        Value::Float(number) if *number == 1.0 => Some(true),
        Value::Str(text) => match text.to_ascii_lowercase().as_str() {
            "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
            "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(yaml: &str) -> Map {
        match crate::yaml::load(yaml).unwrap() {
            Value::Map(map) => map,
            other => panic!("not a mapping: {other:?}"),
        }
    }

    #[test]
    fn valid_attribute_types_pass() {
        let valid = "{help: h, type: int, choices: [1], multiselect: 'no', secret: 0, when: 1, ask: '{{ x }}', multiline: true, qmark: ~}";
        assert!(check_types(&attributes(valid)).is_ok());
    }

    #[test]
    fn wrong_attribute_types_fail() {
        for yaml in [
            "{help: 5}",
            "{type: ~}",
            "{choices: ~}",
            "{validator: 5}",
            "{when: []}",
            "{when: 2}",
            "{secret: maybe}",
            "{secret: ~}",
            "{multiselect: ' yes'}",
        ] {
            assert!(check_types(&attributes(yaml)).is_err(), "{yaml}");
        }
    }

    #[test]
    fn lax_bool_words() {
        assert_eq!(lax_bool(&Value::from("FALSE")), Some(false));
        assert_eq!(lax_bool(&Value::from("Yes")), Some(true));
        assert_eq!(lax_bool(&Value::Float(1.0)), Some(true));
        assert_eq!(lax_bool(&Value::from("")), None);
        assert_eq!(lax_bool(&Value::Int(2)), None);
    }
}
