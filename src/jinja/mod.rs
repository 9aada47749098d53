//! The template engine: minijinja configured to render as Copier 9.19.1's
//! Jinja2 environment does.
//!
//! Copier renders with a Jinja2 `SandboxedEnvironment` plus the Ansible
//! core filters and its own `yield` tag. Templates written for it rely on
//! Python: `{{ flag }}` prints `True`, `'%s' % x` formats, `l.append(x)`
//! changes a list. minijinja 3.1 is the engine, and this module adds what
//! Python gives Jinja2:
//!
//! - `repr`: values print as Python's `str()` (`renderer` installs it as the
//!   output formatter), and `python_str`/`python_repr` give the same text
//!   for plain values.
//! - `rewrite`: the source rewrite behind `%`, `/`, `~`, `+`, mutable literals
//!   and `{% yield %}` (its module docs give the reasons for a rewrite),
//!   with the helper functions in `operators`.
//! - `objects`: mutable lists and dicts, paths and dates.
//! - `methods`: Python's `str`, `list` and `dict` methods.
//! - `filters`, `jinja_tests` (the `is` tests), `globals`: Jinja2's
//!   built-ins where minijinja's output differs, and the Ansible filters
//!   that Copier loads.
//! - `pyformat`: `printf`-style and `str.format` formatting.
//!
//! Known differences from Jinja2 are listed in `docs/jinja.md`.

use std::collections::BTreeMap;

use crate::value::Value;

mod convert;
mod envops;
mod filters;
mod globals;
mod jinja_tests;
mod methods;
mod objects;
mod operators;
mod pyformat;
mod renderer;
mod repr;
mod rewrite;
mod strftime;

pub use objects::{DateValue, PathValue};
pub use renderer::Renderer;

/// Jinja environment options from `_envops`.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvOptions {
    pub block_start: String,
    pub block_end: String,
    pub variable_start: String,
    pub variable_end: String,
    pub comment_start: String,
    pub comment_end: String,
    pub line_statement_prefix: Option<String>,
    pub line_comment_prefix: Option<String>,
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
    pub keep_trailing_newline: bool,
    pub autoescape: bool,
    /// `undefined: jinja2.StrictUndefined`.
    pub strict_undefined: bool,
    /// `jinja2.ext.loopcontrols` is listed: `{% break %}` and
    /// `{% continue %}` are allowed.
    pub loop_controls: bool,
    /// `jinja2.ext.do` is listed: `{% do %}` is allowed.
    pub do_statement: bool,
}

impl Default for EnvOptions {
    /// Jinja2's defaults plus `keep_trailing_newline`, which Copier turns on.
    fn default() -> Self {
        EnvOptions {
            block_start: "{%".into(),
            block_end: "%}".into(),
            variable_start: "{{".into(),
            variable_end: "}}".into(),
            comment_start: "{#".into(),
            comment_end: "#}".into(),
            line_statement_prefix: None,
            line_comment_prefix: None,
            trim_blocks: false,
            lstrip_blocks: false,
            keep_trailing_newline: true,
            autoescape: false,
            strict_undefined: false,
            loop_controls: false,
            do_statement: false,
        }
    }
}

/// Supplies template sources by name (a `/`-separated path relative to the
/// template root) for `include`, `import` and `extends`.
pub trait TemplateLoader: Send + Sync {
    /// Returns the source, `Ok(None)` when no such file exists, or an error
    /// message when the name is refused (for example, it leads outside the
    /// template root).
    fn load(&self, name: &str) -> Result<Option<String>, String>;
}

/// A failed render, with the template name and line when known.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct RenderError {
    pub message: String,
    /// The template file, relative to the template root; `None` for a
    /// string rendered with `render_str` or `render_path_component`.
    pub template: Option<String>,
    pub line: Option<usize>,
    /// The lines of the template around the failure: minijinja's debug
    /// excerpt, or ours from the source as written when the compiled text
    /// was rewritten (see `rewrite`).
    pub detail: Option<String>,
}

/// Variables available to a render. Plain values come from answers and
/// settings; special objects (paths, lazy mappings, functions) are added by
/// the engine through `insert_object`.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub values: BTreeMap<String, minijinja::Value>,
}

impl Context {
    /// Adds a plain value. Lists and mappings become mutable objects, so a
    /// change made by one template shows in later renders with the same
    /// context, as with Copier's Python objects.
    pub fn insert(&mut self, name: &str, value: &Value) {
        self.values
            .insert(name.to_string(), convert::to_jinja(value));
    }

    /// Adds a template value as it is.
    pub fn insert_object(&mut self, name: &str, value: minijinja::Value) {
        self.values.insert(name.to_string(), value);
    }
}

/// One rendered path component: the text and the variables bound by a
/// `{% yield %}` tag for this item (empty without one).
pub type RenderedComponent = (String, Vec<(String, Value)>);

/// Converts a minijinja value back into a plain value.
pub fn from_jinja(value: &minijinja::Value) -> Value {
    convert::from_jinja(value)
}

/// Converts a plain value into a template value, as `Context::insert` does.
pub fn to_jinja(value: &Value) -> minijinja::Value {
    convert::to_jinja(value)
}

/// Python's `str(value)`, as `{{ value }}` prints it.
pub fn python_str(value: &Value) -> String {
    repr::plain_str(value)
}

/// Python's `repr(value)`.
pub fn python_repr(value: &Value) -> String {
    repr::plain_repr(value)
}

/// Creates a `PurePosixPath`-like template value for `_copier_conf.src_path`
/// and the other paths of `_copier_conf`. It prints as the path, joins with
/// `/`, and has `.name`, `.parent`, `.suffix` and `.stem`.
pub fn path_object(path: &str) -> minijinja::Value {
    minijinja::Value::from_object(PathValue::new(path))
}

/// Registers everything Copier's environment has beyond minijinja's
/// defaults: filters, tests, globals, Python methods and the helpers that
/// rewritten sources call.
fn register(env: &mut minijinja::Environment<'static>) {
    // minijinja's own additions, which Jinja2 templates cannot use.
    for filter in ["split", "lines", "chain", "zip"] {
        env.remove_filter(filter);
    }
    for test in ["safe", "int"] {
        env.remove_test(test);
    }
    env.remove_global("debug");

    filters::register(env);
    jinja_tests::register(env);
    globals::register(env);
    env.set_unknown_method_callback(methods::call_method);
    env.add_function(rewrite::ADD_FUNCTION, operators::add);
    env.add_function(rewrite::MOD_FUNCTION, operators::modulo);
    env.add_function(rewrite::DIV_FUNCTION, operators::divide);
    env.add_function(rewrite::CONCAT_FUNCTION, operators::concat);
    env.add_function(rewrite::LIST_FUNCTION, operators::list);
    env.add_function(rewrite::DICT_FUNCTION, operators::dict);
}

/// A mapping with string keys in the given order, as templates see a dict.
pub fn dict_value(entries: Vec<(String, minijinja::Value)>) -> minijinja::Value {
    objects::PyDict::value(
        entries
            .into_iter()
            .map(|(key, value)| (minijinja::Value::from(key), value))
            .collect(),
    )
}
