"""The user's cache folder for derived data that is slow to rebuild (parsed message tables, compiled rulesets).

The folder is ``$DANGJIAN_AUDIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/dangjian-audit``, else
``~/.cache/dangjian-audit``; ``DANGJIAN_AUDIT_CACHE_DIR=`` (empty) turns caching off. Entries are
pickles of our own objects, named by a hash of everything they are built from, written
atomically. A folder that cannot be written only means no cache, and an entry that cannot be
read back (cut short, corrupt) is rebuilt: a cache can make a command faster, never fail it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ENV_DIR = "DANGJIAN_AUDIT_CACHE_DIR"
KEEP = 16  # entries kept per kind; the oldest go first
T = TypeVar("T")


def cache_dir() -> Path | None:
    """Where entries go, or ``None`` when caching is turned off."""
    configured = os.environ.get(ENV_DIR)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dangjian-audit"


def read_entry(path: Path) -> object | None:
    """The object pickled in ``path``, or ``None`` when there is none or it cannot be read back."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        value: object = pickle.loads(data)  # noqa: S301 - our own objects in the user's own cache folder
    except Exception:  # noqa: BLE001 - cut short, corrupt or from another build: rebuild
        return None
    return value


def write_entry(path: Path, value: object, prefix: str) -> None:
    """Store ``value`` in ``path`` atomically, keeping the newest :data:`KEEP` entries named ``prefix*``."""
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)  # readers see the whole entry or none
        except BaseException:
            os.unlink(tmp)
            raise
        entries = sorted(path.parent.glob(f"{prefix}*"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return  # an unwritable folder, or an object that cannot be pickled: no cache, same result


def cached(kind: str, source: bytes, build: Callable[[], T], check: Callable[[object], bool]) -> T:
    """``build()``, or the value it gave before for the same ``source`` bytes and the same program.

    ``check`` must accept what :func:`build` returns; an entry it rejects is rebuilt.
    """
    from dangjian_audit._version import __version__

    folder = cache_dir()
    if folder is None:
        return build()
    digest = hashlib.sha256(f"{kind}\0{__version__}\0{sys.version}\0".encode() + source).hexdigest()
    path = folder / f"{kind}-{digest}.pickle"
    value = read_entry(path)
    if value is not None and check(value):
        return value  # type: ignore[return-value]
    built = build()
    write_entry(path, built, f"{kind}-")
    return built
