//! One question of `copier.yml`: its attributes, type, choices, default and
//! the casting and validation of an answer.
//!
//! Every attribute may be a Jinja template rendered with the answers given so
//! far, so a `Question` keeps the raw attributes and renders on demand with
//! the context it is handed. The casting rules are Python's, as Copier 9.19.1
//! applies them (`int("07")` is 7, `int("1.5")` fails, a bool is an int).

mod attributes;

use anyhow::{Context as _, Result, anyhow, bail};

use crate::jinja::{Context, Renderer, python_repr, python_str};
use crate::value::{Map, Value};

/// Marker printed by the `UNSET` variable. A default that renders it has no
/// default at all.
const UNSET_MARKER: &str = "\u{0}kwz-new:UNSET\u{0}";

/// The answer types Copier knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerType {
    Str,
    Int,
    Float,
    Bool,
    Json,
    Yaml,
    Path,
}

impl AnswerType {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "str" => AnswerType::Str,
            "int" => AnswerType::Int,
            "float" => AnswerType::Float,
            "bool" => AnswerType::Bool,
            "json" => AnswerType::Json,
            "yaml" => AnswerType::Yaml,
            "path" => AnswerType::Path,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            AnswerType::Str => "str",
            AnswerType::Int => "int",
            AnswerType::Float => "float",
            AnswerType::Bool => "bool",
            AnswerType::Json => "json",
            AnswerType::Yaml => "yaml",
            AnswerType::Path => "path",
        }
    }
}

/// One rendered choice.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub label: String,
    pub value: Value,
    /// Non-empty when the choice's validator disables it; the text says why.
    pub disabled: String,
}

/// A question as declared in `copier.yml`.
#[derive(Clone, Debug)]
pub struct Question {
    pub name: String,
    attributes: Map,
    /// The type name to render; inferred from the raw default when absent.
    type_source: Value,
}

/// Renders question attributes: the renderer plus the context of the moment.
pub struct Scope<'a> {
    pub renderer: &'a Renderer,
    pub context: &'a Context,
}

impl Question {
    /// Builds a question from its attribute mapping. `secret` comes from the
    /// attribute or from `_secret_questions`.
    pub fn new(name: &str, attributes: &Map, listed_secret: bool) -> Result<Self> {
        attributes::check_types(attributes)
            .with_context(|| format!("invalid attribute in question `{name}`"))?;
        let mut attributes = attributes.clone();
        if listed_secret {
            attributes.insert(Value::from("secret"), Value::Bool(true));
        }
        let type_source = match attributes.get(&Value::from("type")) {
            Some(Value::Str(text)) if !text.is_empty() => Value::Str(text.clone()),
            Some(Value::Str(_)) | None => {
                Value::from(inferred_type(attributes.get(&Value::from("default"))))
            }
            Some(other) => bail!(
                "question `{name}`: `type` must be a string, found {}",
                python_repr(other)
            ),
        };
        let question = Question {
            name: name.to_string(),
            attributes,
            type_source,
        };
        if question.is_secret() && question.raw_default().is_none() {
            bail!("question `{name}` is secret and needs a default value");
        }
        Ok(question)
    }

    fn attribute(&self, key: &str) -> Option<&Value> {
        self.attributes.get(&Value::from(key))
    }

    /// The `default` attribute before rendering, `None` when missing.
    pub fn raw_default(&self) -> Option<&Value> {
        self.attribute("default")
    }

    pub fn is_secret(&self) -> bool {
        self.attribute("secret").is_some_and(Value::is_truthy)
    }

    /// Reads `multiselect` as pydantic does, so `"false"` is false.
    pub fn is_multiselect(&self) -> bool {
        self.attribute("multiselect")
            .and_then(attributes::lax_bool)
            .unwrap_or(false)
    }

    pub fn has_choices(&self) -> bool {
        self.attribute("choices").is_some_and(Value::is_truthy)
    }

