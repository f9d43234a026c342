"""The Python API: load a catalog, audit evidence files. The command line is built on it.

>>> from dangjian_audit import audit, load_catalog
>>> catalog = load_catalog()                                  # the bundled 47-indicator catalog
>>> report = audit("examples/county-houliu-primary.yaml", catalog, as_of="2025-12-31")
>>> report.total, report.grade.id, [i.id for i in report.indicators if i.status == "not_met"][:3]

Both raise :class:`~dangjian_audit.errors.InputError` when a file is invalid; its
``diagnostics`` carry every problem with its ``path:line:col``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import SchoolReport
from dangjian_audit.models.ruleset import Ruleset


def load_catalog(directory: str | Path | None = None, profile: str | Path | None = None) -> Ruleset:
    """The catalog in ``directory`` (default: the bundled one) with a county profile applied, compiled.

    Every problem in the catalog or the profile is raised together as an ``InputError``.
    """
    from dangjian_audit.loading import load_profile, load_ruleset

    prof = load_profile(Path(profile)) if profile is not None else None
    return load_ruleset(Path(directory) if directory is not None else None, prof)


def audit(evidence: str | Path, catalog: Ruleset | None = None, as_of: dt.date | str | None = None,
          lang: str = "zh", display: str | None = None, max_bytes: int | None = None) -> SchoolReport:
    """Score one evidence file: the school's report, with every finding in ``lang`` (``zh`` or ``en``).

    ``as_of`` is the audit date (default: today); ``display`` is the path shown in findings
    (default: ``evidence`` as given); a file over ``max_bytes`` (default: 8 MB, or the environment's
    ``DANGJIAN_AUDIT_MAX_FILE_BYTES``) is refused before it is read.
    """
    from dangjian_audit.report import audit_file

    day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else (as_of or dt.date.today())
    ruleset = catalog if catalog is not None else load_catalog()
    path = Path(evidence)
    return audit_file(ruleset, path, display if display is not None else str(evidence), day, Messages(lang),
                      max_bytes=max_bytes)
