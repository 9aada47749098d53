//! Python's `pprint.pformat` (width 80, dict keys sorted), for the `pprint`
//! filter: the repr when it fits, otherwise one item per line.

use minijinja::Value;
use minijinja::value::ValueKind;

use crate::jinja::objects::mapping_entries;
use crate::jinja::repr::{jinja_repr, string_repr};

const WIDTH: usize = 80;

/// `pprint.pformat(value)`.
pub fn pformat(value: &Value) -> String {
    let mut out = String::new();
    format(&mut out, value, 0, 0, 1);
    out
}

/// The repr with every dict's keys sorted, as `pprint` writes one.
fn sorted_repr(value: &Value) -> String {
    match value.kind() {
        ValueKind::Map => {
            let items: Vec<String> = sorted_entries(value)
                .iter()
                .map(|(key, item)| format!("{}: {}", sorted_repr(key), sorted_repr(item)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        ValueKind::Seq if value.is_tuple() => {
            let items: Vec<String> = sequence(value).iter().map(sorted_repr).collect();
            if items.len() == 1 {
                format!("({},)", items[0])
            } else {
                format!("({})", items.join(", "))
            }
        }
        ValueKind::Seq => {
            let items: Vec<String> = sequence(value).iter().map(sorted_repr).collect();
            format!("[{}]", items.join(", "))
        }
        _ => jinja_repr(value),
    }
}

fn sorted_entries(value: &Value) -> Vec<(Value, Value)> {
    let mut entries = mapping_entries(value).unwrap_or_default();
    entries.sort_by(|left, right| left.0.cmp(&right.0));
    entries
}

fn sequence(value: &Value) -> Vec<Value> {
    value.try_iter().map(Iterator::collect).unwrap_or_default()
}

/// `PrettyPrinter._format`.
fn format(out: &mut String, value: &Value, indent: usize, allowance: usize, level: usize) {
    let repr = sorted_repr(value);
    let max_width = WIDTH.saturating_sub(indent + allowance);
    if repr.chars().count() <= max_width {
        out.push_str(&repr);
        return;
    }
    match value.kind() {
        ValueKind::Map => {
            out.push('{');
            let entries = sorted_entries(value);
            let indent = indent + 1;
            let last = entries.len().saturating_sub(1);
            for (index, (key, item)) in entries.iter().enumerate() {
                let key_repr = sorted_repr(key);
                out.push_str(&key_repr);
                out.push_str(": ");
                let item_allowance = if index == last { allowance + 1 } else { 1 };
                format(
                    out,
                    item,
                    indent + key_repr.chars().count() + 2,
                    item_allowance,
                    level + 1,
                );
                if index != last {
                    out.push_str(",\n");
                    out.push_str(&" ".repeat(indent));
                }
            }
            out.push('}');
        }
        ValueKind::Seq if value.is_tuple() => {
            let items = sequence(value);
            let close = if items.len() == 1 { ",)" } else { ")" };
            out.push('(');
            format_items(out, &items, indent, allowance + close.len(), level);
            out.push_str(close);
        }
        ValueKind::Seq => {
            out.push('[');
            format_items(out, &sequence(value), indent, allowance + 1, level);
            out.push(']');
        }
        ValueKind::String => format_string(
            out,
            value.as_str().unwrap_or_default(),
            indent,
            allowance,
            level,
        ),
        _ => out.push_str(&repr),
    }
}

/// `PrettyPrinter._format_items`.
fn format_items(out: &mut String, items: &[Value], indent: usize, allowance: usize, level: usize) {
    let indent = indent + 1;
    let last = items.len().saturating_sub(1);
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(",\n");
            out.push_str(&" ".repeat(indent));
        }
        let item_allowance = if index == last { allowance } else { 1 };
        format(out, item, indent, item_allowance, level + 1);
    }
}

/// `PrettyPrinter._pprint_str`: a long string split at whitespace into
/// adjacent literals, in parentheses at the top level.
fn format_string(out: &mut String, text: &str, indent: usize, allowance: usize, level: usize) {
    let (indent, allowance) = if level == 1 {
        (indent + 1, allowance + 1)
    } else {
        (indent, allowance)
    };
    let max_width = WIDTH.saturating_sub(indent);
    let lines = crate::jinja::methods::splitlines(text, true);
    let mut chunks: Vec<String> = Vec::new();
    for (line_index, line) in lines.iter().enumerate() {
        let last_line = line_index + 1 == lines.len();
        let mut line_width = max_width;
        if last_line {
            line_width = line_width.saturating_sub(allowance);
        }
        let repr = string_repr(line);
        if repr.chars().count() <= line_width {
            chunks.push(repr);
            continue;
        }
        let parts = word_parts(line);
        let mut current = String::new();
        for (part_index, part) in parts.iter().enumerate() {
            let candidate = format!("{current}{part}");
            let mut part_width = max_width;
            if last_line && part_index + 1 == parts.len() {
                part_width = part_width.saturating_sub(allowance);
            }
            if string_repr(&candidate).chars().count() > part_width {
                if !current.is_empty() {
                    chunks.push(string_repr(&current));
                }
                current = part.clone();
            } else {
                current = candidate;
            }
        }
        if !current.is_empty() {
            chunks.push(string_repr(&current));
        }
    }
    if chunks.len() == 1 {
        out.push_str(&chunks[0]);
        return;
    }
    if level == 1 {
        out.push('(');
    }
    for (index, chunk) in chunks.iter().enumerate() {
        if index > 0 {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(chunk);
    }
    if level == 1 {
        out.push(')');
    }
}

/// `re.findall(r'\S*\s*', line)` less its empty last match: each run of
/// non-space followed by its run of spaces.
fn word_parts(line: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut in_space = false;
    for ch in line.chars() {
        let space = crate::jinja::methods::is_python_space(ch);
        if !space && in_space {
            parts.push(std::mem::take(&mut current));
            in_space = false;
        }
        if space {
            in_space = true;
        }
        current.push(ch);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jinja::objects::{PyDict, PyList};

    #[test]
    fn short_values_print_as_sorted_repr() {
        let value = PyDict::value(
            [
                (Value::from("b"), Value::from(1)),
                (Value::from("a"), Value::from(2)),
            ]
            .into_iter()
            .collect(),
        );
        assert_eq!(pformat(&value), "{'a': 2, 'b': 1}");
    }

    #[test]
    fn long_lists_print_one_item_per_line() {
        let items: Vec<Value> = (0..30)
            .map(|index| Value::from(format!("item{index}")))
            .collect();
        let text = pformat(&PyList::value(items));
        assert!(text.starts_with("['item0',\n 'item1',\n"), "{text}");
        assert!(text.ends_with(" 'item29']"), "{text}");
    }
}
