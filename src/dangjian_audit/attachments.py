"""Attachments: files cited by evidence records, verified by their SHA-256.

A record (a meeting, document, decision or activity) may list ``attachments:
[{path, sha256}]``, paths relative to the evidence file's folder. ``check``
verifies each: it must exist inside that folder, and when a hash is recorded the
file must still have it. A missing, unreadable or changed attachment is an error
at the attachment's line (exit 3): a county cannot accept a score whose cited
minutes are missing or were altered after they were registered. An attachment
without a hash is only required to exist; ``dangjian-audit attach`` records the
hashes, and ``pack`` requires them.

``attach`` edits the YAML text in place instead of re-dumping it, so comments,
key order, quoting and flow style of everything else stay as they were: each
attachment mapping gets its ``sha256`` value replaced, or a ``sha256`` key added
(inside the braces of a flow mapping, or as a new line under a block mapping).
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import tempfile
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.models.evidence import Attachment, Evidence
from dangjian_audit.yamlio import locate, parse, read_text

Place = Callable[[tuple[Any, ...], str, dict[str, Any]], Diagnostic]
_CHUNK = 1024 * 1024


def yaml_place(text: str, display: str) -> Place:
    """Diagnostics at the ``line:col`` of a model location in a YAML text."""
    def place(loc: tuple[Any, ...], code: str, args: dict[str, Any]) -> Diagnostic:
        line, col, _ = locate(text, loc)
        return Diagnostic(display, code, args, line, col)
    return place


def _may_hold(annotation: Any, seen: set[type[BaseModel]]) -> bool:
    """Whether a value of this annotation can be or contain an :class:`Attachment`."""
    if annotation is Any or annotation is object:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if issubclass(annotation, Attachment):
            return True
        if annotation in seen:
            return False
        seen.add(annotation)
        return any(_may_hold(f.annotation, seen) for f in annotation.model_fields.values())
    return any(_may_hold(arg, seen) for arg in typing.get_args(annotation))


@functools.cache
def _attachment_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``cls`` that can hold attachments: the walk skips the rest (a school's evidence
    has thousands of values and a handful of fields that can cite a file)."""
    return tuple(name for name, info in cls.model_fields.items() if _may_hold(info.annotation, {cls}))


def iter_attachments(model: BaseModel, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Attachment]]:
    """Every attachment in the evidence with its model location, in file order."""
    for name in _attachment_fields(type(model)):
        value = getattr(model, name)
        if not value:
            continue  # None or an empty list: nothing cited (a model is never falsy)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            here = (*loc, name, index) if isinstance(value, list) else (*loc, name)
            if isinstance(item, Attachment):
                yield here, item
            elif isinstance(item, BaseModel) and _cites(item):
                yield from iter_attachments(item, here)


def _cites(model: BaseModel) -> bool:
    """Whether any field of ``model`` that can hold attachments holds something (most records cite no file)."""
    for name in _attachment_fields(type(model)):
        if getattr(model, name):
            return True
    return False


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _resolve(base: Path, item: Attachment) -> tuple[Path | None, str | None, dict[str, Any]]:
    """The attachment's file, or the diagnostic code that says why it cannot be used."""
    target = base / item.path
    args: dict[str, Any] = {"file": item.path}
    try:
        real = target.resolve()
        if not real.is_relative_to(base.resolve()):
            # a link inside the folder pointing elsewhere would take an outside file into a pack
            return None, "attachment_path", {"field": "path", "input": item.path}
        info = real.stat()
    except FileNotFoundError:
        return None, "attachment_missing", args
    except OSError as exc:
        return None, "attachment_unreadable", args | {"reason": exc.strerror or str(exc)}
    if not stat.S_ISREG(info.st_mode):
        return None, "attachment_not_file", args
    return real, None, args


def attachment_diagnostics(ev: Evidence, base: Path, place: Place) -> list[Diagnostic]:
    """Missing, unreadable or changed attachments of ``ev``, whose paths are relative to ``base``."""
    out = []
    for loc, item in iter_attachments(ev):
        real, code, args = _resolve(base, item)
        if code is not None:
            out.append(place((*loc, "path"), code, args))
            continue
        assert real is not None
        if item.sha256 is None:
            continue
        try:
            actual = sha256_file(real)
        except OSError as exc:
            out.append(place((*loc, "path"), "attachment_unreadable", args | {"reason": exc.strerror or str(exc)}))
            continue
        if actual != item.sha256:
            out.append(place((*loc, "sha256"), "attachment_changed", args))
    return out


def _node(root: yaml.Node, loc: tuple[Any, ...]) -> yaml.Node:
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next(v for k, v in node.value if k.value == str(part))
        else:
            node = node.value[part]
    return node


def _edit(text: str, node: yaml.MappingNode, digest: str) -> tuple[int, int, str]:
    """One text edit (start, end, replacement) that sets the mapping's sha256 to ``digest``."""
    for key, value in node.value:
        if key.value == "sha256":
            return value.start_mark.index, value.end_mark.index, digest
    if node.flow_style:
        # end_mark follows the closing brace
        close = text.rindex("}", node.start_mark.index, node.end_mark.index)
        before = text[node.start_mark.index:close].rstrip()
        sep = "" if before.endswith(("{", ",")) else ", "
        return close, close, f"{sep}sha256: {digest}"
    first_key = node.value[0][0]
    last_value = node.value[-1][1]
    indent = " " * first_key.start_mark.column
    at = last_value.end_mark.index
    return at, at, f"\n{indent}sha256: {digest}"


def attach(path: Path, ev: Evidence, display: str | None = None) -> tuple[str, int]:
    """The text of the evidence file ``path`` (already loaded as ``ev``, attachments not verified)
    with every attachment's hash recorded, and how many hashes changed."""
    display = display or str(path)
    text = read_text(path, display)
    base = path.parent
    place = yaml_place(text, display)
    diags: list[Diagnostic] = []
    found: list[tuple[tuple[Any, ...], str, str | None]] = []
    for loc, item in iter_attachments(ev):
        real, code, args = _resolve(base, item)
        if code is not None:
            diags.append(place((*loc, "path"), code, args))
            continue
        assert real is not None
        try:
            found.append((loc, sha256_file(real), item.sha256))
        except OSError as exc:
            diags.append(place((*loc, "path"), "attachment_unreadable", args | {"reason": exc.strerror or str(exc)}))
    if diags:
        raise InputError(diags)
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert root is not None  # the text validated as evidence
    edits = []
    for loc, digest, old in found:
        if digest != old:
            node = _node(root, loc)
            assert isinstance(node, yaml.MappingNode)
            edits.append(_edit(text, node, digest))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    check = Evidence.model_validate(parse(text, display))  # the edit must leave a file with the new hashes
    assert [a.sha256 for _, a in iter_attachments(check)] == [d for _, d, _ in found]
    return text, len(edits)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash never leaves half a file."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if path.exists():
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