    /// Renders a value: strings are rendered, lists item by item, anything
    /// else is returned as it is. An undefined variable is a user error.
    pub fn render_value(&self, value: &Value, scope: &Scope<'_>) -> Result<Value> {
        match value {
            Value::Str(source) => {
                let rendered = scope
                    .renderer
                    .render_str(source, scope.context)
                    .map_err(|error| anyhow!("question `{}`: {}", self.name, error))?;
                Ok(Value::Str(rendered))
            }
            Value::List(items) => items
                .iter()
                .map(|item| self.render_value(item, scope))
                .collect::<Result<_>>()
                .map(Value::List),
            other => Ok(other.clone()),
        }
    }

    fn render_text(&self, key: &str, scope: &Scope<'_>) -> Result<String> {
        match self.attribute(key) {
            None => Ok(String::new()),
            Some(value) => Ok(python_str(&self.render_value(value, scope)?)),
        }
    }

    fn render_flag(&self, key: &str, fallback: bool, scope: &Scope<'_>) -> Result<bool> {
        match self.attribute(key) {
            None => Ok(fallback),
            Some(value) => Ok(cast_to_bool(&self.render_value(value, scope)?)),
        }
    }

    /// The rendered answer type.
    pub fn answer_type(&self, scope: &Scope<'_>) -> Result<AnswerType> {
        let rendered = python_str(&self.render_value(&self.type_source, scope)?);
        AnswerType::parse(&rendered)
            .ok_or_else(|| anyhow!("unsupported type `{rendered}` in question `{}`", self.name))
    }

    pub fn when(&self, scope: &Scope<'_>) -> Result<bool> {
        self.render_flag("when", true, scope)
    }

    pub fn ask(&self, scope: &Scope<'_>) -> Result<bool> {
        self.render_flag("ask", true, scope)
    }

    pub fn multiline(&self, scope: &Scope<'_>) -> Result<bool> {
        self.render_flag("multiline", false, scope)
    }

    pub fn help(&self, scope: &Scope<'_>) -> Result<String> {
        self.render_text("help", scope)
    }

    pub fn placeholder(&self, scope: &Scope<'_>) -> Result<String> {
        self.render_text("placeholder", scope)
    }

    /// The prompt text: the rendered help, or the name and its type.
    pub fn message(&self, scope: &Scope<'_>) -> Result<String> {
        let help = self.help(scope)?;
        if !help.is_empty() {
            return Ok(help);
        }
        let answer_type = self.answer_type(scope)?;
        Ok(match answer_type {
            AnswerType::Str => self.name.clone(),
            other => format!("{} ({})", self.name, other.name()),
        })
    }

