//! Python's `str` methods, by CPython 3.11's rules: indexes count code
//! points, `split()` and `strip()` without arguments use Python's idea of
//! whitespace, and out-of-range arguments clamp as slices do.

use minijinja::value::{Kwargs, Rest, Tuple, from_args};
use minijinja::{Error, ErrorKind, Value};
use unicode_general_category::{GeneralCategory, get_general_category};

use crate::jinja::objects::{PyList, check_padding, invalid, type_name};
use crate::jinja::pyformat::format_braces;
use crate::jinja::repr::{is_printable, jinja_str};

/// Calls `method` on the string `text`, or returns `UnknownMethod`.
pub fn call(text: &str, method: &str, args: &[Value]) -> Result<Value, Error> {
    let value = match method {
        "upper" | "lower" | "casefold" | "swapcase" | "title" | "capitalize" => {
            let () = from_args(args)?;
            Value::from(change_case(text, method))
        }
        "strip" | "lstrip" | "rstrip" => {
            let (chars,): (Option<Value>,) = from_args(args)?;
            let chars = optional_text(chars.as_ref());
            Value::from(strip(text, method, chars.as_deref()))
        }
        "split" | "rsplit" => split_method(text, method, args)?,
        "splitlines" => {
            let (keepends, kwargs): (Option<bool>, Kwargs) = from_args(args)?;
            let keepends = keepends.or(kwargs.get("keepends")?).unwrap_or(false);
            kwargs.assert_all_used()?;
            list_of(splitlines(text, keepends))
        }
        "replace" => {
            let (old, new, count): (&str, &str, Option<i64>) = from_args(args)?;
            Value::from(match count {
                Some(count) if count >= 0 => text.replacen(old, new, count as usize),
                _ => text.replace(old, new),
            })
        }
        "startswith" | "endswith" => affix_method(text, method, args)?,
        "find" | "rfind" | "index" | "rindex" | "count" => search_method(text, method, args)?,
        "join" => {
            let (items,): (Value,) = from_args(args)?;
            Value::from(join(text, &items)?)
        }
        "format" => {
            let (positional, kwargs): (Rest<Value>, Kwargs) = from_args(args)?;
            Value::from(format_braces(text, &positional, &kwargs)?)
        }
        "format_map" => {
            let (mapping,): (Value,) = from_args(args)?;
            let kwargs = mapping_as_kwargs(&mapping)?;
            Value::from(format_braces(text, &[], &kwargs)?)
        }
        "center" | "ljust" | "rjust" => {
            let (width, fill): (i64, Option<&str>) = from_args(args)?;
            Value::from(justify(text, method, width, fill.unwrap_or(" "))?)
        }
        "zfill" => {
            let (width,): (i64,) = from_args(args)?;
            Value::from(zfill(text, width)?)
        }
        "expandtabs" => {
            let (tabsize, kwargs): (Option<i64>, Kwargs) = from_args(args)?;
            let tabsize = tabsize.or(kwargs.get("tabsize")?).unwrap_or(8);
            kwargs.assert_all_used()?;
            Value::from(expandtabs(text, tabsize)?)
        }
        "partition" | "rpartition" => {
            let (separator,): (&str,) = from_args(args)?;
            partition(text, separator, method == "rpartition")?
        }
        "removeprefix" => {
            let (prefix,): (&str,) = from_args(args)?;
            Value::from(text.strip_prefix(prefix).unwrap_or(text))
        }
        "removesuffix" => {
            let (suffix,): (&str,) = from_args(args)?;
            Value::from(text.strip_suffix(suffix).unwrap_or(text))
        }
        _ => {
            let () = from_args(args)?;
            Value::from(predicate(text, method)?)
        }
    };
    Ok(value)
}

/// Python's `str.isspace()` for one character.
pub fn is_python_space(ch: char) -> bool {
    ch.is_whitespace() || ('\x1c'..='\x1f').contains(&ch)
}

/// Reads a string argument that may be `None`.
fn optional_text(value: Option<&Value>) -> Option<String> {
    value.filter(|value| !value.is_none()).map(jinja_str)
}

fn list_of(items: Vec<String>) -> Value {
    PyList::value(items.into_iter().map(Value::from).collect())
}

