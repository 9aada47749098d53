//! Python's `strftime` on Linux: the glibc directives, plus Python's own
//! `%f` (microseconds) and its `%z`/`%Z` for naive and aware datetimes.

use chrono::NaiveDateTime;

/// Directives that chrono formats as glibc does, for the C locale.
const CHRONO_DIRECTIVES: &str = "aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyY%";

/// Formats `timestamp` by `format`. `utc_offset` is the offset in seconds
/// of an aware datetime, `None` for a naive one. Unknown directives are kept
/// as written, as glibc does.
pub fn strftime(format: &str, timestamp: &NaiveDateTime, utc_offset: Option<i32>) -> String {
    let mut out = String::with_capacity(format.len() + 16);
    let mut chars = format.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        // glibc flags (`%-d`, `%_d`, `%0d`, `%^a`, `%#a`) and the E/O
        // modifiers.
        let flag = chars.next_if(|next| matches!(next, '-' | '_' | '0' | '^' | '#'));
        let modifier = chars.next_if(|next| matches!(next, 'E' | 'O'));
        let Some(directive) = chars.next() else {
            out.push('%');
            out.extend(flag);
            out.extend(modifier);
            break;
        };
        let conversion = Conversion {
            flag,
            modifier,
            directive,
        };
        out.push_str(&conversion.format(timestamp, utc_offset));
    }
    out
}

/// One `%` conversion of a format string.
struct Conversion {
    flag: Option<char>,
    modifier: Option<char>,
    directive: char,
}

impl Conversion {
    /// Formats the conversion, then applies the case flags: `^` upper-cases
    /// the result (except `%P`), `#` upper-cases names and lower-cases
    /// `AM`/`PM`.
    fn format(&self, timestamp: &NaiveDateTime, utc_offset: Option<i32>) -> String {
        let Some(text) = self.value(timestamp, utc_offset) else {
            let written = self.as_written();
            return match self.flag {
                Some('^') => written.to_uppercase(),
                _ => written,
            };
        };
        match (self.flag, self.directive) {
            // glibc keeps `%P` in lower case even with `^`.
            (Some('^'), 'P') => text,
            (Some('^'), _) | (Some('#'), 'a' | 'A' | 'b' | 'B' | 'h') => text.to_uppercase(),
            (Some('#'), 'p') => text.to_lowercase(),
            _ => text,
        }
    }

    /// The text of a conversion glibc knows, `None` for one it prints as
    /// written.
    fn value(&self, timestamp: &NaiveDateTime, utc_offset: Option<i32>) -> Option<String> {
        let plain = self.flag.is_none() && self.modifier.is_none();
        match self.directive {
            'f' if plain => Some(format!(
                "{:06}",
                timestamp.and_utc().timestamp_subsec_micros()
            )),
            'z' if plain => {
                Some(utc_offset.map_or(String::new(), |offset| offset_text(offset, "")))
            }
            'Z' if plain => Some(match utc_offset {
                Some(0) => "UTC".to_string(),
                Some(offset) => format!("UTC{}", offset_text(offset, ":")),
                None => String::new(),
            }),
            '%' => Some("%".to_string()),
            directive
                if self
                    .modifier
                    .is_some_and(|modifier| !takes_modifier(modifier, directive)) =>
            {
                None
            }
            directive if CHRONO_DIRECTIVES.contains(directive) => {
                let padding = self.flag.filter(|flag| matches!(flag, '-' | '_' | '0'));
                Some(chrono_format(timestamp, padding, directive))
            }
            _ => None,
        }
    }

    fn as_written(&self) -> String {
        let mut text = String::from("%");
        text.extend(self.flag);
        text.extend(self.modifier);
        text.push(self.directive);
        text
    }
}

/// Whether glibc accepts the `E` or `O` modifier before `directive`. With
/// any other directive it prints the whole conversion as written. The sets
/// were read from Python 3.11 on glibc.
fn takes_modifier(modifier: char, directive: char) -> bool {
    match modifier {
        'E' => "cCnpPrRstTuxXyY".contains(directive),
        _ => "bBCdegGhHIjklmMnpPrRsStTuUVwWy".contains(directive),
    }
}

