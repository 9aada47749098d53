//! The YAML 1.1 implicit resolvers of PyYAML 6 (`yaml.resolver.Resolver`).
//!
//! A plain scalar (or a scalar tagged with the non-specific `!`) gets its tag
//! from its text: `yes` is a bool, `0755` an int, `1.0e+3` a float,
//! `2024-01-31` a timestamp. The reader uses this to type plain scalars, and
//! the emitter uses it to decide whether a string may be written plain or
//! must be quoted so that it reads back as a string.

use std::sync::LazyLock;

use regex::Regex;

/// The prefix of the tags of the YAML type repository (`!!name` in text).
pub(super) const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// A tag that PyYAML's resolver can give a plain scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ImplicitTag {
    Null,
    Bool,
    Int,
    Float,
    Timestamp,
    /// `<<`, the merge key.
    Merge,
    /// `=`, the value key, which the safe loader cannot construct.
    Value,
    /// `!`, `&` or `*`: never a plain scalar, but the emitter must quote them.
    Yaml,
    Str,
}

impl ImplicitTag {
    /// The full tag, as `tag:yaml.org,2002:int`.
    pub(super) fn full_name(self) -> String {
        let name = match self {
            ImplicitTag::Null => "null",
            ImplicitTag::Bool => "bool",
            ImplicitTag::Int => "int",
            ImplicitTag::Float => "float",
            ImplicitTag::Timestamp => "timestamp",
            ImplicitTag::Merge => "merge",
            ImplicitTag::Value => "value",
            ImplicitTag::Yaml => "yaml",
            ImplicitTag::Str => "str",
        };
        format!("{TAG_PREFIX}{name}")
    }
}

/// The words of PyYAML's bool pattern, which a plain comparison matches
/// without compiling the pattern.
const BOOL_WORDS: [&str; 18] = [
    "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on",
    "On", "ON", "off", "Off", "OFF",
];

/// The words of PyYAML's null pattern, the empty text aside.
const NULL_WORDS: [&str; 4] = ["~", "null", "Null", "NULL"];

// The exponent needs a sign and the mantissa a dot, as YAML 1.1 says, so
// `1e3` and `1.0e3` stay strings. A sign before a leading dot is not allowed
// either (`-.5` is a string), except for infinity.
static FLOAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?",
        r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?",
        r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*",
        r"|[-+]?\.(?:inf|Inf|INF)",
        r"|\.(?:nan|NaN|NAN))$",
    ))
    .expect("valid float pattern")
});

// `0o17` is YAML 1.2 and stays a string; `08` is not octal and not decimal
// (a leading zero), so it stays a string too.
static INT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:[-+]?0b[0-1_]+",
        r"|[-+]?0[0-7_]+",
        r"|[-+]?(?:0|[1-9][0-9_]*)",
        r"|[-+]?0x[0-9a-fA-F_]+",
        r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
    ))
    .expect("valid int pattern")
});

static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}",
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?",
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$",
    ))
    .expect("valid timestamp pattern")
});

/// Matches as Python's `re.match` with a `^...$` pattern does: `$` also
/// matches just before a final newline.
pub(super) fn python_full_match(pattern: &Regex, text: &str) -> bool {
    pattern.is_match(text)
        || text
            .strip_suffix('\n')
            .is_some_and(|head| pattern.is_match(head))
}

