"""Evidence packs: one zip with the evidence file, its attachments and a manifest of SHA-256 hashes.

A school submits ``school.zip`` to the county. The manifest is ``SHA256SUMS`` in the
coreutils format (``<hash>  <path>`` per line), so an inspector without this tool can
still run ``sha256sum -c SHA256SUMS`` in the unpacked folder. ``check school.zip``
refuses an unsafe archive before reading it (see :mod:`dangjian_audit.archive`),
requires every entry to be listed with its hash and every listed file to be present
and unchanged, then unpacks into a private temporary folder and checks the evidence
there like any other file, attachments included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from dangjian_audit.archive import ZipLimits, inspect_zip
from dangjian_audit.attachments import iter_attachments, yaml_place
from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.models.evidence import Evidence

MANIFEST = "SHA256SUMS"
EVIDENCE_SUFFIXES = (".yaml", ".yml", ".xlsx")
PACK_LIMITS = ZipLimits()
_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def build_pack(path: Path, ev: Evidence, display: str | None = None) -> bytes:
    """The zip bytes for the evidence ``ev`` loaded from ``path`` (its attachments verified by the loader);
    every attachment must carry its hash."""
    display = display or str(path)
    missing = [(loc, a) for loc, a in iter_attachments(ev) if a.sha256 is None]
    if missing:
        if path.suffix.lower() == ".xlsx":
            raise InputError([Diagnostic(display, "pack_unhashed", {"file": a.path}) for _, a in missing])
        place = yaml_place(path.read_text(encoding="utf-8"), display)
        raise InputError([place((*loc, "path"), "pack_unhashed", {"file": a.path}) for loc, a in missing])
    entries: dict[str, tuple[Path, str]] = {}
    entries[path.name] = (path, hashlib.sha256(path.read_bytes()).hexdigest())
    for _, item in iter_attachments(ev):
        assert item.sha256 is not None
        entries.setdefault(item.path, (path.parent / item.path, item.sha256))
    stamp = (max(ev.period.end.year, 1980), ev.period.end.month, ev.period.end.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, (source, _) in entries.items():
            _write(zf, name, source.read_bytes(), stamp)
        manifest = "".join(f"{digest}  {name}\n" for name, (_, digest) in sorted(entries.items()))
        _write(zf, MANIFEST, manifest.encode("utf-8"), stamp)
    return out.getvalue()


def _write(zf: zipfile.ZipFile, name: str, data: bytes, stamp: tuple[int, int, int, int, int, int]) -> None:
    info = zipfile.ZipInfo(name, stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def _manifest(text: str, display: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise InputError([Diagnostic(display, "pack_bad_manifest",
                                         {"name": MANIFEST, "detail": f"line {number}"})])
        out[match.group(2)] = match.group(1)
    return out


Loader = Callable[[Path, str, "dt.date | None"], Evidence]


def load_pack(path: Path, display: str | None, as_of: dt.date | None, load: Loader) -> Evidence:
    """Verify a pack against its manifest and load the evidence inside with ``load`` (the evidence
    loader, which checks the attachments too; passed in so that this module never imports it)."""
    from dangjian_audit.archive import unsafe_name

    display = display or str(path)
    entries = inspect_zip(path, display, PACK_LIMITS)
    names = [e.filename for e in entries if not e.is_dir()]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise InputError([Diagnostic(display, "archive_unsafe_entry", {"name": dup})])
    if MANIFEST not in names:
        raise InputError([Diagnostic(display, "pack_no_manifest", {"name": MANIFEST})])
    diags: list[Diagnostic] = []
    with zipfile.ZipFile(path) as zf:
        try:
            listed = _manifest(zf.read(MANIFEST).decode("utf-8"), display)
        except UnicodeDecodeError:
            bad = Diagnostic(display, "pack_bad_manifest", {"name": MANIFEST, "detail": "UTF-8"})
            raise InputError([bad]) from None
        contents: dict[str, bytes] = {}
        for name in names:
            if name == MANIFEST:
                continue
            if name not in listed:
                diags.append(Diagnostic(display, "pack_unlisted_entry", {"name": name}))
                continue
            try:
                data = zf.read(name)
            except (zipfile.BadZipFile, ValueError, OSError):
                raise InputError([Diagnostic(display, "archive_bad")]) from None
            if hashlib.sha256(data).hexdigest() != listed[name]:
                diags.append(Diagnostic(display, "pack_changed_entry", {"name": name}))
            contents[name] = data
    for name in listed:
        if name not in contents and name not in names:
            diags.append(Diagnostic(display, "pack_missing_entry", {"name": name}))
        elif unsafe_name(name):
            diags.append(Diagnostic(display, "archive_unsafe_entry", {"name": name}))
    evidence = [n for n in contents if "/" not in n and n.lower().endswith(EVIDENCE_SUFFIXES)]
    if len(evidence) != 1:
        diags.append(Diagnostic(display, "pack_no_evidence", {}))
    if diags:
        raise InputError(diags)
    with tempfile.TemporaryDirectory(prefix="dangjian-pack-") as temp:
        root = Path(temp)
        for name, data in contents.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return load(root / evidence[0], f"{display}:{evidence[0]}", as_of)