    /// The choices, rendered. A string is rendered and read as YAML first.
    pub fn choices(&self, scope: &Scope<'_>) -> Result<Vec<Choice>> {
        let Some(raw) = self.attribute("choices") else {
            return Ok(Vec::new());
        };
        let raw = match raw {
            Value::Str(source) => {
                let rendered = python_str(&self.render_value(&Value::Str(source.clone()), scope)?);
                crate::yaml::load(&rendered).map_err(|error| {
                    anyhow!("question `{}`: invalid choices: {error}", self.name)
                })?
            }
            other => other.clone(),
        };
        let pairs: Vec<(Value, Value, bool)> = match raw {
            Value::Map(map) => map
                .into_iter()
                .map(|(label, value)| (label, value, true))
                .collect(),
            Value::List(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::List(pair) if pair.len() == 2 => {
                        (pair[0].clone(), pair[1].clone(), true)
                    }
                    Value::List(other) => (Value::List(other.clone()), Value::List(other), false),
                    other => (other.clone(), other, false),
                })
                .collect(),
            Value::Null => Vec::new(),
            other => bail!(
                "question `{}`: `choices` must be a list or a mapping, found {}",
                self.name,
                python_repr(&other)
            ),
        };
        let answer_type = self.answer_type(scope)?;
        let mut choices = Vec::new();
        for (label, value, is_pair) in pairs {
            let choice = self.build_choice(label, value, is_pair, scope)?;
            cast_answer(&self.name, &choice.value, answer_type, false)?;
            choices.push(choice);
        }
        Ok(choices)
    }

    fn build_choice(
        &self,
        label: Value,
        value: Value,
        is_pair: bool,
        scope: &Scope<'_>,
    ) -> Result<Choice> {
        let label = python_str(&self.render_value(&label, scope)?);
        let (value, disabled) = match value {
            Value::Map(spec) if is_pair => {
                let inner = spec.get(&Value::from("value")).cloned().ok_or_else(|| {
                    anyhow!("question `{}`: choice `{label}` needs a `value`", self.name)
                })?;
                let disabled = match spec.get(&Value::from("validator")) {
                    None => String::new(),
                    Some(Value::Str(source)) => {
                        python_str(&self.render_value(&Value::Str(source.clone()), scope)?)
                    }
                    Some(_) => bail!(
                        "question `{}`: the validator of choice `{label}` must be a string",
                        self.name
                    ),
                };
                (inner, disabled)
            }
            // A mapping value of a mapping-form choice means "same as label".
            Value::Null if is_pair => (Value::Str(label.clone()), String::new()),
            other => (other, String::new()),
        };
        let value = self.render_value(&value, scope)?;
        Ok(Choice {
            label,
            value,
            disabled,
        })
    }

    /// Casts and checks an answer against the type and the choices.
    pub fn parse_answer(&self, answer: &Value, scope: &Scope<'_>) -> Result<Value> {
        let answer_type = self.answer_type(scope)?;
        if !self.is_multiselect() {
            return self.parse_single(answer, answer_type, scope);
        }
        let items = match answer {
            Value::Str(text) => split_yaml_list(text)
                .with_context(|| {
                    format!(
                        "question `{}`: not a YAML list: {}",
                        self.name,
                        python_repr(answer)
                    )
                })?
                .into_iter()
                .map(Value::Str)
                .collect(),
            Value::List(items) => items.clone(),
            other => bail!(
                "question `{}`: a multiselect answer must be a list, found {}",
                self.name,
                python_repr(other)
            ),
        };
        let parsed: Vec<Value> = items
            .iter()
            .map(|item| self.parse_single(item, answer_type, scope))
            .collect::<Result<_>>()?;
        let mut ordered = Vec::new();
        for choice in self.choices(scope)? {
            let value = cast_answer(&self.name, &choice.value, answer_type, false)?;
            if parsed.contains(&value) {
                ordered.push(value);
            }
        }
        Ok(Value::List(ordered))
    }

    fn parse_single(
        &self,
        answer: &Value,
        answer_type: AnswerType,
        scope: &Scope<'_>,
    ) -> Result<Value> {
        let cast = cast_answer(&self.name, answer, answer_type, self.is_multiselect())?;
        let choices = self.choices(scope)?;
        if choices.is_empty() {
            return Ok(cast);
        }
        let mut disabled_reason = String::new();
        let mut enabled = Vec::new();
        for choice in &choices {
            let value = cast_answer(&self.name, &choice.value, answer_type, false)?;
            if choice.disabled.is_empty() {
                if value == cast {
                    return Ok(cast);
                }
                enabled.push(value);
            } else if value == cast && disabled_reason.is_empty() {
                disabled_reason = choice.disabled.clone();
            }
        }
        let detail = if disabled_reason.is_empty() {
            format!(
                "{} is not in {}",
                python_repr(&cast),
                python_repr(&Value::List(enabled))
            )
        } else {
            disabled_reason
        };
        bail!("invalid choice for `{}`: {detail}", self.name)
    }

    /// Renders the validator with the candidate answer bound to the question
    /// name; non-blank output is the error message.
    pub fn validate_answer(&self, answer: &Value, scope: &Scope<'_>) -> Result<()> {
        let Some(Value::Str(source)) = self.attribute("validator") else {
            return Ok(());
        };
        let mut context = scope.context.clone();
        context.insert(&self.name, answer);
        let message = match scope.renderer.render_str(source, &context) {
            Ok(text) => text.trim().to_string(),
            Err(error) => error.to_string(),
        };
        if message.is_empty() {
            Ok(())
        } else if self.is_secret() {
            bail!("validation error for question `{}`: {message}", self.name)
        } else {
            // The value is shown because it may come from a default or a
            // data file rather than from what the user just typed.
            bail!(
                "validation error for question `{}`: {message} (value: {})",
                self.name,
                python_repr(answer)
            )
        }
    }

    /// Renders the template default. Returns `None` when there is no default
    /// or it renders `{{ UNSET }}`.
    pub fn rendered_default(
        &self,
        user_default: Option<&Value>,
        scope: &Scope<'_>,
    ) -> Result<Option<Value>> {
        let Some(raw) = user_default.or(self.raw_default()) else {
            return Ok(None);
        };
        let mut context = scope.context.clone();
        context.insert("UNSET", &Value::from(UNSET_MARKER));
        let rendered = self.render_value(
            raw,
            &Scope {
                renderer: scope.renderer,
                context: &context,
            },
        )?;
        if contains_unset(&rendered) {
            return Ok(None);
        }
        Ok(Some(rendered))
    }
}

