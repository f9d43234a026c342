"""The libyaml event builder (:mod:`dangjian_audit.eventyaml`) against the libyaml evidence loader.

Every text must give the same Python data (types, key order and ``__line__`` keys included) or the
same diagnostic through :func:`eventyaml.parse` as through :func:`yamlio.parse`. The ordinary cases
must be built from the events (a builder that handed every text to the loader would pass the
comparisons); the unusual ones may take the libyaml path, which the comparison covers too. Runs
with and without the ``fast`` extra: this is the loader when yaml-rs is absent or turned off.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import loader_compare
import pytest
import yaml
from conftest import bench_generator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_compare import shape

from dangjian_audit import eventyaml, fastyaml, yamlio
from dangjian_audit.loading.common import strip_lines

pytestmark = pytest.mark.skipif(not eventyaml.AVAILABLE, reason="PyYAML without libyaml has no C event parser")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))



def assert_same(text: str) -> None:
    loader_compare.assert_same(eventyaml.parse, text)

def built(text: str) -> bool:
    """Whether the text is built from the events rather than handed to the libyaml loader."""
    return eventyaml.load(text) is not None


# ---------------------------------------------------------------- plain scalars, every YAML 1.1 form

PLAIN = [
    # null
    "~", "null", "Null", "NULL", "nULL", "nul", "none", "None",
    # bool, YAML 1.1's long list included
    "yes", "Yes", "YES", "yEs", "no", "No", "NO", "nO", "true", "True", "TRUE", "tRUE", "false", "False", "FALSE",
    "on", "On", "ON", "oN", "off", "Off", "OFF", "y", "Y", "n", "N", "t", "f",
    # int: decimal, signs, underscores, binary, octal, hexadecimal, sexagesimal
    "0", "-0", "+0", "7", "12", "-12", "+12", "1_000", "1__0", "1_", "0b1010", "-0b1", "+0b_1", "0b", "0b2",
    "017", "-017", "+017", "0_17", "08", "09", "0o17", "0x1F", "0xff", "-0x1F", "+0x_a", "0X1F", "0xg",
    "1:30", "-1:30", "190:20:30", "1:60", "1:5", "01:30", "1:30:", "123456789012345678901234567890",
    # float: fractions, exponents (YAML 1.1 wants a sign in them), infinities, not-a-number, sexagesimal
    "1.5", "-1.5", "+1.5", "1.", "-1.", ".5", "-.5", "+.5", "1.0e+5", "1.0E-5", "1.0e5", "1e3", "1e+3", "1_000.5",
    "1.2.3", ".", "._", "-.", ".inf", "-.inf", "+.inf", ".Inf", ".INF", ".iNF", "inf", ".nan", ".NaN", ".NAN",
    "-.nan", "190:20:30.15", "1:30.5", "0.1", "00.5", "1.5_",
    # timestamps: dates, datetimes with and without zones and fractions, impossible ones stay text
    "2024-01-02", "2024-1-2", "2024-01-2", "24-01-02", "2024-01-02T10:00:00Z", "2024-01-02t10:00:00Z",
    "2024-01-02 10:00:00", "2024-01-02T10:00:00.5", "2024-01-02T10:00:00.123456789+08:00",
    "2024-01-02 10:00:00 -5", "2024-01-02   10:00:00+8", "2024-01-02T1:02:03", "2024-01-02T10:00",
    "2025-02-30", "2024-13-01", "2024-02-29", "2023-02-29", "0000-01-01", "2024-01-02T25:00:00",
    "2024-01-02T10:61:00", "9999-12-31",
    # the merge key, the value indicator and their neighbours
    "<<", "<", "<<<", "=", "==",
    # text
    "text", "三会一课", "A-01", "G1-01", "-x", "+x", "1a", "0x", "x: y", "é", "😀", "http://example.org/a?b=c",
    "a#b", "a # b",
]


@pytest.mark.parametrize("token", PLAIN)
def test_every_plain_scalar_form_as_value_key_and_item(token: str) -> None:
    assert_same(f"a: {token}\n")
    assert_same(f"{token}: a\n")
    assert_same(f"a:\n  - {token}\n  - [{token}, x]\n  - {{k: {token}}}\n")


@pytest.mark.parametrize("token", PLAIN)
def test_quoted_forms_stay_text(token: str) -> None:
    text = "a: '{0}'\nb: \"{0}\"\n'{0}': 1\nc: |\n  {0}\nd: >-\n  {0}\n".format(token.replace("'", "''"))
    assert built(text)
    assert_same(text)


def test_plain_scalars_are_typed_as_the_evidence_loader_types_them() -> None:
    data = eventyaml.parse("a: [yes, off, 017, 0x1F, 1_000, 1:30, .5, -.inf, ~, '', 2024-02-29, 2025-02-30, "
                           "2024-01-02 10:00:00, 1.0e5]\n", "f.yaml")
    assert data["a"][:9] == [True, False, 15, 31, 1000, 90, 0.5, float("-inf"), None]
    assert data["a"][9:12] == ["", dt.date(2024, 2, 29), "2025-02-30"]
    assert data["a"][12] == dt.datetime(2024, 1, 2, 10)
    assert data["a"][13] == "1.0e5"


# ---------------------------------------------------------------- structure

STRUCTURE = {
    "empty values": "a:\nb: \nc: ''\nd: \"\"\ne: [a, '']\nf:\n  -\n  - x\n",
    "block scalars": "a: |\n  x\n  y\n\nb: |-\n  x\nc: |+\n  x\n\nd: >\n  x\n  y\n\n  z\ne: >-\n  x\n"
                     "f: >+\n  x\n\n\ng: |2\n    indented\nh: end\n",
    "block scalar at the end of the file": "a: |+\n  x\n\n\n",
    "flow collections": "a: {b: [1, {c: d}], e: {}}\nf: []\ng: [a, b, ]\nh: {i: 1, }\nj: [k: 1]\n"
                        "l: [[1, 2], [], [[3]]]\n",
    "multi-line flow": "a: {b: 1,\n  c: [2,\n    3]}\nd:\n  - {e: 1,\n     f: 2}\n",
    "flow key without a value": "a: {b, c: 1}\n",
    "indentless sequence": "a:\n- 1\n- b: 2\n  c: 3\n- - 4\n  - 5\n",
    "nested lists of mappings": "a:\n  - b:\n      - c: 1\n        d: [e, {f: g}]\n      - {h: i}\n  - []\n  - {}\n",
    "sequences of sequences": "a:\n  - - 1\n    - - 2\n      - 3\n  - []\n",
    "comments": "# head\na: 1 # tail\n# between\nb:   # after a key\n  - x # item\n  # inside\n  - y\n# end",
    "crlf": "a: 1\r\nb:\r\n  - {c: 2}\r\n  - d: |\r\n      x\r\n      y\r\n",
    "cr only": "a: 1\rb: 2\r",
    "no final line break": "a: 1\nb: {c: 2}",
    "unicode": "名称: 杭州市第一中学\n说明: 按时召开，【重点】“三会一课”！\nemoji: 😀\nmixed: é中😀\n",
    "full-width colon is text": "a：b: 1\nc: d：e\n",
    "keys of every type": "3: int\n-2: neg\n0x10: hex\n1.5: float\ntrue: bool\nno: bool\n~: null\n"
                          "2024-01-02: date\n2024-01-02 10:00:00: datetime\n'1': str\n",
    "empty keys": "?\n: a\nb: {? : c}\n",
    "quoted keys": "'a': 1\n\"b\": 2\n'yes': 3\n",
    "escapes": 'a: "\\u4e2d\\x41\\t\\n\\\\\\"\\/"\nb: "x\\\n  y"\nc: \'it\'\'s\'\n',
    "multi-line scalars": "a: one\n  two\n\n  three\nb: \"x\n  y\"\nc: 'p\n\n  q'\n",
    "document markers": "---\na: 1\n...\n",
    "document marker with a comment": "# c\n--- # d\na: 1\n",
    "flow mapping document": "{a: 1, b: [2, {c: 3}]}\n", "flow mapping after a marker": "--- {a: 1,\n  b: 2}\n",
    "explicit document end only": "a: 1\n...\n",
    "long lines": "a: " + "长" * 5000 + "\nb: [" + ", ".join(str(i) for i in range(2000)) + "]\n",
    "byte-order mark": "\ufeffa: 1\n",
    "tab inside a value": "a: x\ty\nb: 'p\tq'\n",
    "ampersand and exclamation inside text": "a: 'x & y!'\nb: x&y\nc: \"!\"\nd: 感叹！\n",
    "asterisk inside text": "a: 'x * y'\nb: 2*3\n",
    "nested depth 30": "a: " + "[" * 30 + "]" * 30 + "\nb: " + "{c: " * 30 + "1" + "}" * 30 + "\n",
}


@pytest.mark.parametrize("text", STRUCTURE.values(), ids=STRUCTURE.keys())
def test_ordinary_structure_is_built_with_the_same_result(text: str) -> None:
    assert built(text)
    assert_same(text)


UNUSUAL = {
    # refused or resolved by the libyaml loader: the builder hands them over
    "alias": "a: &x 1\nb: *x\n", "anchor only": "a: &x 1\n", "anchored mapping": "a: &x {b: 1}\n",
    "anchored sequence": "a: &x [1]\n", "local tag": "a: !custom 1\n", "python tag": "a: !!python/name:os.system\n",
    "str tag": "a: !!str 1\n", "int tag": "a: !!int '7'\n", "float tag on text": "a: !!float x\n",
    "binary tag": "a: !!binary aGk=\n", "set tag": "a: !!set {x, y}\n", "non-specific tag": "a: ! 1\n",
    "tag on a mapping": "a: !!map {b: 1}\n", "verbatim tag": "a: !<tag:yaml.org,2002:str> 1\n",
    "merge key": "b: &x {c: 1}\na: {<<: *x, d: 2}\n", "merge key without alias": "a:\n  <<: {c: 1}\n  d: 2\n",
    "merge key with a scalar": "a:\n  <<: 1\n", "merge as a value": "a: <<\n", "value key": "=: 1\n",
    "value as a value": "a: =\n",
    "duplicate key": "a: 1\nb:\n  c: 1\n  c: 2\n", "duplicate true and 1": "{1: a, true: b}\n",
    "duplicate 1 and 1.0": "1: a\n1.0: b\n", "duplicate null": "~: 1\nnull: 2\n",
    "duplicate quoted and plain": "a: 1\n'a': 2\n", "duplicate dates": "2024-01-02: a\n2024-1-2: b\n",
    "nan keys": ".nan: 1\n.NaN: 2\n",
    "reserved key": "__line__: 3\n", "reserved key quoted": "a: {'__line__': 3}\n",
    "complex key": "? [a]\n: 1\n", "flow sequence as a key": "{[a]: 1}\n", "mapping as a key": "? {a: 1}\n: 2\n",
    "explicit scalar key": "? a\n: 1\n", "empty key": ": a\n", "empty key in a flow mapping": "a: {: b}\n",
    "second document": "a: 1\n---\nb: 2\n", "second empty document": "a: 1\n---\n",
    "directive": "%YAML 1.1\n---\na: 1\n", "tag directive": "%TAG !e! tag:example.com,2000:\n---\na: 1\n",
    "five thousand digits": "a: " + "9" * 5000 + "\n", "300-bit integer": "a: " + str(2**300) + "\n",
    "huge hexadecimal": "a: 0x" + "f" * 5000 + "\n", "huge key": str(2**300) + ": a\n",
    "deep nesting": "a: " + "[" * 2000 + "]" * 2000 + "\n", "nesting past the builder's depth": "a: " +
    "[" * 70 + "]" * 70 + "\n",
    "too many values": "a: [" + "1," * 210_000 + "1]\n",
    "control character": "a: x\x07\n", "delete character": "a: x\x7f\n", "NEL": "a: x\x85y\n",
    "line separator": "a: x\u2028y\n", "byte-order mark inside": "a: \ufeff1\n",
    "lone surrogate": "a: \ud800\n",
    "ideographic space key": "\u3000: 1\n", "tab before a value": "a:\tb\n", "tab indentation": "a:\n\tb: 1\n",
    "long key": "k" * 1100 + ": 1\n", "invalid escape": 'a: "\\q"\n',
    "mapping in a plain scalar": "a: b: c\n", "unterminated quote": 'a: "x\n', "unclosed flow": "a: {b: 1\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n", "empty flow entry": "a: [x, , y]\n", "at sign": "a: @x\n",
    "backtick": "a: `x\n", "lone dash value": "a: -\n", "error after the document": "a: 1\n]\n",
    "error after a second document marker": "a: 1\n--- \n]\n",
    # top levels that are not a mapping, and empty files
    "scalar document": "x\n", "sequence document": "- 1\n", "empty": "", "only comments": "# x\n\n",
    "only a document marker": "---\n", "null document": "~\n", "empty flow mapping document": "{}\n",
}


@pytest.mark.parametrize("text", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_unusual_texts_give_the_libyaml_result(text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize("text", [UNUSUAL[k] for k in ("alias", "anchor only", "local tag", "merge key", "value key",
                                                        "duplicate key", "reserved key", "complex key",
                                                        "second document", "directive", "300-bit integer",
                                                        "nesting past the builder's depth", "unclosed flow",
                                                        "error after the document", "scalar document")])
def test_unusual_texts_take_the_libyaml_path(text: str) -> None:
    assert not built(text)


def test_lines_match_on_every_mapping() -> None:
    text = "a: 1\nitems:\n  - {x: 2024-09-01}\n  - y: 2\n    z:\n      w: 3\n  -\n    - {}\nflow: {p: {q: 1}}\n"
    data = eventyaml.parse(text, "f.yaml")
    assert data["__line__"] == 1
    assert [item["__line__"] for item in data["items"][:2]] == [3, 4]
    assert data["items"][1]["z"]["__line__"] == 6
    assert data["items"][2] == [{"__line__": 8}]
    assert data["flow"] == {"p": {"q": 1, "__line__": 9}, "__line__": 9}
    assert list(data) == ["a", "items", "flow", "__line__"]  # the line comes last, as the libyaml loader puts it
    assert shape(data) == shape(yamlio.parse(text, "f.yaml"))


def test_without_lines_no_line_key_is_added() -> None:
    text = EXAMPLES[0].read_text(encoding="utf-8")
    data = eventyaml.load(text, lines=False)
    assert data is not None and "__line__" not in repr(data)
    assert shape(data) == shape(strip_lines(yamlio.parse(text, "f.yaml")))


def test_remembered_values_do_not_change_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolved plain scalars are kept between files, in a bounded table: cold, warm and full give the same."""
    text = EXAMPLES[0].read_text(encoding="utf-8")
    expected = shape(yamlio.parse(text, "f.yaml"))
    eventyaml._RESOLVED.clear()
    assert shape(eventyaml.load(text)) == expected
    assert eventyaml._RESOLVED
    assert shape(eventyaml.load(text)) == expected
    monkeypatch.setattr(eventyaml, "CACHE_SIZE", 5)
    eventyaml._RESOLVED.clear()
    assert shape(eventyaml.load(text)) == expected
    assert len(eventyaml._RESOLVED) <= 5
    long = "2024年" + "第一学期" * 20
    assert eventyaml.parse(f"a: {long}\nb: {long}\n", "f.yaml") == {"a": long, "b": long, "__line__": 1}
    assert long not in eventyaml._RESOLVED  # long texts are not kept


