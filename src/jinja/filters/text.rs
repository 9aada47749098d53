//! Jinja2's string filters.

use minijinja::value::{Kwargs, Tuple, ValueKind};
use minijinja::{Error, State, Value};

use super::json::{JsonOptions, dumps};
use super::{FilterFn, bind, html_escape};
use crate::jinja::methods::{change_case, justify, split_whitespace, strip};
use crate::jinja::objects::{check_padding, invalid, mapping_entries};
use crate::jinja::pyformat::format_percent;
use crate::jinja::repr::jinja_str;

pub const FILTERS: &[(&str, FilterFn)] = &[
    ("capitalize", capitalize),
    ("center", center),
    ("escape", escape),
    ("e", escape),
    ("forceescape", forceescape),
    ("format", format),
    ("indent", indent),
    ("lower", lower),
    ("upper", upper),
    ("title", title),
    ("replace", replace),
    ("string", string),
    ("striptags", striptags),
    ("trim", trim),
    ("truncate", truncate),
    ("wordcount", wordcount),
    ("wordwrap", wordwrap),
    ("urlencode", urlencode),
    ("xmlattr", xmlattr),
    ("tojson", tojson),
    ("pprint", pprint),
];

fn capitalize(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("capitalize", &[], args, kwargs)?;
    Ok(Value::from(change_case(&jinja_str(&value), "capitalize")))
}

fn center(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("center", &["width"], args, kwargs)?;
    let width = bound.int(0, 80)?;
    Ok(Value::from(justify(
        &jinja_str(&value),
        "center",
        width,
        " ",
    )?))
}

/// `escape`, `e` and `forceescape`: markupsafe's escaping, marked safe. A
/// value already marked safe passes through `escape` unchanged.
fn escape(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("escape", &[], args, kwargs)?;
    if value.is_safe() {
        return Ok(value);
    }
    Ok(Value::from_safe_string(html_escape(&jinja_str(&value))))
}

/// `forceescape`: escapes even a value marked safe.
fn forceescape(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    bind("forceescape", &[], args, kwargs)?;
    Ok(Value::from_safe_string(html_escape(&jinja_str(&value))))
}

/// `format(*args, **kwargs)`: `value % args`, or `value % kwargs`.
fn format(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let names: Vec<&str> = kwargs.args().collect();
    if !args.is_empty() && !names.is_empty() {
        return Err(invalid(
            "can't handle positional and keyword arguments at the same time",
        ));
    }
    let arguments = if names.is_empty() {
        Value::from(Tuple::from(args.to_vec()))
    } else {
        let mut entries = indexmap::IndexMap::new();
        for name in names {
            entries.insert(Value::from(name), kwargs.get::<Value>(name)?);
        }
        crate::jinja::objects::PyDict::value(entries)
    };
    Ok(Value::from(format_percent(&jinja_str(&value), &arguments)?))
}

/// `indent(width=4, first=False, blank=False)`; `width` may be a string.
fn indent(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("indent", &["width", "first", "blank"], args, kwargs)?;
    let indentation = match bound.given(0) {
        Some(width) if width.kind() == ValueKind::String => jinja_str(width),
        _ => {
            let width = bound.int(0, 4)?;
            check_padding("indent width", i128::from(width))?;
            " ".repeat(usize::try_from(width).unwrap_or(0))
        }
    };
    let first = bound.flag(1, false);
    let blank = bound.flag(2, false);

    // Jinja2 appends a newline before splitting, so a trailing newline
    // does not produce an indented empty last line.
    let text = format!("{}\n", jinja_str(&value));
    let lines = crate::jinja::methods::splitlines(&text, false);
    let mut out = if blank {
        lines.join(&format!("\n{indentation}"))
    } else {
        let mut rest = lines.into_iter();
        let mut out = rest.next().unwrap_or_default();
        for line in rest {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&indentation);
            }
            out.push_str(&line);
        }
        out
    };
    if first {
        out.insert_str(0, &indentation);
    }
    Ok(Value::from(out))
}

fn lower(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("lower", &[], args, kwargs)?;
    Ok(Value::from(jinja_str(&value).to_lowercase()))
}

fn upper(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("upper", &[], args, kwargs)?;
    Ok(Value::from(jinja_str(&value).to_uppercase()))
}