fn contains_unset(value: &Value) -> bool {
    match value {
        Value::Str(text) => text.contains(UNSET_MARKER),
        Value::List(items) => items.iter().any(contains_unset),
        _ => false,
    }
}

/// The type Copier infers from the raw default when `type` is absent.
fn inferred_type(default: Option<&Value>) -> &'static str {
    match default {
        Some(Value::Bool(_)) => "bool",
        Some(Value::Int(_)) => "int",
        Some(Value::Float(_)) => "float",
        Some(Value::Str(_)) => "str",
        _ => "yaml",
    }
}

/// Casts an answer to the question type, as Copier's `cast_answer` does.
pub fn cast_answer(
    question: &str,
    answer: &Value,
    answer_type: AnswerType,
    multiselect: bool,
) -> Result<Value> {
    if matches!(answer, Value::Null) && !matches!(answer_type, AnswerType::Json | AnswerType::Yaml)
    {
        bail!(
            "invalid answer `None` to question `{question}` of type `{}`",
            answer_type.name()
        );
    }
    if multiselect && let Value::List(items) = answer {
        return items
            .iter()
            .map(|item| cast_answer(question, item, answer_type, false))
            .collect::<Result<_>>()
            .map(Value::List);
    }
    let cast = match answer_type {
        AnswerType::Str => cast_to_str(answer),
        AnswerType::Path => Ok(Value::Str(python_str(answer))),
        AnswerType::Int => python_int(answer),
        AnswerType::Float => python_float(answer),
        AnswerType::Bool => Ok(Value::Bool(cast_to_bool(answer))),
        AnswerType::Json => match answer {
            Value::Str(text) => json_to_value(text),
            other => Ok(other.clone()),
        },
        AnswerType::Yaml => match answer {
            Value::Str(text) => crate::yaml::load(text).map_err(|error| anyhow!("{error}")),
            other => Ok(other.clone()),
        },
    };
    cast.with_context(|| {
        format!(
            "invalid answer {} to question `{question}` of type `{}`",
            python_repr(answer),
            answer_type.name()
        )
    })
}

fn cast_to_str(value: &Value) -> Result<Value> {
    match value {
        Value::Str(_) => Ok(value.clone()),
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => Ok(Value::Str(python_str(value))),
        other => bail!("cannot convert {} to a string", python_str(other)),
    }
}

/// Python's `int(x)`.
fn python_int(value: &Value) -> Result<Value> {
    match value {
        Value::Int(_) => Ok(value.clone()),
        Value::Bool(flag) => Ok(Value::Int(i128::from(*flag))),
        Value::Float(number) if number.is_finite() => Ok(Value::Int(number.trunc() as i128)),
        Value::Str(text) => parse_python_int(text).map(Value::Int).ok_or_else(|| {
            anyhow!(
                "invalid literal for int() with base 10: {}",
                python_repr(value)
            )
        }),
        other => bail!(
            "int() argument must be a string or a number, not {}",
            other.type_name()
        ),
    }
}

