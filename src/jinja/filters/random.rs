//! The Ansible filters that draw random values: `shuffle`, `ans_random`
//! and `random_mac`, seeded as Python's `random.Random` is.

use minijinja::value::{Kwargs, ValueKind};
use minijinja::{Error, State, Value};
use rand::seq::{IndexedRandom, SliceRandom};

use super::pyrandom::{PyRandom, Seed};
use super::{FilterFn, bind, iterate};
use crate::jinja::objects::{PyList, invalid, type_name};
use crate::jinja::pyformat::Number;
use crate::jinja::repr::jinja_str;

pub const FILTERS: &[(&str, FilterFn)] = &[
    ("shuffle", shuffle),
    ("ans_random", ans_random),
    ("random_mac", random_mac),
];

/// A `seed=` argument as Python's `Random` takes it.
fn seeded(seed: &Value) -> PyRandom {
    match Number::from_value(seed) {
        Some(Number::Int(number)) => PyRandom::new(Seed::Int(number)),
        _ => PyRandom::new(Seed::Text(&jinja_str(seed))),
    }
}

/// `shuffle(seed=None)`: a shuffled list, the same for the same seed as in
/// Python.
fn shuffle(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind("shuffle", &["seed"], args, kwargs)?;
    let Ok(mut items) = iterate(state, &value) else {
        return Ok(value);
    };
    match bound.value(0).filter(|seed| seed.is_true()) {
        Some(seed) => seeded(seed).shuffle(&mut items),
        None => items.shuffle(&mut rand::rng()),
    }
    Ok(PyList::value(items))
}

/// `ans_random(start=None, step=None, seed=None)`: a number from
/// `range(start, end, step)`, or an item of a sequence.
fn ans_random(
    state: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind("ans_random", &["start", "step", "seed"], args, kwargs)?;
    let mut random = bound.given(2).map(seeded);
    if let Some(Number::Int(end)) =
        Number::from_value(&value).filter(|_| value.kind() != ValueKind::Bool)
    {
        let start = bound
            .given(0)
            .map(super::args::to_int)
            .transpose()?
            .unwrap_or(0);
        let step = bound
            .given(1)
            .map(super::args::to_int)
            .transpose()?
            .unwrap_or(1);
        // Ansible replaces a zero (false) step with 1.
        let step = if step == 0 { 1 } else { step };
        let picked = match &mut random {
            Some(random) => random.randrange(i128::from(start), end, i128::from(step)),
            None => system_randrange(i128::from(start), end, i128::from(step)),
        };
        return picked.map(Value::from).ok_or_else(|| {
            invalid(format!(
                "empty range for randrange() ({start}, {end}, {step})"
            ))
        });
    }
    if matches!(
        value.kind(),
        ValueKind::String | ValueKind::Seq | ValueKind::Map | ValueKind::Iterable
    ) {
        if bound.given(0).is_some_and(Value::is_true) || bound.given(1).is_some_and(Value::is_true)
        {
            return Err(invalid(
                "start and step can only be used with integer values",
            ));
        }
        let items = iterate(state, &value)?;
        if items.is_empty() {
            return Err(invalid("Cannot choose from an empty sequence"));
        }
        let picked = match &mut random {
            Some(random) => items[random.below(items.len() as u128) as usize].clone(),
            None => items.choose(&mut rand::rng()).cloned().unwrap_or_default(),
        };
        return Ok(picked);
    }
    Err(invalid("random can only be used on sequences and integers"))
}

fn system_randrange(start: i128, stop: i128, step: i128) -> Option<i128> {
    use rand::Rng;
    let width = stop.checked_sub(start)?;
    let count = match step {
        0 => return None,
        step if step > 0 => width.checked_add(step - 1)?.div_euclid(step),
        step => width.checked_add(step + 1)?.div_euclid(step),
    };
    if count <= 0 {
        return None;
    }
    start.checked_add(step.checked_mul(rand::rng().random_range(0..count))?)
}

/// `random_mac(seed=None)`: a MAC address completing the given prefix.
fn random_mac(
    _: &mut State,
    value: Value,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let bound = bind("random_mac", &["seed"], args, kwargs)?;
    let Some(prefix) = value.as_str() else {
        return Err(invalid(format!(
            "Invalid value type ({}) for random_mac ({})",
            type_name(&value),
            jinja_str(&value)
        )));
    };
    let prefix = prefix.to_lowercase();
    let items: Vec<&str> = prefix.split(':').collect();
    if items.len() > 5 {
        return Err(invalid(format!(
            "Invalid value ({prefix}) for random_mac: 5 colon(:) separated items max"
        )));
    }
    let mut problems = Vec::new();
    for item in &items {
        if item.is_empty() {
            problems.push("empty item".to_string());
        } else if !(item.len() >= 2 && item.chars().take(2).all(|ch| ch.is_ascii_hexdigit())) {
            problems.push(format!("{item} not hexa byte"));
        }
    }
    if !problems.is_empty() {
        return Err(invalid(format!(
            "Invalid value ({prefix}) for random_mac: {}",
            problems.join(",")
        )));
    }
    let (low, high) = (68_719_476_736i128, 1_099_511_627_775i128);
    let number = match bound.given(0) {
        Some(seed) => seeded(seed).randrange(low, high + 1, 1).unwrap_or(low),
        None => system_randrange(low, high + 1, 1).unwrap_or(low),
    };
    let remain = 2 * (6 - items.len());
    let digits = format!("{number:x}");
    let digits = &digits[..remain.min(digits.len())];
    let mut out = prefix.clone();
    for pair in digits.as_bytes().chunks(2) {
        if pair.len() == 2 {
            out.push(':');
        }
        out.push_str(std::str::from_utf8(pair).unwrap_or_default());
    }
    Ok(Value::from(out))
}
