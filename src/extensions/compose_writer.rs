//! Writes a compose file as block-style YAML that every YAML reader takes
//! the same way.
//!
//! The App Garden compose file is read by `docker compose` (YAML 1.2) and by
//! Kamiwaza itself (PyYAML, YAML 1.1). Those disagree on plain scalars such
//! as `yes`, `on`, `0755` or `8000:8000` (a base-60 integer in YAML 1.1), so
//! this writer quotes every string that either version would read as
//! something else. serde_yaml's own emitter does not: it leaves `yes` and
//! `8000:8000` plain.
//!
//! The layout is fixed, so the same value always gives the same bytes.
//! Mappings keep their key order, each level indents by two spaces, and
//! sequence items sit indented below their key. Empty collections are `{}`
//! and `[]`, and a null mapping value is nothing after the colon.
//! Multi-line strings become literal blocks (`|`, `|-` or `|+` by their
//! trailing newlines). Other strings are plain when that is safe, else
//! single-quoted, else double-quoted with escapes.
//! Tags such as compose's `!reset` are written before their value.

use std::sync::LazyLock;

use regex::Regex;
use serde_yaml::{Mapping, Value};

/// A value this writer cannot express, such as a mapping used as a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WriteError(String);

/// Writes `document` as YAML text ending in a newline.
pub fn to_yaml(document: &Mapping) -> Result<String, WriteError> {
    let mut out = String::new();
    if document.is_empty() {
        out.push_str("{}\n");
    } else {
        write_mapping(&mut out, document, 0)?;
    }
    Ok(out)
}

fn write_mapping(out: &mut String, mapping: &Mapping, indent: usize) -> Result<(), WriteError> {
    for (key, value) in mapping {
        push_indent(out, indent);
        out.push_str(&key_text(key)?);
        out.push(':');
        write_after_indicator(out, value, indent)?;
    }
    Ok(())
}

fn write_sequence(out: &mut String, items: &[Value], indent: usize) -> Result<(), WriteError> {
    for item in items {
        match item {
            Value::Mapping(mapping) if !mapping.is_empty() => {
                let mut nested = String::new();
                write_mapping(&mut nested, mapping, indent + 2)?;
                push_item(out, &nested, indent);
            }
            Value::Sequence(inner) if !inner.is_empty() => {
                let mut nested = String::new();
                write_sequence(&mut nested, inner, indent + 2)?;
                push_item(out, &nested, indent);
            }
            Value::Null => {
                push_indent(out, indent);
                out.push_str("- null\n");
            }
            other => {
                push_indent(out, indent);
                out.push('-');
                write_after_indicator(out, other, indent)?;
            }
        }
    }
    Ok(())
}

/// Appends a collection written at `indent + 2` as one sequence item: its
/// first line's indentation becomes `- `, which has the same width.
fn push_item(out: &mut String, nested: &str, indent: usize) {
    push_indent(out, indent);
    out.push_str("- ");
    out.push_str(&nested[indent + 2..]);
}

/// Writes what follows a `key:` or `-` indicator whose line is indented by
/// `indent`: a scalar on the same line, or a collection on the next lines.
fn write_after_indicator(out: &mut String, value: &Value, indent: usize) -> Result<(), WriteError> {
    match value {
        Value::Null => out.push('\n'),
        Value::Mapping(mapping) if mapping.is_empty() => out.push_str(" {}\n"),
        Value::Mapping(mapping) => {
            out.push('\n');
            write_mapping(out, mapping, indent + 2)?;
        }
        Value::Sequence(items) if items.is_empty() => out.push_str(" []\n"),
        Value::Sequence(items) => {
            out.push('\n');
            write_sequence(out, items, indent + 2)?;
        }
        Value::Tagged(tagged) => {
            out.push(' ');
            out.push_str(&tagged.tag.to_string());
            write_after_indicator(out, &tagged.value, indent)?;
        }
        Value::String(text) if is_block_candidate(text) => write_block(out, text, indent + 2),
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar)?);
            out.push('\n');
        }
    }
    Ok(())
}