/// Parses a decimal integer as Python's `int(str)` does: surrounding
/// whitespace, a sign, and single underscores between digits.
pub fn parse_python_int(text: &str) -> Option<i128> {
    let trimmed = text.trim();
    let (negative, digits) = match trimmed.as_bytes().first()? {
        b'-' => (true, &trimmed[1..]),
        b'+' => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    if !valid_digit_groups(digits) {
        return None;
    }
    let number: i128 = digits.replace('_', "").parse().ok()?;
    Some(if negative { -number } else { number })
}

/// True for `1`, `1_000`; false for ``, `_1`, `1__0`, `1_`.
fn valid_digit_groups(digits: &str) -> bool {
    !digits.is_empty()
        && digits
            .split('_')
            .all(|group| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit()))
}

/// Python's `float(x)`.
fn python_float(value: &Value) -> Result<Value> {
    match value {
        Value::Float(_) => Ok(value.clone()),
        Value::Int(number) => Ok(Value::Float(*number as f64)),
        Value::Bool(flag) => Ok(Value::Float(f64::from(u8::from(*flag)))),
        Value::Str(text) => parse_python_float(text)
            .map(Value::Float)
            .ok_or_else(|| anyhow!("could not convert string to float: {}", python_repr(value))),
        other => bail!(
            "float() argument must be a string or a number, not {}",
            other.type_name()
        ),
    }
}

/// Parses a float as Python's `float(str)` does (`1e3`, `inf`, `-nan`,
/// `1_000.5`, surrounding whitespace).
pub fn parse_python_float(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    let (sign, body) = match trimmed.as_bytes().first()? {
        b'-' => (-1.0, &trimmed[1..]),
        b'+' => (1.0, &trimmed[1..]),
        _ => (1.0, trimmed),
    };
    let lowered = body.to_ascii_lowercase();
    match lowered.as_str() {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    let (mantissa, exponent) = match lowered.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (lowered.as_str(), None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let whole_ok = whole.is_empty() || valid_digit_groups(whole);
    let fraction_ok = fraction.is_empty() || valid_digit_groups(fraction);
    if !whole_ok || !fraction_ok || (whole.is_empty() && fraction.is_empty()) {
        return None;
    }
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if !valid_digit_groups(digits) {
            return None;
        }
    }
    let number: f64 = lowered.replace('_', "").parse().ok()?;
    Some(sign * number)
}

/// Copier's `cast_to_bool`: numbers by value, then YAML-like words, then
/// Python truthiness.
pub fn cast_to_bool(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => *flag,
        Value::Int(number) => *number != 0,
        Value::Float(number) => *number != 0.0,
        Value::Str(text) => {
            if let Some(number) = parse_python_float(text) {
                return number != 0.0;
            }
            let lowered = text.trim().to_lowercase();
            match lowered.as_str() {
                "" => false,
                "y" | "yes" | "t" | "true" | "on" => true,
                "n" | "no" | "f" | "false" | "off" | "~" | "null" | "none" => false,
                _ => true,
            }
        }
        other => other.is_truthy(),
    }
}

/// Python's `json.loads` into a `Value`, keeping key order.
pub fn json_to_value(text: &str) -> Result<Value> {
    crate::pyjson::loads(text)
        .with_context(|| format!("invalid JSON {}", python_repr(&Value::from(text))))
}

/// Splits a YAML list into the raw text of its items, as Copier's
/// `parse_yaml_list` does for multiselect answers: only the outer list is
/// parsed, and quotes around a quoted item are removed.
///
/// NOTE: this reads flow lists (`[a, b]`) and block lists (`- a`) with
/// scalar items; nested collections inside an item are kept as raw text.
pub fn split_yaml_list(text: &str) -> Result<Vec<String>> {
    let trimmed = text.trim();
    let raw_items = if let Some(inner) = trimmed.strip_prefix('[') {
        let inner = inner.strip_suffix(']').context("unclosed `[`")?;
        split_flow_items(inner)
    } else if trimmed.starts_with("- ") || trimmed == "-" {
        split_block_items(trimmed)?
    } else {
        bail!("not a list");
    };
    Ok(raw_items
        .into_iter()
        .map(|item| unquote(item.trim()))
        .collect())
}