/// Jinja2's `title`: words start after whitespace, `-`, `(`, `{`, `[` or
/// `<`; each word's first character is uppercased and the rest lowercased.
fn title(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("title", &[], args, kwargs)?;
    let text = jinja_str(&value);
    let is_boundary = |ch: char| {
        crate::jinja::methods::is_python_space(ch) || matches!(ch, '-' | '(' | '{' | '[' | '<')
    };
    let mut out = String::with_capacity(text.len());
    let mut at_word_start = true;
    for ch in text.chars() {
        if is_boundary(ch) {
            out.push(ch);
            at_word_start = true;
        } else if at_word_start {
            out.extend(ch.to_uppercase());
            at_word_start = false;
        } else {
            out.extend(ch.to_lowercase());
        }
    }
    Ok(Value::from(out))
}

fn replace(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("replace", &["old", "new", "count"], args, kwargs)?;
    let old = bound.text(0, "");
    let new = bound.text(1, "");
    let text = jinja_str(&value);
    let count = bound.int(2, -1)?;
    Ok(Value::from(if count >= 0 {
        text.replacen(&old, &new, count as usize)
    } else {
        text.replace(&old, &new)
    }))
}

fn string(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("string", &[], args, kwargs)?;
    if value.kind() == ValueKind::String {
        return Ok(value);
    }
    Ok(Value::from(jinja_str(&value)))
}

/// markupsafe's `striptags`: comments and tags removed, whitespace runs
/// collapsed to one space, entities unescaped.
fn striptags(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("striptags", &[], args, kwargs)?;
    let text = jinja_str(&value);
    let mut stripped = String::with_capacity(text.len());
    let mut rest = text.as_str();
    loop {
        let comment = rest.find("<!--");
        let tag = rest.find('<');
        match (comment, tag) {
            (Some(start), _) if Some(start) == tag => match rest[start..].find("-->") {
                Some(end) => {
                    stripped.push_str(&rest[..start]);
                    rest = &rest[start + end + 3..];
                }
                None => break,
            },
            (_, Some(start)) => match rest[start..].find('>') {
                Some(end) => {
                    stripped.push_str(&rest[..start]);
                    rest = &rest[start + end + 1..];
                }
                None => break,
            },
            _ => break,
        }
    }
    stripped.push_str(rest);
    let collapsed = split_whitespace(&stripped, None, false).join(" ");
    Ok(Value::from(unescape_entities(&collapsed)))
}

