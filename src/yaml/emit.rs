//! The layout half of PyYAML's emitter: documents, collections and the
//! bookkeeping of columns and indentation.
//!
//! PyYAML's `Emitter` is a state machine fed with events; here the same
//! decisions are made by walking the value tree, which gives the same look-ahead
//! (is this collection empty, is this key short) without an event queue. The
//! scalar half (style choice and the three scalar writers) is in `scalar.rs`.
//! Observable rules that follow from PyYAML's code:
//!
//! - a sequence that is a mapping value is not indented (`key:\n- a`);
//! - a mapping inside a sequence starts on the dash line (`- k: v`, or
//!   `-   k: v` at indent 4);
//! - a key of 128 or more characters, counting its `!!str` tag, is written as
//!   an explicit `? key` entry;
//! - flow collections break lines only once past the width, between items;
//! - a document whose root is a plain scalar ends with `...`, unless
//!   `explicit_end` already wrote it.

use super::represent::{ordered_entries, represent_scalar};
use super::scalar::analyze;
use super::{DumpOptions, FlowStyle, MAX_DEPTH, YamlError};
use crate::value::Value;

/// Where a node sits, as the emitter's context flags.
#[derive(Clone, Copy, Default)]
pub(super) struct Context {
    pub(super) root: bool,
    pub(super) mapping: bool,
    pub(super) simple_key: bool,
}

/// Writes one document into a string.
pub(super) struct Emitter<'o> {
    pub(super) options: &'o DumpOptions,
    pub(super) best_indent: usize,
    pub(super) best_width: usize,
    pub(super) output: String,
    /// Column of the next character, counted in characters.
    pub(super) column: usize,
    /// Whether the last character written was whitespace.
    pub(super) whitespace: bool,
    /// Whether the current line holds only indentation and indicators.
    pub(super) indention: bool,
    /// Whether the document needs a `...` end marker.
    pub(super) open_ended: bool,
    pub(super) indent: Option<usize>,
    indents: Vec<Option<usize>>,
    pub(super) flow_level: usize,
}

impl<'o> Emitter<'o> {
    pub(super) fn new(options: &'o DumpOptions) -> Self {
        // PyYAML ignores an indent outside 2..=9 and a width of at most
        // twice the indent.
        let best_indent = if (2..10).contains(&options.indent) {
            options.indent
        } else {
            2
        };
        let best_width = if options.width > best_indent * 2 {
            options.width
        } else {
            80
        };
        Emitter {
            options,
            best_indent,
            best_width,
            output: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
            open_ended: false,
            indent: None,
            indents: Vec::new(),
            flow_level: 0,
        }
    }

    /// Writes `value` as the only document of a stream.
    pub(super) fn emit_document(mut self, value: &Value) -> Result<String, YamlError> {
        let root = Context {
            root: true,
            ..Context::default()
        };
        if self.options.explicit_start {
            self.write_indicator("---", true, false, false);
        }
        self.emit_node(value, root, 0)?;
        self.write_indent();
        if self.options.explicit_end {
            self.write_indicator("...", true, false, false);
            self.write_indent();
        }
        if self.open_ended {
            self.write_indicator("...", true, false, false);
            self.write_indent();
        }
        Ok(self.output)
    }

    fn emit_node(
        &mut self,
        value: &Value,
        context: Context,
        depth: usize,
    ) -> Result<(), YamlError> {
        if depth > MAX_DEPTH {
            return Err(YamlError {
                message: format!("cannot write a value nested deeper than {MAX_DEPTH} levels"),
                mark: None,
            });
        }
        match value {
            Value::List(items) => {
                if self.flow_level > 0 || items.is_empty() || self.prefers_flow(items.iter()) {
                    self.emit_flow_sequence(items, depth)
                } else {
                    self.emit_block_sequence(items, context, depth)
                }
            }
            Value::Map(map) => {
                let entries = ordered_entries(map, self.options.sort_keys);
                let children = entries.iter().flat_map(|(key, value)| [*key, *value]);
                if self.flow_level > 0 || entries.is_empty() || self.prefers_flow(children) {
                    self.emit_flow_mapping(&entries, depth)
                } else {
                    self.emit_block_mapping(&entries, depth)
                }
            }
            _ => {
                self.emit_scalar(value, context);
                Ok(())
            }
        }
    }

