"""Check kinds and their explicit registry: kind name -> (parameter model, check function)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dangjian_audit.rules.base import Spec
from dangjian_audit.rules.counting import CountSpec, CoverageSpec, check_count, check_coverage
from dangjian_audit.rules.documents import DocumentSpec, check_document
from dangjian_audit.rules.manual import ManualSpec, check_manual
from dangjian_audit.rules.organization import (
    CommitteeSpec,
    OrganizationSetupSpec,
    TalksSpec,
    TermSpec,
    check_committee,
    check_organization_setup,
    check_talks,
    check_term,
)
from dangjian_audit.rules.records import (
    AbsentSpec,
    QuorumSpec,
    RecordsSpec,
    check_absent,
    check_quorum,
    check_records,
)
from dangjian_audit.rules.values import ValueSpec, check_value

REGISTRY: dict[str, tuple[type[Spec], Callable[[Any, Any, Any], Any]]] = {
    "count": (CountSpec, check_count),
    "coverage": (CoverageSpec, check_coverage),
    "document": (DocumentSpec, check_document),
    "records": (RecordsSpec, check_records),
    "quorum": (QuorumSpec, check_quorum),
    "absent": (AbsentSpec, check_absent),
    "value": (ValueSpec, check_value),
    "manual": (ManualSpec, check_manual),
    "organization_setup": (OrganizationSetupSpec, check_organization_setup),
    "committee": (CommitteeSpec, check_committee),
    "term": (TermSpec, check_term),
    "talks": (TalksSpec, check_talks),
}
