"""Record yaml-extra.json: more YAML load and dump vectors from PyYAML.

Run with the Python of Copier's environment (PyYAML 6.0.4 and
jinja2-ansible-filters 1.3.2), from the repository root:

    /opt/copier-venv/bin/python tests/vectors/record_yaml.py

The output has the format of yaml-load.json and yaml-dump.json (see
README.md): load vectors contain `yaml` with `expected` or `error`, dump
vectors contain `value` with `to_yaml` and `to_nice_yaml`. Cases whose
result has no typed-JSON form (bytes, sets, tuples, integers beyond 128
bits) are left out. The Rust unit tests cover what kwz-new does with them.
"""

import datetime
import json
import math
import pathlib

import yaml
from jinja2_ansible_filters.core_filters import to_nice_yaml, to_yaml

OUTPUT = pathlib.Path(__file__).with_name("yaml-extra.json")
I128 = 2**127


class Untyped(Exception):
    """A loaded value that typed JSON cannot hold."""


def typed(value):
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        if not -I128 <= value < I128:
            raise Untyped(value)
        return {"type": "int", "value": str(value)}
    if isinstance(value, float):
        if math.isnan(value):
            text = "nan"
        elif math.isinf(value):
            text = "inf" if value > 0 else "-inf"
        else:
            text = repr(value)
        return {"type": "float", "value": text}
    if isinstance(value, str):
        return {"type": "str", "value": value}
    if isinstance(value, datetime.datetime):
        return {"type": "datetime", "value": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"type": "date", "value": value.isoformat()}
    if isinstance(value, list):
        return {"type": "list", "value": [typed(item) for item in value]}
    if isinstance(value, dict):
        pairs = [[typed(key), typed(item)] for key, item in value.items()]
        return {"type": "map", "value": pairs}
    raise Untyped(value)


def record_load(text):
    try:
        loaded = yaml.safe_load(text)
    except Exception as error:  # PyYAML also raises ValueError, KeyError...
        return {"yaml": text, "error": f"{type(error).__name__}: {error}"}
    try:
        return {"yaml": text, "expected": typed(loaded)}
    except (Untyped, RecursionError):
        return None


def record_dump(value):
    vector = {"value": typed(value)}
    for name, dump in (("to_yaml", to_yaml), ("to_nice_yaml", to_nice_yaml)):
        try:
            vector[name] = dump(value)
        except Exception:
            vector[name] = None
    return vector


# Plain scalars at the edges of the YAML 1.1 resolvers.
RESOLVER_WORDS = """
yes Yes YES yEs y Y n N no No NO on On ON oN off Off OFF true True TRUE tRUE
false False FALSE ~ null Null NULL nULL none None
0 -0 +0 00 012 -012 0o17 08 09 0x1F 0X1F -0x1f 0xff_ff 0x 0b101 0b1_0 -0b11
0b 0b2 1_000 1__0 _1 1_ 1:30 -1:30 +1:30 1:30:00 1:60 01:30 0:30 1:5 190:20:30
12345678901234567890123456789012345678
1.5 1. .5 -.5 +.5 1.5e3 1.5e+3 1.5E+3 1e+3 1.0e3 1.e+3 6.8523015e+5
685.230_15e+03 685_230.15 190:20:30.15 -1:30.5 1:30. .inf .Inf .INF -.inf
+.inf -.Inf .nan .NaN .NAN -.nan +.nan inf nan 0.0 -0.0 1_000.5 3.10 ._5 1.5_
0.1e-05 1.0e-400 1.0e+400 09.5 -09.5
2024-01-31 2024-1-31 2024-01-31T10:20:30 2024-01-31t10:20:30
2024-01-31T10:20:30.123456789 2024-01-31T10:20:30.5Z 2024-01-31T10:20:30+05:30
2024-01-31T10:20:30-5 2024-01-31T10:20:30. 2024-01-31T1:02:03 2024-01-31T10:20
2024-02-29 2023-02-29 2024-02-30 2024-13-01 0000-01-01 2024-01-31T24:00:00
2024-01-31T10:60:00 2024-01-31T10:20:60 2024-01-31T10:20:30+24:00
2024-01-31T10:20:30+23:59 2024-01-31T10:20:30+05:99
<< = - -- --- ... ? : -x ?x :x x: x:y a#b a,b @ `x %x &a *a !a |x >x
""".split()

