//! Source rewriting before minijinja compiles a template.
//!
//! minijinja has no hook for binary operators and builds list and dict
//! literals as immutable values. So four Python behaviours cannot come from
//! its runtime: `'%s' % x` (string formatting), `path / 'x'` (path
//! joining), `x ~ y` with Python's `str()` of each side, and in-place
//! changes to literals and sums (`{% set l = [] %}{% set _ = l.append(1) %}`,
//! `{% set l = l + [2] %}`). We
//! chose to rewrite the template text instead of patching minijinja:
//!
//! - minijinja's own parser (the `unstable_machinery` feature, which is why
//!   the crate is pinned to one exact version) finds every `%`, `/` and `~`
//!   operator and every list and dict literal, with byte spans. Nothing is
//!   guessed with regular expressions, and custom delimiters and line
//!   statements parse exactly as they will be compiled.
//! - Each of these operators (and `+`, so that adding lists gives a
//!   changeable list) becomes a call of a helper function registered on the
//!   environment (`a % b` becomes `__kwz_mod(a , b)`) and each literal is
//!   wrapped (`[1]` becomes `__kwz_list([1])`). Only text is inserted, and
//!   no newline, so the line numbers of errors stay those of the source.
//! - A vendored, patched minijinja would give the same results without the
//!   second parse, but would leave us maintaining a fork of the whole crate.
//!
//! Copier's `{% yield NAME from ITERABLE %}...{% endyield %}` tag is
//! rewritten first (minijinja's parser rejects unknown tags) into
//! `{% call __kwz_yield("NAME", (ITERABLE)) %}...{% endcall %}`.
//!
//! A source that does not parse is returned with only the yield rewrite, so
//! the compile step reports minijinja's own syntax error for it.

use minijinja::machinery::ast::{self, BinOpKind, CallArg, Expr, Stmt};
use minijinja::machinery::{Span, Token, parse, tokenize};
use minijinja::syntax::SyntaxConfig;

/// Helper function names that the rewritten source calls.
pub const ADD_FUNCTION: &str = "__kwz_add";
pub const MOD_FUNCTION: &str = "__kwz_mod";
pub const DIV_FUNCTION: &str = "__kwz_div";
pub const CONCAT_FUNCTION: &str = "__kwz_concat";
pub const LIST_FUNCTION: &str = "__kwz_list";
pub const DICT_FUNCTION: &str = "__kwz_dict";
pub const YIELD_FUNCTION: &str = "__kwz_yield";

/// Replaces `\r\n` and lone `\r` with `\n`, as Jinja2's lexer does for
/// template sources.
pub fn normalize_newlines(source: &str) -> String {
    if !source.contains('\r') {
        return source.to_string();
    }
    source.replace("\r\n", "\n").replace('\r', "\n")
}

/// Rewrites `source` for compilation with `syntax`; see the module docs.
/// `line_comment_prefix` comments are removed here rather than by
/// minijinja, which also removes the newline that ends them (Jinja2 keeps
/// it), so `syntax` must not set that prefix.
pub fn rewrite(source: &str, syntax: &SyntaxConfig, line_comment_prefix: Option<&str>) -> String {
    let stripped;
    let source = match line_comment_prefix {
        Some(prefix) if source.contains(prefix) => {
            stripped = strip_line_comments(source, syntax, prefix);
            stripped.as_str()
        }
        _ => source,
    };
    let source_tokens = tokens(source, syntax);
    // Most templates have none of the constructs changed here, and for them
    // parsing the source to look for some would be wasted.
    if !source_tokens
        .iter()
        .any(|(token, _)| may_be_rewritten(token))
    {
        return source.to_string();
    }
    let source = rewrite_tags(source, &source_tokens);
    let tokens = tokens(&source, syntax);
    let Ok(template) = parse(&source, "<rewrite>", syntax.clone()) else {
        return source;
    };
    let mut collector = EditCollector {
        tokens: &tokens,
        edits: Vec::new(),
    };
    collector.stmt(&template);
    apply(&source, collector.edits)
}

