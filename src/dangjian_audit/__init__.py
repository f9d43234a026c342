"""dangjian-audit: compliance-as-code for school Party-building inspections.

The Python API is :func:`load_catalog` and :func:`audit` (see :mod:`dangjian_audit.api`);
they are loaded on first use, so importing the package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dangjian_audit._version import __version__

__all__ = ["__version__", "audit", "load_catalog"]

if TYPE_CHECKING:
    from dangjian_audit.api import audit, load_catalog


def __getattr__(name: str) -> Any:
    if name in ("audit", "load_catalog"):
        from dangjian_audit import api

        return getattr(api, name)
    raise AttributeError(f"module 'dangjian_audit' has no attribute {name!r}")
