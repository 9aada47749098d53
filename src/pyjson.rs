//! Python's `json.loads`, for `type: json` answers and the `from_json`
//! filter.
//!
//! Copier 9.19.1 parses JSON answers with the standard library, which is
//! more lenient than RFC 8259 in three ways that templates meet: the
//! literals `NaN`, `Infinity` and `-Infinity` are numbers, integers have no
//! size limit, and a float literal too large for a double is `inf` instead
//! of an error. A number without a fraction or exponent is an `int` (`-0`
//! is `0`), any other number a `float`. A repeated key keeps its first
//! position and its last value, as a `dict` does. Errors use the wording
//! and the `line L column C (char N)` positions of Python's
//! `JSONDecodeError`.

use std::fmt;

use crate::value::{Map, Value};

/// Nesting deeper than this is rejected; CPython's recursion limit stops
/// `json.loads` at a similar depth.
const MAX_DEPTH: usize = 1000;

/// Invalid JSON, with Python's message and position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    /// Line of the error, from 1.
    pub line: usize,
    /// Column of the error, from 1, in characters.
    pub column: usize,
    /// Offset of the error from the start of the text, in characters.
    pub offset: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}: line {} column {} (char {})",
            self.message, self.line, self.column, self.offset
        )
    }
}

impl std::error::Error for JsonError {}

