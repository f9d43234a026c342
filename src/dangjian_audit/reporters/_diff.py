"""The ``diff`` command's output: two reports of one school compared (text, Markdown or JSON).

Reads a :class:`SchoolReport` that carries its ``baseline`` comparison (the newer
report compared with the older one); the sections are the ones the school
reports show under "compared with the baseline".
"""

from __future__ import annotations

import json

from dangjian_audit.formatting import json_number
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import SchoolReport


def _title(report: SchoolReport, msgs: Messages) -> str:
    return f"{msgs.get('yoy', 'diff_title')} · {report.school.name} ({report.school.code})"


def diff_markdown(report: SchoolReport, msgs: Messages) -> str:
    from dangjian_audit.reporters._jinja import environment
    from dangjian_audit.reporters._yoy_view import baseline_view

    template = environment().get_template("diff.md.j2")
    return template.render(r=report, title=_title(report, msgs), v={"baseline": baseline_view(report, msgs),
                                                                   "waivers": None}, ui=msgs.ui, msgs=msgs)


def diff_json(report: SchoolReport) -> str:
    assert report.baseline is not None
    data = {
        "format_version": 1,
        "kind": "school_diff",
        "school": report.school.model_dump(mode="json"),
        "new": {"source": report.source, "as_of": report.as_of, "period": report.period.model_dump(mode="json"),
                "catalog": report.catalog.model_dump(mode="json"), "total": report.total,
                "grade": report.grade.model_dump(mode="json"),
                "level": report.level.model_dump(mode="json") if report.level else None},
        "comparison": report.baseline.model_dump(mode="json"),
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=json_number) + "\n"