LOAD_TEXTS = [f"value: {word}\n" for word in RESOLVER_WORDS] + [
    # Timestamps with spaces.
    "2024-01-31 10:20:30\n",
    "2024-01-31  10:20:30\n",
    "2024-01-31 \t10:20:30 +01:00\n",
    "2024-1-3 1:02:03\n",
    "2024-01-31 10:20:30 Z\n",
    # Quoted scalars and escapes.
    "'it''s'",
    "'multi\n  line\n\n  text'",
    "\"\\x41\\u00e9\\U0001F389\\N\\_\\L\\P\\e\\0\\a\\b\\t\\v\\f\\r\\\"\\\\\\ \"",
    "\"\\/\"",
    "\"fold\\\n    ed\"",
    "\"keep\\n  space \"",
    "\"a\n\n  b\"",
    "\"tab\there\"",
    "\"\\q\"",
    # Block scalars.
    "a: |\n  one\n  two\n",
    "a: |-\n  one\n  two\n",
    "a: |+\n  one\n  two\n\n\nb: 1\n",
    "a: >\n  one\n  two\n\n  three\n   indented\n  four\n",
    "a: >-\n  one\n  two\n",
    "a: |2\n    indented\n  base\n",
    "a: |\n\n  after blank\n",
    "a: >\n\n",
    "- |\n  x\n- >\n  y\n",
    # Plain multi-line folding.
    "a: one\n  two\n\n  three\n",
    "a: one   two\n",
    "- one\n  two\n",
    # Flow collections.
    "[a, b, [c, d], {e: f}]",
    "{a: 1, b: , c}",
    "[a: 1, b]",
    "{? a : b}",
    "[a, b, ]",
    "{a: [1, 2], b: {c: d}}",
    "[ 'x', \"y\" ]",
    "{a:1}",
    "[a:1]",
    "{'a':1}",
    "[1, 2",
    # Block structures.
    "a:\n  - 1\n  - 2\nb:\n- 3\n",
    "- a: 1\n  b: 2\n- c: 3\n",
    "- - 1\n  - 2\n- - 3\n",
    "? a\n: b\n? - c\n  - d\n: e\n",
    "a:\n  b:\n    c: d\n",
    "a: 1\n b: 2\n",
    "a: 1\nb\n",
    "- a\nb: 1\n",
    "a: b: c\n",
    "key: value # comment\n# full line\nother: x#y\n",
    # Keys.
    "1: a\n2.5: b\ntrue: c\n~: d\n2024-01-31: e\n",
    "a: 1\na: 2\nb: 3\n",
    "1: a\n1.0: b\n",
    "[a]: 1\n",
    "{a: 1}: 2\n",
    "? [a]\n: 1\n",
    "? \n: empty key\n",
    "'': empty\n",
    # Anchors and aliases.
    "a: &x 1\nb: *x\n",
    "a: &x [1, 2]\nb: *x\nc: [*x, *x]\n",
    "&x a: b\n*x : c\n",
    "a: *undefined\n",
    "a: &x 1\nb: &x 2\n",
    "--- &x 1\n--- *x\n",
    "a: &x\nb: *x\n",
    "a: &x !!str 5\nb: *x\n",
    # Merge keys.
    "base: &b {a: 1, b: 2}\nderived:\n  <<: *b\n  b: 3\n",
    "x: &x {a: 1}\ny: &y {a: 2, b: 2}\nz:\n  <<: [*x, *y]\n  c: 3\n",
    "x: &x {aa: 1}\ny: &y {aa: 2, bb: 2}\nz:\n  <<: [*x, *y]\n",
    "z:\n  b: 0\n  <<: {a: 1, b: 2}\n",
    "z:\n  <<: {a: 1}\n  <<: {b: 2}\n",
    "z:\n  <<: {aa: 1}\n  <<: {aa: 2}\n",
    "z:\n  <<: {<<: {deep: 1}, mid: 2}\n",
    "z:\n  <<: [{ж: 1}, {ж: 2}]\n",
    "z:\n  <<: [{é: 1}, {é: 2}]\n",
    "z:\n  <<: [{'': 1}, {'': 2}]\n",
    "z:\n  <<: [{1: 1}, {1: 2}]\n",
    "z:\n  <<: [{10: 1}, {10: 2}]\n",
    "a: &a {xx: 1}\nc: {<<: [*a, *a]}\n",
    "a: &a {xx: 1, <<: {yy: 3}}\nc: {<<: [*a, {yy: 5}]}\n",
    "z:\n  <<: 1\n",
    "z:\n  <<: [1]\n",
    "z:\n  <<: [[1]]\n",
    "- <<\n",
    "<<: {a: 1}\n",
    "a: =\n",
    "=: 1\n",
    "{=: 1}\n",
    # Explicit tags.
    "!!str 123",
    "!!str",
    "!!str ~",
    "!!int '7'",
    "!!int 0x1F",
    "!!int 0o17",
    "!!int 1.5",
    "!!int ''",
    "!!int '08'",
    "!!int '1_0'",
    "!!float 1",
    "!!float '1e3'",
    "!!float inf",
    "!!float abc",
    "!!float '1:30'",
    "!!bool yes",
    "!!bool 'TRUE'",
    "!!bool maybe",
    "!!null ''",
    "!!null x",
    "!!timestamp 2024-01-31",
    "!!timestamp '2024-01-31 10:20:30'",
    "!!timestamp bad",
    "!!seq [a]",
    "!!map {a: 1}",
    "!!seq {a: 1}",
    "!!map [a]",
    "!!str [a]",
    "!!str {=: hidden}",
    "!!int {=: '12'}",
    "!!python/tuple [1, 2]",
    "!!python/name:os.system",
    "!!python/object/apply:os.system ['true']",
    "!foo bar",
    "!include other.yml",
    "! 'yes'",
    "! 12",
    "! [1]",
    "!<tag:yaml.org,2002:str> 12",
    "!<tag:yaml.org,2002:int> '12'",
    "%TAG !e! tag:yaml.org,2002:\n---\n!e!int '5'\n",
    "%TAG !e! tag:example.com,2000:\n---\n!e!thing x\n",
    "!!merge x",
    "!!value x",
    # Documents and streams.
    "",
    "---",
    "---\n",
    "# only a comment\n",
    "--- !!str",
    "---\n...\n",
    "--- a\n",
    "a\n...\n",
    "a: 1\n---\nb: 2\n",
    "---\n---\n",
    "%YAML 1.1\n---\na: 1\n",
    "%YAML 1.2\n---\na: 1\n",
    "%YAML 2.0\n---\na: 1\n",
    "%YAML 1.1\n%YAML 1.1\n---\na\n",
    "%FOO bar\n---\na\n",
    "...\n",
    # Characters and line breaks.
    "\ufeffa: 1\n",
    "a: 1\r\nb: |\r\n  x\r\n  y\r\n",
    "a: 'x\r\n  y'\r\n",
    "a: x\u2028y\n",
    "a: x\x85y\n",
    "a: \x01\n",
    "a: \x7f\n",
    "a: \x9f\n",
    "a: \u00a0x\n",
    "a: \ufeffx\n",
    "a: x\ufeff\n",
    "a: \U0001F389 \u65e5\u672c e\u0301\n",
    "a:\tb\n",
    "\ta: 1\n",
    "a: b\t\n",
    "a: 'b\tc'\n",
    "- x\t# comment\n",
    # Errors.
    "a: [1, 2\n",
    "a: {b: 1\n",
    "a: 'unclosed\n",
    "a: \"unclosed\n",
    "key: @value\n",
    "key: `value\n",
    "a:\n  - b\n  c: d\n",
    "- a\n - b\n",
    "a: 1\n  - b\n",
    "&anchor\n",
    "*alias\n",
    "a: |\n  x\n y\n",
    "'a' 'b'\n",
    "[!!str, b]\n",
    ">\u2028 a",
    "d: |\n  \te\n",
    "- 'a\u2028  b'\n",
    "- 'a\x85  b'\n",
    "- '\u2028  '\n",
    "\uff21: 1\n",
]

