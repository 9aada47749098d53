//! The Ansible regex filters with Python's `re` semantics.
//!
//! Patterns are Python syntax, compiled with `fancy-regex` (for
//! look-around and backreferences) after a translation of the few places
//! where the syntaxes differ: `\Z`, `(?P=name)`, a `{` that is no
//! quantifier, and `$`, which in Python also matches before a final
//! newline. Matches are enumerated as Python 3.7+ does: an empty match
//! right after a non-empty one counts, an empty match right after an empty
//! one does not.

use fancy_regex::{Captures, Regex, RegexBuilder};
use minijinja::value::{Kwargs, Tuple};
use minijinja::{Error, State, Value};

use super::{FilterFn, bind};
use crate::jinja::objects::{PyList, invalid};
use crate::jinja::repr::jinja_str;

pub const FILTERS: &[(&str, FilterFn)] = &[
    ("regex_replace", regex_replace),
    ("regex_search", regex_search),
    ("regex_findall", regex_findall),
    ("regex_escape", regex_escape),
];

/// `regex_replace(pattern='', replacement='', ignorecase=False)`.
fn regex_replace(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind(
        "regex_replace",
        &["pattern", "replacement", "ignorecase"],
        args,
        kwargs,
    )?;
    let regex = compile(&bound.text(0, ""), bound.flag(2, false), false)?;
    let replacement = bound.text(1, "");
    Ok(Value::from(substitute(
        &regex,
        &jinja_str(&value),
        &replacement,
    )?))
}

/// `regex_search(regex, *groups, ignorecase=False, multiline=False)`: the
/// match, the listed groups (`'\\1'`, `'\\g<name>'`), or `None`.
fn regex_search(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let Some(pattern) = args.first() else {
        return Err(invalid("regex_search() missing required argument 'regex'"));
    };
    let ignorecase = kwargs
        .get::<Option<Value>>("ignorecase")?
        .is_some_and(|flag| flag.is_true());
    let multiline = kwargs
        .get::<Option<Value>>("multiline")?
        .is_some_and(|flag| flag.is_true());
    let mut groups = Vec::new();
    for group in &args[1..] {
        groups.push(group_reference(&jinja_str(group))?);
    }
    let regex = compile(&jinja_str(pattern), ignorecase, multiline)?;
    let text = jinja_str(&value);
    let Some(captures) = regex.captures(text.as_str()).map_err(regex_error)? else {
        return Ok(Value::from(()));
    };
    if groups.is_empty() {
        return Ok(Value::from(
            captures.get(0).map_or("", |found| found.as_str()),
        ));
    }
    let mut found = Vec::with_capacity(groups.len());
    for group in &groups {
        found.push(group_value(&captures, group)?);
    }
    Ok(PyList::value(found))
}

/// A group argument of `regex_search`: `\N` or `\g<name or N>`.
enum GroupRef {
    Index(usize),
    Name(String),
}

fn group_reference(argument: &str) -> Result<GroupRef, Error> {
    if let Some(rest) = argument.strip_prefix("\\g<")
        && let Some(name) = rest.split('>').next().filter(|name| !name.is_empty())
    {
        return Ok(match name.parse() {
            Ok(index) => GroupRef::Index(index),
            Err(_) => GroupRef::Name(name.to_string()),
        });
    }
    if let Some(digits) = argument.strip_prefix('\\') {
        let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(index) = digits.parse() {
            return Ok(GroupRef::Index(index));
        }
    }
    Err(invalid("Unknown argument"))
}

fn group_value(captures: &Captures<'_, str>, group: &GroupRef) -> Result<Value, Error> {
    let found = match group {
        GroupRef::Index(index) if *index < captures.len() => captures.get(*index),
        GroupRef::Name(name) => captures.name(name),
        _ => return Err(invalid("no such group")),
    };
    Ok(found.map_or_else(|| Value::from(()), |found| Value::from(found.as_str())))
}

/// `regex_findall(regex, multiline=False, ignorecase=False)`: the matches,
/// the one group's text, or tuples of every group's text.
fn regex_findall(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind(
        "regex_findall",
        &["regex", "multiline", "ignorecase"],
        args,
        kwargs,
    )?;
    let regex = compile(
        &bound.text(0, ""),
        bound.flag(2, false),
        bound.flag(1, false),
    )?;
    let text = jinja_str(&value);
    let mut found = Vec::new();
    for_each_match(&regex, &text, |captures| {
        let group_text =
            |index: usize| Value::from(captures.get(index).map_or("", |group| group.as_str()));
        found.push(match captures.len() {
            1 => group_text(0),
            2 => group_text(1),
            count => Value::from(Tuple::from((1..count).map(group_text).collect::<Vec<_>>())),
        });
    })?;
    Ok(PyList::value(found))
}