/// Runs one of the case methods. `title` and `capitalize` titlecase the
/// first letter of a word: the uppercase letter, except for `ß` and the four
/// digraphs that have their own titlecase form.
pub fn change_case(text: &str, method: &str) -> String {
    match method {
        "upper" => text.to_uppercase(),
        "lower" => text.to_lowercase(),
        "casefold" => text.to_lowercase().replace('ß', "ss"),
        "swapcase" => text
            .chars()
            .map(|ch| {
                if ch.is_uppercase() {
                    ch.to_lowercase().collect::<String>()
                } else if ch.is_lowercase() {
                    ch.to_uppercase().collect()
                } else {
                    ch.to_string()
                }
            })
            .collect(),
        "title" => {
            let mut out = String::with_capacity(text.len());
            let mut previous_cased = false;
            for ch in text.chars() {
                if previous_cased {
                    out.extend(ch.to_lowercase());
                } else {
                    out.push_str(&titlecase(ch));
                }
                previous_cased = is_cased(ch);
            }
            out
        }
        _ => {
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => {
                    let mut out = titlecase(first);
                    out.extend(chars.flat_map(char::to_lowercase));
                    out
                }
                None => String::new(),
            }
        }
    }
}

/// Python's titlecase mapping of one character.
fn titlecase(ch: char) -> String {
    match ch {
        '\u{1c4}'..='\u{1c6}' => "\u{1c5}".into(),
        '\u{1c7}'..='\u{1c9}' => "\u{1c8}".into(),
        '\u{1ca}'..='\u{1cc}' => "\u{1cb}".into(),
        '\u{1f1}'..='\u{1f3}' => "\u{1f2}".into(),
        'ß' => "Ss".into(),
        _ => ch.to_uppercase().collect(),
    }
}

fn is_cased(ch: char) -> bool {
    ch.is_uppercase()
        || ch.is_lowercase()
        || get_general_category(ch) == GeneralCategory::TitlecaseLetter
}

/// `strip`, `lstrip` or `rstrip` of whitespace or of any of `chars`.
pub fn strip<'a>(text: &'a str, method: &str, chars: Option<&str>) -> &'a str {
    let matches = |ch: char| match chars {
        Some(chars) => chars.contains(ch),
        None => is_python_space(ch),
    };
    match method {
        "lstrip" => text.trim_start_matches(matches),
        "rstrip" => text.trim_end_matches(matches),
        _ => text.trim_matches(matches),
    }
}

fn split_method(text: &str, method: &str, args: &[Value]) -> Result<Value, Error> {
    let (separator, maxsplit, kwargs): (Option<Value>, Option<i64>, Kwargs) = from_args(args)?;
    let separator = match separator {
        Some(separator) => Some(separator),
        None => kwargs.get::<Option<Value>>("sep")?,
    };
    let maxsplit = maxsplit.or(kwargs.get("maxsplit")?).unwrap_or(-1);
    kwargs.assert_all_used()?;
    let separator = optional_text(separator.as_ref());
    let limit = usize::try_from(maxsplit).ok();
    let parts = match separator.as_deref() {
        Some("") => return Err(invalid("empty separator")),
        Some(separator) if method == "rsplit" => {
            let mut parts: Vec<String> = match limit {
                Some(limit) => text
                    .rsplitn(limit + 1, separator)
                    .map(String::from)
                    .collect(),
                None => text.rsplit(separator).map(String::from).collect(),
            };
            parts.reverse();
            parts
        }
        Some(separator) => match limit {
            Some(limit) => text
                .splitn(limit + 1, separator)
                .map(String::from)
                .collect(),
            None => text.split(separator).map(String::from).collect(),
        },
        None => split_whitespace(text, limit, method == "rsplit"),
    };
    Ok(list_of(parts))
}

/// `split()` without a separator: runs of whitespace separate, and the
/// ends are trimmed (only on the split side when `maxsplit` stops early).
pub fn split_whitespace(text: &str, limit: Option<usize>, from_right: bool) -> Vec<String> {
    if from_right {
        let reversed: String = text.chars().rev().collect();
        let mut parts = split_whitespace(&reversed, limit, false);
        parts.reverse();
        return parts
            .into_iter()
            .map(|part| part.chars().rev().collect())
            .collect();
    }
    let mut parts = Vec::new();
    let mut rest = text.trim_start_matches(is_python_space);
    while !rest.is_empty() {
        if limit.is_some_and(|limit| parts.len() == limit) {
            parts.push(rest.to_string());
            break;
        }
        let end = rest.find(is_python_space).unwrap_or(rest.len());
        parts.push(rest[..end].to_string());
        rest = rest[end..].trim_start_matches(is_python_space);
    }
    parts
}