/// Returns the tag PyYAML's resolver gives a plain scalar with this text.
///
/// Like PyYAML, it tries only the resolvers registered for the text's
/// first character, in PyYAML's order, and the empty text has only null.
/// The number and timestamp patterns compile on first use, so most runs
/// compile few of them or none.
pub(super) fn resolve_plain(text: &str) -> ImplicitTag {
    let Some(first) = text.chars().next() else {
        return ImplicitTag::Null;
    };
    // `$` in Python's `re.match` also matches before a final newline.
    let word = text.strip_suffix('\n').unwrap_or(text);
    let candidates: &[(ImplicitTag, &str)] = &[
        (ImplicitTag::Bool, "yYnNtTfFoO"),
        (ImplicitTag::Float, "-+0123456789."),
        (ImplicitTag::Int, "-+0123456789"),
        (ImplicitTag::Null, "~nN"),
        (ImplicitTag::Timestamp, "0123456789"),
    ];
    for (tag, first_chars) in candidates {
        let matched = match tag {
            _ if !first_chars.contains(first) => false,
            ImplicitTag::Bool => BOOL_WORDS.contains(&word),
            ImplicitTag::Null => NULL_WORDS.contains(&word),
            // Every float has a `.`, so the pattern need not compile for
            // other texts.
            ImplicitTag::Float => text.contains('.') && python_full_match(&FLOAT, text),
            ImplicitTag::Int => python_full_match(&INT, text),
            // Every timestamp has a `-` after its four-digit year.
            ImplicitTag::Timestamp => {
                text.as_bytes().get(4) == Some(&b'-') && python_full_match(&TIMESTAMP, text)
            }
            _ => false,
        };
        if matched {
            return *tag;
        }
    }
    match word {
        "<<" => ImplicitTag::Merge,
        "=" => ImplicitTag::Value,
        "!" | "&" | "*" => ImplicitTag::Yaml,
        _ => ImplicitTag::Str,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bool_words_in_three_casings() {
        for word in ["yes", "Yes", "YES", "no", "off", "On", "TRUE", "False"] {
            assert_eq!(resolve_plain(word), ImplicitTag::Bool, "{word}");
        }
        for word in ["y", "n", "yEs", "tRue", "Off "] {
            assert_eq!(resolve_plain(word), ImplicitTag::Str, "{word}");
        }
    }

    #[test]
    fn null_forms() {
        for word in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(resolve_plain(word), ImplicitTag::Null, "{word:?}");
        }
        assert_eq!(resolve_plain("nULL"), ImplicitTag::Str);
    }

    #[test]
    fn int_forms() {
        for text in [
            "0",
            "-17",
            "+5",
            "012",
            "0x1F",
            "0b101",
            "1_000",
            "1:30",
            "190:20:30",
        ] {
            assert_eq!(resolve_plain(text), ImplicitTag::Int, "{text}");
        }
        for text in ["08", "09", "0o17", "1:60", "0x", "-0b"] {
            assert_eq!(resolve_plain(text), ImplicitTag::Str, "{text}");
        }
    }

    #[test]
    fn float_forms() {
        for text in [
            "1.5", "1.", ".5", "1.0e+3", "1.5E-3", "-.inf", ".NaN", "1:30.5", "09.5",
        ] {
            assert_eq!(resolve_plain(text), ImplicitTag::Float, "{text}");
        }
        for text in ["1e3", "1.0e3", "-.5", "+.5", ".", "-.nan", "inf"] {
            assert_eq!(resolve_plain(text), ImplicitTag::Str, "{text}");
        }
    }

    #[test]
    fn timestamp_forms() {
        for text in [
            "2024-01-31",
            "2024-1-3 1:02:03",
            "2024-01-31T10:20:30.5Z",
            "2024-01-31t10:20:30 -5",
            "2024-01-31 \t10:20:30+05:30",
        ] {
            assert_eq!(resolve_plain(text), ImplicitTag::Timestamp, "{text}");
        }
        for text in ["2024-1-31", "24-01-31", "2024-01-31T10:20"] {
            assert_eq!(resolve_plain(text), ImplicitTag::Str, "{text}");
        }
    }

    #[test]
    fn special_keys() {
        assert_eq!(resolve_plain("<<"), ImplicitTag::Merge);
        assert_eq!(resolve_plain("="), ImplicitTag::Value);
        assert_eq!(resolve_plain("*"), ImplicitTag::Yaml);
    }

    #[test]
    fn final_newline_is_ignored_like_python() {
        assert_eq!(resolve_plain("yes\n"), ImplicitTag::Bool);
        assert_eq!(resolve_plain("12\n\n"), ImplicitTag::Str);
    }

    #[test]
    fn candidates_chosen_by_first_character() {
        // PyYAML registers no resolver for a newline, so this is no null.
        assert_eq!(resolve_plain("\n"), ImplicitTag::Str);
        assert_eq!(resolve_plain("~"), ImplicitTag::Null);
        assert_eq!(resolve_plain(".5"), ImplicitTag::Float);
        assert_eq!(resolve_plain("3"), ImplicitTag::Int);
        assert_eq!(resolve_plain("2024-01-31"), ImplicitTag::Timestamp);
        assert_eq!(resolve_plain(" yes"), ImplicitTag::Str);
    }
}
