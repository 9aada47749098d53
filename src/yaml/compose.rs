//! Parser events to a graph of nodes, as PyYAML's `Composer` builds it.
//!
//! The event parser is `libyaml-safer`, a safe Rust port of libyaml. libyaml
//! and PyYAML's pure-Python parser come from the same author and accept the
//! same YAML 1.1 grammar, with the same line breaks (`\x85`, `\u2028` and
//! `\u2029` included) and the same set of allowed characters. Crates that
//! follow YAML 1.2 (`saphyr`, `yaml-rust2`) differ on those points.
//!
//! Each node gets its full tag here: explicit tags as written, the others from
//! the YAML 1.1 resolvers. An alias becomes a second reference to the node of
//! its anchor, so the graph may share nodes. `construct` builds the values.

use std::collections::HashMap;

use libyaml_safer::{Event, EventData, Parser, ScalarStyle};

use super::resolve::{TAG_PREFIX, resolve_plain};
use super::tabs::TabGuard;
use super::{MAX_DEPTH, Mark, YamlError};

/// Index of a node in `Document::nodes`.
pub(super) type NodeId = usize;

/// One node of a document, as PyYAML's `ScalarNode`, `SequenceNode` and
/// `MappingNode`.
#[derive(Debug)]
pub(super) struct Node {
    pub(super) tag: String,
    pub(super) start: Mark,
    pub(super) content: Content,
}

#[derive(Debug)]
pub(super) enum Content {
    Scalar(String),
    Sequence(Vec<NodeId>),
    /// Key and value pairs in document order, duplicates included.
    Mapping(Vec<(NodeId, NodeId)>),
}

impl Node {
    /// The node kind as PyYAML names it in messages.
    pub(super) fn kind_name(&self) -> &'static str {
        match self.content {
            Content::Scalar(_) => "scalar",
            Content::Sequence(_) => "sequence",
            Content::Mapping(_) => "mapping",
        }
    }
}

/// The nodes of one document; `root` is the top node.
#[derive(Debug)]
pub(super) struct Document {
    pub(super) nodes: Vec<Node>,
    pub(super) root: NodeId,
}

/// Reads documents one by one from a YAML stream.
pub(super) struct Composer<'a> {
    parser: Parser<&'a [u8]>,
    text: &'a str,
    /// Bytes before the parser's offset 0: libyaml does not count a BOM.
    bom_length: usize,
    tabs: TabGuard,
    peeked: Option<Event>,
    /// Where the last event ended, to place an error that has no mark.
    last_mark: Mark,
    nodes: Vec<Node>,
    anchors: HashMap<String, NodeId>,
}

impl<'a> Composer<'a> {
    /// Starts reading `text`; a leading byte order mark is skipped.
    pub(super) fn new(text: &'a str) -> Result<Self, YamlError> {
        check_printable(text)?;
        let mut parser = Parser::new();
        parser.set_input(text.as_bytes());
        if !text.starts_with('\u{feff}') {
            // libyaml-safer 0.3.0 takes any first byte 0xEF for the start
            // of a byte order mark, so a text that starts with a character
            // from U+F000 to U+FFFF failed as an "invalid byte order
            // marker". The text is UTF-8 already; skip the detection.
            parser.set_encoding(libyaml_safer::Encoding::Utf8);
        }
        let mut composer = Composer {
            parser,
            text,
            bom_length: if text.starts_with('\u{feff}') { 3 } else { 0 },
            tabs: TabGuard::default(),
            peeked: None,
            last_mark: Mark { line: 1, column: 1 },
            nodes: Vec::new(),
            anchors: HashMap::new(),
        };
        composer.next_event()?;
        Ok(composer)
    }

    /// Composes the next document, or returns `None` at the end of the stream.
    pub(super) fn next_document(&mut self) -> Result<Option<Document>, YamlError> {
        let start = self.next_event()?;
        match start.data {
            EventData::StreamEnd => {
                self.tabs.check_until(self.text, self.text.len())?;
                return Ok(None);
            }
            EventData::DocumentStart { .. } => {}
            _ => return Err(unexpected_event(&start)),
        }
        let root = self.compose_node(1)?;
        let end = self.next_event()?;
        if !matches!(end.data, EventData::DocumentEnd { .. }) {
            return Err(unexpected_event(&end));
        }
        self.tabs
            .check_until(self.text, self.byte_offset(end.end_mark))?;
        self.anchors.clear();
        Ok(Some(Document {
            nodes: std::mem::take(&mut self.nodes),
            root,
        }))
    }