fn split_flow_items(inner: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for character in inner.chars() {
        match (quote, character) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(character),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                items.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(character);
    }
    if !current.trim().is_empty() {
        items.push(current);
    }
    items
}

fn split_block_items(text: &str) -> Result<Vec<String>> {
    let mut items: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line
            .strip_prefix("- ")
            .or(if line == "-" { Some("") } else { None })
        {
            items.push(rest.to_string());
        } else if line.starts_with(' ') && !items.is_empty() {
            let last = items.last_mut().expect("checked non-empty");
            last.push('\n');
            last.push_str(line);
        } else if !line.trim().is_empty() {
            bail!("not a list");
        }
    }
    Ok(items)
}

fn unquote(item: &str) -> String {
    let quoted = item.len() >= 2
        && ((item.starts_with('"') && item.ends_with('"'))
            || (item.starts_with('\'') && item.ends_with('\'')));
    if quoted {
        item[1..item.len() - 1].to_string()
    } else {
        item.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bool_cast_follows_copier() {
        let cases = [
            ("0", false),
            ("0.0", false),
            ("2", true),
            ("nan", true),
            ("", false),
            ("  Yes ", true),
            ("off", false),
            ("none", false),
            ("~", false),
            ("maybe", true),
        ];
        for (text, expected) in cases {
            assert_eq!(cast_to_bool(&Value::from(text)), expected, "{text:?}");
        }
        assert!(!cast_to_bool(&Value::Null));
        assert!(!cast_to_bool(&Value::List(vec![])));
    }

    #[test]
    fn int_parsing_matches_python() {
        assert_eq!(parse_python_int(" 07 "), Some(7));
        assert_eq!(parse_python_int("-1_000"), Some(-1000));
        assert_eq!(parse_python_int("1.5"), None);
        assert_eq!(parse_python_int("1__0"), None);
        assert_eq!(parse_python_int(""), None);
    }

    #[test]
    fn float_parsing_matches_python() {
        assert_eq!(parse_python_float("1e3"), Some(1000.0));
        assert_eq!(parse_python_float(" -Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_python_float("1_000.5"), Some(1000.5));
        assert_eq!(parse_python_float(".5"), Some(0.5));
        assert_eq!(parse_python_float("5."), Some(5.0));
        assert_eq!(parse_python_float("."), None);
        assert_eq!(parse_python_float("0x10"), None);
        assert!(parse_python_float("nan").unwrap().is_nan());
    }

    #[test]
    fn str_cast_prints_numbers_and_rejects_lists() {
        assert_eq!(
            cast_answer("q", &Value::Int(5), AnswerType::Str, false).unwrap(),
            Value::from("5")
        );
        assert!(cast_answer("q", &Value::List(vec![]), AnswerType::Str, false).is_err());
        assert!(cast_answer("q", &Value::Null, AnswerType::Int, false).is_err());
        assert_eq!(
            cast_answer("q", &Value::Null, AnswerType::Json, false).unwrap(),
            Value::Null
        );
    }

    #[test]
    fn multiselect_lists_split_shallowly() {
        assert_eq!(
            split_yaml_list("[3.12, 3.10]").unwrap(),
            vec!["3.12", "3.10"]
        );
        assert_eq!(
            split_yaml_list("['a, b', \"c\"]").unwrap(),
            vec!["a, b", "c"]
        );
        assert_eq!(split_yaml_list("- x\n- 'y'").unwrap(), vec!["x", "y"]);
        assert!(split_yaml_list("plain").is_err());
    }

    #[test]
    fn type_inferred_from_raw_default() {
        assert_eq!(inferred_type(Some(&Value::Bool(true))), "bool");
        assert_eq!(inferred_type(Some(&Value::from("{{ 1 + 1 }}"))), "str");
        assert_eq!(inferred_type(Some(&Value::Null)), "yaml");
        assert_eq!(inferred_type(None), "yaml");
    }
}
