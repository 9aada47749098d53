//! Nodes to values, as PyYAML's `SafeConstructor` builds Python objects.
//!
//! Each tag has the constructor PyYAML's safe loader registers for it:
//! `int` reads `0b`, octal, `0x` and sexagesimal forms, `float` reads `.inf`
//! and sexagesimal forms, `timestamp` gives a date or a datetime, and mappings
//! apply merge keys (`<<`) first. `!include` goes to the caller's handler.
//! Every other tag, `python/*` included, is an error.
//!
//! Python shares one object between an anchor and its aliases; `Value` is a
//! tree, so every alias is a copy. The copies are counted against
//! `MAX_ALIAS_EXPANSION` so that a "billion laughs" document fails instead of
//! exhausting memory.

use std::collections::HashSet;
use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::{Captures, Regex};

use super::compose::{Content, Document, Node, NodeId};
use super::resolve::{TAG_PREFIX, python_full_match};
use super::{IncludeHandler, MAX_ALIAS_EXPANSION, MAX_DEPTH, Mark, YamlError};
use crate::value::{Date, DateTime, Value};

/// Builds the value of one document.
pub(super) struct Constructor<'d, 'h, 'i> {
    document: &'d mut Document,
    include: Option<&'h mut IncludeHandler<'i>>,
    /// Nodes built at least once: building one again is an alias copy.
    visited: Vec<bool>,
    /// Nodes whose construction has started and not finished.
    in_progress: Vec<bool>,
    /// Nodes and characters copied through aliases so far.
    expansion: usize,
    depth: usize,
}

impl<'d, 'h, 'i> Constructor<'d, 'h, 'i> {
    pub(super) fn new(
        document: &'d mut Document,
        include: Option<&'h mut IncludeHandler<'i>>,
    ) -> Self {
        let count = document.nodes.len();
        Constructor {
            document,
            include,
            visited: vec![false; count],
            in_progress: vec![false; count],
            expansion: 0,
            depth: 0,
        }
    }

    /// Builds the value of the document's root node.
    pub(super) fn construct_document(mut self) -> Result<Value, YamlError> {
        let root = self.document.root;
        self.construct(root)
    }

    fn construct(&mut self, id: NodeId) -> Result<Value, YamlError> {
        self.enter(id)?;
        let value = self.construct_by_tag(id);
        self.in_progress[id] = false;
        self.depth -= 1;
        value
    }

    /// Checks the limits before a node is built: recursion through an alias,
    /// nesting depth and the alias expansion budget.
    fn enter(&mut self, id: NodeId) -> Result<(), YamlError> {
        let start = self.node(id).start;
        if self.in_progress[id] {
            return Err(error(
                "found a recursive alias: a node that contains itself is not supported",
                start,
            ));
        }
        if self.depth >= MAX_DEPTH {
            return Err(error(
                format!("the document nests deeper than {MAX_DEPTH} levels"),
                start,
            ));
        }
        if self.visited[id] {
            let weight = match &self.node(id).content {
                Content::Scalar(text) => 1 + text.len(),
                _ => 1,
            };
            self.expansion += weight;
            if self.expansion > MAX_ALIAS_EXPANSION {
                return Err(error(
                    format!(
                        "aliases expand to more than {MAX_ALIAS_EXPANSION} nodes and characters"
                    ),
                    start,
                ));
            }
        }
        self.visited[id] = true;
        self.in_progress[id] = true;
        self.depth += 1;
        Ok(())
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.document.nodes[id]
    }

    fn construct_by_tag(&mut self, id: NodeId) -> Result<Value, YamlError> {
        let tag = self.node(id).tag.clone();
        if tag == "!include" && self.include.is_some() {
            return self.construct_include(id);
        }
        let Some(name) = tag.strip_prefix(TAG_PREFIX) else {
            return Err(self.undefined_tag(id));
        };
        match name {
            "null" => self.scalar(id).map(|_| Value::Null),
            "bool" => construct_bool(self.scalar(id)?, self.node(id).start),
            "int" => construct_int(self.scalar(id)?, self.node(id).start),
            "float" => construct_float(self.scalar(id)?, self.node(id).start),
            "timestamp" => construct_timestamp(self.scalar(id)?, self.node(id).start),
            "str" => Ok(Value::Str(self.scalar(id)?.to_string())),
            "seq" => self.construct_sequence(id).map(Value::List),
            "map" => self.construct_mapping(id).map(Value::Map),
            "set" => self.construct_set(id),
            "omap" | "pairs" => self.construct_pairs(id, name),
            "binary" => Err(error(
                "binary data (`!!binary`) is not supported",
                self.node(id).start,
            )),
            _ => Err(self.undefined_tag(id)),
        }
    }