/// Parses `text` as Python's `json.loads(text)` does.
pub fn loads(text: &str) -> Result<Value, JsonError> {
    let chars: Vec<char> = text.chars().collect();
    let mut parser = Parser { chars, position: 0 };
    if parser.peek() == Some('\u{feff}') {
        return Err(parser.error_at("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0));
    }
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.position != parser.chars.len() {
        return Err(parser.error("Extra data"));
    }
    Ok(value)
}

struct Parser {
    chars: Vec<char>,
    position: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.position).copied()
    }

    /// Skips the four characters JSON counts as whitespace.
    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.position += 1;
        }
    }

    fn error(&self, message: &str) -> JsonError {
        self.error_at(message, self.position)
    }

    fn error_at(&self, message: &str, offset: usize) -> JsonError {
        let before = &self.chars[..offset.min(self.chars.len())];
        let line = before.iter().filter(|&&c| c == '\n').count() + 1;
        let column = match before.iter().rposition(|&c| c == '\n') {
            Some(newline) => offset - newline,
            None => offset + 1,
        };
        JsonError {
            message: message.to_string(),
            line,
            column,
            offset,
        }
    }

    fn starts_with(&self, word: &str) -> bool {
        let rest = self.chars.get(self.position..).unwrap_or_default();
        word.chars().count() <= rest.len() && word.chars().zip(rest).all(|(a, &b)| a == b)
    }

    /// Parses one value starting exactly at the current position.
    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("maximum nesting depth exceeded"));
        }
        let literals: [(&str, Value); 6] = [
            ("null", Value::Null),
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("NaN", Value::Float(f64::NAN)),
            ("Infinity", Value::Float(f64::INFINITY)),
            ("-Infinity", Value::Float(f64::NEG_INFINITY)),
        ];
        match self.peek() {
            Some('"') => return self.string().map(Value::Str),
            Some('{') => return self.object(depth),
            Some('[') => return self.array(depth),
            _ => {}
        }
        for (word, value) in literals {
            if self.starts_with(word) {
                self.position += word.chars().count();
                return Ok(value);
            }
        }
        self.number().ok_or_else(|| self.error("Expecting value"))
    }

    /// Parses `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`: an `int`
    /// without a fraction or exponent, a `float` otherwise.
    fn number(&mut self) -> Option<Value> {
        let start = self.position;
        let mut end = start;
        if self.chars.get(end) == Some(&'-') {
            end += 1;
        }
        match self.chars.get(end) {
            Some('0') => end += 1,
            Some('1'..='9') => end = self.digits_end(end),
            _ => return None,
        }
        let integer_end = end;
        if self.chars.get(end) == Some(&'.') && self.is_digit(end + 1) {
            end = self.digits_end(end + 1);
        }
        if matches!(self.chars.get(end), Some('e' | 'E')) {
            let sign = usize::from(matches!(self.chars.get(end + 1), Some('+' | '-')));
            if self.is_digit(end + 1 + sign) {
                end = self.digits_end(end + 1 + sign);
            }
        }

        let literal: String = self.chars[start..end].iter().collect();
        self.position = end;
        let float = || Value::Float(literal.parse().unwrap_or(f64::NAN));
        if end != integer_end {
            return Some(float());
        }
        // NOTE: Python's int is unbounded; beyond i128 the value becomes a
        // float, as the YAML reader does.
        Some(literal.parse::<i128>().map_or_else(|_| float(), Value::Int))
    }

    fn is_digit(&self, index: usize) -> bool {
        self.chars.get(index).is_some_and(char::is_ascii_digit)
    }

    /// The index after the run of ASCII digits starting at `index`.
    fn digits_end(&self, mut index: usize) -> usize {
        while self.is_digit(index) {
            index += 1;
        }
        index
    }

    /// Parses a string; the current character is its opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        let start = self.position;
        self.position += 1;
        let mut text = String::new();
        loop {
            let Some(current) = self.peek() else {
                return Err(self.error_at("Unterminated string starting at", start));
            };
            match current {
                '"' => {
                    self.position += 1;
                    return Ok(text);
                }
                '\\' => text.push(self.escape(start)?),
                c if u32::from(c) < 0x20 => {
                    return Err(self.error("Invalid control character at"));
                }
                c => {
                    text.push(c);
                    self.position += 1;
                }
            }
        }
    }

    /// Decodes the escape sequence at the current backslash.
    fn escape(&mut self, string_start: usize) -> Result<char, JsonError> {
        let backslash = self.position;
        let Some(kind) = self.chars.get(backslash + 1).copied() else {
            return Err(self.error_at("Unterminated string starting at", string_start));
        };
        self.position += 2;
        let simple = match kind {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => return self.unicode_escape(backslash),
            _ => return Err(self.error_at("Invalid \\escape", backslash)),
        };
        Ok(simple)
    }

    /// Decodes `\uXXXX`, joining a surrogate pair into one character.
    fn unicode_escape(&mut self, backslash: usize) -> Result<char, JsonError> {
        let first = self.hex4(backslash)?;
        if (0xd800..0xdc00).contains(&first)
            && self.starts_with("\\u")
            && let Ok(second) = self.hex4_at(self.position + 2)
            && (0xdc00..0xe000).contains(&second)
        {
            self.position += 6;
            let combined = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
            return Ok(char::from_u32(combined).expect("a surrogate pair is a valid scalar"));
        }
        // NOTE: Python keeps a lone surrogate in the string; Rust strings
        // cannot hold one, so it is rejected here.
        char::from_u32(first)
            .ok_or_else(|| self.error_at("Unpaired surrogate escape (not supported)", backslash))
    }

    fn hex4(&mut self, backslash: usize) -> Result<u32, JsonError> {
        let value = self
            .hex4_at(self.position)
            .map_err(|_| self.error_at("Invalid \\uXXXX escape", backslash + 1))?;
        self.position += 4;
        Ok(value)
    }

    fn hex4_at(&self, start: usize) -> Result<u32, ()> {
        let digits: String = self.chars.get(start..start + 4).ok_or(())?.iter().collect();
        if digits.chars().all(|c| c.is_ascii_hexdigit()) {
            u32::from_str_radix(&digits, 16).map_err(|_| ())
        } else {
            Err(())
        }
    }

    /// Parses an object; the current character is `{`.
    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.position += 1;
        let mut map = Map::new();
        self.skip_whitespace();
        if self.peek() == Some('}') {
            self.position += 1;
            return Ok(Value::Map(map));
        }
        loop {
            if self.peek() != Some('"') {
                return Err(self.error("Expecting property name enclosed in double quotes"));
            }
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(':') {
                return Err(self.error("Expecting ':' delimiter"));
            }
            self.position += 1;
            self.skip_whitespace();
            let value = self.value(depth + 1)?;
            map.insert(Value::Str(key), value);
            self.skip_whitespace();
            match self.peek() {
                Some('}') => {
                    self.position += 1;
                    return Ok(Value::Map(map));
                }
                Some(',') => self.position += 1,
                _ => return Err(self.error("Expecting ',' delimiter")),
            }
            self.skip_whitespace();
        }
    }

    /// Parses an array; the current character is `[`.
    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.position += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(']') {
            self.position += 1;
            return Ok(Value::List(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                Some(']') => {
                    self.position += 1;
                    return Ok(Value::List(items));
                }
                Some(',') => self.position += 1,
                _ => return Err(self.error("Expecting ',' delimiter")),
            }
            self.skip_whitespace();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: Vec<(&str, Value)>) -> Value {
        Value::Map(
            pairs
                .into_iter()
                .map(|(key, value)| (Value::from(key), value))
                .collect(),
        )
    }

    #[test]
    fn scalars() {
        assert_eq!(loads("null").unwrap(), Value::Null);
        assert_eq!(loads(" true ").unwrap(), Value::Bool(true));
        assert_eq!(loads("-0").unwrap(), Value::Int(0));
        assert_eq!(loads("12").unwrap(), Value::Int(12));
        assert_eq!(loads("1.5e2").unwrap(), Value::Float(150.0));
        assert_eq!(loads("1E400").unwrap(), Value::Float(f64::INFINITY));
        assert_eq!(
            loads(r#""a\u00e9\ud83c\udfa4\n""#).unwrap(),
            Value::from("aé🎤\n")
        );
    }

    #[test]
    fn python_number_literals() {
        assert!(matches!(loads("NaN").unwrap(), Value::Float(number) if number.is_nan()));
        assert_eq!(
            loads("[Infinity, -Infinity]").unwrap(),
            Value::List(vec![
                Value::Float(f64::INFINITY),
                Value::Float(f64::NEG_INFINITY)
            ])
        );
    }

    #[test]
    fn large_integers_stay_integers() {
        assert_eq!(
            loads("123456789012345678901234").unwrap(),
            Value::Int(123_456_789_012_345_678_901_234)
        );
    }

    #[test]
    fn repeated_key_keeps_first_position() {
        assert_eq!(
            loads(r#"{"a": 1, "b": 2, "a": 3}"#).unwrap(),
            map(vec![("a", Value::Int(3)), ("b", Value::Int(2))])
        );
    }

    #[test]
    fn errors_use_python_wording() {
        let cases = [
            ("", "Expecting value: line 1 column 1 (char 0)"),
            ("[1,]", "Expecting value: line 1 column 4 (char 3)"),
            ("'x'", "Expecting value: line 1 column 1 (char 0)"),
            (
                "{1: 2}",
                "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
            ),
            (
                "{\"a\" 1}",
                "Expecting ':' delimiter: line 1 column 6 (char 5)",
            ),
            ("[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"),
            ("1 2", "Extra data: line 1 column 3 (char 2)"),
            (
                "[\n\"a",
                "Unterminated string starting at: line 2 column 1 (char 2)",
            ),
            ("\"\\x\"", "Invalid \\escape: line 1 column 2 (char 1)"),
            ("01", "Extra data: line 1 column 2 (char 1)"),
            ("1.", "Extra data: line 1 column 2 (char 1)"),
            (
                "\"a\tb\"",
                "Invalid control character at: line 1 column 3 (char 2)",
            ),
            (
                "{\"a\":1,}",
                "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)",
            ),
            (
                "\u{feff}1",
                "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)",
            ),
            (
                "\"\\u12\"",
                "Invalid \\uXXXX escape: line 1 column 3 (char 2)",
            ),
            ("[", "Expecting value: line 1 column 2 (char 1)"),
            ("{\"a\":", "Expecting value: line 1 column 6 (char 5)"),
        ];
        for (text, message) in cases {
            assert_eq!(loads(text).unwrap_err().to_string(), message, "{text:?}");
        }
    }
}