/// Decodes numeric character references and the common named entities.
fn unescape_entities(text: &str) -> String {
    const NAMED: &[(&str, char)] = &[
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("nbsp", '\u{a0}'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest[1..].find(';').map(|index| index + 1);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let code =
                if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                } else if let Some(decimal) = name.strip_prefix('#') {
                    decimal.parse().ok().and_then(char::from_u32)
                } else {
                    NAMED
                        .iter()
                        .find(|(entity, _)| *entity == name)
                        .map(|(_, ch)| *ch)
                };
            code.map(|ch| (ch, end))
        });
        match decoded {
            Some((ch, end)) => {
                out.push(ch);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn trim(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("trim", &["chars"], args, kwargs)?;
    let chars = bound.given(0).map(jinja_str);
    let text = jinja_str(&value);
    Ok(Value::from(strip(&text, "strip", chars.as_deref())))
}

/// `truncate(length=255, killwords=False, end='...', leeway=5)`.
fn truncate(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind(
        "truncate",
        &["length", "killwords", "end", "leeway"],
        args,
        kwargs,
    )?;
    let length = bound.int(0, 255)?;
    let killwords = bound.flag(1, false);
    let end = bound.text(2, "...");
    let leeway = bound.int(3, 5)?;
    let end_len = end.chars().count() as i64;
    if length < end_len {
        return Err(invalid(format!(
            "expected length >= {end_len}, got {length}"
        )));
    }
    if leeway < 0 {
        return Err(invalid(format!("expected leeway >= 0, got {leeway}")));
    }

    let text = jinja_str(&value);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() as i64 <= length + leeway {
        return Ok(Value::from(text));
    }
    let kept: String = chars[..(length - end_len) as usize].iter().collect();
    if killwords {
        return Ok(Value::from(format!("{kept}{end}")));
    }
    let kept = kept
        .rsplit_once(' ')
        .map_or(kept.as_str(), |(head, _)| head);
    Ok(Value::from(format!("{kept}{end}")))
}

/// Counts the `\w+` runs, with Python's Unicode `\w`.
fn wordcount(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("wordcount", &[], args, kwargs)?;
    let text = jinja_str(&value);
    let mut count = 0;
    let mut in_word = false;
    for ch in text.chars() {
        let word = ch.is_alphanumeric() || ch == '_';
        if word && !in_word {
            count += 1;
        }
        in_word = word;
    }
    Ok(Value::from(count))
}

/// `wordwrap(width=79, break_long_words=True, wrapstring='\n',
/// break_on_hyphens=True)`: each line wrapped by Python's `textwrap`.
fn wordwrap(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind(
        "wordwrap",
        &[
            "width",
            "break_long_words",
            "wrapstring",
            "break_on_hyphens",
        ],
        args,
        kwargs,
    )?;
    let width = bound.int(0, 79)?;
    if width <= 0 {
        return Err(invalid(format!("invalid width {width} (must be > 0)")));
    }
    let options = super::textwrap::WrapOptions {
        width: width as usize,
        break_long_words: bound.flag(1, true),
        break_on_hyphens: bound.flag(3, true),
    };
    let wrapstring = bound.text(2, "\n");
    let text = jinja_str(&value);
    let paragraphs: Vec<String> = crate::jinja::methods::splitlines(&text, false)
        .iter()
        .map(|line| super::textwrap::wrap(line, &options).join(&wrapstring))
        .collect();
    Ok(Value::from(paragraphs.join(&wrapstring)))
}

/// `urlencode`: `urllib.parse.quote` for a string (`/` kept), a query
/// string for a mapping or a sequence of pairs.
fn urlencode(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("urlencode", &[], args, kwargs)?;
    let iterable = matches!(
        value.kind(),
        ValueKind::Map | ValueKind::Seq | ValueKind::Iterable
    );
    if !iterable {
        return Ok(Value::from(url_quote(&jinja_str(&value), false)));
    }
    let pairs = mapping_entries(&value)?;
    let query: Vec<String> = pairs
        .iter()
        .map(|(key, item)| {
            format!(
                "{}={}",
                url_quote(&jinja_str(key), true),
                url_quote(&jinja_str(item), true)
            )
        })
        .collect();
    Ok(Value::from(query.join("&")))
}

/// Jinja2's `url_quote`: percent-encodes UTF-8 bytes except letters,
/// digits and `_.-~` (and `/` outside query strings); query strings use
/// `+` for spaces.
fn url_quote(text: &str, for_query: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(char::from(byte))
            }
            b'/' if !for_query => out.push('/'),
            b' ' if for_query => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `xmlattr(autospace=True)`: ` key="value"` for each entry whose value is
/// neither `None` nor undefined.
fn xmlattr(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind("xmlattr", &["autospace"], args, kwargs)?;
    let mut items = Vec::new();
    for (key, item) in mapping_entries(&value)? {
        if item.is_none() || item.is_undefined() {
            continue;
        }
        let key = jinja_str(&key);
        if key
            .chars()
            .any(|ch| ch.is_ascii_whitespace() || matches!(ch, '/' | '>' | '='))
        {
            return Err(invalid(format!(
                "Invalid character in attribute name: {}",
                crate::jinja::repr::string_repr(&key)
            )));
        }
        items.push(format!(
            "{}=\"{}\"",
            html_escape(&key),
            html_escape(&jinja_str(&item))
        ));
    }
    let mut out = items.join(" ");
    if bound.flag(0, true) && !out.is_empty() {
        out.insert(0, ' ');
    }
    // The values are escaped already, so with autoescaping the result is safe.
    if matches!(state.auto_escape(), minijinja::AutoEscape::None) {
        Ok(Value::from(out))
    } else {
        Ok(Value::from_safe_string(out))
    }
}

/// Jinja2's `tojson(indent=None)`: `json.dumps` with sorted keys, then
/// `<`, `>`, `&` and `'` as `\u` escapes, marked safe.
fn tojson(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    let bound = bind("tojson", &["indent"], args, kwargs)?;
    let options = JsonOptions {
        sort_keys: true,
        indent: bound.given(0).map(super::args::to_int).transpose()?,
        ..JsonOptions::default()
    };
    let text = dumps(&value, &options)?
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\'', "\\u0027");
    Ok(Value::from_safe_string(text))
}

fn pprint(_: &mut State, value: Value, args: &[Value], kwargs: &Kwargs) -> Result<Value, Error> {
    bind("pprint", &[], args, kwargs)?;
    Ok(Value::from(super::pprint::pformat(&value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_quote_matches_python() {
        assert_eq!(url_quote("a b/ñ?", false), "a%20b/%C3%B1%3F");
        assert_eq!(url_quote("a b/", true), "a+b%2F");
    }

    #[test]
    fn entities_are_unescaped() {
        assert_eq!(
            unescape_entities("a &amp; b &#65;&#x42; &bogus; &"),
            "a & b AB &bogus; &"
        );
    }
}
