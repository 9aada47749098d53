//! The scalar half of PyYAML's emitter: which styles a text allows, which
//! one is chosen, and how plain, single-quoted and double-quoted scalars are
//! written and folded.
//!
//! The rules, as PyYAML 6's `analyze_scalar` and `choose_scalar_style` apply
//! them:
//!
//! - plain only when the text reads back as the same string (not `yes`,
//!   `012` or `''`), has no leading or trailing space or break, no line
//!   break, no indicator where it would start a YAML construct (`- x`,
//!   `a: b`, `x #y`, a leading `#,[]{}&*!|>'"%@` or backquote), and no
//!   character that needs an escape;
//! - single quotes when plain is not possible, unless a line starts with a
//!   space after a break, a space precedes a break, or a character needs an
//!   escape (control characters, and `\u{feff}`);
//! - double quotes with escapes otherwise.
//!
//! Plain and single-quoted text folds at a single space once the column is
//! past the width. A line break in single quotes is written as a blank line.

use super::emit::{Context, Emitter};
use super::represent::{ScalarKind, represent_scalar};
use super::resolve::resolve_plain;
use crate::value::Value;

/// Tells whether a character is one of YAML 1.1's line breaks.
fn is_break(character: char) -> bool {
    matches!(character, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Tells whether a character counts as whitespace for the analysis, where
/// the end of the text (`None`) counts too.
fn is_blank_or_end(character: Option<char>) -> bool {
    character.is_none_or(|c| matches!(c, '\0' | ' ' | '\t' | '\r') || is_break(c))
}

/// Styles that a scalar text allows, as PyYAML's `ScalarAnalysis`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Analysis {
    pub(super) empty: bool,
    pub(super) multiline: bool,
    pub(super) allow_flow_plain: bool,
    pub(super) allow_block_plain: bool,
    pub(super) allow_single_quoted: bool,
}

/// Flags gathered in one pass over the text.
#[derive(Default)]
struct Findings {
    flow_indicators: bool,
    block_indicators: bool,
    line_breaks: bool,
    special_characters: bool,
    leading_space: bool,
    leading_break: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
}

/// Analyzes a scalar text as `Emitter.analyze_scalar` does.
pub(super) fn analyze(text: &str, allow_unicode: bool) -> Analysis {
    if text.is_empty() {
        return Analysis {
            empty: true,
            multiline: false,
            allow_flow_plain: false,
            allow_block_plain: true,
            allow_single_quoted: true,
        };
    }
    let findings = find_features(text, allow_unicode);
    let mut analysis = Analysis {
        empty: false,
        multiline: findings.line_breaks,
        allow_flow_plain: true,
        allow_block_plain: true,
        allow_single_quoted: true,
    };
    let edge_whitespace = findings.leading_space
        || findings.leading_break
        || findings.trailing_space
        || findings.trailing_break;
    if edge_whitespace || findings.line_breaks {
        analysis.allow_flow_plain = false;
        analysis.allow_block_plain = false;
    }
    if findings.break_space || findings.space_break || findings.special_characters {
        analysis.allow_flow_plain = false;
        analysis.allow_block_plain = false;
        analysis.allow_single_quoted = false;
    }
    if findings.flow_indicators {
        analysis.allow_flow_plain = false;
    }
    if findings.block_indicators {
        analysis.allow_block_plain = false;
    }
    analysis
}

fn find_features(text: &str, allow_unicode: bool) -> Findings {
    let characters: Vec<char> = text.chars().collect();
    let last = characters.len() - 1;
    let mut findings = Findings::default();
    if text.starts_with("---") || text.starts_with("...") {
        findings.block_indicators = true;
        findings.flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut previous_space = false;
    let mut previous_break = false;
    for (index, &character) in characters.iter().enumerate() {
        let followed_by_whitespace = is_blank_or_end(characters.get(index + 1).copied());
        note_indicator(
            &mut findings,
            character,
            index == 0,
            preceded_by_whitespace,
            followed_by_whitespace,
        );
        if is_break(character) {
            findings.line_breaks = true;
        }
        if needs_escape_in_plain(character, allow_unicode) {
            findings.special_characters = true;
        }
        if character == ' ' {
            findings.leading_space |= index == 0;
            findings.trailing_space |= index == last;
            findings.break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(character) {
            findings.leading_break |= index == 0;
            findings.trailing_break |= index == last;
            findings.space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank_or_end(Some(character));
    }
    findings
}

fn note_indicator(
    findings: &mut Findings,
    character: char,
    first: bool,
    preceded_by_whitespace: bool,
    followed_by_whitespace: bool,
) {
    if first {
        if "#,[]{}&*!|>'\"%@`".contains(character) {
            findings.flow_indicators = true;
            findings.block_indicators = true;
        }
        if character == '?' || character == ':' {
            findings.flow_indicators = true;
            findings.block_indicators |= followed_by_whitespace;
        }
        if character == '-' && followed_by_whitespace {
            findings.flow_indicators = true;
            findings.block_indicators = true;
        }
    } else {
        if ",?[]{}".contains(character) {
            findings.flow_indicators = true;
        }
        if character == ':' {
            findings.flow_indicators = true;
            findings.block_indicators |= followed_by_whitespace;
        }
        if character == '#' && preceded_by_whitespace {
            findings.flow_indicators = true;
            findings.block_indicators = true;
        }
    }
}

/// Characters that only double quotes can hold: controls, and with
/// `allow_unicode` off every non-ASCII character. PyYAML's printable range
/// stops short of U+10FFFF and leaves out U+FEFF.
fn needs_escape_in_plain(character: char, allow_unicode: bool) -> bool {
    if character == '\n' || (' '..='~').contains(&character) {
        return false;
    }
    let printable_unicode = matches!(character,
        '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10fffe}')
        && character != '\u{feff}';
    !printable_unicode || !allow_unicode
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
}

impl Emitter<'_> {
    /// Writes a scalar value with its tag when the tag cannot be implied.
    pub(super) fn emit_scalar(&mut self, value: &Value, context: Context) {
        let (kind, text) = represent_scalar(value).expect("emit_scalar takes a scalar");
        let analysis = analyze(&text, self.options.allow_unicode);
        let implicit_plain = resolve_plain(&text) == kind.implicit_tag();
        let style = self.choose_style(analysis, implicit_plain, context);
        let tag_implied = match style {
            Style::Plain => implicit_plain,
            _ => kind == ScalarKind::Str,
        };
        if !tag_implied {
            self.write_indicator(kind.shorthand(), true, false, false);
        }
        self.increase_indent(true, false);
        let split = !context.simple_key;
        match style {
            Style::Plain => self.write_plain(&text, split, context.root),
            Style::SingleQuoted => self.write_single_quoted(&text, split),
            Style::DoubleQuoted => self.write_double_quoted(&text, split),
        }
        self.restore_indent();
    }

    fn choose_style(&self, analysis: Analysis, implicit_plain: bool, context: Context) -> Style {
        let key_needs_one_line = context.simple_key && (analysis.empty || analysis.multiline);
        let plain_allowed = if self.flow_level > 0 {
            analysis.allow_flow_plain
        } else {
            analysis.allow_block_plain
        };
        if implicit_plain && !key_needs_one_line && plain_allowed {
            return Style::Plain;
        }
        if analysis.allow_single_quoted && !(context.simple_key && analysis.multiline) {
            return Style::SingleQuoted;
        }
        Style::DoubleQuoted
    }

    fn write_plain(&mut self, text: &str, split: bool, root: bool) {
        if root {
            self.open_ended = true;
        }
        if text.is_empty() {
            return;
        }
        if !self.whitespace {
            self.write_text(" ");
        }
        self.whitespace = false;
        self.indention = false;
        // Plain scalars never hold breaks here (the analysis rules them
        // out), so only runs of words and spaces remain.
        let characters: Vec<char> = text.chars().collect();
        let mut start = 0;
        let mut spaces = false;
        for end in 0..=characters.len() {
            let character = characters.get(end).copied();
            if spaces {
                if character != Some(' ') {
                    if start + 1 == end && self.column > self.best_width && split {
                        self.write_indent();
                        self.whitespace = false;
                        self.indention = false;
                    } else {
                        self.write_chars(&characters[start..end]);
                    }
                    start = end;
                }
            } else if character.is_none_or(|c| c == ' ') {
                self.write_chars(&characters[start..end]);
                start = end;
            }
            spaces = character == Some(' ');
        }
    }

    fn write_single_quoted(&mut self, text: &str, split: bool) {
        self.write_indicator("'", true, false, false);
        let characters: Vec<char> = text.chars().collect();
        let length = characters.len();
        let mut start = 0;
        let mut spaces = false;
        let mut breaks = false;
        for end in 0..=length {
            let character = characters.get(end).copied();
            if spaces {
                if character != Some(' ') {
                    let fold = start + 1 == end
                        && self.column > self.best_width
                        && split
                        && start != 0
                        && end != length;
                    if fold {
                        self.write_indent();
                    } else {
                        self.write_chars(&characters[start..end]);
                    }
                    start = end;
                }
            } else if breaks {
                if !character.is_some_and(is_break) {
                    self.write_breaks(&characters[start..end]);
                    self.write_indent();
                    start = end;
                }
            } else if character.is_none_or(|c| c == ' ' || c == '\'' || is_break(c)) && start < end
            {
                self.write_chars(&characters[start..end]);
                start = end;
            }
            if character == Some('\'') {
                self.write_text("''");
                start = end + 1;
            }
            if let Some(character) = character {
                spaces = character == ' ';
                breaks = is_break(character);
            }
        }
        self.write_indicator("'", false, false, false);
    }

    /// Writes a run of line breaks in a quoted scalar. A `\n` that starts the
    /// run needs an extra break, because a single break would fold to a space.
    fn write_breaks(&mut self, breaks: &[char]) {
        if breaks.first() == Some(&'\n') {
            self.write_line_break(None);
        }
        for &character in breaks {
            let data = if character == '\n' {
                None
            } else {
                Some(character)
            };
            self.write_line_break(data);
        }
    }

    fn write_double_quoted(&mut self, text: &str, split: bool) {
        self.write_indicator("\"", true, false, false);
        let characters: Vec<char> = text.chars().collect();
        let length = characters.len();
        let mut start = 0;
        for end in 0..=length {
            let character = characters.get(end).copied();
            let escape = match character {
                None => true,
                Some(c) => self.needs_double_quoted_escape(c),
            };
            if escape {
                if start < end {
                    self.write_chars(&characters[start..end]);
                    start = end;
                }
                if let Some(character) = character {
                    self.write_text(&escape_character(character));
                    start = end + 1;
                }
            }
            let may_fold = end > 0 && end + 1 < length;
            if may_fold
                && (character == Some(' ') || start >= end)
                && self.column as isize + end as isize - start as isize > self.best_width as isize
                && split
            {
                let mut data: String = characters[start.min(end)..end].iter().collect();
                data.push('\\');
                if start < end {
                    start = end;
                }
                self.write_text(&data);
                self.write_indent();
                self.whitespace = false;
                self.indention = false;
                if characters.get(start) == Some(&' ') {
                    self.write_text("\\");
                }
            }
        }
        self.write_indicator("\"", false, false, false);
    }

    fn needs_double_quoted_escape(&self, character: char) -> bool {
        if matches!(
            character,
            '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        ) {
            return true;
        }
        let printable = (' '..='~').contains(&character)
            || (self.options.allow_unicode
                && matches!(character, '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}'));
        !printable
    }

    fn write_chars(&mut self, characters: &[char]) {
        let text: String = characters.iter().collect();
        self.write_text(&text);
    }
}

/// Writes the double-quoted escape of one character as PyYAML does.
fn escape_character(character: char) -> String {
    let short = match character {
        '\0' => Some('0'),
        '\u{7}' => Some('a'),
        '\u{8}' => Some('b'),
        '\t' => Some('t'),
        '\n' => Some('n'),
        '\u{b}' => Some('v'),
        '\u{c}' => Some('f'),
        '\r' => Some('r'),
        '\u{1b}' => Some('e'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        '\u{85}' => Some('N'),
        '\u{a0}' => Some('_'),
        '\u{2028}' => Some('L'),
        '\u{2029}' => Some('P'),
        _ => None,
    };
    let code = u32::from(character);
    match short {
        Some(letter) => format!("\\{letter}"),
        None if code <= 0xff => format!("\\x{code:02X}"),
        None if code <= 0xffff => format!("\\u{code:04X}"),
        None => format!("\\U{code:08X}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_text_allows_only_quotes() {
        let analysis = analyze("", true);
        assert!(analysis.empty);
        assert!(!analysis.allow_flow_plain);
    }

    #[test]
    fn indicators_block_plain() {
        for text in ["- a", "a: b", "x #y", "#x", "[a]", "---x", ": x", "? x"] {
            assert!(!analyze(text, true).allow_block_plain, "{text}");
        }
        for text in ["-a", "a:b", "x#y", "?x", "a, b", "it's"] {
            assert!(analyze(text, true).allow_block_plain, "{text}");
        }
    }

    #[test]
    fn flow_plain_rejects_commas() {
        assert!(!analyze("a, b", true).allow_flow_plain);
        assert!(analyze("a b", true).allow_flow_plain);
    }

    #[test]
    fn control_characters_need_double_quotes() {
        for text in ["a\tb", "a\rb", "bell\u{7}", "bom\u{feff}"] {
            assert!(!analyze(text, true).allow_single_quoted, "{text:?}");
        }
        assert!(analyze("emoji 🎉", true).allow_block_plain);
        assert!(!analyze("emoji 🎉", false).allow_single_quoted);
    }

    #[test]
    fn space_before_break_needs_double_quotes() {
        assert!(!analyze("a \nb", true).allow_single_quoted);
        assert!(!analyze("a\n b", true).allow_single_quoted);
        assert!(analyze("a\nb", true).allow_single_quoted);
    }

    #[test]
    fn escapes_match_pyyaml() {
        assert_eq!(escape_character('\0'), "\\0");
        assert_eq!(escape_character('\u{1}'), "\\x01");
        assert_eq!(escape_character('\u{a0}'), "\\_");
        assert_eq!(escape_character('\u{feff}'), "\\uFEFF");
        assert_eq!(escape_character('🎉'), "\\U0001F389");
    }
}