    fn undefined_tag(&self, id: NodeId) -> YamlError {
        let node = self.node(id);
        error(
            format!(
                "could not determine a constructor for the tag `{}`",
                node.tag
            ),
            node.start,
        )
    }

    /// Returns the text of a scalar node. For a mapping with a `=` key it
    /// returns the text under that key, as PyYAML's safe constructor does.
    fn scalar(&self, id: NodeId) -> Result<&str, YamlError> {
        let node = self.node(id);
        match &node.content {
            Content::Scalar(text) => Ok(text),
            Content::Mapping(pairs) => {
                let value_key = format!("{TAG_PREFIX}value");
                match pairs
                    .iter()
                    .find(|(key, _)| self.node(*key).tag == value_key)
                {
                    Some(&(_, value)) => self.scalar(value),
                    None => Err(expected("a scalar", node)),
                }
            }
            Content::Sequence(_) => Err(expected("a scalar", node)),
        }
    }

    fn construct_include(&mut self, id: NodeId) -> Result<Value, YamlError> {
        let node = self.node(id);
        let start = node.start;
        let Content::Scalar(pattern) = &node.content else {
            return Err(error(
                format!(
                    "`!include` needs a scalar pattern, but found a {}",
                    node.kind_name()
                ),
                start,
            ));
        };
        let pattern = pattern.clone();
        let handler = self.include.as_mut().expect("checked by the caller");
        handler(&pattern, start).map(Value::List)
    }

    fn construct_sequence(&mut self, id: NodeId) -> Result<Vec<Value>, YamlError> {
        let node = self.node(id);
        let Content::Sequence(items) = &node.content else {
            return Err(expected("a sequence", node));
        };
        let items = items.clone();
        items.into_iter().map(|item| self.construct(item)).collect()
    }

    fn construct_mapping(&mut self, id: NodeId) -> Result<IndexMap<Value, Value>, YamlError> {
        if !matches!(self.node(id).content, Content::Mapping(_)) {
            return Err(expected("a mapping", self.node(id)));
        }
        self.flatten_merge_keys(id, 0)?;
        let Content::Mapping(pairs) = &self.node(id).content else {
            unreachable!("checked above");
        };
        let mut map = IndexMap::new();
        for (key_id, value_id) in pairs.clone() {
            let key = self.construct(key_id)?;
            if matches!(key, Value::List(_) | Value::Map(_)) {
                return Err(error("found unhashable key", self.node(key_id).start));
            }
            let value = self.construct(value_id)?;
            // As Python's dict: a repeated key keeps its first position and
            // takes the last value.
            map.insert(key, value);
        }
        Ok(map)
    }

    /// Replaces the `<<` entries of a mapping by the pairs they merge, placed
    /// before the mapping's own pairs, as PyYAML 6.0.4's `flatten_mapping`.
    ///
    /// PyYAML drops a merged pair when an earlier merged pair has the same key
    /// object (`id()` in Python). That happens for the same key node reached
    /// twice. It also happens for equal keys of zero or one Latin-1
    /// character, because CPython keeps those strings as shared singletons.
    /// `MergeKey` models both cases.
    fn flatten_merge_keys(&mut self, id: NodeId, depth: usize) -> Result<(), YamlError> {
        if depth > MAX_DEPTH {
            return Err(error("merge keys nest too deeply", self.node(id).start));
        }
        let Content::Mapping(pairs) = &mut self.document.nodes[id].content else {
            return Ok(());
        };
        let pairs = std::mem::take(pairs);

        let mut merged = Vec::new();
        let mut seen = HashSet::new();
        let mut own = Vec::with_capacity(pairs.len());
        let merge_tag = format!("{TAG_PREFIX}merge");
        let value_tag = format!("{TAG_PREFIX}value");
        for (key, value) in pairs {
            if self.node(key).tag == merge_tag {
                for source in self.merge_sources(id, value)? {
                    self.flatten_merge_keys(source, depth + 1)?;
                    if let Content::Mapping(source_pairs) = &self.node(source).content {
                        for &pair in source_pairs {
                            if seen.insert(self.merge_key(pair.0)) {
                                merged.push(pair);
                            }
                        }
                    }
                }
            } else {
                if self.node(key).tag == value_tag {
                    self.document.nodes[key].tag = format!("{TAG_PREFIX}str");
                }
                own.push((key, value));
            }
        }

        merged.extend(own);
        self.document.nodes[id].content = Content::Mapping(merged);
        Ok(())
    }