# ---------------------------------------------------------------- corpus

def _corpus() -> list[tuple[str, str]]:
    files = sorted({*ROOT.glob("examples/**/*.yaml"), *ROOT.glob("tests/cases/**/*.yaml"),
                    *ROOT.glob("tests/faults/**/*.yaml"), *ROOT.glob("indicators/**/*.yaml"),
                    *ROOT.glob("src/dangjian_audit/locale/*.yaml")})
    out = []
    for path in files:
        try:
            out.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8").removeprefix("\ufeff")))
        except UnicodeDecodeError:
            continue  # not-utf8.yaml never reaches the parser
    return out


CORPUS = _corpus()


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=[n for n, _ in CORPUS])
def test_every_yaml_file_of_the_project_gives_the_same_result(name: str, text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_valid_examples_are_built(path: Path) -> None:
    assert built(path.read_text(encoding="utf-8"))


def test_every_seen_fault_gives_the_same_result() -> None:
    from test_faults import FAULTS, faulty_text

    assert len(FAULTS) > 10
    for fault in FAULTS:
        if "example" in fault:
            assert_same(faulty_text(fault))


def test_generated_county_gives_the_same_data() -> None:
    gen = bench_generator()
    for i in range(40):
        _, text = gen.school_text(i)
        assert built(text), i
        assert_same(text)


def test_a_very_long_file_gives_the_same_data() -> None:
    gen = bench_generator()
    _, text = gen.school_text(7)
    records = "".join(f"  - {{id: X{i}, kind: branch_meeting, date: 2025-0{1 + i % 9}-1{i % 10}, expected: {i}, "
                      f"present: {i % 7}, ok: {('yes', 'no', 'on', 'off')[i % 4]}, note: 第{i}次}}\n"
                      for i in range(5000))
    text = text + "extra_records:\n" + records
    assert built(text)
    assert_same(text)


MUTATIONS = [": ", "- ", "{", "}", "[", "]", ",", "\n", "  ", "\"", "'", "#", "0", "01", "yes", "no", "1e3", ".5",
             "+.5", "2024-02-30", "\"2024-01-02\"", "1:30", "=", "~", "?", "&a ", "*a", "!x ", "<<: ", "\t", "\\",
             "\\u00e9", "---\n", "x: ", "true", "null", "\r\n", "0x1F", "0o7", "0B1", "-", "|\n", ">\n", "__line__",
             "|-\n", ">+\n", "2024-01-02 10:00:00", ".nan", "0b101", "1_000", "!!str ", "...\n", "%"]


def test_mutated_examples_give_the_same_result_or_diagnostic() -> None:
    rng = random.Random(20251201)
    texts = [p.read_text(encoding="utf-8") for p in EXAMPLES]
    count = 0
    for _ in range(150):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(text))
            cut = rng.choice((0, 0, 1, 2))
            text = text[:pos] + rng.choice(MUTATIONS) + text[pos + cut:]
        assert_same(text)
        count += built(text)
    assert count > 40  # the mutations must exercise the builder, not only the libyaml path