    /// Fails when the stream holds another document, as `yaml.safe_load`
    /// does after the first one.
    pub(super) fn expect_stream_end(&mut self) -> Result<(), YamlError> {
        let event = self.peek_event()?;
        if matches!(event.data, EventData::StreamEnd) {
            return Ok(());
        }
        Err(YamlError {
            message: "expected a single document in the stream, but found another document"
                .to_string(),
            mark: Some(convert_mark(event.start_mark)),
        })
    }

    fn next_event(&mut self) -> Result<Event, YamlError> {
        if let Some(event) = self.peeked.take() {
            return Ok(event);
        }
        match parse_event(&mut self.parser, self.text) {
            Ok(event) => {
                self.last_mark = convert_mark(event.end_mark);
                Ok(event)
            }
            Err(mut error) => {
                error.mark.get_or_insert(self.last_mark);
                Err(error)
            }
        }
    }

    fn peek_event(&mut self) -> Result<&Event, YamlError> {
        if self.peeked.is_none() {
            let event = self.next_event()?;
            self.peeked = Some(event);
        }
        Ok(self.peeked.as_ref().expect("an event was just stored"))
    }

    fn byte_offset(&self, mark: libyaml_safer::Mark) -> usize {
        usize::try_from(mark.index).unwrap_or(usize::MAX) + self.bom_length
    }

    fn compose_node(&mut self, depth: usize) -> Result<NodeId, YamlError> {
        let event = self.next_event()?;
        let start = convert_mark(event.start_mark);
        if depth > MAX_DEPTH {
            return Err(YamlError {
                message: format!("the document nests deeper than {MAX_DEPTH} levels"),
                mark: Some(start),
            });
        }
        match event.data {
            EventData::Alias { anchor } => self.anchors.get(&anchor).copied().ok_or(YamlError {
                message: format!("found undefined alias `{anchor}`"),
                mark: Some(start),
            }),
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                let span = self.byte_offset(event.start_mark)..self.byte_offset(event.end_mark);
                self.tabs.note_scalar(self.text, style, span);
                let tag = scalar_tag(tag, &value, style);
                let id = self.add_node(anchor, tag, start, Content::Scalar(value))?;
                Ok(id)
            }
            EventData::SequenceStart { anchor, tag, .. } => {
                let tag = collection_tag(tag, "seq");
                let id = self.add_node(anchor, tag, start, Content::Sequence(Vec::new()))?;
                let items = self.compose_sequence_items(depth)?;
                self.nodes[id].content = Content::Sequence(items);
                Ok(id)
            }
            EventData::MappingStart { anchor, tag, .. } => {
                let tag = collection_tag(tag, "map");
                let id = self.add_node(anchor, tag, start, Content::Mapping(Vec::new()))?;
                let pairs = self.compose_mapping_pairs(depth)?;
                self.nodes[id].content = Content::Mapping(pairs);
                Ok(id)
            }
            _ => Err(unexpected_event(&event)),
        }
    }

    fn compose_sequence_items(&mut self, depth: usize) -> Result<Vec<NodeId>, YamlError> {
        let mut items = Vec::new();
        loop {
            if matches!(self.peek_event()?.data, EventData::SequenceEnd) {
                self.next_event()?;
                return Ok(items);
            }
            items.push(self.compose_node(depth + 1)?);
        }
    }

    fn compose_mapping_pairs(&mut self, depth: usize) -> Result<Vec<(NodeId, NodeId)>, YamlError> {
        let mut pairs = Vec::new();
        loop {
            if matches!(self.peek_event()?.data, EventData::MappingEnd) {
                self.next_event()?;
                return Ok(pairs);
            }
            let key = self.compose_node(depth + 1)?;
            let value = self.compose_node(depth + 1)?;
            pairs.push((key, value));
        }
    }

    /// Stores a node and registers its anchor before its children are read,
    /// so an alias inside the node refers back to it (as in PyYAML).
    fn add_node(
        &mut self,
        anchor: Option<String>,
        tag: String,
        start: Mark,
        content: Content,
    ) -> Result<NodeId, YamlError> {
        let id = self.nodes.len();
        if let Some(anchor) = anchor {
            if let Some(&first) = self.anchors.get(&anchor) {
                let first = self.nodes[first].start;
                return Err(YamlError {
                    message: format!(
                        "found duplicate anchor `{anchor}`; first occurrence at line {}, column {}",
                        first.line, first.column
                    ),
                    mark: Some(start),
                });
            }
            self.anchors.insert(anchor, id);
        }
        self.nodes.push(Node {
            tag,
            start,
            content,
        });
        Ok(id)
    }
}

