"""Record template renders from Copier 9.19.1's Jinja2 environment.

Writes tests/vectors/jinja-extra.json in the format of jinja-render.json
(see README.md), plus an optional "envops" map for cases that change the
environment. Run it with the Python that has Copier installed:

    /opt/copier-venv/bin/python tests/vectors/record_jinja.py

The environment is built the way copier/_main.py builds it: a
SandboxedEnvironment with the Ansible core filters and Copier's yield tag,
keep_trailing_newline on, the patched to_json filter and the pathjoin
global. The legacy now() and make_secret() context functions are added as
globals. Renders that depend on the clock, randomness or the machine are
recorded only through properties that do not (lengths, membership), and
epoch seconds for `strftime` fall at noon UTC, so any time zone within
twelve hours of UTC gives the same date.
"""

import datetime
import json
import os
import sys
import time
from functools import partial
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

os.environ["TZ"] = "UTC"
time.tzset()

from jinja2 import StrictUndefined, Undefined  # noqa: E402
from pydantic_core import to_jsonable_python  # noqa: E402

from copier._jinja_ext import SandboxedEnvironment, YieldExtension  # noqa: E402
from copier._user_data import _make_secret, _now  # noqa: E402

OUTPUT = Path(__file__).with_name("jinja-extra.json")


def build_env(envops):
    envops = dict(envops)
    envops.setdefault("keep_trailing_newline", True)
    if envops.get("undefined") == "jinja2.StrictUndefined":
        envops["undefined"] = StrictUndefined
    elif envops.get("undefined") == "jinja2.Undefined":
        envops["undefined"] = Undefined
    env = SandboxedEnvironment(
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension", YieldExtension],
        **envops,
    )

    def to_json_fallback(value):
        if isinstance(value, PurePath):
            return str(value)
        return value

    env.filters["to_json"] = partial(
        env.filters["to_json"],
        default=partial(to_jsonable_python, fallback=to_json_fallback),
    )
    path_type = {"posix": PurePosixPath, "windows": PureWindowsPath, "native": PurePath}

    def pathjoin(*path, mode="posix"):
        return str(path_type[mode](*path))

    env.globals["pathjoin"] = pathjoin
    env.globals["now"] = _now
    env.globals["make_secret"] = _make_secret
    return env


