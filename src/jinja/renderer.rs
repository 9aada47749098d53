//! `Renderer`: one minijinja environment configured as Copier's Jinja2
//! environment, with a cache of compiled templates.
//!
//! Files that `render_file` names, and every template that a file includes
//! or imports, are compiled once, by name, through the environment's loader.
//! `render_file_source` compiles a file from text the caller has read and
//! keeps nothing, because a plan renders each file once. Strings (`render_str`, path components) are compiled once per distinct
//! text: each gets a synthetic name that the same loader serves, so
//! minijinja's template cache covers them too, and a text without any
//! template syntax skips the engine entirely.
//!
//! Recursion limits are minijinja 3.1's own: a render fails once its depth
//! passes 500, where a nested include counts 10, a macro call 4 and other
//! nested scopes (loops, `with` blocks) 1. That allows about 50 nested
//! includes or 125 nested macro calls. The `stacker` feature grows the
//! native stack, so deep recursion fails with an error, not a crash.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{StringInput, Tuple};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior};

use super::convert::from_jinja;
use super::repr::jinja_str;
use super::rewrite::{YIELD_FUNCTION, extension_tag, normalize_newlines, rewrite};
use super::{Context, EnvOptions, RenderError, RenderedComponent, TemplateLoader};

/// Names of inline templates start with a NUL, which no file name contains.
const INLINE_PREFIX: &str = "\u{0}inline-";

/// The render-local temp where the yield helper records its tag.
const YIELD_TEMP: &str = "__kwz_yield";

/// A configured environment, built once per template and reused for every
/// file and string.
pub struct Renderer {
    env: Environment<'static>,
    sources: Arc<Sources>,
    options: EnvOptions,
}

/// The template sources behind the environment's loader, with the texts
/// as written, kept to report errors against them.
struct Sources {
    loader: Arc<dyn TemplateLoader>,
    syntax: SyntaxConfig,
    loop_controls: bool,
    do_statement: bool,
    block_start: String,
    line_statements: bool,
    line_comment_prefix: Option<String>,
    cache: Mutex<SourceCache>,
}

#[derive(Default)]
struct SourceCache {
    /// Inline template text to its synthetic name.
    inline_names: HashMap<String, String>,
    /// Synthetic name to the rewritten inline text.
    inline_sources: HashMap<String, String>,
    /// Template name to its text before rewriting, for inline templates and
    /// for files whose rewritten text differs.
    originals: HashMap<String, String>,
}

impl Sources {
    /// Serves a template by name to minijinja.
    fn load(&self, name: &str) -> Result<Option<String>, Error> {
        if name.starts_with(INLINE_PREFIX) {
            return Ok(self.lock().inline_sources.get(name).cloned());
        }
        // Not `TemplateNotFound`: an include would report that as a missing
        // file and drop the loader's reason.
        let source = self
            .loader
            .load(name)
            .map_err(|message| Error::new(ErrorKind::InvalidOperation, message))?;
        let Some(source) = source else {
            return Ok(None);
        };
        let source = normalize_newlines(&source);
        self.check_extension_tags(name, &source)?;
        let prepared = self.prepare(&source);
        if prepared != source {
            self.lock().originals.insert(name.to_string(), source);
        }
        Ok(Some(prepared))
    }