# Strings that test quoting, escapes and style choice.
STRINGS = [
    *RESOLVER_WORDS,
    "", " ", "  ", " x", "x ", " x ", "\t", "a\tb", "\ttab", "tab\t",
    "a\x01b", "\x7f", "\x80", "\x9f", "\x85", "a\x85b", "\u2028", "a\u2028b",
    "a\u2029b", "\ufeff", "a\ufeffb", "\xa0", "a\xa0b", "\xa0lead", "trail\xa0",
    "é", "日本語", "🎉", "a\u0301", "\U0010ffff", "\U0010fffe", "\ue000",
    "\uffff", "\ufffd", "\ud7ff",
    "-", "--", "---", "...", "--- x", "... x", "---x", "- x", "-x", "? x", "?x",
    ": x", ":x", "x:", "x: y", "x:y", "#", "#x", "x #y", "x#y", "x # y",
    "a,b", "a, b", "[", "]", "{", "}", "[a]", "{a}", "|", ">", "|x", ">x",
    "'", '"', "%", "@", "`", "a'b", 'a"b', "'quoted'", '"dq"', "a\\b", "\\",
    "it's a 'test'", 'say "hi" and \'bye\'', "!", "&", "*", "!x", "&x", "*x",
    "a\nb", "a\n\nb", "a\n", "a\n\n", "\na", "\n\na", "a \nb", "a\n b",
    "a\r\nb", "a\rb", "line1\nline2 with trailing  \nline3", "x\n" * 4,
    "a\n\x85b", "a\x85", "  \n  ", "\n", "\n\n",
    "key with spaces", "x" * 200, "word " * 30, ("word " * 30).strip(),
    "a  b  c " * 12, "comma, separated, " * 8, "colon: " * 15,
    "tab\tand " * 15, "mix 'quote' " * 10, "é " * 60,
]