    /// Lists the mappings that a `<<` value names: itself, or each item of a
    /// list.
    fn merge_sources(&self, mapping: NodeId, value: NodeId) -> Result<Vec<NodeId>, YamlError> {
        let node = self.node(value);
        match &node.content {
            Content::Mapping(_) => Ok(vec![value]),
            Content::Sequence(items) => {
                for &item in items {
                    let item_node = self.node(item);
                    if !matches!(item_node.content, Content::Mapping(_)) {
                        return Err(merge_error(
                            self.node(mapping),
                            format!(
                                "expected a mapping for merging, but found a {}",
                                item_node.kind_name()
                            ),
                            item_node.start,
                        ));
                    }
                }
                Ok(items.clone())
            }
            Content::Scalar(_) => Err(merge_error(
                self.node(mapping),
                "expected a mapping or list of mappings for merging, but found a scalar"
                    .to_string(),
                node.start,
            )),
        }
    }

    fn merge_key(&self, key: NodeId) -> MergeKey {
        if let Content::Scalar(text) = &self.node(key).content {
            let mut characters = text.chars();
            let shared = match (characters.next(), characters.next()) {
                (None, _) => true,
                (Some(first), None) => u32::from(first) < 0x100,
                _ => false,
            };
            if shared {
                return MergeKey::SharedText(text.clone());
            }
        }
        MergeKey::Node(key)
    }

    /// `!!set`: Python builds a `set` of the keys. `Value` has no set, so
    /// the keys map to null, which iterates and tests membership alike.
    fn construct_set(&mut self, id: NodeId) -> Result<Value, YamlError> {
        let map = self.construct_mapping(id)?;
        Ok(Value::Map(
            map.into_keys().map(|key| (key, Value::Null)).collect(),
        ))
    }

    /// `!!omap` and `!!pairs`: Python builds a list of `(key, value)`
    /// tuples; `Value` has no tuple, so each pair is a two-item list.
    fn construct_pairs(&mut self, id: NodeId, name: &str) -> Result<Value, YamlError> {
        let node = self.node(id);
        let what = if name == "omap" {
            "an ordered map"
        } else {
            "pairs"
        };
        let Content::Sequence(items) = &node.content else {
            return Err(error(
                format!(
                    "while constructing {what}: expected a sequence, but found a {}",
                    node.kind_name()
                ),
                node.start,
            ));
        };
        let mut pairs = Vec::new();
        for item in items.clone() {
            let item_node = self.node(item);
            let pair = match &item_node.content {
                Content::Mapping(entries) if entries.len() == 1 => entries[0],
                Content::Mapping(entries) => {
                    return Err(error(
                        format!(
                            "while constructing {what}: expected a single mapping item, but found {} items",
                            entries.len()
                        ),
                        item_node.start,
                    ));
                }
                _ => {
                    return Err(error(
                        format!(
                            "while constructing {what}: expected a mapping of length 1, but found a {}",
                            item_node.kind_name()
                        ),
                        item_node.start,
                    ));
                }
            };
            let key = self.construct(pair.0)?;
            let value = self.construct(pair.1)?;
            pairs.push(Value::List(vec![key, value]));
        }
        Ok(Value::List(pairs))
    }
}

/// Identity of a merged key, standing in for Python's `id()` of the key text.
#[derive(Hash, PartialEq, Eq)]
enum MergeKey {
    Node(NodeId),
    SharedText(String),
}

fn error(message: impl Into<String>, mark: Mark) -> YamlError {
    YamlError {
        message: message.into(),
        mark: Some(mark),
    }
}

fn expected(what: &str, node: &Node) -> YamlError {
    error(
        format!("expected {what} node, but found a {}", node.kind_name()),
        node.start,
    )
}

