"""Optional fast YAML loading for evidence files: the ``fast`` extra (``pip install dangjian-audit[fast]``).

`yaml-rs <https://pypi.org/project/yaml-rs/>`_ parses and builds the Python objects in Rust, about
ten times faster than libyaml's ``CSafeLoader`` with our Python-side construction. It follows
YAML 1.2, while evidence is read as YAML 1.1 by :class:`dangjian_audit.yamlio.EvidenceLoader`, and
the two parsers accept slightly different texts. :func:`parse` therefore returns exactly what
:func:`dangjian_audit.yamlio.parse` returns (the same data, ``__line__`` keys included, or the same
diagnostic): it takes the fast path only for a text that passes every screen below, and otherwise
hands the text to :func:`dangjian_audit.yamlio.parse`.

1. Text: not more values than :func:`yamlio.parse` accepts (``limits.MAX_YAML_VALUES``), no tag
   (``!``), anchor (``&``), alias (``*``), complex key or flow key indicator (``?``), escape
   other than ``\\"`` and ``\\\\``, tab, merge key (``<<``), reserved ``__line__`` key,
   directive (``%``), second document (``---``/``...`` after the first line), and none of the
   characters YAML 1.1 counts as line breaks or byte-order marks inside the text (NEL, LS, PS,
   BOM). A pre-check added to :func:`yamlio.parse` must be added here too (the fault and
   conformance tests catch a missing one).
2. Numbers: no plain token that YAML 1.1 and 1.2 read differently, i.e. a number with a leading
   zero (1.1 octal), a base prefix (``0o``, ``0x``, ``0b`` in either case), an exponent, or a sign
   before a bare fraction (``+.5``).
3. Quotes: no quoted text that starts like a date (yaml-rs turns ``"2024-01-02"`` into a date).
4. yaml-rs loads the text; any error it raises (duplicate keys among them) means the fallback.
5. libyaml's own scanner and parser run over the text in C (``raw_parse``, or the event stream
   when lines are wanted): a text libyaml refuses goes to the fallback, which reports the error
   at its position, and libyaml's event count must equal the count the yaml-rs structure stands
   for, so a text the two parsers structure differently falls back too. The events also give
   each mapping's start line, exactly as the evidence loader records it (mappings appear in the
   events in the same order as in a pre-order walk of the data).
6. The result is walked: a string that the YAML 1.1 resolver would read as another type if it
   were plain (``yes``, ``no``, ``on``, ``off``, ``1:30``, ``=``, an impossible date...), an
   integer the evidence loader refuses as too large, a datetime, a key that is not a plain
   scalar, or a top level that is not a mapping all mean the fallback.

A text any screen refuses, and every text when the extra is absent or turned off
(``DANGJIAN_AUDIT_FAST_YAML=0``), goes to :func:`dangjian_audit.eventyaml.parse`: libyaml's events
built into the same data without PyYAML's Python-side machinery, itself handing anything unusual
to :func:`yamlio.parse`.

:func:`parse` takes the fast path only when no source lines are wanted (a batch without per-school
reports): lines come from libyaml's events, and building the data from those events costs less than
yaml-rs's load on top of them. :func:`fast_load` can still record lines (the conformance tests pin
that yaml-rs's structure matches libyaml's mapping by mapping).

With ``lines=False`` the fast path adds no ``__line__`` keys (a text that takes the libyaml path
still has them); use it only where no output shows a line (a batch without per-school reports):
the models then carry ``src_line=None`` and every score, status and diagnostic is unchanged.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import yaml

from dangjian_audit import eventyaml, yamlio
from dangjian_audit.yamlio import LINE_KEY, MAX_INT_BITS, EvidenceLoader

_RS: ModuleType | None = None


def _rs() -> ModuleType | None:
    """yaml-rs, imported on first use: loading its shared library costs a ``check`` (which never
    takes the fast path: it wants source lines) about 20 ms."""
    global _RS, _FOUND, AVAILABLE
    if _RS is None and _FOUND:
        try:
            import yaml_rs
        except ImportError:  # found but broken: every file takes the libyaml path
            _FOUND = AVAILABLE = False
            return None
        _RS = yaml_rs
    return _RS


# libyaml's parser alone, without PyYAML's Python-side construction
CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)
# DANGJIAN_AUDIT_FAST_YAML=0 keeps every file on the libyaml path (to compare, or to rule the extra out)
_FOUND = importlib.util.find_spec("yaml_rs") is not None
AVAILABLE = (_FOUND and CParser is not None and yamlio.HAS_LIBYAML
             and os.environ.get("DANGJIAN_AUDIT_FAST_YAML", "1") != "0")


def version() -> str:
    """yaml-rs's version, or ``""`` when it is not installed or fails to import."""
    return str(getattr(getattr(_rs(), "_yaml_rs", None), "_VERSION", ""))


