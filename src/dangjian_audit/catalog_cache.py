"""A cache of compiled rulesets: the catalog and profile are read, validated and compiled once.

Loading the catalog (six YAML files, 47 indicators, every check's parameter model) costs tens of
milliseconds in every ``check``; a pickled :class:`~dangjian_audit.models.ruleset.Ruleset` loads in a few.

An entry is found by a hash of everything a ruleset is built from besides the catalog files: the
package version, a fingerprint of the package's own modules (a changed class must never be
restored from an old pickle), the Python and pydantic versions, the catalog directory as given and
the profile's bytes. The entry lists every catalog file it may depend on (each YAML file of the
catalog folder and each dimension file) with its SHA-256, and is used only while every one of
them still has that content and no YAML file was added to the folder: any edit to a catalog
file, the profile or the package means a rebuild.

The cache lives in ``$DANGJIAN_AUDIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/dangjian-audit``, else
``~/.cache/dangjian-audit``; ``DANGJIAN_AUDIT_CACHE_DIR=`` (empty) turns it off. A folder that
cannot be created or written only turns caching off, and an entry that cannot be read back (cut
short, corrupt, from another build) is rebuilt: the cache can make a command faster, never fail.
Only successful loads are stored; an invalid catalog or profile is reported on every run.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dangjian_audit.models.ruleset import Ruleset

from dangjian_audit.cachedir import ENV_DIR, cache_dir, read_entry, write_entry

__all__ = ["ENV_DIR", "cache_dir", "describe", "load_ruleset_cached"]

FORMAT = 1
PREFIX = "ruleset-"
SUFFIX = ".pickle"


def _code_fingerprint() -> str:
    """Names, sizes and modification times of the package's modules."""
    root = Path(__file__).resolve().parent
    parts = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        for name in sorted(filenames):
            if name.endswith(".py"):
                st = os.stat(os.path.join(dirpath, name))
                parts.append(f"{os.path.relpath(os.path.join(dirpath, name), root)}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


def _entry_key(directory: Path | None, profile_bytes: bytes | None) -> str:
    import pydantic

    from dangjian_audit import _version

    digest = hashlib.sha256()
    for part in (str(FORMAT), _version.__version__, sys.version, pydantic.VERSION, _code_fingerprint(), str(directory)):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(b"no profile" if profile_bytes is None else b"profile\0" + profile_bytes)
    return digest.hexdigest()


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _listing(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def _sources(ruleset: Ruleset) -> list[tuple[str, str | None]]:
    """Every file the ruleset could depend on, with its content hash now: each YAML file in the
    catalog folder (a file the loader does not read today only costs a rebuild when it changes)
    and each dimension file wherever it is."""
    directory = Path(ruleset.catalog.directory)
    files = {*_listing(directory), directory / "catalog.yaml",
             *(directory / d.file for d in ruleset.catalog.header.dimensions)}
    return [(str(path), _file_hash(path)) for path in sorted(files)]


def _read(path: Path) -> Ruleset | None:
    from dangjian_audit.models.ruleset import Ruleset

    entry = read_entry(path)
    if not isinstance(entry, tuple) or len(entry) != 2:
        return None
    sources, ruleset = entry
    if not isinstance(ruleset, Ruleset) or not isinstance(sources, list):
        return None
    for name, digest in sources:
        if digest is None or _file_hash(Path(name)) != digest:
            return None
    known = {name for name, _ in sources}
    if any(str(path) not in known for path in _listing(Path(ruleset.catalog.directory))):
        return None  # a new file in the catalog folder
    return ruleset


def _write(path: Path, ruleset: Ruleset) -> None:
    write_entry(path, (_sources(ruleset), ruleset), PREFIX)


def load_ruleset_cached(directory: Path | None = None, profile_path: Path | None = None) -> Ruleset:
    """``load_ruleset(directory, load_profile(profile_path))``, from the cache when nothing changed.

    Raises :class:`~dangjian_audit.errors.InputError` exactly as the uncached loaders do.
    """
    from dangjian_audit.loading import load_profile, load_ruleset

    folder = cache_dir()
    profile_bytes: bytes | None = None
    if folder is not None and profile_path is not None:
        try:
            profile_bytes = profile_path.read_bytes()
        except OSError:
            folder = None  # the loader reports the unreadable profile
    entry = folder / f"{PREFIX}{_entry_key(directory, profile_bytes)}{SUFFIX}" if folder is not None else None
    if entry is not None:
        cached = _read(entry)
        if cached is not None:
            return cached
    profile = load_profile(profile_path) if profile_path is not None else None
    ruleset = load_ruleset(directory, profile)
    if folder is not None and entry is not None:
        _write(entry, ruleset)
    return ruleset


def describe() -> dict[str, Any]:
    """Where the cache is and how many entries it holds (for diagnostics and tests)."""
    folder = cache_dir()
    entries = sorted(folder.glob(f"{PREFIX}*{SUFFIX}")) if folder is not None and folder.is_dir() else []
    return {"dir": str(folder) if folder else None, "entries": len(entries)}