/// Formats one directive with chrono, with a padding flag when given.
/// chrono rejects a padding flag on a directive that is not a number (`%-A`)
/// and glibc ignores it there, so the directive is formatted again without
/// the flag; a directive chrono still rejects is kept as written.
fn chrono_format(timestamp: &NaiveDateTime, padding: Option<char>, directive: char) -> String {
    use std::fmt::Write as _;
    let mut spec = String::from("%");
    spec.extend(padding);
    spec.push(directive);
    let mut text = String::new();
    if write!(text, "{}", timestamp.format(&spec)).is_ok() {
        return text;
    }
    text.clear();
    let plain = format!("%{directive}");
    if write!(text, "{}", timestamp.format(&plain)).is_ok() {
        return text;
    }
    spec
}

/// `+0100` (or `+01:00` with `separator` `:`), with seconds when present.
pub fn offset_text(offset: i32, separator: &str) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.unsigned_abs();
    let mut text = format!(
        "{sign}{:02}{separator}{:02}",
        offset / 3600,
        offset / 60 % 60
    );
    if !offset.is_multiple_of(60) {
        text.push_str(&format!("{separator}{:02}", offset % 60));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn sample() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 1, 5)
            .unwrap()
            .and_hms_micro_opt(7, 3, 9, 1234)
            .unwrap()
    }

    #[test]
    fn glibc_directives_match_python() {
        let cases = [
            ("%c", "Fri Jan  5 07:03:09 2024"),
            ("%x %X", "01/05/24 07:03:09"),
            ("%e|%k|%l|%P", " 5| 7| 7|am"),
            ("%G-%V-%u", "2024-01-5"),
            ("%F %T %R %r", "2024-01-05 07:03:09 07:03 07:03:09 AM"),
            ("%-d %Q %Ey", "5 %Q 24"),
            ("%f", "001234"),
            ("%Y-%m-%d %H:%M:%S", "2024-01-05 07:03:09"),
        ];
        for (format, expected) in cases {
            assert_eq!(strftime(format, &sample(), None), expected, "{format}");
        }
    }

    #[test]
    fn offsets_print_like_python() {
        assert_eq!(strftime("%z|%Z", &sample(), None), "|");
        assert_eq!(strftime("%z %Z", &sample(), Some(3600)), "+0100 UTC+01:00");
        assert_eq!(strftime("%z %Z", &sample(), Some(0)), "+0000 UTC");
    }

    #[test]
    fn flags_and_modifiers_match_python() {
        // Recorded from Python 3.11's `datetime.strftime` on glibc.
        let cases = [
            ("%-%", "%"),
            ("%_%", "%"),
            ("%-A", "Friday"),
            ("%0c", "Fri Jan  5 07:03:09 2024"),
            ("%_n", "\n"),
            ("%-EA", "%-EA"),
            ("%E%", "%"),
            ("%^a", "FRI"),
            ("%^c", "FRI JAN  5 07:03:09 2024"),
            ("%#p", "am"),
            ("%^P", "am"),
            ("%#B", "JANUARY"),
            ("%-Ey", "24"),
            ("%Od", "05"),
            ("%OY", "%OY"),
            ("%Ec", "Fri Jan  5 07:03:09 2024"),
            ("%-Oe", "5"),
            ("%^Ea", "%^EA"),
        ];
        for (format, expected) in cases {
            assert_eq!(strftime(format, &sample(), None), expected, "{format}");
        }
    }

    #[test]
    fn every_conversion_formats_without_panic() {
        for flag in ["", "-", "_", "0", "^", "#"] {
            for modifier in ["", "E", "O"] {
                for directive in ('!'..='~').chain(['\u{e9}']) {
                    let format = format!("%{flag}{modifier}{directive}");
                    let _ = strftime(&format, &sample(), Some(-5400));
                }
            }
        }
    }
}