def typed(value):
    """Encode a Python value as the typed JSON of README.md."""
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        return {"type": "int", "value": str(value)}
    if isinstance(value, float):
        return {"type": "float", "value": repr(value)}
    if isinstance(value, str):
        return {"type": "str", "value": value}
    if isinstance(value, PurePath):
        return {"type": "path", "value": str(value)}
    if isinstance(value, datetime.datetime):
        return {"type": "datetime", "value": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"type": "date", "value": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return {"type": "list", "value": [typed(item) for item in value]}
    if isinstance(value, dict):
        return {"type": "map", "value": [[typed(k), typed(v)] for k, v in value.items()]}
    raise TypeError(f"cannot encode {value!r}")


USERS = [
    {"name": "ann", "team": "Core", "age": 31, "admin": True},
    {"name": "bob", "team": "web", "age": 25, "admin": False},
    {"name": "cy", "team": "core", "age": 31, "admin": False},
]
NESTED = {"a": [1, "s", None, True, 2.5], "b": {"c": "it's", "d": 'say "hi"'}, 3: [1.0]}

# (template, context) or (template, context, envops)
CASES = [
    # Value printing
    ("{{ x }}", {"x": NESTED}),
    ("{{ x }}|{{ x|string }}|{{ [x] }}", {"x": "new\nline\t\\"}),
    ("{{ x }}", {"x": [1e16, 1e-5, -0.0, 1.5e300, 0.1, 100.0, 2**63, -2**70]}),
    ("{{ x }}", {"x": ["\x00\x7f\xa0\u200b\ufeff\u2028", "é🎉", "it's \"q\""]}),
    ("{{ x }} {{ [x] }} {{ y }} {{ [y] }}", {"x": datetime.date(2024, 1, 31),
                                          "y": datetime.datetime(2024, 1, 31, 10, 0, 5, 123)}),
    ("{{ x }} {{ [x] }}", {"x": datetime.datetime(2024, 1, 31, 10, 0, tzinfo=datetime.timezone.utc)}),
    ("{{ x.year }}-{{ x.month }}-{{ x.day }} {{ x.isoformat() }} {{ x.strftime('%d/%m/%Y %A') }}",
     {"x": datetime.date(2024, 2, 29)}),
    ("{{ (1,) }} {{ (1, 'a') }} {{ () }} {{ {'k': (1, 2)} }}", {}),
    ("{{ [nope] }} {{ {'a': nope} }} {{ none }} {{ [none, true, false] }}", {}),
    ("{{ 'a' ~ 1 ~ 1.5 ~ none ~ true ~ [1] ~ {'k': 'v'} ~ nope }}", {}),
    ("{{ 1e16 ~ '' }} {{ x ~ y }}", {"x": 1e-7, "y": [0.5]}),
    ("{{ 7 / 2 }} {{ 8 / 2 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7.5 % 2 }} {{ -7.5 % 2 }} {{ 2 ** 10 }} {{ 2 ** -1 }}", {}),
    ("{{ 1 / 0 }}", {}),
    ("{{ 5 % 0 }}", {}),
    ("{{ 10 ** 30 }} {{ 2 ** 100 }} {{ -(2 ** 64) }}", {}),
    ("{{ 0.1 * 3 }} {{ 1 / 3 * 3 }} {{ 1e300 * 1e300 }} {{ -1e300 * 1e300 }}", {}),
    # % formatting
    ("{{ '%s-%03d' % ('a', 7) }}|{{ '%(k)s=%(v)r' % d }}|{{ '%r' % 'x' }}|{{ '%.2f' % 3.14159 }}|{{ '%x %X %o' % (255, 255, 8) }}",
     {"d": {"k": "key", "v": "val"}}),
    ("{{ '%5s|%-5s|%05d|%+d|% d|%e|%g|%G|%%|%c' % ('a', 'b', 42, 3, 3, 12345.678, 0.00001, 1e20, 65) }}", {}),
    ("{{ '%s' % [1, 2] }}|{{ '%s' % none }}|{{ '%s' % true }}|{{ '%d' % true }}|{{ '%i' % 3.9 }}|{{ '%s %s' % (none, nope) }}", {}),
    ("{{ '%#x|%#o|%.3d|%*d|%-*d|' % (255, 8, 5, 4, 7, 3, 1) }}", {}),
    ("{{ '%s %s' % ('only one',) }}", {}),
    ("{{ '%s' % ('a', 'b') }}", {}),
    ("{{ '%d' % 'x' }}", {}),
    ("{{ 'no conversions' % {'a': 1} }}|{{ '%s' % {'a': 1} }}", {}),
    ("{{ x % y }}", {"x": "%s/%s", "y": ["a", "b"]}),
    ("{{ '%(a)s %(b)05.1f' % {'a': 'x', 'b': 2.25} }}", {}),
    ("{{ '%s'|format([1]) }} {{ '%s and %s'|format('a', 'b') }} {{ '%(x)s'|format(x=1) }}", {}),
    # str.format
    ("{{ '{} {:>5} {:05.2f} {name}'.format(1, 'ab', 3.14159, name='n') }}", {}),
    ("{{ '{0} {1} {0}'.format('a', 'b') }}|{{ '{:,}'.format(1234567) }}|{{ '{:_}'.format(1234567) }}|{{ '{:x} {:#X} {:b} {:o}'.format(255, 255, 5, 8) }}", {}),
    ("{{ '{!r} {!s}'.format('x', 'y') }}|{{ '{:e}'.format(1234.5) }}|{{ '{:%}'.format(0.5) }}|{{ '{:.1%}'.format(0.123) }}", {}),
    ("{{ '{:^7}|{:*<6}|{:>+6d}|{:=+8.2f}|{:08.3f}'.format('ab', 'ab', 3, 2.5, -3.14159) }}", {}),
    ("{{ '{:g} {} {:.3} {:.3} {:.0f}'.format(1e-5, 1e16, 1.0, 1234.5, 2.5) }}", {}),
    ("{{ '{0[0]} {0[1]} {1[k]} {1.k}'.format([5, 6], {'k': 'v'}) }}", {}),
    ("{{ '{:{w}}|'.format('a', w=4) }}{{ '{{}} {}'.format(true) }}|{{ '{:d}'.format(true) }}|{{ '{}'.format(none) }}", {}),
    ("{{ '{} {0}'.format(1) }}", {}),
    ("{{ '{:d}'.format('x') }}", {}),
    ("{{ '{x}'.format_map({'x': 1}) }}", {}),
    # String methods
    ("{{ s.upper() }}|{{ s.lower() }}|{{ s.title() }}|{{ s.capitalize() }}|{{ s.swapcase() }}|{{ s.casefold() }}",
     {"s": "hello wORLD's-x ß"}),
    ("{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ s.strip(' h') }}|{{ s.strip(none) }}", {"s": "  hello  "}),
    ("{{ s.split() }} {{ s.split(' ') }} {{ s.split(None, 1) }} {{ s.rsplit(None, 1) }} {{ s.split(sep=',') }} {{ s.split(maxsplit=1) }}",
     {"s": " a b  c,d "}),
    ("{{ 'a,b,,c'.split(',') }} {{ 'a,b,c'.split(',', 1) }} {{ 'a,b,c'.rsplit(',', 1) }} {{ ''.split() }} {{ ''.split(',') }}", {}),
    ("{{ 'x'.split('') }}", {}),
    ("{{ s.splitlines() }} {{ s.splitlines(true) }} {{ s.splitlines(keepends=true) }}", {"s": "a\r\nb\rc\n\nd\x0be\u2028f"}),
    ("{{ s.replace('l', 'L') }} {{ s.replace('l', 'L', 1) }} {{ s.replace('', '-') }} {{ s.replace('', '-', 2) }}", {"s": "hello"}),
    ("{{ s.find('l') }} {{ s.rfind('l') }} {{ s.find('z') }} {{ s.find('l', 3) }} {{ s.find('l', -2) }} {{ s.index('h') }} {{ s.rindex('l') }} {{ s.count('l') }} {{ s.count('') }} {{ s.count('l', 0, 3) }}",
     {"s": "héllo"}),
    ("{{ 'abc'.index('z') }}", {}),
    ("{{ s.startswith('he') }} {{ s.endswith('lo') }} {{ s.startswith(('x', 'h')) }} {{ s.endswith('l', 0, 4) }} {{ s.startswith('l', 2) }}", {"s": "hello"}),
    ("{{ '-'.join(['a', 'b']) }} {{ ''.join('abc') }} {{ ', '.join(d) }}", {"d": {"x": 1, "y": 2}}),
    ("{{ '-'.join([1, 2]) }}", {}),
    ("{{ 'ab'.center(7) }}|{{ 'ab'.center(7, '*') }}|{{ 'abc'.center(6) }}|{{ 'a'.ljust(3, '.') }}|{{ 'a'.rjust(3) }}|{{ 'abcd'.center(2) }}", {}),
    ("{{ '42'.zfill(5) }} {{ '-42'.zfill(5) }} {{ '+4'.zfill(4) }} {{ 'abc'.zfill(2) }}", {}),
    ("{{ 'a\\tbc\\td'.expandtabs() }}|{{ 'a\\tbc\\td'.expandtabs(4) }}|{{ 'x\\ny\\tz'.expandtabs(tabsize=2) }}", {}),
    ("{{ 'a=b=c'.partition('=') }} {{ 'a=b=c'.rpartition('=') }} {{ 'abc'.partition('=') }} {{ 'abc'.rpartition('=') }}", {}),
    ("{{ 'prefix-x'.removeprefix('prefix-') }} {{ 'x.txt'.removesuffix('.txt') }} {{ 'x'.removeprefix('y') }}", {}),
    ("{{ '123'.isdigit() }} {{ '²'.isdigit() }} {{ '²'.isdecimal() }} {{ '½'.isnumeric() }} {{ 'ab'.isalpha() }} {{ 'a1'.isalnum() }} {{ ' \\t'.isspace() }} {{ ''.isdigit() }}", {}),
    ("{{ 'abc'.islower() }} {{ 'ABC1'.isupper() }} {{ 'Hello World'.istitle() }} {{ 'Hello world'.istitle() }} {{ '_x1'.isidentifier() }} {{ '1x'.isidentifier() }} {{ 'é'.isascii() }} {{ 'a\\n'.isprintable() }}", {}),
    # List methods and mutation
    ("{% set l = [] %}{% set _ = l.append(1) %}{% set _ = l.extend([2, 3]) %}{% set _ = l.insert(0, 0) %}{{ l }} {{ l.pop() }} {{ l.pop(0) }} {{ l }}", {}),
    ("{% set l = [3, 1, 2, 1] %}{{ l.index(1) }} {{ l.count(1) }} {% set _ = l.sort() %}{{ l }} {% set _ = l.sort(reverse=true) %}{{ l }} {% set _ = l.reverse() %}{{ l }} {% set _ = l.remove(1) %}{{ l }}", {}),
    ("{% set l = [1, 2] %}{% set m = l %}{% set c = l.copy() %}{% set _ = m.append(3) %}{{ l }} {{ c }} {% set _ = l.clear() %}{{ l }} {{ m }}", {}),
    ("{{ items.append(4) }} {{ items }} {% for i in range(2) %}{% set _ = items.append(i) %}{% endfor %}{{ items }}", {"items": [1, 2]}),
    ("{% set l = [1] %}{% macro add(x) %}{% set _ = l.append(x) %}{% endmacro %}{{ add(2) }}{{ add(3) }}{{ l }}", {}),
    ("{% set l = [] %}{{ l.pop() }}", {}),
    ("{% set l = [1] %}{{ l.remove(5) }}", {}),
    ("{% set l = [1, 2, 3] %}{{ l[-1] }} {{ l[1:] }} {{ l[::-1] }} {{ l * 2 }} {{ l + [4] }} {{ 2 in l }} {{ l|length }}", {}),
    # Dict methods and mutation
    ("{% set d = {'a': 1} %}{% set _ = d.update({'b': 2}) %}{% set _ = d.update(c=3) %}{{ d }} {{ d.pop('a') }} {{ d.pop('z', 'dflt') }} {{ d }} {{ d.setdefault('b', 9) }} {{ d.setdefault('e', 5) }} {{ d }}", {}),
    ("{{ d.items() }} {{ d.keys() }} {{ d.values() }} {{ d.items()|list }} {{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 0) }} {{ d.copy() }}",
     {"d": {"a": 1, "b": [2]}}),
    ("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {{ 'a' in d }} {{ 'z' in d }} {{ d|length }} {{ d['b'] }} {{ d.b }}", {"d": {"a": 1, "b": 2}}),
    ("{% set _ = d.update({'n': 1}) %}{{ d }} {% set _ = d.clear() %}{{ d }}", {"d": {"x": 0}}),
    ("{{ d.pop('missing') }}", {"d": {"x": 0}}),
    ("{% set d = dict(a=1) %}{% set _ = d.update([('b', 2)]) %}{{ d }} {{ dict([('x', 1)]) }} {{ dict({'y': 2}, z=3) }}", {}),
    ("{% set ns = namespace(items=[], n=0) %}{% for i in [1, 2] %}{% set ns.n = ns.n + i %}{% set _ = ns.items.append(i) %}{% endfor %}{{ ns.n }} {{ ns.items }}", {}),
    # Undefined behaviour
    ("[{{ nope }}] [{{ nope|default('D') }}] [{{ nope|upper }}] [{{ nope|length }}] [{{ nope|list }}] [{{ nope|string }}] [{{ nope|join(',') }}] [{{ nope|first }}]", {}),
    ("{% for x in nope %}x{% else %}empty{% endfor %} {{ nope is defined }} {{ nope is undefined }} {{ not nope }} {{ nope == none }} {{ 1 in nope }} {{ nope|count }}", {}),
    ("{{ nope.attr }}", {}),
    ("{{ nope.attr|default('x') }}", {}),
    ("{{ nope[0] }}", {}),
    ("{{ nope + 1 }}", {}),
    ("{{ nope|int }}", {}),
    ("{{ nope|float }}", {}),
    ("{{ d.missing }}|{{ d['missing'] }}|{{ d.missing is defined }}", {"d": {"a": 1}}),
    ("{{ d.missing.deeper }}", {"d": {"a": 1}}),
    ("{{ nope() }}", {}),
    ("{{ nope|items|list }} {{ nope|wordcount }} {{ nope|center(3) }}|{{ nope|trim }}|{{ nope|lower }}", {}),
    ("{{ nope }}", {}, {"undefined": "jinja2.StrictUndefined"}),
    ("{{ nope|default('strict ok') }} {{ nope is defined }}", {}, {"undefined": "jinja2.StrictUndefined"}),
    ("{% for x in nope %}{% endfor %}", {}, {"undefined": "jinja2.StrictUndefined"}),
    ("{% if nope %}a{% endif %}", {}, {"undefined": "jinja2.StrictUndefined"}),
    ("{{ nope ~ 'x' }}", {}, {"undefined": "jinja2.StrictUndefined"}),
    ("{{ d.missing }}", {"d": {}}, {"undefined": "jinja2.StrictUndefined"}),
    ("{{ x }} {{ x ~ 'y' }}", {"x": 1}, {"undefined": "jinja2.Undefined"}),
    # Whitespace control, delimiters, line statements
    ("{% for i in [1, 2] %}\n  {{ i }}\n{% endfor %}\n", {}),
    ("{% for i in [1, 2] %}\n  {{ i }}\n{% endfor %}\n", {}, {"trim_blocks": True}),
    ("  {% for i in [1, 2] %}\n  {{ i }}\n  {% endfor %}\n", {}, {"trim_blocks": True, "lstrip_blocks": True}),
    ("a\n  {%- if true %} b {% endif -%}\n  c\n{#- comment -#}\nd {{- ' e ' -}} f", {}),
    ("  {%+ if true %}x{% endif %}\n", {}, {"lstrip_blocks": True}),
    ("line\n", {}, {"keep_trailing_newline": False}),
    ("line\n\n", {}, {"keep_trailing_newline": False}),
    ("{{ 'x' }}\n", {}, {"keep_trailing_newline": False}),
    ("<< name >> <% if name %>yes<% endif %> <# hidden #>{{ name }}", {"name": "n"},
     {"variable_start_string": "<<", "variable_end_string": ">>", "block_start_string": "<%",
      "block_end_string": "%>", "comment_start_string": "<#", "comment_end_string": "#>"}),
    ("[[ '%s!' % name ]] [% set l = [1] %][[ l ]]", {"name": "n"},
     {"variable_start_string": "[[", "variable_end_string": "]]", "block_start_string": "[%",
      "block_end_string": "%]"}),
    ("# for i in [1, 2]\n{{ i }} ## note\n# endfor\n", {}, {"line_statement_prefix": "#", "line_comment_prefix": "##"}),
    ("{{ x }} {{ x|safe }} {{ {'a': x}|xmlattr }} {{ '<b>'|e }} {{ x ~ '&' }} {{ [x] }} {{ x|safe ~ '&' }}", {"x": "<i>\"'"},
     {"autoescape": True}),
    ("{% raw %}{{ x }} {% if %}{% endraw %}", {}),
    ("a\r\nb\rc", {}),
    ("\ufeffbom {{ 1 }}", {}),
    # Jinja2 built-in filters
    ("{{ x|abs }} {{ -2.5|abs }} {{ true|abs }}", {"x": -3}),
    ("{{ u|attr('name') }}|{{ d|attr('a') }}|{{ d|attr('items') is defined }}", {"u": {"name": "x"}, "d": {"a": 1}}),
    ("{{ items|batch(3)|list }} {{ items|batch(3, 'x')|list }} {{ items|slice(3)|list }} {{ items|slice(3, 0)|list }} {{ items|slice(4)|list }}",
     {"items": [1, 2, 3, 4, 5, 6, 7]}),
    ("{{ 'hello wORLD'|capitalize }} {{ 'abc'|center(9) }}|{{ 'abc'|center }}|", {}),
    ("{{ d|dictsort }} {{ d|dictsort(true) }} {{ d|dictsort(by='value') }} {{ d|dictsort(reverse=true) }}", {"d": {"b": 2, "A": 3, "c": 1}}),
    ("{{ '<a href=\"x\">&\\'</a>'|e }} {{ '<b>'|escape|escape }} {{ '<b>'|forceescape }} {{ '<b>'|safe }} {{ 3|e }}", {}),
    ("{{ 0|filesizeformat }} {{ 1|filesizeformat }} {{ 999|filesizeformat }} {{ 1000|filesizeformat }} {{ 1234567|filesizeformat }} {{ 1024|filesizeformat(true) }} {{ '2048'|filesizeformat(binary=true) }} {{ (10 ** 30)|filesizeformat }}", {}),
    ("{{ 'abc'|first }} {{ [3, 1]|first }} {{ {'k': 1}|first }} {{ []|first }}|{{ 'abc'|last }} {{ [3, 1]|last }}", {}),
    ("{{ '3.5'|float }} {{ 'x'|float }} {{ 'x'|float(1.5) }} {{ ' 1e3 '|float }} {{ 'inf'|float }} {{ '-nan'|float }} {{ '1_000.5'|float }} {{ none|float }} {{ true|float }}", {}),
    ("{{ users|groupby('team')|list }}", {"users": USERS}),
    ("{% for g, members in users|groupby('team', case_sensitive=true) %}{{ g }}:{{ members|map(attribute='name')|join('+') }};{% endfor %}", {"users": USERS}),
    ("{% for g in users|groupby('age') %}{{ g.grouper }}={{ g.list|length }};{% endfor %} {% for g in users|groupby('missing', default='none') %}{{ g.grouper }}{% endfor %}", {"users": USERS}),
    ("{{ 'a\\nb\\n\\nc\\n'|indent }}|{{ 'a\\nb\\n\\nc'|indent(2, true) }}|{{ 'a\\n\\nb'|indent(2, blank=true) }}|{{ 'a\\nb'|indent('> ') }}", {}),
    ("{{ '42'|int }} {{ '3.9'|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ '0x1F'|int(0, 16) }} {{ '0b101'|int(base=0) }} {{ '077'|int(base=8) }} {{ 3.99|int }} {{ '-1_000'|int }} {{ none|int }} {{ '1e3'|int }}", {}),
    ("{{ [1, 'a', none]|join }} {{ [1, 2]|join(', ') }} {{ users|join(', ', attribute='name') }} {{ 'abc'|join('.') }}", {"users": USERS}),
    ("{{ 'abc'|length }} {{ [1, 2]|length }} {{ {'a': 1}|count }} {{ 'é🎉'|length }}", {}),
    ("{{ 5|length }}", {}),
    ("{{ 'ab'|list }} {{ {'a': 1, 'b': 2}|list }} {{ (1, 2)|list }}", {}),
    ("{{ 5|list }}", {}),
    ("{{ 'HeLLo'|lower }} {{ 'HeLLo'|upper }} {{ 'ß'|upper }} {{ 'İ'|lower|length }}", {}),
    ("{{ {'a': 1, 'b': 2}|items|list }}", {}),
    ("{{ users|map(attribute='name')|list }} {{ users|map(attribute='nick', default='?')|list }} {{ ['1', '2']|map('int')|sum }} {{ ['a', 'b']|map('upper')|join }} {{ [1.234, 2.567]|map('round', 1)|list }}",
     {"users": USERS}),
    ("{{ [3, 1, 2]|max }} {{ [3, 1, 2]|min }} {{ ['b', 'A', 'c']|max }} {{ ['b', 'A', 'c']|max(case_sensitive=true) }} {{ users|max(attribute='age') }} {{ users|min(attribute='age')|attr('name') }} {{ []|max }}",
     {"users": USERS}),
    ("{{ [1, 'a']|max }}", {}),
    ("{{ {'b': [1, {'c': 'it' ~ \"'s\"}], 'a': none}|pprint }}", {}),
    ("{{ items|pprint }}", {"items": ["item%d" % i for i in range(12)] + [{"nested": "x" * 40, "other": list(range(5))}]}),
    ("{{ ('word ' * 40)|pprint }}", {}),
    ("{{ [1, 2, 3, 4]|select('odd')|list }} {{ [1, 2, 3, 4]|reject('odd')|list }} {{ [0, 1, '', 'a', none]|select|list }} {{ [1, 2, 3, 6]|select('divisibleby', 3)|list }} {{ ['a', 'b']|select('equalto', 'a')|list }} {{ [1, 5, 9]|select('>', 4)|list }} {{ [1, 5]|select('in', [5, 6])|list }}", {}),
    ("{{ users|selectattr('admin')|map(attribute='name')|list }} {{ users|rejectattr('admin')|map(attribute='name')|list }} {{ users|selectattr('age', 'gt', 30)|map(attribute='name')|list }} {{ users|selectattr('team', 'equalto', 'web')|list|length }}",
     {"users": USERS}),
    ("{{ 'hello'|replace('l', 'L') }} {{ 'hello'|replace('l', 'L', 1) }} {{ 123|replace('2', 'x') }} {{ 'aaa'|replace('a', 'b', count=2) }}", {}),
    ("{{ 'abc'|reverse }} {{ [1, 2, 3]|reverse|list }} {{ {'a': 1, 'b': 2}|reverse|list }}", {}),
    ("{{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 1.5|round(0, 'floor') }} {{ 1.21|round(1, 'ceil') }} {{ 1234|round(-2) }} {{ 1250.0|round(-2) }} {{ 7|round }} {{ -0.5|round }} {{ 2.5|round(method='common') }}", {}),
    ("{{ 'x'|round }}", {}),
    ("{{ 2.5|round(0, 'sideways') }}", {}),
    ("{{ [3, 1, 2]|sort }} {{ [3, 1, 2]|sort(true) }} {{ ['b', 'A', 'c']|sort }} {{ ['b', 'A', 'c']|sort(case_sensitive=true) }} {{ users|sort(attribute='age,name')|map(attribute='name')|list }} {{ users|sort(attribute='team')|map(attribute='name')|list }} {{ users|sort(reverse=true, attribute='age')|map(attribute='name')|list }}",
     {"users": USERS}),
    ("{{ [1, 'a']|sort }}", {}),
    ("{{ [[2, 1], [1, 2], [1]]|sort }} {{ [2.5, 1, true]|sort }}", {}),
    ("{{ 1|string }}|{{ [1, 'a']|string }}|{{ none|string }}|{{ 'x'|string }}", {}),
    ("{{ '<p>Hello <b>World</b>!</p>  <!-- c -->\\n x &amp; y &lt; &#65;'|striptags }}", {}),
    ("{{ [1, 2, 3]|sum }} {{ [1.5, 2]|sum }} {{ users|sum(attribute='age') }} {{ [1, 2]|sum(start=10) }} {{ [[1], [2]]|sum(start=[]) }} {{ []|sum }}", {"users": USERS}),
    ("{{ ['a', 'b']|sum }}", {}),
    ("{{ 'Hello wORLD-foo (bar) [baz] {q} <t>x'|title }} {{ \"it's\"|title }} {{ 'ǆemal'|title }}", {}),
    ("{{ '  a b  '|trim }}|{{ 'xxaxx'|trim('x') }}|{{ '\\t\\na\\n'|trim }}", {}),
    ("{{ 'foo bar baz qux'|truncate(9) }}|{{ 'foo bar baz qux'|truncate(9, true) }}|{{ 'foo bar baz qux'|truncate(9, end='..') }}|{{ 'foo bar baz qux'|truncate(11, leeway=0) }}|{{ 'short'|truncate(3, leeway=2) }}|{{ 'abcdefghijklmnop'|truncate(10) }}", {}),
    ("{{ 'x'|truncate(2) }}", {}),
    ("{{ [1, 2, 1, 'a', 'A']|unique|list }} {{ [1, 2, 1, 'a', 'A']|unique(true)|list }} {{ users|unique(attribute='team')|map(attribute='name')|list }} {{ [1, 1.0, true]|unique|list }}", {"users": USERS}),
    ("{{ 'a b/ñ?&='|urlencode }} {{ {'a': 'b c', 'x': 1}|urlencode }} {{ [('k', 'v&'), ('q', '/')]|urlencode }} {{ 42|urlencode }}", {}),
    ("{{ 'Hello World, this_is a-test 42 times!'|wordcount }} {{ 'héllo wörld'|wordcount }} {{ ''|wordcount }}", {}),
    ("{{ s|wordwrap(10) }}|{{ s|wordwrap(10, false) }}|{{ s|wordwrap(6, wrapstring='<br>') }}|{{ 'well-known long-winded words'|wordwrap(8) }}|{{ 'a\\nb c d e f'|wordwrap(3) }}|{{ 'superlongword x'|wordwrap(5, break_long_words=false) }}",
     {"s": "The quick brown fox jumps over the lazy dog"}),
    ("{{ {'class': 'a b', 'id': 'x\"y', 'skip': none, 'n': 1}|xmlattr }}|{{ {'a': 1}|xmlattr(false) }}|{{ {}|xmlattr }}", {}),
    ("{{ {'a b': 1}|xmlattr }}", {}),
    ("{{ x|tojson }} {{ x|tojson(2) }}", {"x": {"b": "<a>&'é", "a": [1, 2.5, None, True], "c": {}}}),
    ("{{ 'x'|tojson }} {{ none|tojson }} {{ 1e20|tojson }} {{ [1.0, -0.0]|tojson }}", {}),
    ("{{ d|tojson }}", {"d": datetime.date(2024, 1, 1)}),
    ("{{ 'abc'|default('x') }} {{ ''|default('x') }} {{ ''|default('x', true) }} {{ none|default('x') }} {{ none|d('x', true) }} {{ 0|d('zero', boolean=true) }} {{ nope|d }}|", {}),
    # Tests
    ("{{ 1 is number }} {{ true is number }} {{ 1.5 is number }} {{ '1' is number }} {{ 1 is integer }} {{ true is integer }} {{ 1.0 is float }} {{ 1 is float }}", {}),
    ("{{ true is boolean }} {{ 1 is boolean }} {{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }} {{ none is none }} {{ 0 is none }}", {}),
    ("{{ 'a' is string }} {{ 1 is string }} {{ {} is mapping }} {{ [] is mapping }} {{ 'a' is sequence }} {{ {} is sequence }} {{ 1 is sequence }} {{ nope is sequence }}", {}),
    ("{{ 'a' is iterable }} {{ 1 is iterable }} {{ nope is iterable }} {{ range(2) is iterable }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 'Abc' is lower }} {{ '1' is upper }}", {}),
    ("{{ 2 is even }} {{ 3 is odd }} {{ 2.0 is even }} {{ 3.5 is odd }} {{ -3 is odd }} {{ 10 is divisibleby 5 }} {{ 10 is divisibleby(3) }} {{ 7.5 is divisibleby 2.5 }}", {}),
    ("{{ 1 is eq 1 }} {{ 1 is ne 2 }} {{ 1 is lt 2 }} {{ 2 is le 2 }} {{ 3 is gt 2 }} {{ 2 is ge 3 }} {{ 1 is equalto 1.0 }} {{ 'b' is in 'abc' }} {{ 2 is in [1, 2] }} {{ 'k' is in {'k': 1} }}", {}),
    ("{{ none is sameas none }} {{ true is sameas true }} {{ 1 is sameas 1 }} {{ x is sameas x }} {{ [] is sameas [] }} {{ 'upper' is filter }} {{ 'odd' is test }} {{ 'nope' is filter }} {{ range is callable }} {{ 1 is callable }}",
     {"x": [1]}),
    ("{{ '<b>'|escape is escaped }} {{ '<b>' is escaped }} {{ 1 is defined }} {{ x is undefined }}", {"x": 1}),
    # Globals
    ("{{ range(3) }} {{ range(1, 10, 3)|list }} {{ range(5, 0, -2)|list }} {{ range(0)|list }} {{ range(3)|length }} {{ range(10)[2] }} {{ range(3)|sum }}", {}),
    ("{{ range(100001)|length }}", {}),
    ("{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }}{% set _ = c.reset() %}{{ c.next() }}", {}),
    ("{% set j = joiner(' | ') %}{% for x in [1, 2, 3] %}{{ j() }}{{ x }}{% endfor %} {% set k = joiner() %}{{ k() }}{{ k() }}", {}),
    ("{{ lipsum(2, false, 5, 6).split('\\n\\n')|length }} {{ lipsum(1)|length > 10 }} {{ lipsum(3, html=false).split('\\n\\n')|length }}", {}),
    ("{{ pathjoin('a', 'b') }} {{ pathjoin('a', '/b', 'c') }} {{ pathjoin('a//b', './c') }} {{ pathjoin() }} {{ pathjoin('a', 'b', mode='windows') }} {{ pathjoin('C:\\\\x', 'y', mode='windows') }} {{ pathjoin('a', 'b', mode='native') }}", {}),
    ("{{ now().year > 2020 }} {{ now().tzinfo is defined }} {{ now()|string|length > 20 }} {{ make_secret()|length }} {{ make_secret() != make_secret() }}", {}),
    ("{{ namespace(a=1).a }} {{ dict(a=1, b=[2]) }}", {}),
    # Macros, call blocks, scoping, loops
    ("{% macro m(a, b=2) -%}{{ a }}+{{ b }}{%- endmacro %}{{ m(1) }} {{ m(1, 3) }} {{ m(b=4, a=0) }}", {}),
    ("{% macro list(items) %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(x) list([1, 2]) %}[{{ x }}]{% endcall %}", {}),
    ("{% for i in [1, 2, 3] %}{{ loop.index }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.cycle('a', 'b') }}{{ loop.previtem }}{{ loop.nextitem }};{% endfor %}", {}),
    ("{% for i in [1, 2, 3, 4] if i is even %}{{ i }}{{ loop.length }}{% endfor %} {% for k in {'b': 1, 'a': 2} %}{{ k }}{% endfor %}", {}),
    ("{% for a in [[1, [2]], [3, [4]]] recursive %}{% if a is iterable %}({{ loop(a) }}){% else %}{{ a }}{% endif %}{% endfor %}", {}),
    ("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }} {% with y = 3 %}{{ y }}{% endwith %}{{ y }}", {}),
    ("{% set t %}block {{ 1 + 1 }}{% endset %}{{ t }}|{% set u | upper %}shout{% endset %}{{ u }}", {}),
    ("{% filter center(11) %}mid{% endfilter %}|{% filter replace('a', 'o')|upper %}banana{% endfilter %}", {}),
    ("{{ 'a' if false }}|{{ 'a' if true else 'b' }}|{{ 1 if nope else 2 }}", {}),
    ("{{ 1 < 2 < 3 }} {{ 1 < 3 > 2 }} {{ 'a' < 'b' }} {{ (1, 2) < (1, 3) }} {{ not 1 == 2 }} {{ 1 != 1.0 }} {{ 1 == true }} {{ [1] == [true] }}", {}),
    ("{{ 3 and 'x' }} {{ 0 or [] }} {{ none or 'd' }} {{ '' and 1 }} {{ not '' }}", {}),
    ("{{ x[1:3] }} {{ x[-2:] }} {{ x[::2] }} {{ x[10:] }} {{ x[1] }} {{ y[::-1] }}", {"x": "abcdef", "y": [1, 2, 3]}),
    ("{{ x['a']['b'] }} {{ x.a.b }} {{ x['a'].get('b') }}", {"x": {"a": {"b": "deep"}}}),
    # Paths
    ("{{ src }} {{ src.name }} {{ src.parent }} {{ src.suffix }} {{ src.stem }} {{ src / 'x.py' }} {{ (src / 'x.py').name }} {{ src.parent.parent }}", {"src": PurePath("/tmp/tpl/archive.tar.gz")}),
    # Ansible filters
    ("{{ x|to_json }}|{{ x|to_nice_json }}|{{ x|to_json(sort_keys=true) }}|{{ x|to_json(indent=2) }}|{{ x|to_nice_json(indent=2) }}",
     {"x": {"b": "ñ<a>&'", "a": [1, 2.5, None, True], "c": {"z": {}, "y": []}}}),
    ("{{ 'é🎉'|to_json }} {{ 'é🎉'|to_json(ensure_ascii=false) }} {{ [1, 2]|to_json(separators=[',', ':']) }} {{ (1, 'a')|to_json }}", {}),
    ("{{ d|to_json }} {{ t|to_json }} {{ u|to_json }} {{ [d]|to_json }}", {
        "d": datetime.date(2024, 1, 31),
        "t": datetime.datetime(2024, 1, 31, 10, 0, 5, 123),
        "u": datetime.datetime(2024, 1, 31, 10, 0, tzinfo=datetime.timezone.utc)}),
    ("{{ d|to_nice_json }}", {"d": datetime.date(2024, 1, 31)}),
    ("{{ {1: 'a', 'b': 2}|to_nice_json }} {{ {1: 'a', 'b': 2}|to_json }} {{ {none: 1, true: 2, 1.5: 3}|to_json }}", {}),
    ("{{ '{\"a\": [1, 2.5, null, true, \"x\"], \"b\": {}}'|from_json }} {{ ('[' ~ '1' ~ ']')|from_json }}", {}),
    ("{{ 'not json'|from_json }}", {}),
    ("{{ x|to_yaml }}|{{ x|to_nice_yaml }}|{{ x|to_yaml(default_flow_style=false) }}|{{ x|to_nice_yaml(indent=2) }}",
     {"x": {"b": [1, "two", {"c": None}], "a": "it's", "d": {}}}),
    ("{{ 'a: [1, 2]\\nb: yes'|from_yaml }} {{ 'a: 1\\n---\\n- 2'|from_yaml_all|list }} {{ 5|from_yaml }}", {}),
    ("{{ 'yes'|bool }} {{ 'On'|bool }} {{ '1'|bool }} {{ 1|bool }} {{ 1.0|bool }} {{ 2|bool }} {{ 'y'|bool }} {{ none|bool }} {{ true|bool }} {{ 'false'|bool }} {{ [1]|bool }}", {}),
    ("{{ true|ternary('a', 'b') }} {{ 0|ternary('a', 'b') }} {{ none|ternary('a', 'b') }} {{ none|ternary('a', 'b', 'n') }} {{ 'x'|ternary(1, 2, 3) }}", {}),
    ("{{ {'a': 1}|combine({'b': 2}) }} {{ [{'a': 1}, {'a': 2, 'c': 3}]|combine }} {{ {'a': {'x': 1, 'l': [1]}}|combine({'a': {'y': 2, 'l': [2]}}) }} {{ {'a': {'x': 1, 'l': [1]}}|combine({'a': {'y': 2, 'l': [2]}}, recursive=true) }}", {}),
    ("{% for mode in ['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'] %}{{ {'l': [1, 2]}|combine({'l': [2, 3]}, list_merge=mode) }};{% endfor %}", {}),
    ("{{ {'a': 1}|combine([1]) }}", {}),
    ("{{ {'a': 1}|combine({'b': 2}, bogus=1) }}", {}),
    ("{{ 'abc'|hash }} {{ 'abc'|hash('md5') }} {{ 'abc'|hash('sha256') }} {{ 'abc'|hash('sha512')|length }} {{ 'abc'|hash('nope') }} {{ 'abc'|md5 }} {{ 'abc'|sha1 }} {{ 'abc'|checksum }} {{ 12|md5 }}", {}),
    ("{{ 'héllo'|b64encode }} {{ 'aMOpbGxv'|b64decode }} {{ 'aGk=\\n'|b64decode }} {{ 123|b64encode }}", {}),
    ("{{ 'aGk'|b64decode }}", {}),
    ("{{ 'x'|to_uuid }} {{ 42|to_uuid }}", {}),
    ("{{ 'x'|quote }}|{{ 'a b'|quote }}|{{ \"it's\"|quote }}|{{ ''|quote }}|{{ 'a@b%c+d=e:f,g./-_'|quote }}|{{ 'é'|quote }}|{{ 1|quote }}", {}),
    ("{{ 'a\\nb'|comment }}|{{ 'a\\nb'|comment('c') }}|{{ 'a\\nb'|comment('cblock') }}|{{ 'a\\nb'|comment('xml') }}|{{ 'a\\n\\nb'|comment('erlang', prefix_count=2) }}|{{ 'x'|comment(decoration='; ') }}|{{ 'x'|comment(beginning='BEGIN', end='END', postfix_count=0) }}", {}),
    ("{{ 'x'|mandatory }} {{ none|mandatory }}", {}),
    ("{{ nope|mandatory }}", {}),
    ("{{ nope|mandatory('custom message') }}", {}),
    ("{{ 1|type_debug }} {{ 1.5|type_debug }} {{ true|type_debug }} {{ none|type_debug }} {{ 'x'|type_debug }} {{ [1]|type_debug }} {{ (1,)|type_debug }} {{ {}|type_debug }} {{ nope|type_debug }} {{ d|type_debug }} {{ {}.items()|type_debug }}",
     {"d": datetime.date(2024, 1, 1)}),
    ("{{ [1, [2, [3, [4]]]]|flatten }} {{ [1, [2, [3, [4]]]]|flatten(levels=1) }} {{ [1, [2, [3]]]|flatten(2) }} {{ [1, none, [2]]|flatten }} {{ [1, 'None', 2]|flatten }} {{ [[1], {'a': 1}, 'xy']|flatten }}", {}),
    ("{{ 'b'|extract({'a': 1, 'b': 2}) }} {{ 1|extract(['x', 'y']) }} {{ 'a'|extract({'a': {'b': {'c': 3}}}, ['b', 'c']) }} {{ 'a'|extract({'a': {'b': 1}}, 'b') }}", {}),
    ("{{ 'z'|extract({'a': 1}) }}", {}),
    ("{{ users|subelements('groups')|map('last')|list }} {{ users|subelements('groups')|map('first')|map(attribute='name')|list }} {{ users2|subelements('groups', skip_missing=true)|length }}",
     {"users": [{"name": "a", "groups": ["g1", "g2"]}, {"name": "b", "groups": ["g3"]}],
      "users2": [{"name": "a", "groups": ["g1"]}, {"name": "b"}]}),
    ("{{ users|subelements('groups') }}", {"users": [{"name": "b"}]}),
    ("{{ users|ans_groupby('team') }}", {"users": USERS}),
    ("{{ [1, 2, 3, 4, 5]|shuffle(seed='abc') }} {{ [1, 2, 3, 4, 5]|shuffle(seed=42) }} {{ 'abcdef'|shuffle(seed='x') }} {{ [1, 2, 3]|shuffle|sort }} {{ [1, 2, 3]|shuffle|length }}", {}),
    ("{{ 100|ans_random(seed='web') }} {{ 100|ans_random(seed=7) }} {{ 100|ans_random(start=50, step=5, seed='x') }} {{ ['a', 'b', 'c']|ans_random(seed='y') }} {{ 'xyz'|ans_random(seed=1) }} {{ 10|ans_random < 10 }} {{ [5]|ans_random }} {{ 999999999999999999999999999999999|ans_random(seed='s') }}", {}),
    ("{{ 5|ans_random(start=10) }}", {}),
    ("{{ ['a']|ans_random(start=1) }}", {}),
    ("{{ '52:54:00'|random_mac(seed='x') }} {{ '52'|random_mac(seed=1) }} {{ '52:54:00'|random_mac|length }}", {}),
    ("{{ '52:zz'|random_mac }}", {}),
    ("{{ '2024-01-31 10:20:30'|to_datetime }} {{ '31/01/2024'|to_datetime('%d/%m/%Y') }} {{ ('2024-01-31 10:20:30'|to_datetime).year }} {{ '2024-01-31T10:00:00+0100'|to_datetime('%Y-%m-%dT%H:%M:%S%z') }}", {}),
    ("{{ '2024-01-31'|to_datetime }}", {}),
    ("{{ '%Y-%m-%d'|strftime(1699963200) }} {{ '%d/%m/%y %j %a %b'|strftime(86400 * 400 + 43200) }} {{ '%Y'|strftime('86400') }} {{ '%Y'|strftime|length }}", {}),
    ("{{ '%Y'|strftime('soon') }}", {}),
    ("{{ 'foo-bar_baz'|regex_replace('[-_]', ' ') }} {{ 'aaa'|regex_replace('a', 'b') }} {{ 'ABC'|regex_replace('b', 'x', ignorecase=true) }} {{ 'a1b2'|regex_replace('\\\\d', '<\\\\g<0>>') }} {{ 'k=v'|regex_replace('(?P<k>\\\\w+)=(?P<v>\\\\w+)', '\\\\g<v>:\\\\g<k>') }}", {}),
    ("{{ 'abxd'|regex_replace('x*', '-') }} {{ 'line\\n'|regex_replace('$', '!') }} {{ 'a\\nb'|regex_replace('(?m)^', '> ') }} {{ 'a.b'|regex_replace('\\\\.', '\\\\n') }} {{ 'ab'|regex_replace('(?<=a)b', 'X') }} {{ 'aabcc'|regex_replace('(\\\\w)\\\\1', '') }}", {}),
    ("{{ 'x'|regex_replace('x', '\\\\q') }}", {}),
    ("{{ 'x'|regex_replace('(', '') }}", {}),
    ("{{ 'abc123def'|regex_search('[0-9]+') }} {{ 'abc'|regex_search('z') }} {{ 'key: value'|regex_search('(\\\\w+): (\\\\w+)', '\\\\2', '\\\\1') }} {{ 'a=1'|regex_search('(?P<k>\\\\w)=(?P<v>\\\\d)', '\\\\g<v>') }} {{ 'ABC'|regex_search('b', ignorecase=true) }} {{ 'x\\nyz'|regex_search('^y', multiline=true) }}", {}),
    ("{{ 'a1b22c333'|regex_findall('[0-9]+') }} {{ 'k1=v1 k2=v2'|regex_findall('(\\\\w+)=(\\\\w+)') }} {{ 'a1b2'|regex_findall('[a-z](\\\\d)') }} {{ 'ABab'|regex_findall('a', ignorecase=true) }} {{ 'x\\ny'|regex_findall('^\\\\w$', multiline=true) }} {{ 'abc'|regex_findall('') }}", {}),
    ("{{ 'a.b*c(d)[e] f-g'|regex_escape }} {{ 'a.b*c'|regex_escape('posix_basic') }}", {}),
    ("{{ 'x'|regex_escape('posix_extended') }}", {}),
    ("{{ '/a/b/c.txt'|basename }} {{ '/a/b/'|basename }} {{ '/a/b/c.txt'|dirname }} {{ 'a'|dirname }} {{ '/'|dirname }} {{ 'c.tar.gz'|splitext }} {{ '.bashrc'|splitext }} {{ '/a.b/c'|splitext }}", {}),
    ("{{ 'C:\\\\a\\\\b.txt'|win_basename }} {{ 'C:\\\\a\\\\b.txt'|win_dirname }} {{ 'C:\\\\a\\\\b.txt'|win_splitdrive }} {{ '\\\\\\\\srv\\\\share\\\\f'|win_splitdrive }} {{ 'c:/x/y'|win_dirname }} {{ 'a\\\\b'|win_splitdrive }}", {}),
    ("{{ '/nonexistent/a/../b/./c'|realpath }} {{ '/a/b/c'|relpath('/a/d') }} {{ '/a/b'|relpath('/a/b') }} {{ '/x'|relpath('/a/b') }}", {}),
    ("{{ '~root'|expanduser }} {{ 'plain'|expanduser }} {{ '$NOPE_NOT_SET/${ALSO_NOT_SET}/x'|expandvars }}", {}),
    # Yield outside path names renders its body
    ("{% yield x from [1, 2] %}[{{ x }}]{% endyield %}", {}),
    ("a{% yield x from [1, 2] %}{{ x.missing.deeper }}{% endyield %}b", {}),
    # Idioms of real templates
    ("{{ name|lower|replace(' ', '-') }} {{ name.split(' ')[-1] }} {{ name|default('x')|upper }} {{ name[:3] }}", {"name": "My Cool Project"}),
    ("{{ '{:02d}'.format(n) }} {{ '%02d' % n }} {{ n|string|length }} {{ (n * 1.5)|int }} {{ n ~ '' }}", {"n": 7}),
    ("{% if x is defined and x %}yes{% endif %}{% if y is not defined %}no-y{% endif %}{% if z is none %}z-none{% endif %}", {"x": True, "z": None}),
    ("{{ items.0 }} {{ items[0] }} {{ d.k.0 }}", {"items": ["a", "b"], "d": {"k": ["v"]}}),
    ("{% set l = [1] %}{% set l = l + [2] %}{% set _ = l.append(3) %}{{ l }} {{ l|length }} {{ (1,) + (2,) }} {{ 'a' + 'b' }} {{ 1 + 2.5 }} {{ true + 1 }} {{ 1 + +2 }}", {}),
    ("{{ [1] + (2,) }}", {}),
    ("{% for k, v in d|dictsort %}{{ k }}: {{ v }}\n{% endfor %}", {"d": {"b": True, "a": None}}),
    ("{{ use_docker }} {{ use_docker|lower }} {{ 'yes' if use_docker else 'no' }} {{ port + 1 }} {{ port|string }}", {"use_docker": True, "port": 8080}),
    ("{{ x|to_json }} {{ x|tojson }} {{ x }}", {"x": {"str": "v", "int": 1, "list": ["a"], "bool": False}}),
    ("{%- for item in items %}\n- {{ item }}\n{%- endfor %}\n", {"items": ["a", "b"]}),
    ("{{ d.__class__ }}", {"d": {}}),
    ("{{ 'a b'.__len__() }}", {}),
    ("{{ x|b64encode|b64decode }} {{ x|hash('sha256')|truncate(11, true, '') }} {{ x|regex_replace('[^a-z]', '')|upper }}", {"x": "Secret-Value_1"}),
    ("{% macro field(name, type='str', required=false) -%}{{ name }}: {{ type }}{{ '!' if required }}{%- endmacro %}{{ field('a') }} {{ field('b', required=true) }} {{ field(type='int', name='c') }}", {}),
    ("{{ d|selectattr('enabled')|map(attribute='name')|join(',') }} {{ d|map(attribute='port')|max }}", {"d": [{"name": "a", "enabled": True, "port": 1}, {"name": "b", "enabled": False, "port": 2}]}),
    ("{{ date_value > other }} {{ [date_value, other]|sort|first }} {{ date_value.strftime('%Y') }}", {"date_value": datetime.date(2024, 5, 1), "other": datetime.date(2023, 1, 1)}),
    # Includes are absent here; errors
    ("{% include 'nope.jinja' %}", {}),
    ("{{ 'a' + 1 }}", {}),
    ("{{ [1] + 1 }}", {}),
    ("{% if %}", {}),
    ("{{ x|nope_filter }}", {"x": 1}),
    ("{{ 'a b'|split }}", {}),
    ("{{ 'a'|lines }}", {}),
    ("{{ [1]|zip([2]) }}", {}),
    ("{{ 1 is int }}", {}),
    ("{{ debug() }}", {}),
]


def render(template, context, envops):
    env = build_env(envops)
    try:
        return {"expected": env.from_string(template).render(**context)}
    except Exception as error:  # noqa: BLE001 - any failure is a recorded result
        return {"error": type(error).__name__}


def main():
    records = []
    for case in CASES:
        template, context, envops = (case + ({},))[:3] if len(case) == 2 else case
        record = {"template": template, "context": typed(context)}
        if envops:
            record["envops"] = typed(envops)
        record.update(render(template, context, envops))
        records.append(record)
    OUTPUT.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n")
    errors = sum("error" in record for record in records)
    print(f"wrote {len(records)} vectors ({errors} errors) to {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