/// `str.splitlines()`: every Unicode line boundary ends a line.
pub fn splitlines(text: &str, keepends: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((index, ch)) = chars.next() {
        let is_break = matches!(
            ch,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if !is_break {
            continue;
        }
        let mut end = index + ch.len_utf8();
        if ch == '\r' && chars.peek().is_some_and(|(_, next)| *next == '\n') {
            chars.next();
            end += 1;
        }
        lines.push(text[start..if keepends { end } else { index }].to_string());
        start = end;
    }
    if start < text.len() {
        lines.push(text[start..].to_string());
    }
    lines
}

fn affix_method(text: &str, method: &str, args: &[Value]) -> Result<Value, Error> {
    let (affixes, start, end): (Value, Option<i64>, Option<i64>) = from_args(args)?;
    let window = char_window(text, start, end);
    let candidates: Vec<String> = if affixes.is_tuple() {
        affixes.try_iter()?.map(|item| jinja_str(&item)).collect()
    } else if let Some(affix) = affixes.as_str() {
        vec![affix.to_string()]
    } else {
        return Err(invalid(format!(
            "{method} first arg must be str or a tuple of str, not {}",
            type_name(&affixes)
        )));
    };
    let found = candidates.iter().any(|affix| match method {
        "startswith" => window.starts_with(affix.as_str()),
        _ => window.ends_with(affix.as_str()),
    });
    Ok(Value::from(found))
}

fn search_method(text: &str, method: &str, args: &[Value]) -> Result<Value, Error> {
    let (needle, start, end): (&str, Option<i64>, Option<i64>) = from_args(args)?;
    let (first, _) = char_bounds(text, start, end);
    let window = char_window(text, start, end);
    if method == "count" {
        let count = if needle.is_empty() {
            window.chars().count() + 1
        } else {
            window.matches(needle).count()
        };
        return Ok(Value::from(count));
    }
    let found = if method.starts_with('r') {
        window.rfind(needle)
    } else {
        window.find(needle)
    };
    match found {
        Some(byte_index) => Ok(Value::from(first + window[..byte_index].chars().count())),
        None if method.ends_with("find") => Ok(Value::from(-1)),
        None => Err(invalid("substring not found")),
    }
}

/// Returns the char range `start..end` by Python's slice rules.
fn char_bounds(text: &str, start: Option<i64>, end: Option<i64>) -> (usize, usize) {
    let len = text.chars().count() as i64;
    let clamp = |index: i64| -> usize {
        let index = if index < 0 { index + len } else { index };
        index.clamp(0, len) as usize
    };
    let first = start.map_or(0, clamp);
    let last = end.map_or(len as usize, clamp);
    (first, last.max(first))
}

fn char_window(text: &str, start: Option<i64>, end: Option<i64>) -> &str {
    if start.is_none() && end.is_none() {
        return text;
    }
    let (first, last) = char_bounds(text, start, end);
    let byte = |chars: usize| {
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(index, _)| index)
    };
    &text[byte(first)..byte(last)]
}

/// `separator.join(items)`: every item must be a string.
pub fn join(separator: &str, items: &Value) -> Result<String, Error> {
    let mut out = String::new();
    for (index, item) in items.try_iter()?.enumerate() {
        let Some(text) = item.as_str() else {
            return Err(invalid(format!(
                "sequence item {index}: expected str instance, {} found",
                type_name(&item)
            )));
        };
        if index > 0 {
            out.push_str(separator);
        }
        out.push_str(text);
    }
    Ok(out)
}

fn mapping_as_kwargs(mapping: &Value) -> Result<Kwargs, Error> {
    let entries = crate::jinja::objects::mapping_entries(mapping)?;
    Ok(entries
        .into_iter()
        .map(|(key, value)| (jinja_str(&key), value))
        .collect())
}

