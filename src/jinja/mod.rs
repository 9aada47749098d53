//! The template engine: minijinja configured to render as Copier's Jinja2
//! environment does.
//!
//! STUB: the interface below is fixed; the implementation is in progress.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::value::Value;

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
        }
    }
}

impl EnvOptions {
    /// Reads the `_envops` mapping. Unknown keys are ignored, as Jinja2's
    /// `Environment(**envops)` would reject them only for real typos.
    pub fn from_envops(envops: &Value) -> Result<Self, String> {
        let _ = envops;
        todo!("envops")
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
    pub template: Option<String>,
    pub line: Option<usize>,
    /// minijinja's excerpt of the template around the failure.
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
    pub fn insert(&mut self, name: &str, value: &Value) {
        let _ = (name, value);
        todo!("context")
    }

    pub fn insert_object(&mut self, name: &str, value: minijinja::Value) {
        self.values.insert(name.to_string(), value);
    }
}

/// One rendered path component: the text and the variables bound by a
/// `{% yield %}` tag for this item (empty without one).
pub type RenderedComponent = (String, Vec<(String, Value)>);

/// A configured environment, built once per template and reused for every
/// file and string.
pub struct Renderer {
    _private: (),
}

impl Renderer {
    pub fn new(options: &EnvOptions, loader: Arc<dyn TemplateLoader>) -> Result<Self, RenderError> {
        let _ = (options, loader);
        todo!("renderer")
    }

    /// Renders a string from `copier.yml` (a default, a setting, a task).
    pub fn render_str(&self, source: &str, context: &Context) -> Result<String, RenderError> {
        let _ = (source, context);
        todo!("render_str")
    }

    /// Renders the template file `name` (relative to the template root).
    pub fn render_file(&self, name: &str, context: &Context) -> Result<String, RenderError> {
        let _ = (name, context);
        todo!("render_file")
    }

    /// Renders one component of a template path, expanding a `{% yield %}`
    /// tag into one result per item.
    pub fn render_path_component(
        &self,
        source: &str,
        context: &Context,
    ) -> Result<Vec<RenderedComponent>, RenderError> {
        let _ = (source, context);
        todo!("render_path_component")
    }
}

/// Converts a minijinja value back into a plain value.
pub fn from_jinja(value: &minijinja::Value) -> Value {
    let _ = value;
    todo!("from_jinja")
}

/// Python's `str(value)`, as `{{ value }}` prints it.
pub fn python_str(value: &Value) -> String {
    let _ = value;
    todo!("python_str")
}

/// Python's `repr(value)`.
pub fn python_repr(value: &Value) -> String {
    let _ = value;
    todo!("python_repr")
}

/// Converts a plain value into a minijinja value.
pub fn to_jinja(value: &Value) -> minijinja::Value {
    let _ = value;
    todo!("to_jinja")
}

/// A `PurePath`-like object: prints as the path, joins with `/`.
pub fn path_object(path: &str) -> minijinja::Value {
    let _ = path;
    todo!("path_object")
}