def folding_strings():
    """Strings whose words end right around column 80."""
    texts = []
    for length in range(74, 88):
        for word in (1, 2, 5, 9):
            unit = "w" * word + " "
            text = (unit * (length // len(unit) + 2))[:length].rstrip() + " end"
            texts.append(text)
    texts.append("x" * 79 + " y")
    texts.append("x" * 80 + " y")
    texts.append("x" * 81 + " y")
    texts.append("x" * 78 + " y z")
    return texts


def long_keys():
    keys = {}
    for length in (121, 122, 123, 124, 127, 128, 130):
        keys["k" * length] = length
    return keys


DATES = [
    datetime.date(2024, 1, 31),
    datetime.date(1, 1, 1),
    datetime.datetime(2024, 1, 31, 10, 20, 30),
    datetime.datetime(2024, 1, 31, 10, 20, 30, 500000),
    datetime.datetime(2024, 1, 31, 10, 20, 30, tzinfo=datetime.timezone.utc),
    datetime.datetime(
        2024, 1, 31, 10, 20, 30, 123, datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    ),
    datetime.datetime(2024, 1, 31, tzinfo=datetime.timezone(datetime.timedelta(hours=-8))),
    datetime.datetime(
        2024, 1, 31, tzinfo=datetime.timezone(datetime.timedelta(hours=5, seconds=30))
    ),
]

NUMBERS = [
    0, -1, 2**64, -(2**100), 10**30, 2**127 - 1, -(2**127),
    0.1, 1e16, 1e15, 123456789012345678.0, 1e-4, 1e-5, 1.5e-7, -2.5e300, 5e-324,
    1.7976931348623157e308, math.inf, -math.inf, math.nan, 3.0, 1 / 3, 100.0,
    True, False, None,
]

COLLECTIONS = [
    ["", "a", ""],
    [[], {}, [[]], [{}]],
    [{"name": "web", "ports": [80, 443]}, {"name": "db", "ports": []}],
    {"a": [{"b": [{"c": [1, 2]}]}]},
    {"list": [["x", "y"], ["z"]], "map": {"k": {"k2": "v"}}},
    [[["deep"]]],
    {"outer": {"inner": {"leaf": None, "items": ["a", "b"]}}},
    {"multi": "one\ntwo\n", "quote": "it's", "tab": "a\tb", "empty": ""},
    ["short", "x" * 90, "word " * 20],
    list(range(40)),
    ["item-%d" % number for number in range(20)],
    {("key%d" % number): number for number in range(12)},
    {"k": "v " * 50},
    ["a\nb", "c"],
    {"a\nb": 1},
    {"": 1, "b": 2},
    {"yes": "no", "1": 1, "null": None, "~": "~"},
    {"Zeta": 1, "_commit": 2, "alpha": 3, "é": 4, "Ä": 5, "_src_path": 6, "a b": 7},
    {1: "int", "a": "str"},
    {"a": "str", 1: "int"},
    {True: "bool", 2: "int", 1.5: "float"},
    {None: "none"},
    {None: "none", "a": 1},
    {2.5: "x", -1: "y", 0: "z"},
    {datetime.date(2024, 1, 2): "b", datetime.date(2023, 5, 6): "a"},
    {datetime.date(2024, 1, 2): "date", "s": "str"},
    {
        datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone.utc): "utc",
        datetime.datetime(
            2024, 1, 1, 13, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
        ): "plus two",
    },
    long_keys(),
    {"k" * 124: ["a", "b"], "short": {"k" * 130: 1}},
    [long_keys()],
    {"x: y": 1, "- a": 2, "#c": 3, "a #b": 4},
    {"nested": [{"a": "x\ny", "b": ["p\nq"]}]},
    [{"a": 1, "b": [1, 2]}, [{"c": {}}]],
    {"flowwidth": ["word%d" % number for number in range(30)]},
    {"m": {("key%d" % number): "value%d" % number for number in range(10)}},
]


def main():
    vectors = []
    for text in LOAD_TEXTS:
        vector = record_load(text)
        if vector is not None:
            vectors.append(vector)
    values = STRINGS + folding_strings() + DATES + NUMBERS + COLLECTIONS
    for text in folding_strings() + STRINGS[-12:]:
        values.append({"key": text})
        values.append([text])
        values.append({"outer": {"inner": text}})
        values.append([[text]])
    for value in values:
        vectors.append(record_dump(value))
    OUTPUT.write_text(json.dumps(vectors, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(vectors)} vectors to {OUTPUT}")


if __name__ == "__main__":
    main()