/// Returns the first `break`, `continue` or `do` statement tag in
/// `source`. Jinja2 parses these tags only with the extensions
/// `jinja2.ext.loopcontrols` and `jinja2.ext.do`, while minijinja always
/// parses them.
///
/// Every file is checked, so a scan for `block_start` followed by one of
/// the words decides first whether lexing is needed. With line statements
/// the scan cannot see every tag, so the source is always lexed.
pub fn extension_tag(
    source: &str,
    syntax: &SyntaxConfig,
    block_start: &str,
    line_statements: bool,
) -> Option<&'static str> {
    if !line_statements && !may_have_extension_tag(source, block_start) {
        return None;
    }
    let tokens = tokens(source, syntax);
    tokens.windows(2).find_map(|window| match window {
        [(Token::BlockStart, _), (Token::Ident(tag), _)] => match *tag {
            "break" => Some("break"),
            "continue" => Some("continue"),
            "do" => Some("do"),
            _ => None,
        },
        _ => None,
    })
}

/// Returns whether some `block_start` in `source` is followed, after
/// whitespace and a `-` or `+` modifier, by `break`, `continue` or `do`.
fn may_have_extension_tag(source: &str, block_start: &str) -> bool {
    source.match_indices(block_start).any(|(index, _)| {
        let rest = source[index + block_start.len()..]
            .trim_start_matches(['-', '+'])
            .trim_start();
        ["break", "continue", "do"].iter().any(|word| {
            rest.strip_prefix(word).is_some_and(|after| {
                !after
                    .starts_with(|character: char| character.is_alphanumeric() || character == '_')
            })
        })
    })
}

/// Removes Jinja2 line comments: in template data, the prefix, the rest of
/// its line and the spaces before it, but not the newline.
fn strip_line_comments(source: &str, syntax: &SyntaxConfig, prefix: &str) -> String {
    let mut text = source.to_string();
    loop {
        let found = tokens(&text, syntax).iter().find_map(|(token, span)| {
            let Token::TemplateData(data) = token else {
                return None;
            };
            data.find(prefix)
                .map(|index| offset(span.start_offset) + index)
        });
        let Some(start) = found else {
            return text;
        };
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |index| start + index);
        let blank_start = text[..start].trim_end_matches([' ', '\t']).len();
        text.replace_range(blank_start..end, "");
    }
}

/// Returns the tokens of `source` with their byte ranges, or none when
/// lexing fails.
fn tokens<'s>(source: &'s str, syntax: &SyntaxConfig) -> Vec<(Token<'s>, Span)> {
    let mut tokens = Vec::new();
    for token in tokenize(source, false, syntax.clone()) {
        match token {
            Ok(token) => tokens.push(token),
            Err(_) => return Vec::new(),
        }
    }
    tokens
}

/// One text change: replace `start..end` of the source with `text`.
struct Edit {
    start: usize,
    end: usize,
    text: String,
    order: EditOrder,
}

/// The order of edits at one position: closing parentheses first, then
/// openings in the order found (outer before inner), then replacements.
#[derive(PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum EditOrder {
    Close,
    Open,
    Replace,
}

fn apply(source: &str, mut edits: Vec<Edit>) -> String {
    if edits.is_empty() {
        return source.to_string();
    }
    // A stable sort keeps the discovery order of openings at one position.
    edits.sort_by_key(|edit| (edit.start, edit.order));
    let mut out = String::with_capacity(source.len() + edits.len() * 8);
    let mut position = 0;
    for edit in edits {
        if edit.start < position {
            // Overlapping edits cannot come from a well-formed tree.
            return source.to_string();
        }
        out.push_str(&source[position..edit.start]);
        out.push_str(&edit.text);
        position = edit.end;
    }
    out.push_str(&source[position..]);
    out
}