_REFUSED = ("!", "&", "*", "?", "\t", "<<", LINE_KEY, "\n%", "\n---", "\n...", "\x85", "\u2028", "\u2029", "\ufeff")
# Where YAML 1.1 and 1.2 read a plain number differently: 017 (octal in 1.1), 0o17, 0X1F, 0B1, 1e3,
# +.5, -.nan. The text's bytes are mapped to classes (D delimiter a token may follow, S sign, 0, 9
# other digits, P a base prefix letter or _, E exponent letter, . and z anything else) so that
# each hazard is a short literal found by a fast substring search. Over-matching only costs speed.
_CLASSES = bytearray(b"z" * 256)
for _chars, _cls in ((b" \n\r[{,:", b"D"), (b"-+", b"S"), (b"0", b"0"), (b"123456789", b"9"),
                     (b"_oOxXbB", b"P"), (b"eE", b"E"), (b".", b".")):
    for _byte in _chars:
        _CLASSES[_byte] = _cls[0]
_CLASS_TABLE = bytes(_CLASSES)
_NUMERIC_HAZARDS = (b"D00", b"D09", b"D0P", b"DS00", b"DS09", b"DS0P", b"DS.", b"D.9", b"D.0", b"D.P",
                    b"9E", b"0E", b".E")
_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = EvidenceLoader.yaml_implicit_resolvers
_SCALARS = frozenset({float, bool, type(None), dt.date})
_KEYS = frozenset({str, float, bool, type(None), dt.date})
# Strings already judged: key names and common values repeat in every record of every file.
_PLAIN_SAFE: dict[str, bool] = {}


def loader_name() -> str:
    """The loader named by ``--version``."""
    if AVAILABLE and (found := version()):
        return f"yaml-rs {found} (fast path), then {eventyaml.loader_name()}"
    return eventyaml.loader_name()


def parse(text: str, display: str, *, lines: bool = True) -> Any:
    """Parse one evidence YAML document: the same result as :func:`yamlio.parse`, faster when possible.

    yaml-rs is taken only when no source lines are wanted: lines come from libyaml's events, and
    building the data from those same events (:mod:`dangjian_audit.eventyaml`) costs less than
    yaml-rs's load plus the events (about 3.4 against 4.9 ms for a 34 KB file; without lines,
    2.7 against 3.5 ms in yaml-rs's favour).
    """
    data = fast_load(text, lines=False) if AVAILABLE and not lines else None
    if data is None:
        return eventyaml.parse(text, display, lines=lines)
    return data


def fast_load(text: str, *, lines: bool = True) -> dict[Any, Any] | None:
    """The document through the fast path, or ``None`` when it must take the libyaml path."""
    if not screen(text):
        return None
    rs = _rs()
    if rs is None:
        return None
    try:
        data = rs.loads(text, parse_datetime=True)
    except Exception:  # noqa: BLE001 - any refusal (duplicate keys, syntax) is reported by the libyaml path
        return None
    if type(data) is not dict:
        return None
    # libyaml's scanner and parser over the same text: its errors are reported by the libyaml path,
    # and its event count must match the structure yaml-rs built (a different reading of the text
    # would not give the same count).
    starts: list[int] = []
    try:
        count = _events(text, starts) if lines else CParser(text).raw_parse()
    except yaml.YAMLError:
        return None
    found = iter(starts) if lines else None
    if _walk(data, found) + 4 != count or (found is not None and next(found, None) is not None):
        return None
    return data