/// `center`, `ljust` and `rjust`, with CPython's rule for where the odd
/// padding character of `center` goes.
pub fn justify(text: &str, method: &str, width: i64, fill: &str) -> Result<String, Error> {
    let mut fill_chars = fill.chars();
    let (Some(fill), None) = (fill_chars.next(), fill_chars.next()) else {
        return Err(invalid(
            "The fill character must be exactly one character long",
        ));
    };
    let len = text.chars().count() as i64;
    if width <= len {
        return Ok(text.to_string());
    }
    check_padding("width", i128::from(width))?;
    let margin = width - len;
    let left = match method {
        "ljust" => 0,
        "rjust" => margin,
        _ => margin / 2 + (margin & width & 1),
    };
    let repeat = |count: i64| fill.to_string().repeat(count as usize);
    Ok(format!("{}{text}{}", repeat(left), repeat(margin - left)))
}

fn zfill(text: &str, width: i64) -> Result<String, Error> {
    let len = text.chars().count() as i64;
    if width <= len {
        return Ok(text.to_string());
    }
    check_padding("width", i128::from(width))?;
    let zeros = "0".repeat((width - len) as usize);
    Ok(match text.strip_prefix(['+', '-']) {
        Some(rest) => format!("{}{zeros}{rest}", &text[..1]),
        None => format!("{zeros}{text}"),
    })
}

fn expandtabs(text: &str, tabsize: i64) -> Result<String, Error> {
    let mut out = String::with_capacity(text.len());
    let mut column = 0i64;
    for ch in text.chars() {
        match ch {
            '\t' => {
                if tabsize > 0 {
                    let spaces = tabsize - column % tabsize;
                    check_padding(
                        "expanded tab width",
                        (out.len() as i128) + i128::from(spaces),
                    )?;
                    out.push_str(&" ".repeat(spaces as usize));
                    column += spaces;
                }
            }
            '\n' | '\r' => {
                out.push(ch);
                column = 0;
            }
            _ => {
                out.push(ch);
                column += 1;
            }
        }
    }
    Ok(out)
}

fn partition(text: &str, separator: &str, from_right: bool) -> Result<Value, Error> {
    if separator.is_empty() {
        return Err(invalid("empty separator"));
    }
    let found = if from_right {
        text.rfind(separator)
    } else {
        text.find(separator)
    };
    let parts = match found {
        Some(index) => [&text[..index], separator, &text[index + separator.len()..]],
        None if from_right => ["", "", text],
        None => [text, "", ""],
    };
    Ok(Value::from(Tuple::from(
        parts
            .iter()
            .map(|part| Value::from(*part))
            .collect::<Vec<_>>(),
    )))
}

/// Runs one of the `is...` methods.
fn predicate(text: &str, method: &str) -> Result<bool, Error> {
    let all = |test: fn(char) -> bool| !text.is_empty() && text.chars().all(test);
    Ok(match method {
        "isalpha" => all(is_alpha),
        "isdecimal" => all(is_decimal),
        "isdigit" => all(is_digit),
        "isnumeric" => all(is_numeric),
        "isalnum" => all(|ch| is_alpha(ch) || is_numeric(ch)),
        "isspace" => all(is_python_space),
        "isascii" => text.is_ascii(),
        "isprintable" => text.chars().all(is_printable),
        "isidentifier" => is_identifier(text),
        "islower" => has_cased(text) && !text.chars().any(|ch| ch.is_uppercase() || is_title(ch)),
        "isupper" => has_cased(text) && !text.chars().any(|ch| ch.is_lowercase() || is_title(ch)),
        "istitle" => is_titled(text),
        _ => return Err(Error::from(ErrorKind::UnknownMethod)),
    })
}

fn is_alpha(ch: char) -> bool {
    matches!(
        get_general_category(ch),
        GeneralCategory::UppercaseLetter
            | GeneralCategory::LowercaseLetter
            | GeneralCategory::TitlecaseLetter
            | GeneralCategory::ModifierLetter
            | GeneralCategory::OtherLetter
    )
}

fn is_decimal(ch: char) -> bool {
    get_general_category(ch) == GeneralCategory::DecimalNumber
}