fn offset(position: u32) -> usize {
    position as usize
}

/// Tells whether a token belongs to a construct that `rewrite` changes: an
/// operator it turns into a call, a list or dict literal, or a yield tag.
fn may_be_rewritten(token: &Token<'_>) -> bool {
    matches!(
        token,
        Token::Plus
            | Token::Mod
            | Token::Div
            | Token::Tilde
            | Token::BracketOpen
            | Token::BraceOpen
            | Token::Ident("yield" | "endyield")
    )
}

/// Rewrites the tags minijinja's parser does not know: Copier's yield tag,
/// and unary `+` (which changes no number, so it is dropped). `tokens` are
/// those of `source`.
fn rewrite_tags(source: &str, tokens: &[(Token<'_>, Span)]) -> String {
    let mut edits = yield_edits(tokens);
    for (index, (token, span)) in tokens.iter().enumerate() {
        if matches!(token, Token::Plus) && (index == 0 || !is_operand_end(&tokens[index - 1].0)) {
            edits.push(Edit {
                start: offset(span.start_offset),
                end: offset(span.end_offset),
                text: " ".into(),
                order: EditOrder::Replace,
            });
        }
    }
    apply(source, edits)
}

/// Builds the edits that turn every `yield NAME from EXPR` / `endyield`
/// block tag into a call block.
fn yield_edits(tokens: &[(Token<'_>, Span)]) -> Vec<Edit> {
    let mut edits = Vec::new();
    for (index, window) in tokens.windows(2).enumerate() {
        let [(Token::BlockStart, _), (Token::Ident(tag), tag_span)] = window else {
            continue;
        };
        // An `endyield` without a `yield` before it stays as it is, so the
        // syntax error names the tag the user wrote.
        if *tag == "endyield" && !edits.is_empty() {
            edits.push(Edit {
                start: offset(tag_span.start_offset),
                end: offset(tag_span.end_offset),
                text: "endcall".into(),
                order: EditOrder::Replace,
            });
            continue;
        }
        if *tag != "yield" {
            continue;
        }
        let rest = &tokens[index + 2..];
        let (Some((Token::Ident(name), _)), Some((Token::Ident("from"), from_span))) =
            (rest.first(), rest.get(1))
        else {
            continue;
        };
        let expression_end = rest[2..]
            .iter()
            .take_while(|(token, _)| !matches!(token, Token::BlockEnd))
            .last()
            .map(|(_, span)| span.end_offset);
        let Some(expression_end) = expression_end else {
            continue;
        };
        edits.push(Edit {
            start: offset(tag_span.start_offset),
            end: offset(from_span.end_offset),
            text: format!("call {YIELD_FUNCTION}(\"{name}\", ("),
            order: EditOrder::Replace,
        });
        edits.push(Edit {
            start: offset(expression_end),
            end: offset(expression_end),
            text: "))".into(),
            order: EditOrder::Close,
        });
    }
    edits
}

/// Returns whether `token` can end an operand, so that a `+` after it is
/// binary.
fn is_operand_end(token: &Token<'_>) -> bool {
    matches!(
        token,
        Token::Ident(_)
            | Token::Str(_)
            | Token::String(_)
            | Token::Int(_)
            | Token::Int128(_)
            | Token::Float(_)
            | Token::ParenClose
            | Token::BracketClose
            | Token::BraceClose
    )
}

/// Walks the syntax tree and records the edits for operators and literals.
struct EditCollector<'t, 's> {
    tokens: &'t [(Token<'s>, Span)],
    edits: Vec<Edit>,
}

impl EditCollector<'_, '_> {
    fn stmts(&mut self, stmts: &[Stmt<'_>]) {
        for stmt in stmts {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: &Stmt<'_>) {
        match stmt {
            Stmt::Template(template) => self.stmts(&template.children),
            Stmt::EmitExpr(emit) => self.expr(&emit.expr),
            Stmt::EmitRaw(_) | Stmt::Continue(_) | Stmt::Break(_) => {}
            Stmt::ForLoop(for_loop) => {
                self.expr(&for_loop.iter);
                self.optional(for_loop.filter_expr.as_ref());
                self.stmts(&for_loop.body);
                self.stmts(&for_loop.else_body);
            }
            Stmt::IfCond(if_cond) => {
                self.expr(&if_cond.expr);
                self.stmts(&if_cond.true_body);
                self.stmts(&if_cond.false_body);
            }
            Stmt::WithBlock(with) => {
                for (_, value) in &with.assignments {
                    self.expr(value);
                }
                self.stmts(&with.body);
            }
            Stmt::Set(set) => self.expr(&set.expr),
            Stmt::SetBlock(set) => {
                self.optional(set.filter.as_ref());
                self.stmts(&set.body);
            }
            Stmt::AutoEscape(block) => {
                self.expr(&block.enabled);
                self.stmts(&block.body);
            }
            Stmt::FilterBlock(block) => {
                self.expr(&block.filter);
                self.stmts(&block.body);
            }
            Stmt::Block(block) => self.stmts(&block.body),
            Stmt::Import(import) => self.expr(&import.expr),
            Stmt::FromImport(import) => self.expr(&import.expr),
            Stmt::Extends(extends) => self.expr(&extends.name),
            Stmt::Include(include) => self.expr(&include.name),
            Stmt::Macro(macro_decl) => self.macro_decl(macro_decl),
            Stmt::CallBlock(call_block) => {
                self.call(&call_block.call);
                self.macro_decl(&call_block.macro_decl);
            }
            Stmt::Do(do_stmt) => self.call(&do_stmt.call),
        }
    }

    fn macro_decl(&mut self, macro_decl: &ast::Macro<'_>) {
        for default in &macro_decl.defaults {
            self.expr(default);
        }
        self.stmts(&macro_decl.body);
    }

    fn call(&mut self, call: &ast::Call<'_>) {
        self.expr(&call.expr);
        self.args(&call.args);
    }

    fn args(&mut self, args: &[CallArg<'_>]) {
        for arg in args {
            match arg {
                CallArg::Pos(expr)
                | CallArg::Kwarg(_, expr)
                | CallArg::PosSplat(expr)
                | CallArg::KwargSplat(expr) => self.expr(expr),
            }
        }
    }

    fn optional(&mut self, expr: Option<&Expr<'_>>) {
        if let Some(expr) = expr {
            self.expr(expr);
        }
    }

    fn expr(&mut self, expr: &Expr<'_>) {
        match expr {
            Expr::Var(_) | Expr::Const(_) => {}
            Expr::Slice(slice) => {
                self.expr(&slice.expr);
                self.optional(slice.start.as_ref());
                self.optional(slice.stop.as_ref());
                self.optional(slice.step.as_ref());
            }
            Expr::UnaryOp(unary) => self.expr(&unary.expr),
            Expr::BinOp(binop) => {
                self.binop(binop.op, binop.span());
                self.expr(&binop.left);
                self.expr(&binop.right);
            }
            Expr::Compare(compare) => {
                self.expr(&compare.expr);
                for operand in &compare.ops {
                    self.expr(&operand.expr);
                }
            }
            Expr::IfExpr(if_expr) => {
                self.expr(&if_expr.test_expr);
                self.expr(&if_expr.true_expr);
                self.optional(if_expr.false_expr.as_ref());
            }
            Expr::Filter(filter) => {
                self.optional(filter.expr.as_ref());
                self.args(&filter.args);
            }
            Expr::Test(test) => {
                self.expr(&test.expr);
                self.args(&test.args);
            }
            Expr::GetAttr(attr) => self.expr(&attr.expr),
            Expr::GetItem(item) => {
                self.expr(&item.expr);
                self.expr(&item.subscript_expr);
            }
            Expr::Call(call) => self.call(call),
            Expr::List(list) => {
                self.wrap(list.span(), LIST_FUNCTION);
                for item in &list.items {
                    self.expr(item);
                }
            }
            Expr::Tuple(tuple) => {
                for item in &tuple.items {
                    self.expr(item);
                }
            }
            Expr::Map(map) => {
                self.wrap(map.span(), DICT_FUNCTION);
                for (key, value) in map.keys.iter().zip(&map.values) {
                    self.expr(key);
                    self.expr(value);
                }
            }
        }
    }

    /// Turns `left OP right` into `FUNCTION(left , right)`.
    fn binop(&mut self, op: BinOpKind, span: Span) {
        let (function, is_operator): (&str, fn(&Token<'_>) -> bool) = match op {
            BinOpKind::Add => (ADD_FUNCTION, |token| matches!(token, Token::Plus)),
            BinOpKind::Rem => (MOD_FUNCTION, |token| matches!(token, Token::Mod)),
            BinOpKind::Div => (DIV_FUNCTION, |token| matches!(token, Token::Div)),
            BinOpKind::Concat => (CONCAT_FUNCTION, |token| matches!(token, Token::Tilde)),
            _ => return,
        };
        let Some(operator) = self.top_level_operator(span, is_operator) else {
            return;
        };
        self.wrap(span, function);
        self.edits.push(Edit {
            start: offset(operator.start_offset),
            end: offset(operator.end_offset),
            text: ",".into(),
            order: EditOrder::Replace,
        });
    }

    /// Finds the operator of a binary expression spanning `span`: the last
    /// matching token outside brackets that follows an operand (a unary `+`
    /// follows an operator instead). Operators are left-associative and the
    /// right operand binds tighter, so an unbracketed operator of the same
    /// kind can only sit in the left operand.
    fn top_level_operator(&self, span: Span, is_operator: fn(&Token<'_>) -> bool) -> Option<Span> {
        let first = self
            .tokens
            .partition_point(|(_, token_span)| token_span.start_offset < span.start_offset);
        let mut depth = 0i32;
        let mut found = None;
        let mut after_operand = false;
        for (token, token_span) in &self.tokens[first..] {
            if token_span.end_offset > span.end_offset {
                break;
            }
            match token {
                Token::ParenOpen | Token::BracketOpen | Token::BraceOpen => depth += 1,
                Token::ParenClose | Token::BracketClose | Token::BraceClose => depth -= 1,
                token if depth == 0 && after_operand && is_operator(token) => {
                    found = Some(*token_span)
                }
                _ => {}
            }
            after_operand = is_operand_end(token);
        }
        found
    }

    /// Encloses `span` in `FUNCTION(` ... `)`.
    fn wrap(&mut self, span: Span, function: &str) {
        self.edits.push(Edit {
            start: offset(span.start_offset),
            end: offset(span.start_offset),
            text: format!("{function}("),
            order: EditOrder::Open,
        });
        self.edits.push(Edit {
            start: offset(span.end_offset),
            end: offset(span.end_offset),
            text: ")".into(),
            order: EditOrder::Close,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_tag_scan_finds_tags() {
        assert!(may_have_extension_tag("{%- break %}", "{%"));
        assert!(may_have_extension_tag("a {%+ continue %}", "{%"));
        assert!(may_have_extension_tag("<% do x.append(1) %>", "<%"));
        assert!(!may_have_extension_tag("{% docker %} done", "{%"));
        assert!(!may_have_extension_tag("do break continue", "{%"));
    }

    fn rewritten(source: &str) -> String {
        rewrite(source, &SyntaxConfig::default(), None)
    }

    #[test]
    fn operators_become_calls() {
        assert_eq!(rewritten("{{ a % b }}"), "{{ __kwz_mod(a , b) }}");
        assert_eq!(
            rewritten("{{ '%s %s' % ('a', 'b') }}"),
            "{{ __kwz_mod('%s %s' , ('a', 'b')) }}"
        );
        assert_eq!(rewritten("{{ (a) % (b) }}"), "{{ __kwz_mod((a) , (b)) }}");
        assert_eq!(
            rewritten("{{ a % b % c }}"),
            "{{ __kwz_mod(__kwz_mod(a , b) , c) }}"
        );
        assert_eq!(rewritten("{{ a*b % c }}"), "{{ __kwz_mod(a*b , c) }}");
        assert_eq!(
            rewritten("{{ a % b|f(c % d) }}"),
            "{{ __kwz_mod(a , b|f(__kwz_mod(c , d))) }}"
        );
        assert_eq!(
            rewritten("{{ p / 'x' ~ y }}"),
            "{{ __kwz_concat(__kwz_div(p , 'x') , y) }}"
        );
        assert_eq!(rewritten("{{ a // b }}"), "{{ a // b }}");
        assert_eq!(rewritten("{{ a + b - c }}"), "{{ __kwz_add(a , b) - c }}");
        assert_eq!(rewritten("{{ a - -b + 1 }}"), "{{ __kwz_add(a - -b , 1) }}");
        assert_eq!(rewritten("{{ 1 + +2 }}"), "{{ __kwz_add(1 ,  2) }}");
    }

    #[test]
    fn literals_are_wrapped_but_targets_are_not() {
        assert_eq!(
            rewritten("{% set l = [] %}"),
            "{% set l = __kwz_list([]) %}"
        );
        assert_eq!(
            rewritten("{{ {'a': [1]} }}"),
            "{{ __kwz_dict({'a': __kwz_list([1])}) }}"
        );
        assert_eq!(
            rewritten("{% for a, b in [[1, 2]] %}{% endfor %}"),
            "{% for a, b in __kwz_list([__kwz_list([1, 2])]) %}{% endfor %}"
        );
        assert_eq!(
            rewritten("{{ [1] ~ x }}"),
            "{{ __kwz_concat(__kwz_list([1]) , x) }}"
        );
    }

    #[test]
    fn yield_tag_becomes_call_block() {
        assert_eq!(
            rewritten("{% yield x from items %}{{ x }}{%- endyield %}"),
            "{% call __kwz_yield(\"x\", ( items)) %}{{ x }}{%- endcall %}"
        );
    }

    #[test]
    fn text_without_expressions_is_unchanged() {
        assert_eq!(
            rewritten("100 % sure / {# a % b #}"),
            "100 % sure / {# a % b #}"
        );
        assert_eq!(rewritten("{{ broken"), "{{ broken");
    }

    #[test]
    fn other_operators_leave_text_unchanged() {
        let sources = [
            "{% for i in range(n) %}{{ i|string }}{% endfor %}",
            "{{ a - 1 }} {{ a * b }} {{ a // b }} {{ a ** 2 }}",
            "{% if a == b and not c %}{{ d.e(f=1) }}{% endif %}",
        ];
        for source in sources {
            assert_eq!(rewritten(source), source);
        }
    }

    #[test]
    fn custom_delimiters_are_honoured() {
        let syntax = SyntaxConfig::builder()
            .variable_delimiters("[[", "]]")
            .build()
            .unwrap();
        assert_eq!(
            rewrite("{{ a % b }} [[ a % b ]]", &syntax, None),
            "{{ a % b }} [[ __kwz_mod(a , b) ]]"
        );
    }

    #[test]
    fn line_comments_keep_their_newline() {
        let syntax = SyntaxConfig::default();
        assert_eq!(rewrite("a ## c\nb", &syntax, Some("##")), "a\nb");
        assert_eq!(rewrite("a\n  ## full\nb ##", &syntax, Some("##")), "a\n\nb");
        assert_eq!(
            rewrite("{{ '##' }} ## x", &syntax, Some("##")),
            "{{ '##' }}"
        );
    }

    #[test]
    fn newlines_are_normalised() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
    }
}
