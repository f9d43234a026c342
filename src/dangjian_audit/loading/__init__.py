"""Loaders for evidence files, the catalog and county profiles.

Each loader returns a validated model or raises :class:`~dangjian_audit.errors.InputError`
carrying every problem found in the file, each at ``path:line:col``.
"""

from dangjian_audit.loading.catalog import default_catalog_dir, load_ruleset
from dangjian_audit.loading.evidence import load_evidence, semantic_checks
from dangjian_audit.loading.positions import validation_diagnostics
from dangjian_audit.loading.profile import load_profile

__all__ = ["default_catalog_dir", "load_evidence", "load_profile", "load_ruleset", "semantic_checks",
           "validation_diagnostics"]
