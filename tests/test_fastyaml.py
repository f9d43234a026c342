"""The optional fast loader (``pip install dangjian-audit[fast]``) against the libyaml evidence loader.

Every text must give the same Python data (``__line__`` keys and key order included) or the same
diagnostic through :func:`fastyaml.parse` as through :func:`yamlio.parse`. The cases pin each known
difference between yaml-rs (YAML 1.2) and the evidence loader (YAML 1.1), the corpus tests cover
every example and a generated county, and a seeded mutation test covers texts nobody wrote on purpose.
Skipped when the extra is not installed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("yaml_rs")

import loader_compare  # noqa: E402
from conftest import bench_generator  # noqa: E402
from loader_compare import shape  # noqa: E402

from dangjian_audit import fastyaml, yamlio  # noqa: E402
from dangjian_audit.loading.common import strip_lines  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.yaml"))
CASE_BASE = ROOT / "tests" / "cases" / "base.yaml"


def assert_same(text: str) -> None:
    loader_compare.assert_same(fastyaml.parse, text)

def takes_fast_path(text: str) -> bool:
    return fastyaml.fast_load(text) is not None


# ---------------------------------------------------------------- every known difference

DIFFERENCES = {
    # yaml-rs reads quoted dates as dates; YAML 1.1 keeps them text
    "double-quoted date": 'a: "2024-01-02"\n',
    "single-quoted date": "a: '2024-01-02'\n",
    "quoted date in a flow sequence": 'a: ["2024-01-02", x]\n',
    "quoted date as a key": '"2024-01-02": 1\n',
    "quoted date after a line break": 'a: "\n  2024-01-02"\n',
    # YAML 1.1 booleans stay strings in YAML 1.2
    "yes": "a: yes\n", "No": "a: No\n", "ON": "a: ON\n", "off": "a: off\n", "yes as a key": "yes: 1\n",
    "yes in a flow mapping": "a: {b: yes}\n", "no in a sequence": "a:\n  - no\n",
    # merge keys are ignored by yaml-rs
    "merge key": "b: &x {c: 1}\na: {<<: *x, d: 2}\n",
    "merge key without alias": "a:\n  <<: {c: 1}\n  d: 2\n",
    # impossible dates: both keep text, but through the libyaml path
    "impossible date": "a: 2025-02-30\n",
    "impossible date in a record": "meetings:\n  - {id: A, date: 2025-02-30}\n",
    # duplicate keys, including keys equal as Python values
    "duplicate key": "a: 1\nb:\n  c: 1\n  c: 2\n",
    "duplicate true and 1": "{1: a, true: b}\n",
    "duplicate 1 and 1.0": "1: a\n1.0: b\n",
    "duplicate null": "~: 1\nnull: 2\n",
    # aliases and anchors are refused; tags are refused or resolved by the libyaml path
    "alias": "a: &x 1\nb: *x\n",
    "anchor only": "a: &x 1\n",
    "local tag": "a: !custom 1\n",
    "python tag": "a: !!python/name:os.system\n",
    "str tag": "a: !!str 1\n",
    "binary tag": "a: !!binary aGk=\n",
    "set tag": "a: !!set {x, y}\n",
    # numbers YAML 1.1 and 1.2 read differently
    "octal": "a: 017\n", "negative octal": "a: -012\n", "0o prefix": "a: 0o17\n", "0X prefix": "a: 0X1F\n",
    "0B prefix": "a: 0B1\n", "exponent without dot": "a: 1e3\n", "exponent without sign": "a: 1.0e5\n",
    "signed fraction": "a: +.5\n", "signed nan": "a: -.nan\n", "leading zero key": "017: a\n",
    "not a decimal": "a: 09\n", "sexagesimal": "a: 1:30\n", "sexagesimal float": "a: 1:30.5\n",
    "value indicator": "a: =\n",
    # integers the evidence loader refuses as too large
    "five thousand digits": "a: " + "9" * 5000 + "\n", "300-bit integer": "a: " + str(2**300) + "\n",
    "huge key": str(2**300) + ": a\n", "huge in a sequence": "a: [" + str(2**300) + "]\n",
    "deep nesting": "a: " + "[" * 2000 + "]" * 2000 + "\n",
    "too many values": "a: [" + "1," * 210_000 + "1]\n",
    # read alike by both, but screened with their riskier neighbours
    "hex": "a: 0x1F\n", "binary": "a: 0b11\n", "bare fraction": "a: .5\n", "negative infinity": "a: -.inf\n",
    # structure yaml-rs accepts and libyaml refuses
    "second document": "a: 1\n---\nb: 2\n",
    "complex key": "? [a]\n: 1\n",
    "flow sequence as a key": "{[a]: 1}\n",
    "control character": "a: x\x07\n",
    "delete character": "a: x\x7f\n",
    "NEL": "a: x\x85y\n",
    "line separator": "a: x\u2028y\n",
    "byte-order mark inside": "a: \ufeff1\n",
    "tab before a value": "a:\tb\n",
    "tab indentation": "a:\n\tb: 1\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "end marker": "a: 1\n...\n",
    "long key": "k" * 1100 + ": 1\n",
    # escapes beyond \" and \\
    "unicode escape": 'a: "\\u4e2d"\n', "line-separator escape": 'a: "x\\Ly"\n',
    "escaped line break": 'a: "x\\\n  y"\n',
    "invalid escape": 'a: "\\q"\n',
    # datetimes, times of day and time zones
    "datetime": "a: 2024-01-02 10:00:00\n", "datetime with zone": "a: 2024-01-02T10:00:00+08:00\n",
    "datetime fraction": "a: 2024-01-02 10:00:00.5\n", "single-digit month": "a: 2024-1-2\n",
    # the reserved key and syntax errors keep their diagnostics
    "reserved key": "__line__: 3\n",
    "mapping in a plain scalar": "a: b: c\n", "unterminated quote": 'a: "x\n', "unclosed flow": "a: {b: 1\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n", "empty flow entry": "a: [x, , y]\n", "at sign": "a: @x\n",
    "backtick": "a: `x\n", "lone dash value": "a: -\n",
    # top levels that are not a mapping, and empty files
    "scalar document": "x\n", "sequence document": "- 1\n", "empty": "", "only comments": "# x\n\n",
}


@pytest.mark.parametrize("text", DIFFERENCES.values(), ids=DIFFERENCES.keys())
def test_every_difference_gives_the_libyaml_result(text: str) -> None:
    assert_same(text)


SAME = {
    "plain values": "a: text\nb: 3\nc: -4\nd: 2.5\ne: true\nf: False\ng: ~\nh:\ni: null\nj: 2024-09-01\n",
    "flow records": "items:\n  - {id: A, n: 1, d: 2024-09-01}\n  - {id: B, n: 0, ok: false}\n",
    "block records": "items:\n  - id: A\n    n: 1\n  - id: B\n    nested:\n      x: 1\n",
    "empty collections": "a: {}\nb: []\nc:\n  - {}\n",
    "escaped quotes": 'title: "\\"三会一课\\"制度"\nb: "a\\\\b"\n',
    "quoted code": 'code: "330106-00000"\nname: \'it\'\'s\'\n',
    "folded and literal": "a: >\n  第一行\n  第二行\nb: |\n  x\n  y\nc: |-\n  z\n",
    "multi-line flow mapping": "a: {b: 1,\n  c: 2}\nd:\n  - {e: 1,\n     f: 2}\n",
    "multi-line plain scalar": "a: one\n  two\n  three\n",
    "comments": "# head\na: 1 # tail\n# between\nb: 2\n",
    "numbers": "a: 0\nb: 1_000\nc: 0.5\nd: .inf\ne: 12.50\nf: -3\ng: +4\n",
    "crlf": "a: 1\r\nb:\r\n  - {c: 2}\r\n",
    "leading document marker": "---\na: 1\n",
    "numeric keys": "1: a\n2.5: b\n",
    "chinese text with full-width punctuation": "说明: 按时召开，【重点】“三会一课”！\n",
}


@pytest.mark.parametrize("text", SAME.values(), ids=SAME.keys())
def test_ordinary_yaml_takes_the_fast_path_with_the_same_result(text: str) -> None:
    assert takes_fast_path(text)
    assert_same(text)


def test_lines_match_on_every_mapping() -> None:
    text = "a: 1\nitems:\n  - {x: 2024-09-01}\n  - y: 2\n    z:\n      w: 3\n"
    data = fastyaml.parse(text, "f.yaml")
    assert data["__line__"] == 1
    assert [item["__line__"] for item in data["items"]] == [3, 4]
    assert data["items"][1]["z"]["__line__"] == 6
    assert list(data) == ["a", "items", "__line__"]  # the line comes last, as the libyaml loader puts it


def test_without_lines_the_data_is_the_same_less_the_line_keys() -> None:
    text = EXAMPLES[0].read_text(encoding="utf-8")
    fast = fastyaml.parse(text, "f.yaml", lines=False)
    assert "__line__" not in json.dumps(fast, default=str)
    assert shape(fast) == shape(strip_lines(yamlio.parse(text, "f.yaml")))


def test_version_names_the_loader_in_use() -> None:
    from conftest import run_cli

    code, out, _ = run_cli(["--version"])
    assert code == 0 and "yaml-rs" in out and "libyaml" in out


def test_evidence_loading_uses_the_fast_loader_where_no_line_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    from dangjian_audit.loading import load_evidence

    calls: list[bool] = []
    real = fastyaml.fast_load

    def spy(text: str, *, lines: bool = True) -> Any:
        calls.append(lines)
        return real(text, lines=lines)

    monkeypatch.setattr(fastyaml, "fast_load", spy)
    with_lines = load_evidence(EXAMPLES[0])
    without = load_evidence(EXAMPLES[0], lines=False)
    assert calls == [False]  # with lines, libyaml's events build the data (eventyaml): cheaper than both
    assert with_lines.school.src_line is not None and without.school.src_line is None
    assert with_lines.model_dump() == without.model_dump()  # src_line is excluded from dumps


def test_without_the_extra_parse_is_the_libyaml_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastyaml, "AVAILABLE", False)
    assert fastyaml.parse("a: 1\n", "f.yaml") == {"a": 1, "__line__": 1}
    assert "yaml-rs" not in fastyaml.loader_name()


# ---------------------------------------------------------------- corpus

def _corpus() -> list[tuple[str, str]]:
    files = [*EXAMPLES, *INVALID, CASE_BASE]
    out = []
    for path in files:
        try:
            out.append((path.name, path.read_text(encoding="utf-8").removeprefix("\ufeff")))
        except UnicodeDecodeError:
            continue  # not-utf8.yaml never reaches the parser
    return out


@pytest.mark.parametrize(("name", "text"), _corpus(), ids=[n for n, _ in _corpus()])
def test_every_example_gives_the_same_result(name: str, text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_valid_examples_take_the_fast_path(path: Path) -> None:
    assert takes_fast_path(path.read_text(encoding="utf-8"))


def test_generated_county_gives_the_same_data_through_the_fast_path() -> None:
    gen = bench_generator()
    for i in range(30):
        _, text = gen.school_text(i)
        assert takes_fast_path(text), i
        assert_same(text)


MUTATIONS = [": ", "- ", "{", "}", "[", "]", ",", "\n", "  ", "\"", "'", "#", "0", "01", "yes", "no", "1e3", ".5",
             "+.5", "2024-02-30", "\"2024-01-02\"", "1:30", "=", "~", "?", "&a ", "*a", "!x ", "<<: ", "\t", "\\",
             "\\u00e9", "---\n", "x: ", "true", "null", "\r\n", "0x1F", "0o7", "0B1", "-", "|\n", ">\n", "__line__"]


def test_mutated_examples_give_the_same_result_or_diagnostic() -> None:
    rng = random.Random(20251201)
    texts = [p.read_text(encoding="utf-8") for p in EXAMPLES]
    fast = 0
    for _ in range(250):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(text))
            cut = rng.choice((0, 0, 1, 2))
            text = text[:pos] + rng.choice(MUTATIONS) + text[pos + cut:]
        assert_same(text)
        fast += takes_fast_path(text)
    assert fast > 30  # the mutations must exercise the fast path, not only the fallback