# ---------------------------------------------------------------- generated texts (hypothesis)

_TOKENS = st.sampled_from([t for t in PLAIN if t not in ("a # b",)] + ["x", "名", "", "'q'", '"d"', "[]", "{}"])


def _node(depth: int) -> st.SearchStrategy[str]:
    scalar = _TOKENS
    if depth >= 3:
        return scalar
    inner = _node(depth + 1)
    flow_seq = st.lists(inner.filter(lambda s: "\n" not in s and ": " not in s), max_size=4).map(
        lambda items: "[" + ", ".join(items) + "]")
    flow_map = st.lists(st.tuples(_TOKENS, _TOKENS), max_size=4).map(
        lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}")
    return st.one_of(scalar, flow_seq, flow_map)


_BLOCK = st.lists(st.tuples(_TOKENS, _node(0), st.booleans()), min_size=1, max_size=8).map(
    lambda rows: "".join(f"{k}: {v}\n" if not as_item else f"{k}:\n  - {v}\n  - {{n: {v}}}\n"
                         for k, v, as_item in rows))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_BLOCK)
def test_generated_texts_give_the_same_result(text: str) -> None:
    assert_same(text)


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                              st.dates(), st.text(max_size=12)),
                    lambda children: st.one_of(st.lists(children, max_size=4),
                                               st.dictionaries(st.text(max_size=6), children, max_size=4)),
                    max_leaves=20),
       st.sampled_from([None, True, False]))