    /// Fails on a `break`, `continue` or `do` tag whose Jinja2 extension is
    /// not listed in `_jinja_extensions`, as Jinja2 fails on it.
    fn check_extension_tags(&self, name: &str, source: &str) -> Result<(), Error> {
        let Some(tag) = extension_tag(
            source,
            &self.syntax,
            &self.block_start,
            self.line_statements,
        ) else {
            return Ok(());
        };
        let (extension, enabled) = if tag == "do" {
            ("jinja2.ext.do", self.do_statement)
        } else {
            ("jinja2.ext.loopcontrols", self.loop_controls)
        };
        if enabled {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::SyntaxError,
            format!(
                "unknown tag `{tag}` in `{name}`: Jinja2 needs `{extension}` in `_jinja_extensions` for it"
            ),
        ))
    }

    /// Rewrites a template's text for compilation (see `rewrite`).
    fn prepare(&self, source: &str) -> String {
        rewrite(source, &self.syntax, self.line_comment_prefix.as_deref())
    }

    /// Returns the synthetic name of an inline template, registering it on
    /// first use.
    fn inline_name(&self, source: &str) -> String {
        let mut cache = self.lock();
        if let Some(name) = cache.inline_names.get(source) {
            return name.clone();
        }
        let name = format!("{INLINE_PREFIX}{}", cache.inline_names.len());
        let prepared = self.prepare(source);
        // Kept even when unchanged: minijinja's excerpt would show the
        // synthetic name.
        cache.originals.insert(name.clone(), source.to_string());
        cache.inline_sources.insert(name.clone(), prepared);
        cache.inline_names.insert(source.to_string(), name.clone());
        name
    }

    fn original(&self, name: &str) -> Option<String> {
        self.lock().originals.get(name).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SourceCache> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Renderer {
    /// Builds the environment for `options`; templates are read through
    /// `loader` when first used.
    pub fn new(options: &EnvOptions, loader: Arc<dyn TemplateLoader>) -> Result<Self, RenderError> {
        let syntax = options.syntax_config().map_err(RenderError::plain)?;
        let sources = Arc::new(Sources {
            loader,
            syntax: syntax.clone(),
            loop_controls: options.loop_controls,
            do_statement: options.do_statement,
            block_start: options.block_start.clone(),
            line_statements: options.line_statement_prefix.is_some(),
            line_comment_prefix: options.line_comment_prefix.clone(),
            cache: Mutex::default(),
        });

        let mut env = Environment::new();
        env.set_syntax(syntax);
        env.set_debug(true);
        env.set_undefined_behavior(if options.strict_undefined {
            UndefinedBehavior::Strict
        } else {
            UndefinedBehavior::Lenient
        });
        let autoescape = options.autoescape;
        env.set_auto_escape_callback(move |_| {
            if autoescape {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(write_value);
        let loader_sources = Arc::clone(&sources);
        env.set_loader(move |name| loader_sources.load(name));
        super::register(&mut env);
        env.add_function(YIELD_FUNCTION, yield_tag);

        Ok(Renderer {
            env,
            sources,
            options: options.clone(),
        })
    }

    /// Renders a string from `copier.yml` (a default, a setting, a task).
    pub fn render_str(&self, source: &str, context: &Context) -> Result<String, RenderError> {
        let source = normalize_newlines(source);
        if let Some(text) = self.plain_text(&source) {
            return Ok(text);
        }
        let name = self.sources.inline_name(&source);
        let template = self.env.get_template(&name).map_err(|e| self.error(e))?;
        template
            .render(context.to_value(None))
            .map_err(|e| self.error(e))
    }

    /// Renders the template file `name` (relative to the template root).
    /// A `{% yield %}` tag that runs is an error: it belongs in path names.
    pub fn render_file(&self, name: &str, context: &Context) -> Result<String, RenderError> {
        let template = self.env.get_template(name).map_err(|e| self.error(e))?;
        let captured = template
            .render_captured(context.to_value(None))
            .map_err(|e| self.error(e))?;
        reject_yield(name, captured)
    }

    /// Renders the template file `name` from its text, as `render_file`
    /// does, but without keeping the compiled template. minijinja 3.1
    /// reserves about 12 KB for each compiled template, however small, and
    /// its cache would keep every file of a plan until the run ends.
    /// Templates that the file includes or imports still load through the
    /// cache.
    pub fn render_file_source(
        &self,
        name: &str,
        source: &str,
        context: &Context,
    ) -> Result<String, RenderError> {
        let source = normalize_newlines(source);
        let prepared = self.sources.prepare(&source);
        let original = (prepared != source).then_some(source.as_str());
        let error = |error| self.error_in_file(error, name, original);
        self.sources
            .check_extension_tags(name, &source)
            .map_err(error)?;
        // `Environment` is covariant in its source lifetime, so the shared
        // environment can compile a template that borrows `prepared`.
        let env: &Environment<'_> = &self.env;
        let template = env
            .template_from_named_str(name, &prepared)
            .map_err(error)?;
        let captured = template
            .render_captured(context.to_value(None))
            .map_err(error)?;
        reject_yield(name, captured)
    }

    /// Renders one component of a template path, expanding a `{% yield %}`
    /// tag into one result per item of its iterable, each with the bound
    /// variable. Items that render empty are returned too; the caller skips
    /// them as it skips any empty component.
    pub fn render_path_component(
        &self,
        source: &str,
        context: &Context,
    ) -> Result<Vec<RenderedComponent>, RenderError> {
        let source = normalize_newlines(source);
        if let Some(text) = self.plain_text(&source) {
            return Ok(vec![(text, Vec::new())]);
        }
        let name = self.sources.inline_name(&source);
        let template = self.env.get_template(&name).map_err(|e| self.error(e))?;
        let captured = template
            .render_captured(context.to_value(None))
            .map_err(|e| self.error(e))?;
        let Some(record) = captured.state().get_temp(YIELD_TEMP) else {
            return Ok(vec![(captured.into_output(), Vec::new())]);
        };

        let variable = jinja_str(&record.get_item_by_index(0).unwrap_or_default());
        let iterable = record.get_item_by_index(1).unwrap_or_default();
        // Copier iterates `yield_iterable or ()`: a false value yields nothing.
        if !iterable.is_true() {
            return Ok(Vec::new());
        }
        let items = iterable.try_iter().map_err(|e| self.error(e))?;
        let mut components = Vec::new();
        for item in items {
            let output = template
                .render(context.to_value(Some((&variable, item.clone()))))
                .map_err(|e| self.error(e))?;
            components.push((output, vec![(variable.clone(), from_jinja(&item))]));
        }
        Ok(components)
    }

    /// Returns the output of a text that has no template syntax, which is
    /// the text itself less one trailing newline unless those are kept.
    fn plain_text(&self, source: &str) -> Option<String> {
        let options = &self.options;
        let markers = [
            Some(&options.variable_start),
            Some(&options.block_start),
            Some(&options.comment_start),
            options.line_statement_prefix.as_ref(),
            options.line_comment_prefix.as_ref(),
        ];
        if markers
            .into_iter()
            .flatten()
            .any(|marker| source.contains(marker.as_str()))
        {
            return None;
        }
        let text = match source.strip_suffix('\n') {
            Some(text) if !options.keep_trailing_newline => text,
            _ => source,
        };
        Some(text.to_string())
    }

    fn error(&self, error: Error) -> RenderError {
        self.error_with_original(error, None)
    }

    /// As `error`, for a file rendered by `render_file_source`, whose text
    /// before rewriting is `original` when the rewrite changed it.
    fn error_in_file(&self, error: Error, file: &str, original: Option<&str>) -> RenderError {
        let own = error.name() == Some(file);
        self.error_with_original(error, original.filter(|_| own))
    }

    /// Converts a minijinja error. The excerpt comes from `original` when
    /// given, else from the recorded original text of the failing template.
    fn error_with_original(&self, error: Error, original: Option<&str>) -> RenderError {
        let name = error.name().map(str::to_string);
        let template = name
            .as_deref()
            .filter(|name| !name.starts_with(INLINE_PREFIX))
            .map(str::to_string);
        let mut message = error.kind().to_string();
        if let Some(detail) = error.detail() {
            write!(message, ": {detail}").ok();
        }
        // An error in an included template comes wrapped in "bad include",
        // once per level. A template that includes itself nests 50 levels
        // before minijinja stops it, so equal causes in a row are shown once
        // with a count.
        let mut causes: Vec<(String, usize)> = Vec::new();
        let mut cause = std::error::Error::source(&error);
        while let Some(inner) = cause {
            let text = inner.to_string();
            match causes.last_mut() {
                Some((last, count)) if *last == text => *count += 1,
                _ => causes.push((text, 1)),
            }
            cause = inner.source();
        }
        for (text, count) in causes {
            write!(message, ": {text}").ok();
            if count > 1 {
                write!(message, " (repeated {count} times)").ok();
            }
        }
        let recorded = || name.as_deref().and_then(|name| self.sources.original(name));
        let detail = match original.map(str::to_string).or_else(recorded) {
            Some(original) => error.line().map(|line| excerpt(&original, line)),
            None => excerpt_only(&error.display_debug_info().to_string()),
        };
        RenderError {
            message,
            template,
            line: error.line(),
            detail,
        }
    }
}

/// Returns the output of a file render, or an error when a `{% yield %}`
/// tag ran: that tag belongs in path names.
fn reject_yield(name: &str, captured: minijinja::Captured<'_>) -> Result<String, RenderError> {
    if captured.state().get_temp(YIELD_TEMP).is_some() {
        return Err(RenderError {
            message: format!(
                "template `{name}` contains a yield tag, which is only allowed in path names"
            ),
            template: Some(name.to_string()),
            line: None,
            detail: None,
        });
    }
    Ok(captured.into_output())
}

impl RenderError {
    fn plain(message: String) -> RenderError {
        RenderError {
            message,
            template: None,
            line: None,
            detail: None,
        }
    }
}

impl Context {
    /// Returns the context as one template value, with one extra variable
    /// when given (a yield variable).
    fn to_value(&self, extra: Option<(&str, minijinja::Value)>) -> minijinja::Value {
        match extra {
            None => minijinja::Value::from(self.values.clone()),
            Some((name, value)) => {
                let mut values = self.values.clone();
                values.insert(name.to_string(), value);
                minijinja::Value::from(values)
            }
        }
    }
}

/// Keeps the source excerpt of minijinja's debug text and drops the values
/// of the referenced variables after it, which can hold a secret answer.
/// `None` when there is no excerpt.
fn excerpt_only(debug: &str) -> Option<String> {
    const WIDTH: usize = 79;
    let excerpt = &debug[..debug.find(&"~".repeat(WIDTH))?];
    if excerpt.trim().is_empty() {
        return None;
    }
    Some(format!("{excerpt}{}", "-".repeat(WIDTH)))
}

/// Lines around `line` (1-based) of a template's own text, the failing one
/// marked, for errors in templates whose compiled text was rewritten.
fn excerpt(source: &str, line: usize) -> String {
    let first = line.saturating_sub(3).max(1);
    let mut out = String::new();
    for (number, text) in source
        .lines()
        .enumerate()
        .map(|(index, text)| (index + 1, text))
    {
        if number < first {
            continue;
        }
        if number > line + 3 {
            break;
        }
        let marker = if number == line { '>' } else { ' ' };
        writeln!(out, "{marker}{number:>4} | {text}").ok();
    }
    out
}

/// Writes a value to the output as Python's `str()`, escaped as markupsafe
/// does when autoescaping is on. An undefined value prints empty, or fails
/// under `StrictUndefined`.
fn write_value(
    out: &mut Output<'_>,
    state: &mut State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), Error> {
    if value.is_undefined() {
        StringInput::new(state, value)?;
        return Ok(());
    }
    if value.is_safe()
        && let Some(text) = value.as_str()
    {
        return out.write_str(text).map_err(Error::from);
    }
    let text = jinja_str(value);
    let text = match state.auto_escape() {
        AutoEscape::None => text,
        _ => super::filters::html_escape(&text),
    };
    out.write_str(&text).map_err(Error::from)
}

/// The function behind `{% yield NAME from ITERABLE %}`: records the tag
/// for `render_path_component` and renders its body, empty when the body
/// hits an undefined value (as Copier's extension does).
fn yield_tag(
    state: &mut State<'_, '_>,
    name: String,
    iterable: minijinja::Value,
    kwargs: minijinja::value::Kwargs,
) -> Result<minijinja::Value, Error> {
    if state.get_temp(YIELD_TEMP).is_some() {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "a second yield tag (`{name}`) in one path name: only one yield tag is allowed per path name"
            ),
        ));
    }
    let caller: minijinja::Value = kwargs.get("caller")?;
    kwargs.assert_all_used()?;
    state.set_temp(
        YIELD_TEMP,
        minijinja::Value::from(Tuple::from(vec![minijinja::Value::from(name), iterable])),
    );
    match caller.call(state, &[]) {
        Ok(body) => Ok(body),
        Err(error) if error.kind() == ErrorKind::UndefinedError => Ok(minijinja::Value::from("")),
        Err(error) => Err(error),
    }
}