/// Picks a scalar's tag: plain untagged scalars and scalars tagged `!` go
/// through the implicit resolvers, other untagged scalars are strings.
fn scalar_tag(tag: Option<String>, value: &str, style: ScalarStyle) -> String {
    match tag {
        Some(tag) if tag != "!" => tag,
        tag => {
            // PyYAML resolves a scalar tagged `!` as if it were plain.
            if tag.is_some() || style == ScalarStyle::Plain {
                resolve_plain(value).full_name()
            } else {
                format!("{TAG_PREFIX}str")
            }
        }
    }
}

fn collection_tag(tag: Option<String>, default: &str) -> String {
    match tag {
        Some(tag) if tag != "!" => tag,
        _ => format!("{TAG_PREFIX}{default}"),
    }
}

/// Converts libyaml's 0-based mark to ours.
pub(super) fn convert_mark(mark: libyaml_safer::Mark) -> Mark {
    Mark {
        line: usize::try_from(mark.line).unwrap_or(usize::MAX - 1) + 1,
        column: usize::try_from(mark.column).unwrap_or(usize::MAX - 1) + 1,
    }
}

fn unexpected_event(event: &Event) -> YamlError {
    YamlError {
        message: format!("unexpected parser event {:?}", event.data),
        mark: Some(convert_mark(event.start_mark)),
    }
}

/// Runs one step of the event parser, turning a panic inside it into an
/// error. libyaml-safer 0.3.0 panics ("TODO: What is expected here?") when
/// a tag is followed by `,` in a flow collection, as in `[!t,]`. PyYAML
/// 6.0.4 rejects the same inputs with other messages, because it reads the
/// comma as part of the tag. Any other panic of the parser is reported the
/// same way, and the panic message is kept off stderr.
fn parse_event(parser: &mut Parser<&[u8]>, text: &str) -> Result<Event, YamlError> {
    let _quiet = QuietPanics::enter();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse())) {
        Ok(result) => result.map_err(|error| parse_error(&error, text)),
        Err(payload) => {
            let tag_then_comma = payload
                .downcast_ref::<&str>()
                .is_some_and(|text| text.starts_with("TODO: What is expected here?"));
            let message = if tag_then_comma {
                "while scanning a tag: expected ' ', but found ','"
            } else {
                "the YAML parser failed on this input"
            };
            Err(YamlError {
                message: message.to_string(),
                mark: None,
            })
        }
    }
}

thread_local! {
    /// Set while this thread runs the event parser, whose panics are
    /// caught and reported as errors.
    static PARSING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Silences the panic hook on this thread until dropped.
struct QuietPanics {
    was_quiet: bool,
}

impl QuietPanics {
    fn enter() -> QuietPanics {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if !PARSING.with(std::cell::Cell::get) {
                    previous(info);
                }
            }));
        });
        QuietPanics {
            was_quiet: PARSING.with(|parsing| parsing.replace(true)),
        }
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        PARSING.with(|parsing| parsing.set(self.was_quiet));
    }
}

/// Turns a scanner or parser error into ours, with the position of the
/// problem and the context libyaml gives.
fn parse_error(error: &libyaml_safer::Error, text: &str) -> YamlError {
    let mut message = error.problem().to_string();
    if let (Some(context), Some(mark)) = (error.context(), error.context_mark()) {
        let mark = convert_mark(mark);
        message = format!(
            "{message} ({context} at line {}, column {})",
            mark.line, mark.column
        );
    }
    YamlError {
        message,
        mark: error
            .problem_mark()
            .map(|mark| clamp_to_end(convert_mark(mark), text)),
    }
}

/// libyaml places the end of a stream that lacks a final newline on the next
/// line; PyYAML, and an editor, place it after the last character.
fn clamp_to_end(mark: Mark, text: &str) -> Mark {
    if text.ends_with('\n') {
        return mark;
    }
    let line = text.matches('\n').count() + 1;
    let last_line = text.rsplit('\n').next().unwrap_or("");
    let end = Mark {
        line,
        column: last_line.chars().count() + 1,
    };
    if (mark.line, mark.column) > (end.line, end.column) {
        end
    } else {
        mark
    }
}

/// Rejects the characters that YAML 1.1 does not allow in a stream, as
/// PyYAML's reader does for the whole text before it parses.
fn check_printable(text: &str) -> Result<(), YamlError> {
    let mut line = 1;
    let mut column = 1;
    for character in text.chars() {
        if !is_allowed_in_stream(character) {
            return Err(YamlError {
                message: format!(
                    "unacceptable character #x{:04x}: special characters are not allowed",
                    u32::from(character)
                ),
                mark: Some(Mark { line, column }),
            });
        }
        if character == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    Ok(())
}

fn is_allowed_in_stream(character: char) -> bool {
    matches!(character,
        '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}
