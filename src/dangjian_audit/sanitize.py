"""Text from evidence files made safe for every output: invisible control and bidi characters, spreadsheet formulas.

Evidence files, file names and county profiles are input from many hands, and their text ends up in terminals,
Markdown job summaries, HTML pages, XML, JSON and spreadsheets. Two functions guard all of them:

- :func:`clean_text` replaces every character that could act instead of being read, with a visible escape
  ``\\uXXXX`` (so ESC becomes ``\\u001b`` and RIGHT-TO-LEFT OVERRIDE becomes ``\\u202e``):

  * C0 controls except tab and line feed (ESC starts terminal escape sequences, NUL truncates C strings,
    form feed and carriage return rewrite what a terminal or log viewer shows), DEL and the C1 controls
    (U+0080-U+009F: a single-character CSI on some terminals);
  * the line and paragraph separators U+2028 and U+2029 (a new line to some viewers and JavaScript);
  * the bidirectional embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069 ("Trojan Source",
    CVE-2021-42574), which display text in another order than it is stored;
  * surrogate code points and the non-characters U+FFFE and U+FFFF, which UTF-8 and XML cannot carry.

  A visible escape, not U+FFFD or deletion: whoever reads the report sees that the evidence held something
  odd and which character it was, and can search the YAML for it (a double-quoted YAML string writes ESC
  as ``"\\e"`` or ``"\\x1b"``). It is applied where evidence text enters the report models
  (:mod:`dangjian_audit.report`), the diagnostics (:mod:`dangjian_audit.diagnostics`), the county rows and
  every spreadsheet cell, so every reporter downstream (text, Markdown, HTML, JSON, SARIF, JUnit, CSV, XLSX)
  sees clean text.

- :func:`spreadsheet_cell` neutralises a CSV or XLSX cell that a spreadsheet would evaluate (the OWASP
  CSV-injection rule): text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return (or their
  full-width forms, which some East Asian spreadsheet settings also accept), after any leading white space, gets a
  ``'`` prefix. Numbers stay numbers: ``-5`` written as a number is a number cell, never text.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

# Characters that act instead of being read (see the module docstring).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")

# What a spreadsheet reads as the start of a formula (OWASP), plus the full-width forms of = + - @.
FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
QUOTE_PREFIX = "'"

T = TypeVar("T")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


# The same, and tab and line feed too: for text that must stay on one line (a diagnostic, a log line).
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str, single_line: bool = False) -> str:
    """``text`` with control, bidi-override and non-character code points as visible ``\\uXXXX`` escapes;
    ``single_line`` escapes tab and line feed as well."""
    return (_UNSAFE_ONE_LINE if single_line else _UNSAFE).sub(_escape, text)


def clean_optional(text: str | None) -> str | None:
    return None if text is None else _UNSAFE.sub(_escape, text)


def spreadsheet_cell(value: T) -> T | str:
    """A value safe to write into a CSV or XLSX cell: clean text, never a formula; numbers unchanged."""
    if not isinstance(value, str):
        return value
    text = _UNSAFE.sub(_escape, value)
    # Checked before cleaning too: a carriage return is escaped by clean_text, but it was the first character.
    if value.lstrip(" \n")[:1] in FORMULA_START or text.lstrip()[:1] in FORMULA_START:
        return QUOTE_PREFIX + text
    return text


def spreadsheet_row(values: list[Any]) -> list[Any]:
    """:func:`spreadsheet_cell` applied to each value of a row."""
    return [spreadsheet_cell(v) for v in values]
