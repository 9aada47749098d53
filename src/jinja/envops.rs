//! Reading `_envops`, the keyword arguments that Copier passes to Jinja2's
//! `Environment`, and turning them into minijinja's syntax settings.

use minijinja::syntax::SyntaxConfig;

use super::EnvOptions;
use crate::jinja::repr::plain_str;
use crate::value::Value;

/// `Environment` arguments that change nothing we render, so any value is
/// accepted.
const IGNORED_KEYS: &[&str] = &["optimized", "cache_size", "auto_reload", "enable_async"];

/// `Environment` arguments that Jinja2 accepts but kwz-new cannot honour.
const UNSUPPORTED_KEYS: &[&str] = &["extensions", "finalize", "loader", "bytecode_cache"];

impl EnvOptions {
    /// Reads the `_envops` mapping (`Null` when the template has none).
    ///
    /// Jinja2 rejects keyword arguments it does not know, so an unknown key
    /// is an error here too. Flags take Python truthiness, delimiters must
    /// be strings, and `undefined` must name `jinja2.Undefined` or
    /// `jinja2.StrictUndefined`, as Copier requires.
    pub fn from_envops(envops: &Value) -> Result<Self, String> {
        let mut options = EnvOptions::default();
        let map = match envops {
            Value::Null => return Ok(options),
            Value::Map(map) => map,
            other => {
                return Err(format!(
                    "`_envops` must be a mapping, not {}",
                    other.type_name()
                ));
            }
        };
        for (key, value) in map {
            let Value::Str(key) = key else {
                return Err(format!(
                    "`_envops` keys must be strings, not `{}`",
                    plain_str(key)
                ));
            };
            options.set(key, value)?;
        }
        Ok(options)
    }

    fn set(&mut self, key: &str, value: &Value) -> Result<(), String> {
        match key {
            "block_start_string" => self.block_start = delimiter(key, value)?,
            "block_end_string" => self.block_end = delimiter(key, value)?,
            "variable_start_string" => self.variable_start = delimiter(key, value)?,
            "variable_end_string" => self.variable_end = delimiter(key, value)?,
            "comment_start_string" => self.comment_start = delimiter(key, value)?,
            "comment_end_string" => self.comment_end = delimiter(key, value)?,
            "line_statement_prefix" => self.line_statement_prefix = prefix(key, value)?,
            "line_comment_prefix" => self.line_comment_prefix = prefix(key, value)?,
            "trim_blocks" => self.trim_blocks = value.is_truthy(),
            "lstrip_blocks" => self.lstrip_blocks = value.is_truthy(),
            "keep_trailing_newline" => self.keep_trailing_newline = value.is_truthy(),
            "autoescape" => self.autoescape = value.is_truthy(),
            "undefined" => self.strict_undefined = strict_undefined(value)?,
            "newline_sequence" => {
                if value.as_str() != Some("\n") {
                    return Err(format!(
                        "`_envops.newline_sequence` {} is not supported: only \"\\n\" is",
                        crate::jinja::repr::plain_repr(value)
                    ));
                }
            }
            _ if IGNORED_KEYS.contains(&key) => {}
            _ if UNSUPPORTED_KEYS.contains(&key) => {
                return Err(format!("`_envops.{key}` is not supported by kwz-new"));
            }
            _ => return Err(format!("unknown `_envops` key `{key}`")),
        }
        Ok(())
    }

    /// Builds the minijinja syntax settings for these options. The line
    /// comment prefix is left out, because `rewrite` removes line comments.
    pub(crate) fn syntax_config(&self) -> Result<SyntaxConfig, String> {
        let mut builder = SyntaxConfig::builder();
        builder
            .block_delimiters(self.block_start.clone(), self.block_end.clone())
            .variable_delimiters(self.variable_start.clone(), self.variable_end.clone())
            .comment_delimiters(self.comment_start.clone(), self.comment_end.clone())
            .trim_blocks(self.trim_blocks)
            .lstrip_blocks(self.lstrip_blocks)
            .keep_trailing_newline(self.keep_trailing_newline);
        if let Some(prefix) = &self.line_statement_prefix {
            builder.line_statement_prefix(prefix.clone());
        }
        builder
            .build()
            .map_err(|error| format!("invalid `_envops` delimiters: {error}"))
    }
}