def test_dumped_data_gives_the_same_result(data: Any, flow: bool | None) -> None:
    text = yaml.safe_dump({"root": data}, allow_unicode=True, default_flow_style=flow)
    assert_same(text)


# ---------------------------------------------------------------- where it plugs in

def test_without_the_fast_extra_evidence_is_built_from_the_events(monkeypatch: pytest.MonkeyPatch) -> None:
    from dangjian_audit.loading import load_evidence

    calls: list[bool] = []
    real = eventyaml.load

    def spy(text: str, *, lines: bool = True) -> Any:
        calls.append(lines)
        return real(text, lines=lines)

    monkeypatch.setattr(fastyaml, "AVAILABLE", False)
    monkeypatch.setattr(eventyaml, "load", spy)
    with_lines = load_evidence(EXAMPLES[0])
    without = load_evidence(EXAMPLES[0], lines=False)
    assert calls == [True, False]
    assert with_lines.school.src_line is not None and without.school.src_line is None
    assert with_lines.model_dump() == without.model_dump()
    assert fastyaml.parse("a: 1\n", "f.yaml") == {"a": 1, "__line__": 1}


def test_version_names_the_event_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import run_cli

    code, out, _ = run_cli(["--version"])
    assert code == 0 and "libyaml event builder" in out and "CSafeLoader (libyaml)" in out
    monkeypatch.setattr(fastyaml, "AVAILABLE", False)
    assert fastyaml.loader_name() == "libyaml event builder, checked against CSafeLoader (libyaml)"


