"""Load one evidence file: parse, validate against the evidence model, then the checks beyond types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeGuard

from pydantic import ValidationError

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.fastyaml import parse
from dangjian_audit.loading.positions import validation_diagnostics
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.yamlio import LINE_KEY, locate, read_text

_DATED = ("meetings", "activities", "talks", "incidents")


def semantic_checks(ev: Evidence, text: str, display: str,
                    place: Callable[[tuple[Any, ...], str, dict[str, Any]], Diagnostic] | None = None
                    ) -> list[Diagnostic]:
    """Checks beyond types: dates inside the period, unique ids, meeting references.

    ``place`` turns a model location into a diagnostic when the evidence did not come from ``text``
    (a workbook locates its cells itself).
    """
    diags: list[Diagnostic] = []
    start, end = ev.period.start, ev.period.end

    def at(loc: tuple[Any, ...], code: str, **args: Any) -> None:
        if place is not None:
            diags.append(place(loc, code, args))
            return
        line, col, _ = locate(text, loc)
        diags.append(Diagnostic(display, code, args, line, col))

    for section in _DATED:
        for i, rec in enumerate(getattr(ev, section) or ()):
            if not start <= rec.date <= end:
                at((section, i, "date"), "date_out_of_period", date=rec.date.isoformat(),
                   start=start.isoformat(), end=end.isoformat())
    if ev.appraisal and not start <= ev.appraisal.date <= end:
        at(("appraisal", "date"), "date_out_of_period", date=ev.appraisal.date.isoformat(),
           start=start.isoformat(), end=end.isoformat())
    org = ev.organization
    for loc, records in (
        *(((section,), getattr(ev, section)) for section in (
            "meetings", "members", "documents", "decisions", "recruitment", "activities", "incidents",
            "cadre_appointments", "leadership", "channels", "material_reviews")),
        (("organization", "committee"), org.committee),
        (("organization", "party_groups"), org.party_groups),
    ):
        seen: set[str] = set()
        for i, rec in enumerate(records or ()):
            if rec.id in seen:
                at((*loc, i, "id"), "duplicate_id", id=rec.id, section=".".join(loc))
            seen.add(rec.id)
    meeting_ids = {m.id for m in ev.meetings or ()}
    for section, fields in (("decisions", ("meeting", "proposal_meeting")), ("cadre_appointments", ("meeting",))):
        for i, rec in enumerate(getattr(ev, section) or ()):
            for name in fields:
                ref = getattr(rec, name)
                if ref is not None and ref not in meeting_ids:
                    at((section, i, name), "unknown_meeting", id=ref)
    return diags


def _is_day(value: Any) -> TypeGuard[dt.date]:
    # a YAML timestamp with a time of day is a datetime; validation reports it, it is no day here
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _raw_period_checks(data: dict[str, Any], text: str, display: str) -> list[Diagnostic]:
    """Out-of-period dates in a file that failed validation, so every problem is reported at once."""
    period = data.get("period")
    if not isinstance(period, dict):
        return []
    start, end = period.get("start"), period.get("end")
    if not (_is_day(start) and _is_day(end)):
        return []
    diags = []
    for section in _DATED:
        records = data.get(section)
        for i, rec in enumerate(records if isinstance(records, list) else ()):
            day = rec.get("date") if isinstance(rec, dict) else None
            if _is_day(day) and not start <= day <= end:
                line, col, _ = locate(text, (section, i, "date"))
                diags.append(Diagnostic(display, "date_out_of_period", {
                    "date": day.isoformat(), "start": start.isoformat(), "end": end.isoformat()}, line, col))
    return diags


def _oversized_lists(data: dict[str, Any], text: str, display: str) -> list[Diagnostic]:
    """Top-level lists longer than the evidence model allows, at the first record too many."""
    from dangjian_audit.limits import MAX_PEOPLE, MAX_RECORDS

    diags = []
    lines: list[str] | None = None
    for key, value in data.items():
        limit = MAX_PEOPLE if key == "members" else MAX_RECORDS
        if not isinstance(value, list) or len(value) <= limit:
            continue
        extra = value[limit]
        line = extra.get(LINE_KEY) if isinstance(extra, dict) else None
        col = None
        if isinstance(line, int):
            lines = lines if lines is not None else text.splitlines()
            row = lines[line - 1] if 0 < line <= len(lines) else ""
            col = len(row) - len(row.lstrip(" -")) + 1
        diags.append(Diagnostic(display, "too_long", {"field": str(key), "limit": limit}, line, col))
    return diags


def _lines_matter(data: dict[str, Any]) -> bool:
    """Whether source lines count for more than findings' positions: a list too long is reported at
    its first record too many, and of several inspector verdicts on one date the later one wins."""
    from dangjian_audit.limits import MAX_PEOPLE, MAX_RECORDS

    verdicts = data.get("inspector")
    if isinstance(verdicts, list) and len(verdicts) > 1:
        return True
    return any(isinstance(value, list) and len(value) > (MAX_PEOPLE if key == "members" else MAX_RECORDS)
               for key, value in data.items())


def load_evidence(path: Path, display: str | None = None, as_of: dt.date | None = None,
                  indicator_ids: Iterable[str] | None = None, max_bytes: int | None = None,
                  verify_attachments: bool = True, *, lines: bool = True) -> Evidence:
    """Load and validate one evidence file; with ``as_of``, the audit date must not precede its period.

    ``indicator_ids`` (the loaded catalog's ids and aliases) are the only ones an inspector's verdict may name;
    a file over ``max_bytes`` (default: the limit in force, see :mod:`dangjian_audit.limits`) is not read.
    A workbook (``.xlsx``) is converted in memory and an evidence pack (``.zip``) verified and opened.
    Attachments must exist and match their recorded hashes unless ``verify_attachments`` is off
    (converting a file, or recording new hashes).
    The fast YAML loader is used when installed (:mod:`dangjian_audit.fastyaml`: same data, same
    diagnostics). ``lines=False`` lets it skip the records' source lines (``src_line`` may then be
    None): for callers that show no finding's line, such as a batch without per-school reports.
    """
    from dangjian_audit.limits import max_file_bytes
    from dangjian_audit.loading.consistency import consistency_diagnostics, rule_key_diagnostics

    display = display or str(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from dangjian_audit.ledger.reader import load_ledger

        def checks(ev: Evidence, place: Callable[[tuple[Any, ...], str, dict[str, Any]], Diagnostic]
                   ) -> list[Diagnostic]:
            return (semantic_checks(ev, "", display, place)
                    + consistency_diagnostics(ev, "", display, indicator_ids, place))

        return load_ledger(path, display, as_of, checks, verify_attachments)
    if suffix == ".zip":
        from dangjian_audit.pack import load_pack

        def inner(file: Path, name: str, day: dt.date | None) -> Evidence:
            return load_evidence(file, name, day, indicator_ids, max_bytes, lines=lines)

        return load_pack(path, display, as_of, inner)
    text = read_text(path, display, max_bytes or max_file_bytes())
    data = parse(text, display, lines=lines)
    if not isinstance(data, dict):
        raise InputError([Diagnostic(display, "not_mapping", {}, 1, 1)])
    if not lines and _lines_matter(data):
        data = parse(text, display)
    oversized = _oversized_lists(data, text, display)
    if oversized:
        # refused before validation and before positions are composed: both cost as much as the parse
        raise InputError(oversized)
    rule_diags = rule_key_diagnostics(data, text, display)
    try:
        ev = Evidence.model_validate(data)
    except ValidationError as exc:
        diags = rule_diags + validation_diagnostics(exc, text, display) + _raw_period_checks(data, text, display)
        raise InputError(diags) from None
    diags = rule_diags + semantic_checks(ev, text, display) + consistency_diagnostics(ev, text, display,
                                                                                      indicator_ids)
    if as_of is not None and as_of < ev.period.start:
        line, col, _ = locate(text, ("period", "start"))
        diags.append(Diagnostic(display, "as_of_before_period", {"as_of": as_of.isoformat(),
                                                                   "start": ev.period.start.isoformat()}, line, col))
    if verify_attachments:
        from dangjian_audit.attachments import attachment_diagnostics, yaml_place

        diags += attachment_diagnostics(ev, path.parent, yaml_place(text, display))
    if diags:
        raise InputError(diags)
    return ev
