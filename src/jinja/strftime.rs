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
        // glibc flags (`%-d`, `%_d`, `%0d`) and the E/O modifiers.
        let flag = chars.next_if(|next| matches!(next, '-' | '_' | '0' | '^' | '#'));
        let modifier = chars.next_if(|next| matches!(next, 'E' | 'O'));
        let Some(directive) = chars.next() else {
            out.push('%');
            out.extend(flag);
            out.extend(modifier);
            break;
        };
        match directive {
            'f' if flag.is_none() && modifier.is_none() => {
                out.push_str(&format!(
                    "{:06}",
                    timestamp.and_utc().timestamp_subsec_micros()
                ));
            }
            'z' if flag.is_none() && modifier.is_none() => {
                if let Some(offset) = utc_offset {
                    out.push_str(&offset_text(offset, ""));
                }
            }
            'Z' if flag.is_none() && modifier.is_none() => match utc_offset {
                Some(0) => out.push_str("UTC"),
                Some(offset) => {
                    out.push_str("UTC");
                    out.push_str(&offset_text(offset, ":"));
                }
                None => {}
            },
            _ if CHRONO_DIRECTIVES.contains(directive) => {
                let mut spec = String::from("%");
                spec.extend(flag.filter(|flag| matches!(flag, '-' | '_' | '0')));
                spec.push(directive);
                out.push_str(&timestamp.format(&spec).to_string());
            }
            _ => {
                out.push('%');
                out.extend(flag);
                out.extend(modifier);
                out.push(directive);
            }
        }
    }
    out
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
}