def screen(text: str) -> bool:
    """True when the text holds nothing the fast path could read differently (steps 1-3)."""
    from dangjian_audit.limits import MAX_YAML_VALUES

    for token in _REFUSED:
        if token in text:
            return False
    # yamlio.parse refuses a text with too many values before parsing it: so does the fast path
    if text.count(":") + text.count(",") + text.count("\n") > MAX_YAML_VALUES:
        return False
    if text.startswith(("%", "...")):
        return False
    # Of the escapes, only \" and \\ (common in Chinese titles quoted inside quotes) are let through.
    if "\\" in text and "\\" in text.replace("\\\\", "").replace('\\"', ""):
        return False
    classes = ("\n" + text).encode("utf-8").translate(_CLASS_TABLE)
    for hazard in _NUMERIC_HAZARDS:
        if hazard in classes:
            return False
    for quote in ('"', "'"):
        i = text.find(quote)
        while i >= 0:
            j = i + 1
            while text[j:j + 1] in (" ", "\n", "\r"):
                j += 1
            if text[j:j + 4].isdigit() and text[j + 4:j + 5] == "-":
                return False
            i = text.find(quote, i + 1)
    return True


def _events(text: str, starts: list[int]) -> int:
    """libyaml's event count, appending the 1-based start line of every mapping in document order."""
    parser = CParser(text)
    mapping_start = yaml.MappingStartEvent
    count = 0
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return count
            count += 1
            if type(event) is mapping_start:
                mark = event.start_mark
                starts.append(mark.line + 1 if mark is not None else 0)
    finally:
        parser.dispose()


def _plain_safe(value: str) -> bool:
    """Would the YAML 1.1 resolver keep this string a string if it were written plain?"""
    known = _PLAIN_SAFE.get(value)
    if known is not None:
        return known
    safe = not any(regexp.match(value) for _, regexp in _RESOLVERS.get(value[0], ()))
    if len(_PLAIN_SAFE) > 50_000:
        _PLAIN_SAFE.clear()
    _PLAIN_SAFE[value] = safe
    return safe


def _walk(value: dict[Any, Any] | list[Any], starts: Iterator[int] | None) -> int:
    """Check every key and scalar (step 6) and, with ``starts``, add ``__line__`` in pre-order.

    Returns the number of parser events the structure stands for (a scalar one, a collection its
    start and end), or -1 when the text must take the libyaml path.
    """
    events = 2
    if type(value) is dict:
        line = next(starts, None) if starts is not None else None
        if starts is not None and line is None:
            return -1
        for key, item in value.items():
            kind = type(key)
            if kind is str:
                if key and not _plain_safe(key):
                    return -1
            elif kind is int:
                if key.bit_length() > MAX_INT_BITS:
                    return -1
            elif kind not in _KEYS:
                return -1
            kind = type(item)
            if kind is str:
                if item and not _plain_safe(item):
                    return -1
                events += 2
            elif kind is dict or kind is list:
                inner = _walk(item, starts)
                if inner < 0:
                    return -1
                events += 1 + inner
            elif kind is int:
                if item.bit_length() > MAX_INT_BITS:
                    return -1
                events += 2
            elif kind in _SCALARS:
                events += 2
            else:
                return -1
        if line is not None:
            value[LINE_KEY] = line
        return events
    for item in value:
        kind = type(item)
        if kind is str:
            if item and not _plain_safe(item):
                return -1
            events += 1
        elif kind is dict or kind is list:
            inner = _walk(item, starts)
            if inner < 0:
                return -1
            events += inner
        elif kind is int:
            if item.bit_length() > MAX_INT_BITS:
                return -1
            events += 1
        elif kind in _SCALARS:
            events += 1
        else:
            return -1
    return events
