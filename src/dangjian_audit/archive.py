"""Zip archives: safe reading (workbooks and evidence packs) and deterministic writing.

An ``.xlsx`` workbook and an evidence pack are both zip archives that come from
outside. Before anything decompresses them, :func:`inspect_zip` refuses what a
well-formed submission never contains: a file above the size limit, too many
entries, entry names that are absolute or climb out with ``..``, links, and
entries whose declared size is out of proportion to their compressed size (a
zip bomb). ``zipfile`` stops at the declared size when reading, so checking the
declared sizes bounds what is ever decompressed.

Written archives carry fixed dates so that the same content gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError


@dataclass(frozen=True)
class ZipLimits:
    """Bounds for one archive; the defaults suit a school's evidence pack."""

    max_file_bytes: int = 512 * 1024 * 1024
    max_entries: int = 10_000
    max_total_bytes: int = 1024 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, for entries above ``ratio_floor``
    ratio_floor: int = 1024 * 1024


# A ledger is a few sheets of text: 20 MB of workbook is already far more than any school keeps.
WORKBOOK_LIMITS = ZipLimits(max_file_bytes=20 * 1024 * 1024, max_entries=2_000,
                            max_total_bytes=200 * 1024 * 1024, max_ratio=200)

_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_name(name: str) -> bool:
    """An entry name that could land outside the folder it is extracted to."""
    parts = PurePosixPath(name).parts
    return "\\" in name or name.startswith("/") or bool(_DRIVE.match(name)) or ".." in parts or not parts


def inspect_zip(path: Path, display: str, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The entries of a zip file that passes every limit, or :class:`InputError` naming the first breach."""
    def fail(code: str, **args: object) -> InputError:
        return InputError([Diagnostic(display, code, dict(args))])

    try:
        if path.is_dir():
            raise fail("is_directory")
        info = path.stat()
    except FileNotFoundError:
        raise fail("file_not_found") from None
    except OSError as exc:
        raise fail("unreadable", reason=exc.strerror or str(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise fail("not_regular_file")
    if info.st_size > limits.max_file_bytes:
        raise fail("archive_too_large", size=info.st_size, limit=limits.max_file_bytes)
    try:
        with zipfile.ZipFile(path) as zf:
            entries = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise fail("archive_bad") from None
    except OSError as exc:
        raise fail("unreadable", reason=exc.strerror or str(exc)) from None
    if len(entries) > limits.max_entries:
        raise fail("archive_too_many", count=len(entries), limit=limits.max_entries)
    total = 0
    for entry in entries:
        mode = entry.external_attr >> 16
        if unsafe_name(entry.filename) or stat.S_ISLNK(mode):
            raise fail("archive_unsafe_entry", name=entry.filename)
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise fail("archive_bomb", name=entry.filename, ratio=int(ratio), limit=limits.max_ratio)
    if total > limits.max_total_bytes:
        raise fail("archive_uncompressed_too_large", size=total, limit=limits.max_total_bytes)
    return entries


CORE_PROPERTIES = "docProps/core.xml"
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_core_dates(xml: bytes, stamp: dt.datetime) -> bytes:
    """Date the workbook's created and modified properties ``stamp``.

    openpyxl sets ``modified`` to the time of saving whatever the workbook says, so it is rewritten here.
    """
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    return _CORE_DATES.sub(lambda m: m.group(1) + when + m.group(3), xml)


def fixed_zip_dates(data: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite a zip archive with every entry, and the workbook's created and modified dates, set to ``stamp``.

    openpyxl stamps the entries and ``dcterms:modified`` with the time of writing.
    """
    out = io.BytesIO()
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == CORE_PROPERTIES:
                content = fixed_core_dates(content, stamp)
            dst.writestr(entry, content)
    return out.getvalue()
