"""Small, valid evidence files for the CI-format tests (written to tmp dirs, never to the repo).

``school_evidence()`` returns a plain dict a test may change before writing it:
a school year with some meetings, documents and members, so a report has a mix
of met, partial, not met, insufficient-evidence and awaiting-inspector results.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

D = dt.date
AS_OF = D(2025, 8, 31)

_BASE: dict[str, Any] = {
    "schema_version": 1,
    "period": {"kind": "school_year", "start": D(2024, 9, 1), "end": D(2025, 8, 31)},
    "school": {"code": "T-001", "name": "测试市第一小学", "type": "primary", "county": "测试区",
               "staff_total": 60, "students": 900},
    "organization": {
        "type": "branch",
        "name": "测试市第一小学党支部",
        "formal_members": 12,
        "probationary_members": 1,
        "last_election": {"date": D(2023, 6, 20), "entitled": 12, "voted": 11, "approved": True},
        "secretary_is_principal": False,
        "committee": [
            {"id": "C1", "role": "secretary", "approved": D(2023, 7, 1)},
            {"id": "C2", "role": "organization"},
            {"id": "C3", "role": "propaganda"},
        ],
        "party_groups": [{"id": "G1", "members": 6, "formal_members": 6},
                         {"id": "G2", "members": 7, "formal_members": 6}],
    },
    "members": [
        {"id": "M01", "status": "formal", "role": "secretary", "study_hours": 40, "dues_unpaid_months": 0},
        {"id": "M02", "status": "formal", "study_hours": 12, "dues_unpaid_months": 3},
        {"id": "M03", "status": "probationary", "study_hours": 30},
        # the roster lists every member the organization declares (12 formal, 1 probationary)
        *({"id": f"M{i:02d}", "status": "formal", "study_hours": 40, "dues_unpaid_months": 0} for i in range(4, 14)),
    ],
    "meetings": [
        {"id": "BC-09", "kind": "branch_committee", "date": D(2024, 9, 5), "expected": 3, "present": 3},
        {"id": "BC-10", "kind": "branch_committee", "date": D(2024, 10, 8), "expected": 3, "present": 1},
        {"id": "BG-Q3", "kind": "branch_general", "date": D(2024, 9, 20), "expected": 13, "present": 12,
         "agenda": ["first_topic"]},
        {"id": "PO-01", "kind": "party_org", "date": D(2024, 9, 10), "expected": 5, "present": 5,
         "agenda": ["first_topic", "moral_education"], "minutes": True},
    ],
    "documents": [
        {"id": "DOC-1", "kind": "party_meeting_rules", "adopted": D(2023, 3, 1), "approved_by_party": True},
        {"id": "DOC-2", "kind": "annual_plan", "adopted": D(2024, 9, 2)},
        {"id": "DOC-3", "kind": "brand_plan", "adopted": D(2024, 9, 2)},
    ],
    "decisions": [
        {"id": "DEC-1", "title": "操场改造", "major": True, "category": "project", "amount_yuan": 300000,
         "meeting": "PO-01", "deliberated": D(2024, 9, 10)},
    ],
    "activities": [
        {"id": "A-01", "kind": "flag_ceremony", "date": D(2024, 9, 2), "participants": 900},
        {"id": "A-02", "kind": "volunteer", "date": D(2024, 10, 12), "by_role": "member", "participants": 20},
        # FZ-05's automated part is met, so the indicator waits for the inspector's verdict.
        *({"id": f"B-0{i}", "kind": "brand", "date": D(2024, 9 + i, 15)} for i in range(1, 4)),
        {"id": "B-04", "kind": "brand", "date": D(2025, 3, 15)},
    ],
    "incidents": [],
}


def school_evidence() -> dict[str, Any]:
    """A fresh copy of the base evidence (mutate it freely)."""
    return copy.deepcopy(_BASE)


def with_veto(data: dict[str, Any]) -> dict[str, Any]:
    """Make JC-03 (re-election on schedule) trigger its veto: the term ran out years ago, unapproved."""
    data["organization"]["last_election"] = {"date": D(2018, 6, 20), "entitled": 12, "voted": 11,
                                             "approved": True}
    return data


def write_evidence(directory: Path, data: dict[str, Any], name: str = "school.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
