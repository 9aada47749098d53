//! YAML as PyYAML reads and writes it.
//!
//! Copier reads `copier.yml`, `--data-file` files, `yaml` answers and the
//! answers file with PyYAML's `SafeLoader`, which resolves plain scalars by
//! the YAML 1.1 rules (`yes` is a boolean, `0755` is octal, `1e3` is a
//! string). Its `to_yaml`/`to_nice_yaml` filters write with PyYAML's emitter.
//! This module reproduces both, byte for byte, on `crate::value::Value`.
//!
//! Reading runs in three steps, as in PyYAML: `libyaml-safer` turns the text
//! into events, `compose` builds the node graph and gives each node its tag
//! (`resolve` holds the YAML 1.1 rules for plain scalars), and `construct`
//! builds the values. Writing runs `represent` (value to tagged text and key
//! order), then `emit` and `scalar` (layout and scalar styles). `docs/yaml.md`
//! lists the limits and the known differences from PyYAML 6.0.4.

use std::fmt;

use crate::value::Value;

mod compose;
mod construct;
mod emit;
mod represent;
mod resolve;
mod scalar;
mod tabs;

/// Deepest nesting of collections the reader accepts and the emitter
/// writes. PyYAML 6.0.4 itself fails between 400 and 500 levels, when
/// Python's default recursion limit of 1000 frames runs out. The limit here
/// keeps Rust's recursion well inside a 2 MiB thread stack.
pub const MAX_DEPTH: usize = 400;

/// Most nodes plus scalar characters that aliases may copy in one document.
/// Python shares the anchored object, but `Value` is a tree, so each alias
/// is a copy. This budget makes a "billion laughs" document fail quickly
/// instead of exhausting memory, and leaves room for ordinary anchors.
pub const MAX_ALIAS_EXPANSION: usize = 1_000_000;

/// A position in YAML text, 1-based as editors show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub line: usize,
    pub column: usize,
}

/// Invalid YAML, or a value the emitter cannot write.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub mark: Option<Mark>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mark {
            Some(mark) => write!(
                formatter,
                "line {}, column {}: {}",
                mark.line, mark.column, self.message
            ),
            None => formatter.write_str(&self.message),
        }
    }
}

impl std::error::Error for YamlError {}

/// Resolves an `!include PATTERN` tag: receives the pattern and the tag's
/// position and returns the documents that replace the tag (as a list).
pub type IncludeHandler<'a> = dyn FnMut(&str, Mark) -> Result<Vec<Value>, YamlError> + 'a;

/// Loads every document of a YAML stream (`yaml.load_all` with Copier's
/// loader). Empty documents load as `Value::Null`. `!include` tags are
/// passed to `include`; without a handler they are an error.
pub fn load_all(
    text: &str,
    mut include: Option<&mut IncludeHandler<'_>>,
) -> Result<Vec<Value>, YamlError> {
    let mut composer = compose::Composer::new(text)?;
    let mut documents = Vec::new();
    while let Some(mut document) = composer.next_document()? {
        let handler = include.as_deref_mut();
        documents.push(construct::Constructor::new(&mut document, handler).construct_document()?);
    }
    Ok(documents)
}

/// Loads a single-document stream (`yaml.safe_load`). Empty input is `Null`;
/// more than one document is an error, as in PyYAML.
pub fn load(text: &str) -> Result<Value, YamlError> {
    let mut composer = compose::Composer::new(text)?;
    let Some(mut document) = composer.next_document()? else {
        return Ok(Value::Null);
    };
    composer.expect_stream_end()?;
    construct::Constructor::new(&mut document, None).construct_document()
}

/// Collection style, as PyYAML's `default_flow_style` argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowStyle {
    /// `None`: flow style for collections that hold only scalars.
    Auto,
    /// `False`: block style everywhere.
    Block,
    /// `True`: flow style everywhere.
    Flow,
}

/// Arguments of `yaml.dump` that Copier's filters set.
#[derive(Clone, Debug, PartialEq)]
pub struct DumpOptions {
    pub indent: usize,
    pub width: usize,
    pub flow_style: FlowStyle,
    pub allow_unicode: bool,
    pub sort_keys: bool,
    /// `explicit_start`: begin the document with `---`.
    pub explicit_start: bool,
    /// `explicit_end`: end the document with `...`.
    pub explicit_end: bool,
}

impl DumpOptions {
    /// The Ansible `to_yaml` filter: `yaml.dump(v, allow_unicode=True)`.
    pub fn to_yaml() -> Self {
        DumpOptions {
            indent: 2,
            width: 80,
            flow_style: FlowStyle::Auto,
            allow_unicode: true,
            sort_keys: true,
            explicit_start: false,
            explicit_end: false,
        }
    }

    /// The Ansible `to_nice_yaml` filter: indent 4, block style.
    pub fn to_nice_yaml() -> Self {
        DumpOptions {
            indent: 4,
            width: 80,
            flow_style: FlowStyle::Block,
            allow_unicode: true,
            sort_keys: true,
            explicit_start: false,
            explicit_end: false,
        }
    }
}

/// Writes one value as one YAML document, as `yaml.dump` does.
pub fn dump(value: &Value, options: &DumpOptions) -> Result<String, YamlError> {
    emit::Emitter::new(options).emit_document(value)
}

#[cfg(test)]
mod tests;