def test_texts_the_fast_extra_refuses_are_built_from_the_events(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = eventyaml.load

    def spy(text: str, *, lines: bool = True) -> Any:
        seen.append(text)
        return real(text, lines=lines)

    monkeypatch.setattr(eventyaml, "load", spy)
    assert fastyaml.parse("a: yes\nb: 017\n", "f.yaml") == {"a": True, "b": 15, "__line__": 1}
    assert seen == ["a: yes\nb: 017\n"]


def test_reports_are_identical_with_the_builder_and_the_libyaml_loader(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    """Findings carry the ``src_line`` of records: the JSON report (every finding's line) must not change."""
    from dangjian_audit import loading
    from dangjian_audit.i18n import Messages
    from dangjian_audit.report import audit_file
    from dangjian_audit.reporters.json_format import render_json

    ruleset = loading.load_ruleset()
    msgs = Messages("en")
    gen = bench_generator()
    paths = list(EXAMPLES)
    for i in range(5):
        path = tmp_path / f"gen{i}.yaml"
        path.write_text(gen.school_text(i)[1], encoding="utf-8")
        paths.append(path)

    def reports() -> list[str]:
        return [render_json([audit_file(ruleset, p, p.name, dt.date(2025, 12, 31), msgs)]) for p in paths]

    monkeypatch.setattr(fastyaml, "AVAILABLE", False)
    monkeypatch.setattr(eventyaml, "AVAILABLE", False)
    slow = reports()
    monkeypatch.setattr(eventyaml, "AVAILABLE", True)
    built_reports = reports()
    assert built_reports == slow
    assert sum(r.count('"line":') for r in slow) > 50  # findings with lines were compared