/// `regex_escape(re_type='python')`: Python's `re.escape`, or the POSIX
/// basic special characters.
fn regex_escape(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind("regex_escape", &["re_type"], args, kwargs)?;
    let special = match bound.text(0, "python").as_str() {
        "python" => "()[]{}?*+-|^$\\.&~# \t\n\r\x0b\x0c",
        "posix_basic" => "].[^$*\\",
        "posix_extended" => return Err(invalid("Regex type (posix_extended) not yet implemented")),
        other => return Err(invalid(format!("Invalid regex type ({other})"))),
    };
    let text = jinja_str(&value);
    let mut out = String::with_capacity(text.len() * 2);
    for ch in text.chars() {
        if special.contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    Ok(Value::from(out))
}

fn regex_error(error: fancy_regex::Error) -> Error {
    invalid(format!("regular expression failed: {error}"))
}

/// Compiles a Python pattern with Python's `re.I` and `re.M` flags.
pub fn compile(pattern: &str, ignorecase: bool, multiline: bool) -> Result<Regex, Error> {
    let translated = translate(pattern, multiline);
    RegexBuilder::new(&translated)
        .case_insensitive(ignorecase)
        .multi_line(multiline)
        .build()
        .map_err(|error| invalid(format!("invalid regular expression `{pattern}`: {error}")))
}

/// Rewrites the Python-only parts of a pattern into Rust syntax.
fn translate(pattern: &str, multiline: bool) -> String {
    let multiline = multiline || inline_multiline(pattern);
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut in_class = false;
    let mut index = 0;
    while index < chars.len() {
        let ch = chars[index];
        match ch {
            '\\' if index + 1 < chars.len() => {
                let next = chars[index + 1];
                if next == 'Z' && !in_class {
                    out.push_str("\\z");
                } else {
                    out.push('\\');
                    out.push(next);
                }
                index += 2;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A `]` right after `[` or `[^` is a literal in both syntaxes.
                if chars.get(index + 1) == Some(&'^') {
                    out.push('^');
                    index += 1;
                }
                if chars.get(index + 1) == Some(&']') {
                    out.push_str("\\]");
                    index += 1;
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '[' if in_class => out.push_str("\\["),
            '$' if !in_class && !multiline => out.push_str("(?=\\n?\\z)"),
            '{' if !in_class && !is_quantifier(&chars[index..]) => out.push_str("\\{"),
            '(' if !in_class && chars[index..].starts_with(&['(', '?', 'P', '=']) => {
                let name: String = chars[index + 4..]
                    .iter()
                    .take_while(|ch| **ch != ')')
                    .collect();
                out.push_str(&format!("\\k<{name}>"));
                index += 4 + name.chars().count() + 1;
                continue;
            }
            _ => out.push(ch),
        }
        index += 1;
    }
    out
}

/// Whether the pattern turns on multiline mode with a leading `(?m)`-style
/// flag group.
fn inline_multiline(pattern: &str) -> bool {
    pattern
        .strip_prefix("(?")
        .and_then(|rest| rest.split(')').next())
        .is_some_and(|flags| {
            flags.chars().all(|ch| ch.is_ascii_alphabetic()) && flags.contains('m')
        })
}

/// Whether `chars` (starting at `{`) is a `{m}`, `{m,}`, `{m,n}` or `{,n}`
/// quantifier.
fn is_quantifier(chars: &[char]) -> bool {
    let Some(end) = chars.iter().position(|ch| *ch == '}') else {
        return false;
    };
    let body: String = chars[1..end].iter().collect();
    let (low, high) = body.split_once(',').unwrap_or((&body, ""));
    let digits = |text: &str| text.chars().all(|ch| ch.is_ascii_digit());
    !body.is_empty() && digits(low) && digits(high) && !(low.is_empty() && high.is_empty())
}

/// Calls `visit` for each match, in Python's order: after an empty match
/// the next match may not be empty at the same position.
fn for_each_match(
    regex: &Regex,
    text: &str,
    mut visit: impl FnMut(&Captures<'_, str>),
) -> Result<(), Error> {
    let mut position = 0;
    let mut after_empty = false;
    while position <= text.len() {
        let Some(captures) = regex
            .captures_from_pos(text, position)
            .map_err(regex_error)?
        else {
            break;
        };
        let whole = captures.get(0).expect("group 0 always matches");
        if after_empty && whole.start() == position && whole.end() == position {
            match text[position..].chars().next() {
                Some(ch) => {
                    position += ch.len_utf8();
                    after_empty = false;
                    continue;
                }
                None => break,
            }
        }
        visit(&captures);
        after_empty = whole.start() == whole.end();
        position = whole.end();
    }
    Ok(())
}

/// `re.sub(regex, replacement, text)` with Python's replacement syntax.
pub fn substitute(regex: &Regex, text: &str, replacement: &str) -> Result<String, Error> {
    let template = parse_template(replacement)?;
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut failure = None;
    for_each_match(regex, text, |captures| {
        let whole = captures.get(0).expect("group 0 always matches");
        out.push_str(&text[copied..whole.start()]);
        for piece in &template {
            match piece {
                TemplatePiece::Text(literal) => out.push_str(literal),
                TemplatePiece::Group(group) => match expand_group(captures, group) {
                    Ok(expanded) => out.push_str(expanded),
                    Err(error) => failure = Some(error),
                },
            }
        }
        copied = whole.end();
    })?;
    if let Some(error) = failure {
        return Err(error);
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

enum TemplatePiece {
    Text(String),
    Group(GroupRef),
}

/// Parses a replacement template: `\1`, `\g<1>`, `\g<name>`, the escapes
/// `\n \t \r \f \v \a \b \\`, and any other backslash kept as it is.
fn parse_template(replacement: &str) -> Result<Vec<TemplatePiece>, Error> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = replacement.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            literal.push(ch);
            continue;
        }
        let Some(next) = chars.next() else {
            return Err(invalid("bad escape (end of pattern)"));
        };
        let group = match next {
            'g' => {
                if chars.next() != Some('<') {
                    return Err(invalid("missing < in group reference"));
                }
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('>') => break,
                        Some(ch) => name.push(ch),
                        None => return Err(invalid("missing >, unterminated name")),
                    }
                }
                Some(match name.parse() {
                    Ok(index) => GroupRef::Index(index),
                    Err(_) => GroupRef::Name(name),
                })
            }
            '1'..='9' => {
                let mut digits = next.to_string();
                if let Some(second) = chars.next_if(char::is_ascii_digit) {
                    digits.push(second);
                }
                Some(GroupRef::Index(digits.parse().unwrap_or(0)))
            }
            'n' | 't' | 'r' | 'f' | 'v' | 'a' | 'b' | '\\' => {
                literal.push(match next {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'f' => '\x0c',
                    'v' => '\x0b',
                    'a' => '\x07',
                    'b' => '\x08',
                    _ => '\\',
                });
                None
            }
            letter if letter.is_ascii_alphabetic() => {
                return Err(invalid(format!("bad escape \\{letter}")));
            }
            other => {
                literal.push('\\');
                literal.push(other);
                None
            }
        };
        if let Some(group) = group {
            pieces.push(TemplatePiece::Text(std::mem::take(&mut literal)));
            pieces.push(TemplatePiece::Group(group));
        }
    }
    pieces.push(TemplatePiece::Text(literal));
    Ok(pieces)
}

fn expand_group<'t>(captures: &Captures<'t, str>, group: &GroupRef) -> Result<&'t str, Error> {
    let found = match group {
        GroupRef::Index(index) if *index < captures.len() => captures.get(*index),
        GroupRef::Name(name) if captures.name(name).is_some() => captures.name(name),
        GroupRef::Index(index) => return Err(invalid(format!("invalid group reference {index}"))),
        GroupRef::Name(name) => return Err(invalid(format!("unknown group name '{name}'"))),
    };
    Ok(found.map_or("", |found| found.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(pattern: &str, replacement: &str, text: &str) -> String {
        substitute(&compile(pattern, false, false).unwrap(), text, replacement).unwrap()
    }

    #[test]
    fn substitution_follows_python() {
        assert_eq!(sub("[-_]", " ", "foo-bar_baz"), "foo bar baz");
        assert_eq!(sub(r"^(\w+): (\w+)$", r"\2=\1", "name: val"), "val=name");
        assert_eq!(sub(r"(?P<k>\w+)=", r"\g<k>:", "a=1 b=2"), "a:1 b:2");
        assert_eq!(sub("x*", "-", "abxd"), "-a-b--d-");
        assert_eq!(sub("$", "!", "line\n"), "line!\n!");
        assert_eq!(sub(r"a{", "b", "a{"), "b");
        assert_eq!(sub(r"(?P<x>a)(?P=x)", r"[\1]", "aab"), "[a]b");
    }

    #[test]
    fn lookaround_and_backreferences_work() {
        assert_eq!(sub(r"(?<=a)b", "X", "ab cb"), "aX cb");
        assert_eq!(sub(r"(\w)\1", "<>", "aabcc"), "<>b<>");
    }

    #[test]
    fn bad_templates_are_errors() {
        let regex = compile("a", false, false).unwrap();
        assert!(substitute(&regex, "a", r"\q").is_err());
        assert!(substitute(&regex, "a", r"\2").is_err());
    }
}