fn delimiter(key: &str, value: &Value) -> Result<String, String> {
    match value {
        Value::Str(text) if !text.is_empty() => Ok(text.clone()),
        _ => Err(format!(
            "`_envops.{key}` must be a non-empty string, not `{}`",
            plain_str(value)
        )),
    }
}

fn prefix(key: &str, value: &Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Str(text) if !text.is_empty() => Ok(Some(text.clone())),
        _ => Err(format!(
            "`_envops.{key}` must be a non-empty string or null, not `{}`",
            plain_str(value)
        )),
    }
}

/// Copier's check of `undefined`; a missing or empty value keeps Jinja2's
/// default `Undefined`.
fn strict_undefined(value: &Value) -> Result<bool, String> {
    match value {
        _ if !value.is_truthy() => Ok(false),
        Value::Str(name) if name == "jinja2.Undefined" => Ok(false),
        Value::Str(name) if name == "jinja2.StrictUndefined" => Ok(true),
        _ => Err(format!(
            "Unsupported envops.undefined value specified: {}.\n\
             Supported values are \"jinja2.Undefined\" and \"jinja2.StrictUndefined\".",
            plain_str(value)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Map;

    fn envops(pairs: &[(&str, Value)]) -> Value {
        let mut map = Map::new();
        for (key, value) in pairs {
            map.insert(Value::from(*key), value.clone());
        }
        Value::Map(map)
    }

    #[test]
    fn missing_envops_keep_copier_defaults() {
        let options = EnvOptions::from_envops(&Value::Null).unwrap();
        assert!(options.keep_trailing_newline);
        assert!(!options.autoescape);
        assert!(!options.strict_undefined);
        assert_eq!(options.variable_start, "{{");
    }

    #[test]
    fn delimiters_and_flags_are_read() {
        let options = EnvOptions::from_envops(&envops(&[
            ("block_start_string", Value::from("[%")),
            ("variable_end_string", Value::from("]]")),
            ("keep_trailing_newline", Value::Bool(false)),
            ("trim_blocks", Value::Int(1)),
            ("line_statement_prefix", Value::from("#")),
            ("undefined", Value::from("jinja2.StrictUndefined")),
            ("optimized", Value::Bool(false)),
        ]))
        .unwrap();
        assert_eq!(options.block_start, "[%");
        assert_eq!(options.variable_end, "]]");
        assert!(!options.keep_trailing_newline);
        assert!(options.trim_blocks);
        assert_eq!(options.line_statement_prefix.as_deref(), Some("#"));
        assert!(options.strict_undefined);
    }

    #[test]
    fn unsupported_undefined_uses_copier_message() {
        let error = EnvOptions::from_envops(&envops(&[(
            "undefined",
            Value::from("jinja2.DebugUndefined"),
        )]))
        .unwrap_err();
        assert_eq!(
            error,
            "Unsupported envops.undefined value specified: jinja2.DebugUndefined.\n\
             Supported values are \"jinja2.Undefined\" and \"jinja2.StrictUndefined\"."
        );
    }

    #[test]
    fn unknown_and_bad_keys_are_errors() {
        assert!(EnvOptions::from_envops(&envops(&[("trim_block", Value::Bool(true))])).is_err());
        assert!(
            EnvOptions::from_envops(&envops(&[("block_start_string", Value::Int(1))])).is_err()
        );
        assert!(EnvOptions::from_envops(&envops(&[("extensions", Value::List(vec![]))])).is_err());
        assert!(EnvOptions::from_envops(&Value::from("x")).is_err());
    }
}
