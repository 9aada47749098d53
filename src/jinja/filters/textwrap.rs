//! Python's `textwrap.wrap`, as Jinja2's `wordwrap` calls it: tabs and
//! whitespace kept as they are, whitespace dropped at line ends, no
//! indents.

use std::sync::LazyLock;

use fancy_regex::Regex;

/// The `textwrap.TextWrapper` settings that `wordwrap` passes.
pub struct WrapOptions {
    pub width: usize,
    pub break_long_words: bool,
    pub break_on_hyphens: bool,
}

/// `TextWrapper.wordsep_re`: whitespace runs (only ASCII whitespace
/// separates chunks), em-dashes between words, and words split after their
/// hyphens.
static WORD_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    let whitespace = r"[\t\n\x0b\x0c\r ]";
    let no_whitespace = r"[^\t\n\x0b\x0c\r ]";
    let word_punct = r#"[\w!"'&.,?]"#;
    let letter = r"[^\d\W]";
    let pattern = format!(
        r"({whitespace}+|(?<={word_punct})-{{2,}}(?=\w)|{no_whitespace}+?(?:-(?:(?<={letter}{{2}}-)|(?<={letter}-{letter}-))(?={letter}-?{letter})|(?={whitespace}|\z)|(?<={word_punct})(?=-{{2,}}\w)))"
    );
    Regex::new(&pattern).expect("the word separator pattern is valid")
});

/// `TextWrapper.wordsep_simple_re`: whitespace runs only.
static SIMPLE_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([\t\n\x0b\x0c\r ]+)").expect("the whitespace pattern is valid"));

/// Wraps one paragraph into lines of at most `width` characters.
pub fn wrap(text: &str, options: &WrapOptions) -> Vec<String> {
    let separator = if options.break_on_hyphens {
        &*WORD_SEPARATOR
    } else {
        &*SIMPLE_SEPARATOR
    };
    let chunks = split_keeping_matches(separator, text);
    wrap_chunks(chunks, options)
}

/// `re.split` with one capturing group around the whole pattern: the text
/// between matches and the matches themselves, empty pieces dropped.
fn split_keeping_matches(pattern: &Regex, text: &str) -> Vec<Vec<char>> {
    let mut chunks = Vec::new();
    let mut position = 0;
    for found in pattern.find_iter(text) {
        let Ok(found) = found else { break };
        chunks.push(&text[position..found.start()]);
        chunks.push(found.as_str());
        position = found.end();
    }
    chunks.push(&text[position..]);
    chunks
        .into_iter()
        .filter(|chunk| !chunk.is_empty())
        .map(|chunk| chunk.chars().collect())
        .collect()
}

fn is_blank(chunk: &[char]) -> bool {
    chunk
        .iter()
        .all(|ch| crate::jinja::methods::is_python_space(*ch))
}

/// `TextWrapper._wrap_chunks` with `drop_whitespace` on.
fn wrap_chunks(mut chunks: Vec<Vec<char>>, options: &WrapOptions) -> Vec<String> {
    let width = options.width;
    let mut lines: Vec<String> = Vec::new();
    chunks.reverse();
    while !chunks.is_empty() {
        let mut line: Vec<Vec<char>> = Vec::new();
        let mut line_len = 0;
        if !lines.is_empty() && chunks.last().is_some_and(|chunk| is_blank(chunk)) {
            chunks.pop();
        }
        while let Some(chunk) = chunks.last() {
            if line_len + chunk.len() > width {
                break;
            }
            line_len += chunk.len();
            line.push(chunks.pop().unwrap_or_default());
        }
        if chunks.last().is_some_and(|chunk| chunk.len() > width) {
            handle_long_word(&mut chunks, &mut line, line_len, options);
        }
        if line.last().is_some_and(|chunk| is_blank(chunk)) {
            line.pop();
        }
        if !line.is_empty() {
            lines.push(line.concat().into_iter().collect());
        }
    }
    lines
}

/// `TextWrapper._handle_long_word`: breaks the next chunk to fill the line,
/// after a hyphen when there is one.
fn handle_long_word(
    chunks: &mut Vec<Vec<char>>,
    line: &mut Vec<Vec<char>>,
    line_len: usize,
    options: &WrapOptions,
) {
    let space_left = if options.width < 1 {
        1
    } else {
        options.width - line_len
    };
    if options.break_long_words {
        let Some(chunk) = chunks.last_mut() else {
            return;
        };
        let mut end = space_left;
        if options.break_on_hyphens
            && chunk.len() > space_left
            && let Some(hyphen) = chunk[..space_left].iter().rposition(|ch| *ch == '-')
            && hyphen > 0
            && chunk[..hyphen].iter().any(|ch| *ch != '-')
        {
            end = hyphen + 1;
        }
        let end = end.min(chunk.len());
        line.push(chunk[..end].to_vec());
        chunk.drain(..end);
    } else if line.is_empty()
        && let Some(chunk) = chunks.pop()
    {
        line.push(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(text: &str, width: usize) -> Vec<String> {
        wrap(
            text,
            &WrapOptions {
                width,
                break_long_words: true,
                break_on_hyphens: true,
            },
        )
    }

    #[test]
    fn wraps_like_textwrap() {
        assert_eq!(wrapped("a b c", 3), ["a b", "c"]);
        assert_eq!(
            wrapped("The quick brown fox jumps over the lazy dog", 10),
            ["The quick", "brown fox", "jumps over", "the lazy", "dog"]
        );
        assert_eq!(wrapped("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(
            wrapped("well-known long-winded", 6),
            ["well-", "known", "long-", "winded"]
        );
    }
}