/// Writes a multi-line string as a literal block indented by `indent`.
fn write_block(out: &mut String, text: &str, indent: usize) {
    let trailing_newlines = text.len() - text.trim_end_matches('\n').len();
    let (chomping, content) = match trailing_newlines {
        0 => ("-", text),
        1 => ("", &text[..text.len() - 1]),
        _ => ("+", &text[..text.len() - 1]),
    };
    out.push_str(" |");
    out.push_str(chomping);
    out.push('\n');
    for line in content.split('\n') {
        if !line.is_empty() {
            push_indent(out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// Whether a string reads back unchanged from a literal block. It needs a
/// line break and text on some line. Leading whitespace would need an
/// indentation indicator, a reader drops the spaces of whitespace-only
/// lines, and control characters other than tab need escapes.
fn is_block_candidate(text: &str) -> bool {
    text.contains('\n')
        && !text.trim_matches('\n').is_empty()
        && !text.starts_with([' ', '\t'])
        && !text
            .split('\n')
            .any(|line| !line.is_empty() && line.trim().is_empty())
        && !text
            .chars()
            .any(|character| character != '\n' && character != '\t' && needs_escape(character))
}

fn key_text(key: &Value) -> Result<String, WriteError> {
    match key {
        Value::Mapping(_) | Value::Sequence(_) | Value::Tagged(_) => Err(WriteError(format!(
            "a mapping key must be a scalar, found `{}`",
            serde_yaml::to_string(key).unwrap_or_default().trim()
        ))),
        Value::String(text) if text.contains('\n') => Ok(double_quoted(text)),
        scalar => scalar_text(scalar),
    }
}

fn scalar_text(value: &Value) -> Result<String, WriteError> {
    match value {
        Value::Null => Ok("null".to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Number(number) => Ok(number.to_string()),
        Value::String(text) => Ok(string_text(text)),
        _ => Err(WriteError("expected a scalar".to_string())),
    }
}

/// A string as a plain, single-quoted or double-quoted scalar.
fn string_text(text: &str) -> String {
    if is_plain_safe(text) {
        text.to_string()
    } else if text.chars().any(needs_escape) {
        double_quoted(text)
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

/// Whether `text` reads back as the same string when written plain, in
/// YAML 1.1 and YAML 1.2 alike and in block context.
fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let starts_with_indicator = match first {
        '-' => text.len() == 1 || text[1..].starts_with([' ', '\t']),
        _ => "?:,[]{}#&*!|>'\"%@`".contains(first),
    };
    !starts_with_indicator
        && text.trim() == text
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text
            .chars()
            .any(|character| character == '\t' || needs_escape(character))
        && !resolves_to_non_string(text)
}

/// Numbers in any notation of YAML 1.1 or 1.2 (binary, octal, hex,
/// base 60, `_` separators, exponents), and anything that starts like a
/// YAML 1.1 timestamp.
static NUMBER_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9][0-9_]*([eE][-+]?[0-9]+)?)|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$",
    )
    .unwrap()
});

/// Whether a plain scalar would be read as null, a boolean, a number, a
/// date or a merge key by YAML 1.1 or 1.2.
fn resolves_to_non_string(text: &str) -> bool {
    const KEYWORDS: [&str; 17] = [
        "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf",
        ".nan", "<<", "=", "",
    ];
    KEYWORDS.contains(&text.to_ascii_lowercase().as_str()) || NUMBER_LIKE.is_match(text)
}

/// Characters that only a double-quoted scalar can carry.
fn needs_escape(character: char) -> bool {
    character.is_control() || matches!(character, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

fn double_quoted(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            '\0' => quoted.push_str("\\0"),
            other if needs_escape(other) => {
                quoted.push_str(&format!("\\u{:04X}", u32::from(other)));
            }
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(yaml: &str) -> String {
        let document: Mapping = serde_yaml::from_str(yaml).unwrap();
        to_yaml(&document).unwrap()
    }

    /// Writes `text` as the value of `k` and checks that serde_yaml reads
    /// the same string back.
    fn round_trip(text: &str) -> String {
        let mut document = Mapping::new();
        document.insert(Value::from("k"), Value::from(text));
        let written = to_yaml(&document).unwrap();
        let read: Mapping = serde_yaml::from_str(&written).unwrap();
        assert_eq!(
            read.get("k"),
            Some(&Value::from(text)),
            "written: {written}"
        );
        written
    }

    #[test]
    fn strings_quoted_when_ambiguous() {
        let cases = [
            ("plain", "k: plain\n"),
            ("yes", "k: 'yes'\n"),
            ("On", "k: 'On'\n"),
            ("null", "k: 'null'\n"),
            ("~", "k: '~'\n"),
            ("", "k: ''\n"),
            ("8000", "k: '8000'\n"),
            ("8000:8000", "k: 8000:8000\n"),
            ("22:22", "k: '22:22'\n"),
            ("0755", "k: '0755'\n"),
            ("1.0", "k: '1.0'\n"),
            ("-1", "k: '-1'\n"),
            (".5", "k: '.5'\n"),
            ("512M", "k: 512M\n"),
            ("10s", "k: 10s\n"),
            ("3000/tcp", "k: 3000/tcp\n"),
            ("1.2.3", "k: 1.2.3\n"),
            ("1_000", "k: '1_000'\n"),
            ("0x1F", "k: '0x1F'\n"),
            ("1e3", "k: '1e3'\n"),
            ("2001-12-14", "k: '2001-12-14'\n"),
            ("1:30", "k: '1:30'\n"),
            (
                "host.docker.internal:host-gateway",
                "k: host.docker.internal:host-gateway\n",
            ),
            ("${VAR:-x}/image:v1", "k: ${VAR:-x}/image:v1\n"),
            ("-f", "k: -f\n"),
            ("- item", "k: '- item'\n"),
            ("a: b", "k: 'a: b'\n"),
            ("a #b", "k: 'a #b'\n"),
            ("it's", "k: it's\n"),
            ("'quoted'", "k: '''quoted'''\n"),
            ("*alias", "k: '*alias'\n"),
            (" padded", "k: ' padded'\n"),
            ("tab\there", "k: \"tab\\there\"\n"),
            ("bell\u{7}", "k: \"bell\\u0007\"\n"),
            ("café", "k: café\n"),
        ];
        for (text, expected) in cases {
            assert_eq!(round_trip(text), expected, "string {text:?}");
        }
    }

    #[test]
    fn multi_line_strings_as_blocks() {
        let cases = [
            ("a\nb\n", "k: |\n  a\n  b\n"),
            ("a\nb", "k: |-\n  a\n  b\n"),
            ("a\n\nb\n\n", "k: |+\n  a\n\n  b\n\n"),
            ("  indented\nb", "k: \"  indented\\nb\"\n"),
            ("a\n  \nb", "k: \"a\\n  \\nb\"\n"),
            ("\n", "k: \"\\n\"\n"),
        ];
        for (text, expected) in cases {
            assert_eq!(round_trip(text), expected, "string {text:?}");
        }
    }

    #[test]
    fn layout_of_collections() {
        let yaml = "services:\n  web:\n    ports: [\"80\", 81]\n    environment: {}\n    \
                    volumes: []\n    healthcheck:\n      test: [CMD, curl]\n    \
                    nested:\n      - - a\n        - b\n      - {x: 1, y: [2]}\n      - ~\n\
                    volumes:\n  data:\n";
        let expected = "services:\n  web:\n    ports:\n      - '80'\n      - 81\n    \
                        environment: {}\n    volumes: []\n    healthcheck:\n      test:\n        \
                        - CMD\n        - curl\n    nested:\n      - - a\n        - b\n      \
                        - x: 1\n        'y':\n          - 2\n      - null\n\
                        volumes:\n  data:\n";
        assert_eq!(write(yaml), expected);
        let reread: Mapping = serde_yaml::from_str(expected).unwrap();
        let original: Mapping = serde_yaml::from_str(yaml).unwrap();
        assert_eq!(reread, original);
    }

    #[test]
    fn scalars_and_tags() {
        let yaml = "a: true\nb: 1.5\nc: 3\nd: !reset []\ne: !override\n  x: 1\n8080: port\n";
        let expected = "a: true\nb: 1.5\nc: 3\nd: !reset []\ne: !override\n  x: 1\n8080: port\n";
        assert_eq!(write(yaml), expected);
    }

    #[test]
    fn mapping_key_rejected() {
        let mut document = Mapping::new();
        let mut key = Mapping::new();
        key.insert(Value::from("a"), Value::from(1));
        document.insert(Value::Mapping(key), Value::Null);
        let error = to_yaml(&document).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("a mapping key must be a scalar")
        );
    }
}