/// Decimal digits plus the superscript, subscript and circled digits that
/// Python's `isdigit()` also accepts.
fn is_digit(ch: char) -> bool {
    is_decimal(ch)
        || matches!(ch,
            '\u{b2}' | '\u{b3}' | '\u{b9}' | '\u{2070}' | '\u{2074}'..='\u{2079}'
            | '\u{2080}'..='\u{2089}' | '\u{2460}'..='\u{2468}' | '\u{2474}'..='\u{247c}'
            | '\u{2488}'..='\u{2490}' | '\u{24ea}' | '\u{24f5}'..='\u{24fd}' | '\u{24ff}'
            | '\u{2776}'..='\u{277e}' | '\u{2780}'..='\u{2788}' | '\u{278a}'..='\u{2792}')
}

fn is_numeric(ch: char) -> bool {
    matches!(
        get_general_category(ch),
        GeneralCategory::DecimalNumber
            | GeneralCategory::LetterNumber
            | GeneralCategory::OtherNumber
    ) || ch.is_numeric()
}

fn is_title(ch: char) -> bool {
    get_general_category(ch) == GeneralCategory::TitlecaseLetter
}

fn has_cased(text: &str) -> bool {
    text.chars().any(is_cased)
}

fn is_titled(text: &str) -> bool {
    let mut previous_cased = false;
    let mut any_cased = false;
    for ch in text.chars() {
        if ch.is_uppercase() || is_title(ch) {
            if previous_cased {
                return false;
            }
            previous_cased = true;
            any_cased = true;
        } else if ch.is_lowercase() {
            if !previous_cased {
                return false;
            }
            previous_cased = true;
            any_cased = true;
        } else {
            previous_cased = false;
        }
    }
    any_cased
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if first == '_' || unicode_ident::is_xid_start(first) => {
            chars.all(|ch| ch == '_' || unicode_ident::is_xid_continue(ch))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_split_matches_python() {
        assert_eq!(
            split_whitespace("  a b\t c  ", None, false),
            ["a", "b", "c"]
        );
        assert_eq!(
            split_whitespace("  a b c  ", Some(1), false),
            ["a", "b c  "]
        );
        assert_eq!(split_whitespace("  a b c  ", Some(1), true), ["  a b", "c"]);
        assert!(split_whitespace("   ", None, false).is_empty());
    }

    #[test]
    fn splitlines_matches_python() {
        assert_eq!(
            splitlines("a\r\nb\rc\n\nd", false),
            ["a", "b", "c", "", "d"]
        );
        assert_eq!(splitlines("a\nb\n", true), ["a\n", "b\n"]);
        assert!(splitlines("", false).is_empty());
    }

    #[test]
    fn justify_matches_python() {
        assert_eq!(justify("abc", "center", 9, " ").unwrap(), "   abc   ");
        assert_eq!(justify("ab", "center", 7, "*").unwrap(), "***ab**");
        assert_eq!(justify("abc", "center", 6, " ").unwrap(), " abc  ");
        assert_eq!(justify("a", "rjust", 3, "0").unwrap(), "00a");
        assert_eq!(zfill("-42", 5).unwrap(), "-0042");
        assert_eq!(expandtabs("a\tbc\td", 4).unwrap(), "a   bc  d");
        assert!(justify("a", "ljust", 1 << 40, " ").is_err());
        assert!(zfill("1", 1 << 40).is_err());
        assert!(expandtabs("\t\t", 1 << 40).is_err());
    }

    #[test]
    fn case_methods_match_python() {
        assert_eq!(change_case("hello wORLD's-x", "title"), "Hello World'S-X");
        assert_eq!(change_case("aBß", "swapcase"), "AbSS");
        assert_eq!(change_case("hELLO", "capitalize"), "Hello");
        assert_eq!(change_case("Straße", "casefold"), "strasse");
    }

    #[test]
    fn predicates_match_python() {
        assert!(predicate("123", "isdigit").unwrap());
        assert!(predicate("²", "isdigit").unwrap());
        assert!(!predicate("²", "isdecimal").unwrap());
        assert!(!predicate("", "isdigit").unwrap());
        assert!(predicate("Hello World", "istitle").unwrap());
        assert!(!predicate("Hello world", "istitle").unwrap());
        assert!(predicate("ABC1", "isupper").unwrap());
        assert!(predicate("_x1", "isidentifier").unwrap());
        assert!(!predicate("1x", "isidentifier").unwrap());
    }
}
