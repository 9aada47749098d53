//! PyYAML's rule for tab characters, which is stricter than libyaml's.
//!
//! PyYAML's scanner skips only spaces between tokens. So a tab is an error
//! ("found character '\t' that cannot start any token") anywhere outside a
//! quoted scalar, the content lines of a block scalar or a comment, even at
//! the end of a line or on a blank line. libyaml accepts tabs in several of
//! those places (`a:\tb`, `a: b\t`), so the composer records where quoted
//! and block scalars lie and this check rejects every other tab.

use std::ops::Range;

use libyaml_safer::ScalarStyle;

use super::{Mark, YamlError};

/// Byte ranges of the text where a tab is part of a scalar's content.
#[derive(Default)]
pub(super) struct TabGuard {
    /// Sorted and disjoint, because scalars arrive in text order.
    allowed: Vec<Range<usize>>,
    /// First range that may still contain an unchecked position.
    next_range: usize,
    checked_until: usize,
}

impl TabGuard {
    /// Records a scalar that spans `start..end` (the event's marks, which
    /// include its anchor and tag).
    pub(super) fn note_scalar(&mut self, text: &str, style: ScalarStyle, span: Range<usize>) {
        let Some(source) = text.get(span.clone()) else {
            return;
        };
        let content_start = match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => source.find(['\'', '"']),
            // The header line (`|`, `>-`, `|2`) is not content.
            ScalarStyle::Literal | ScalarStyle::Folded => {
                source.find(['|', '>']).and_then(|indicator| {
                    source[indicator..]
                        .find(['\n', '\r'])
                        .map(|b| b + indicator)
                })
            }
            _ => None,
        };
        if let Some(offset) = content_start {
            self.allowed.push(span.start + offset..span.end);
        }
    }

    /// Checks the text up to `end` that has not been checked yet.
    pub(super) fn check_until(&mut self, text: &str, end: usize) -> Result<(), YamlError> {
        let end = end.min(text.len());
        let start = self.checked_until;
        if start >= end {
            return Ok(());
        }
        self.checked_until = end;
        let mut in_comment = false;
        let mut previous = text[..start].chars().next_back();
        for (offset, character) in text[start..end].char_indices() {
            let position = start + offset;
            while self
                .allowed
                .get(self.next_range)
                .is_some_and(|range| range.end <= position)
            {
                self.next_range += 1;
            }
            let allowed = self.allowed.get(self.next_range);
            if allowed.is_some_and(|range| range.contains(&position)) {
                previous = Some(character);
                continue;
            }
            match character {
                '\n' | '\r' => in_comment = false,
                '#' if previous.is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) => {
                    in_comment = true;
                }
                '\t' if !in_comment => return Err(tab_error(text, position)),
                _ => {}
            }
            previous = Some(character);
        }
        Ok(())
    }
}

fn tab_error(text: &str, position: usize) -> YamlError {
    let before = &text[..position];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let column = before[line_start..].chars().count() + 1;
    YamlError {
        message: "found a tab character that cannot start any token (PyYAML allows tabs only \
                  inside quoted scalars, block scalar content and comments)"
            .to_string(),
        mark: Some(Mark { line, column }),
    }
}
