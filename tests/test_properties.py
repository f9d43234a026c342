"""Property tests over the evidence model (hypothesis), built by mutating the bundled examples.

- No generated evidence file gets an internal error: it is scored, or refused with diagnostics that
  each have a line (dropped keys, changed types, numbers at and past their bounds, hostile strings).
- Adding a consistent record (a copy of a record no finding mentions, under a new id) never lowers
  the total or any indicator's points.
- Reordering the records of every list changes no score, status or finding.

Derandomized and bounded (``max_examples``) so the suite stays deterministic and fast in CI.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian_audit.errors import InputError
from dangjian_audit.i18n import Messages
from dangjian_audit.loading import load_ruleset
from dangjian_audit.loading.common import strip_lines
from dangjian_audit.models.result import SchoolReport
from dangjian_audit.report import audit_file
from dangjian_audit.yamlio import LINE_KEY, parse

AS_OF = dt.date(2025, 12, 31)
NAMES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
MSGS = Messages("en")
RULESET = load_ruleset()
DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


_plain = strip_lines  # the loader's own: drop the __line__ keys


def _example(name: str) -> Any:
    """The example with source lines (``__line__``) on every mapping."""
    path = EXAMPLES / name
    return parse(path.read_text(encoding="utf-8"), str(path))


@functools.cache
def _plain_example(name: str) -> Any:
    return _plain(_example(name))


def _audit(data: Any, directory: Path, name: str = "x.yaml") -> SchoolReport:
    path = directory / name
    text = yaml.dump(_plain(data), Dumper=DUMPER, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return audit_file(RULESET, path, name, AS_OF, MSGS)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in the data (mappings and list items)."""
    out: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k != LINE_KEY:
                out.append((*prefix, k))
                out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.append((*prefix, i))
            out.extend(_paths(v, (*prefix, i)))
    return out


HOSTILE = [
    None, True, False, 0, -1, 1, 10_000, 10_001, 10**30, 2**63, 1.5, -0.0, float("inf"), float("nan"),
    "", " ", "\x00", "\x1b[2J", "a\u202eb", "\u2066x", "x" * 3000, "2025/03/01", "２０２５－０３－０１",
    "2025年3月1日", 45585, "45585", dt.date(1900, 1, 1), dt.date(2099, 12, 31), [], {}, [1, 2], {"a": 1},
    "true", "M01", "ZZ-99",
]


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(_plain_example(draw(st.sampled_from(NAMES))))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[key]
        else:
            parent[key] = copy.deepcopy(draw(st.sampled_from(HOSTILE)))
    return data


@_settings(100)
@given(data=mutated())
def test_no_mutation_gets_an_internal_error(tmp_path_factory: pytest.TempPathFactory, data: Any) -> None:
    directory = tmp_path_factory.mktemp("mut")
    try:
        report = _audit(data, directory)
    except InputError as exc:
        assert exc.diagnostics
        for d in exc.diagnostics:
            assert d.line is not None, d
            text = d.render(MSGS)
            assert "\x1b" not in text and "\u202e" not in text and "\x00" not in text
    else:
        assert report.total >= 0


@functools.cache
def _mentioned_lines(name: str) -> frozenset[int]:
    """The lines of an example that some finding points at."""
    report = audit_file(RULESET, EXAMPLES / name, name, AS_OF, MSGS)
    return frozenset(f.location.line for r in report.indicators for f in r.findings if f.location is not None)


_COPYABLE = ("activities", "meetings", "documents", "decisions", "talks", "channels", "material_reviews")


@_settings(12)
@given(name=st.sampled_from(NAMES), choice=st.integers(0, 10**6))
def test_adding_a_consistent_record_never_lowers_a_score(tmp_path_factory: pytest.TempPathFactory, name: str,
                                                         choice: int) -> None:
    directory = tmp_path_factory.mktemp("add")
    data = _example(name)
    mentioned = _mentioned_lines(name)
    candidates = [(section, i) for section in _COPYABLE for i, rec in enumerate(data.get(section) or ())
                  if isinstance(rec, dict) and rec.get(LINE_KEY) not in mentioned]
    if not candidates:
        return
    original = _plain(data)
    section, i = candidates[choice % len(candidates)]
    record = copy.deepcopy(original[section][i])
    if "id" in record:
        record["id"] = f"{record['id']}-copy"
    baseline = _audit(original, directory, "before.yaml")  # the same data, written the same way
    original[section].append(record)
    after = _audit(original, directory, "after.yaml")
    assert after.total >= baseline.total, (section, record)
    old = {r.id: r.points for r in baseline.indicators}
    for r in after.indicators:
        assert r.points >= old[r.id], (r.id, section, record)


def _shape(report: SchoolReport) -> Any:
    return (report.total, [(r.id, r.status, r.points, sorted(f.message for f in r.findings))
                           for r in report.indicators])


@_settings(12)
@given(name=st.sampled_from(NAMES), seed=st.integers(0, 2**32 - 1))
def test_reordering_lists_changes_nothing(tmp_path_factory: pytest.TempPathFactory, name: str, seed: int) -> None:
    directory = tmp_path_factory.mktemp("order")
    data = _plain(_example(name))
    shuffled = copy.deepcopy(data)
    rng = random.Random(seed)
    for value in shuffled.values():
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            rng.shuffle(value)
    for key in ("committee", "party_groups"):
        if isinstance(shuffled["organization"].get(key), list):
            rng.shuffle(shuffled["organization"][key])
    if isinstance(shuffled["period"].get("terms"), list):
        rng.shuffle(shuffled["period"]["terms"])
    assert _shape(_audit(shuffled, directory, "b.yaml")) == _shape(_audit(data, directory, "a.yaml"))