    /// `default_flow_style`: with `None`, PyYAML picks flow style for a
    /// collection whose items (keys and values) are all scalars.
    fn prefers_flow<'v>(&self, mut children: impl Iterator<Item = &'v Value>) -> bool {
        match self.options.flow_style {
            FlowStyle::Flow => true,
            FlowStyle::Block => false,
            FlowStyle::Auto => children.all(|child| represent_scalar(child).is_some()),
        }
    }

    fn emit_flow_sequence(&mut self, items: &[Value], depth: usize) -> Result<(), YamlError> {
        self.write_indicator("[", true, true, false);
        self.flow_level += 1;
        self.increase_indent(true, false);
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > self.best_width {
                self.write_indent();
            }
            self.emit_node(item, Context::default(), depth + 1)?;
        }
        self.restore_indent();
        self.flow_level -= 1;
        self.write_indicator("]", false, false, false);
        Ok(())
    }

    fn emit_flow_mapping(
        &mut self,
        entries: &[(&Value, &Value)],
        depth: usize,
    ) -> Result<(), YamlError> {
        let in_mapping = Context {
            mapping: true,
            ..Context::default()
        };
        self.write_indicator("{", true, true, false);
        self.flow_level += 1;
        self.increase_indent(true, false);
        for (index, (key, value)) in entries.iter().enumerate() {
            if index > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > self.best_width {
                self.write_indent();
            }
            if is_simple_key(key) {
                let as_key = Context {
                    simple_key: true,
                    ..in_mapping
                };
                self.emit_node(key, as_key, depth + 1)?;
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, false);
                self.emit_node(key, in_mapping, depth + 1)?;
                if self.column > self.best_width {
                    self.write_indent();
                }
                self.write_indicator(":", true, false, false);
            }
            self.emit_node(value, in_mapping, depth + 1)?;
        }
        self.restore_indent();
        self.flow_level -= 1;
        self.write_indicator("}", false, false, false);
        Ok(())
    }

    fn emit_block_sequence(
        &mut self,
        items: &[Value],
        context: Context,
        depth: usize,
    ) -> Result<(), YamlError> {
        // After `key:` nothing but the key is on the line, so `indention` is
        // false and the dashes stay at the key's column.
        let indentless = context.mapping && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.emit_node(item, Context::default(), depth + 1)?;
        }
        self.restore_indent();
        Ok(())
    }

    fn emit_block_mapping(
        &mut self,
        entries: &[(&Value, &Value)],
        depth: usize,
    ) -> Result<(), YamlError> {
        let in_mapping = Context {
            mapping: true,
            ..Context::default()
        };
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            if is_simple_key(key) {
                let as_key = Context {
                    simple_key: true,
                    ..in_mapping
                };
                self.emit_node(key, as_key, depth + 1)?;
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.emit_node(key, in_mapping, depth + 1)?;
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.emit_node(value, in_mapping, depth + 1)?;
        }
        self.restore_indent();
        Ok(())
    }

    pub(super) fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        self.indent = match self.indent {
            None if flow => Some(self.best_indent),
            None => Some(0),
            Some(indent) if !indentless => Some(indent + self.best_indent),
            Some(indent) => Some(indent),
        };
    }

    pub(super) fn restore_indent(&mut self) {
        self.indent = self.indents.pop().flatten();
    }

    pub(super) fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        whitespace: bool,
        indention: bool,
    ) {
        if !self.whitespace && need_whitespace {
            self.output.push(' ');
            self.column += 1;
        }
        self.write_text(indicator);
        self.whitespace = whitespace;
        self.indention = self.indention && indention;
        self.open_ended = false;
    }

    /// Starts a new line when needed and pads to the current indent.
    pub(super) fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.write_line_break(None);
        }
        if self.column < indent {
            self.whitespace = true;
            let padding = indent - self.column;
            self.output.extend(std::iter::repeat_n(' ', padding));
            self.column = indent;
        }
    }

    /// Writes a line break: `\n`, or the break character of the text.
    pub(super) fn write_line_break(&mut self, data: Option<char>) {
        self.output.push(data.unwrap_or('\n'));
        self.whitespace = true;
        self.indention = true;
        self.column = 0;
    }

    /// Appends text that holds no line break and advances the column.
    pub(super) fn write_text(&mut self, text: &str) {
        self.output.push_str(text);
        self.column += text.chars().count();
    }
}

/// Whether a key can be written as `key: value` rather than `? key`. PyYAML
/// counts the tag it would write (`!!str`) even when it leaves it out.
fn is_simple_key(key: &Value) -> bool {
    match key {
        Value::List(items) => items.is_empty(),
        Value::Map(map) => map.is_empty(),
        _ => {
            let (kind, text) = represent_scalar(key).expect("a scalar");
            let analysis = analyze(&text, true);
            let length = kind.shorthand().chars().count() + text.chars().count();
            length < 128 && !analysis.empty && !analysis.multiline
        }
    }
}