fn merge_error(mapping: &Node, problem: String, mark: Mark) -> YamlError {
    error(
        format!(
            "while constructing a mapping at line {}, column {}: {problem}",
            mapping.start.line, mapping.start.column
        ),
        mark,
    )
}

fn construct_bool(text: &str, mark: Mark) -> Result<Value, YamlError> {
    match text.to_lowercase().as_str() {
        "yes" | "true" | "on" => Ok(Value::Bool(true)),
        "no" | "false" | "off" => Ok(Value::Bool(false)),
        _ => Err(error(format!("invalid boolean `{text}`"), mark)),
    }
}

/// Reads an int the way `construct_yaml_int` does: underscores are dropped,
/// then the prefix picks the base (`0b`, `0x`, a leading `0` for octal) or
/// colons make a base-60 number.
fn construct_int(text: &str, mark: Mark) -> Result<Value, YamlError> {
    let invalid = || error(format!("invalid integer `{text}`"), mark);
    let cleaned: String = text.trim().chars().filter(|&c| c != '_').collect();
    let (negative, digits) = split_sign(&cleaned);
    let magnitude = if digits == "0" {
        Some(Number::Int(0))
    } else if let Some(binary) = digits.strip_prefix("0b") {
        parse_radix(binary, 2)
    } else if let Some(hex) = digits.strip_prefix("0x") {
        parse_radix(hex, 16)
    } else if digits.starts_with('0') {
        // Python's `int(text, 8)` also takes a `0o` prefix.
        let octal = digits.strip_prefix("0o").unwrap_or(digits);
        parse_radix(octal, 8)
    } else if digits.contains(':') {
        parse_sexagesimal_int(digits)
    } else {
        parse_radix(digits, 10)
    };
    let signed = match magnitude.ok_or_else(invalid)? {
        Number::Int(value) if negative => 0_i128.checked_sub_unsigned(value),
        Number::Int(value) => i128::try_from(value).ok(),
        Number::Float(_) => None,
    };
    if let Some(value) = signed {
        return Ok(Value::Int(value));
    }
    // NOTE: Python ints are unbounded. A literal beyond i128 becomes the
    // nearest float here, so it reads back as a float (and prints as one).
    let approximate = match magnitude.ok_or_else(invalid)? {
        Number::Int(value) => value as f64,
        Number::Float(value) => value,
    };
    Ok(Value::Float(if negative {
        -approximate
    } else {
        approximate
    }))
}

/// An integer magnitude, or its float approximation once it overflows u128.
#[derive(Clone, Copy)]
enum Number {
    Int(u128),
    Float(f64),
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

fn parse_radix(digits: &str, radix: u32) -> Option<Number> {
    if digits.is_empty() {
        return None;
    }
    let mut exact: Option<u128> = Some(0);
    let mut approximate = 0.0_f64;
    for character in digits.chars() {
        let digit = character.to_digit(radix)?;
        exact = exact
            .and_then(|value| value.checked_mul(u128::from(radix)))
            .and_then(|value| value.checked_add(u128::from(digit)));
        approximate = approximate * f64::from(radix) + f64::from(digit);
    }
    Some(match exact {
        Some(value) => Number::Int(value),
        // Decimal text parses with correct rounding, as Python's `float(int)`.
        None if radix == 10 => Number::Float(digits.parse().unwrap_or(approximate)),
        None => Number::Float(approximate),
    })
}

fn parse_sexagesimal_int(digits: &str) -> Option<Number> {
    let mut exact: Option<u128> = Some(0);
    let mut approximate = 0.0_f64;
    for part in digits.split(':') {
        let part = parse_radix(part, 10)?;
        exact = match part {
            Number::Int(part) => exact
                .and_then(|value| value.checked_mul(60))
                .and_then(|value| value.checked_add(part)),
            Number::Float(_) => None,
        };
        approximate = approximate * 60.0
            + match part {
                Number::Int(part) => part as f64,
                Number::Float(part) => part,
            };
    }
    Some(match exact {
        Some(value) => Number::Int(value),
        None => Number::Float(approximate),
    })
}

/// Reads a float the way `construct_yaml_float` does, with Python's
/// `float()` for the digits.
fn construct_float(text: &str, mark: Mark) -> Result<Value, YamlError> {
    let invalid = || error(format!("invalid float `{text}`"), mark);
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_lowercase();
    let (negative, digits) = split_sign(&cleaned);
    let sign = if negative { -1.0 } else { 1.0 };
    let magnitude = match digits {
        ".inf" => f64::INFINITY,
        ".nan" => return Ok(Value::Float(f64::NAN)),
        _ if digits.contains(':') => {
            // Summed from the last part up, in Python's order, so that the
            // rounding matches.
            let mut total = 0.0;
            let mut base = 1.0;
            for part in digits.rsplit(':') {
                total += parse_python_float(part).ok_or_else(invalid)? * base;
                base *= 60.0;
            }
            total
        }
        _ => parse_python_float(digits).ok_or_else(invalid)?,
    };
    Ok(Value::Float(sign * magnitude))
}

/// Parses a decimal float as Python's `float()` accepts it (ASCII forms).
fn parse_python_float(text: &str) -> Option<f64> {
    let text = text.trim();
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let is_word = matches!(body, "inf" | "infinity" | "nan");
    let is_number = body.chars().any(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-'));
    if !is_word && !is_number {
        return None;
    }
    text.parse().ok()
}

static TIMESTAMP_PARTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})",
        r"(?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})",
        r"(?:\.(?P<fraction>[0-9]*))?",
        r"(?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9]{1,2})(?::(?P<tz_minute>[0-9]{2}))?))?)?$",
    ))
    .expect("valid timestamp pattern")
});

/// Reads a date or a datetime as `construct_yaml_timestamp` does. Python's
/// `date` and `datetime` reject impossible values (`2024-02-30`, hour 24,
/// an offset of a day or more), and so does this.
fn construct_timestamp(text: &str, mark: Mark) -> Result<Value, YamlError> {
    let invalid = || error(format!("invalid timestamp `{text}`"), mark);
    let trimmed = text.strip_suffix('\n').unwrap_or(text);
    if !python_full_match(&TIMESTAMP_PARTS, text) {
        return Err(invalid());
    }
    let parts = TIMESTAMP_PARTS.captures(trimmed).ok_or_else(invalid)?;
    let number = |name: &str| -> u32 {
        parts
            .name(name)
            .map_or(0, |part| part.as_str().parse().unwrap_or(u32::MAX))
    };
    let date = Date {
        year: i32::try_from(number("year")).map_err(|_| invalid())?,
        month: number("month"),
        day: number("day"),
    };
    if !is_valid_date(date) {
        return Err(invalid());
    }
    if parts.name("hour").is_none() {
        return Ok(Value::Date(date));
    }

    let datetime = DateTime {
        date,
        hour: number("hour"),
        minute: number("minute"),
        second: number("second"),
        microsecond: microseconds(&parts),
        utc_offset: utc_offset(&parts),
    };
    let offset_is_valid = datetime
        .utc_offset
        .is_none_or(|offset| offset.abs() < 24 * 3600);
    if datetime.hour > 23 || datetime.minute > 59 || datetime.second > 59 || !offset_is_valid {
        return Err(invalid());
    }
    Ok(Value::DateTime(datetime))
}

/// Reads the first six fraction digits, padded with zeros.
fn microseconds(parts: &Captures<'_>) -> u32 {
    let fraction = parts.name("fraction").map_or("", |part| part.as_str());
    let mut digits: String = fraction.chars().take(6).collect();
    while digits.len() < 6 {
        digits.push('0');
    }
    digits.parse().unwrap_or(0)
}

fn utc_offset(parts: &Captures<'_>) -> Option<i32> {
    parts.name("tz")?;
    let Some(sign) = parts.name("tz_sign") else {
        return Some(0);
    };
    let hours: i32 = parts.name("tz_hour")?.as_str().parse().ok()?;
    let minutes: i32 = parts
        .name("tz_minute")
        .map_or(Some(0), |part| part.as_str().parse().ok())?;
    let offset = hours * 3600 + minutes * 60;
    Some(if sign.as_str() == "-" {
        -offset
    } else {
        offset
    })
}

fn is_valid_date(date: Date) -> bool {
    if !(1..=9999).contains(&date.year) || !(1..=12).contains(&date.month) {
        return false;
    }
    let leap = date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0);
    let days = match date.month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=days).contains(&date.day)
}
