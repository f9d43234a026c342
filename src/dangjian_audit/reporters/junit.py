"""JUnit XML for CI test-report views (GitLab ``artifacts:reports:junit``, Jenkins xUnit).

One ``testsuite`` per school, one ``testcase`` per indicator (classname = its
dimension, name = id and title). Not met, partially met and insufficient
evidence become a ``failure`` whose message is the findings; awaiting the
inspector and not applicable become ``skipped``; met is a passing testcase.
An evidence file that could not be read or validated is a ``testsuite`` of its
own with one ``testcase`` holding an ``error`` (type ``invalid_file``; the body
lists every diagnostic as ``path:line:col: error [code] message``), counted in
the ``errors`` of its suite and of the document: it never disappears from a CI
test report. The document follows the Jenkins xUnit ``junit-10.xsd``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dangjian_audit.formatting import compact
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import STATUS_KINDS, CheckRun, IndicatorResult, InvalidFile, SchoolReport
from dangjian_audit.reporters.base import Format, RenderOptions
from dangjian_audit.sanitize import clean_text

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

FAILED = tuple(s for s, k in STATUS_KINDS.items() if k.outcome == "fail")
SKIPPED = tuple(s for s, k in STATUS_KINDS.items() if k.outcome == "skip")
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 cannot carry at all; evidence notes are user text and may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


_num = compact


def _reason(ind: IndicatorResult, msgs: Messages) -> str:
    if ind.status == "waived" and ind.details:
        return ind.details[-1]  # the waiver's reason, approver and expiry (waivers.py)
    messages = [f.message for f in ind.findings]
    return msgs.ui("list_separator").join(messages) if messages else ind.status_label


def _body(ind: IndicatorResult, msgs: Messages) -> str:
    lines = [msgs.ui("junit_status", status=ind.status_label, lost=_num(ind.lost), max=_num(ind.max))]
    for f in ind.findings:
        where = f" ({f.location.path}:{f.location.line})" if f.location and f.location.line else ""
        lines.append(f"- {f.message}{where}")
    lines.append(msgs.ui("labelled", label=msgs.ui("fix"), text=ind.remediation))
    lines.append(msgs.ui("labelled", label=msgs.ui("computation"), text=ind.computation))
    return "\n".join(lines)


def _year_on_year_properties(report: SchoolReport) -> dict[str, str]:
    """Suite properties for the baseline comparison and the waivers (issue 11); none without them."""
    out: dict[str, str] = {}
    b = report.baseline
    if b is not None:
        out |= {"baseline.source": b.baseline.source, "baseline.as_of": b.baseline.as_of,
                "baseline.total": _num(b.baseline.total), "baseline.total_delta": f"{b.total_delta:+g}",
                "baseline.grade": b.baseline.grade.id,
                "baseline.level": b.baseline.level.id if b.baseline.level else ""}
        for change in ("new", "persisting", "improved", "worsened", "resolved", "waived"):
            out[f"baseline.{change}"] = ",".join(getattr(b, change))
    w = report.waivers
    if w is not None:
        out |= {"waivers.file": w.file, "waivers.applied": ",".join(x.indicator for x in w.applied),
                "waivers.total_without_waivers": _num(w.total_without_waivers)}
        for n, line in enumerate(w.warnings, 1):
            out[f"waivers.warning.{n}"] = line
    return out


def _testcase(parent: ET.Element, ind: IndicatorResult, msgs: Messages) -> None:
    import xml.etree.ElementTree as ET

    case = ET.SubElement(parent, "testcase", {"classname": ind.dimension, "name": _clean(f"{ind.id} {ind.title}")})
    if ind.status in FAILED:
        failure = ET.SubElement(case, "failure", {"type": ind.status, "message": _clean(_reason(ind, msgs))})
        failure.text = _clean(_body(ind, msgs))
    elif ind.status in SKIPPED:
        ET.SubElement(case, "skipped", {"type": ind.status, "message": _clean(_reason(ind, msgs))})


def _testsuite(parent: ET.Element, report: SchoolReport, msgs: Messages) -> tuple[int, int, int]:
    import xml.etree.ElementTree as ET

    tests = len(report.indicators)
    failures = sum(1 for i in report.indicators if i.status in FAILED)
    skipped = sum(1 for i in report.indicators if i.status in SKIPPED)
    suite = ET.SubElement(parent, "testsuite", {
        "name": _clean(f"{report.school.code} {report.school.name}"),
        "tests": str(tests),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(skipped),
        "timestamp": report.as_of,
        "file": _clean(report.source),
    })
    props = ET.SubElement(suite, "properties")
    values = {
        "source": report.source,
        "school.code": report.school.code,
        "period": f"{report.period.start}/{report.period.end}",
        "catalog": f"{report.catalog.id} {report.catalog.version}",
        "total": _num(report.total),
        "total_uncapped": _num(report.total_uncapped),
        "veto_cap": _num(report.veto_cap.cap) if report.veto_cap else "",
        "max": _num(report.max),
        "grade": report.grade.id,
        "level": report.level.id if report.level else "",
        "veto": ",".join(report.veto),
    }
    values |= _year_on_year_properties(report)
    for name, value in values.items():
        ET.SubElement(props, "property", {"name": name, "value": _clean(value)})
    for ind in report.indicators:
        _testcase(suite, ind, msgs)
    return tests, failures, skipped


def _invalid_suite(parent: ET.Element, invalid: InvalidFile, msgs: Messages) -> None:
    import xml.etree.ElementTree as ET

    source = _clean(clean_text(invalid.source, single_line=True))
    suite = ET.SubElement(parent, "testsuite", {"name": source, "tests": "1", "failures": "0", "errors": "1",
                                                "skipped": "0", "file": source})
    case = ET.SubElement(suite, "testcase", {"classname": "evidence", "name": _clean(msgs.ui("junit_invalid_case"))})
    first = invalid.diagnostics[0].message(msgs) if invalid.diagnostics else ""
    message = msgs.ui("junit_invalid_message", count=len(invalid.diagnostics), first=first)
    error = ET.SubElement(case, "error", {"type": "invalid_file", "message": _clean(message)})
    error.text = _clean("\n".join(d.render(msgs) for d in invalid.diagnostics))


def render_junit(reports: list[SchoolReport], msgs: Messages, invalid: Sequence[InvalidFile] = ()) -> str:
    import xml.etree.ElementTree as ET  # only when JUnit is written (3 ms of every check otherwise)

    root = ET.Element("testsuites", {"name": "dangjian-audit"})
    tests = failures = 0
    for report in reports:
        t, f, _ = _testsuite(root, report, msgs)
        tests += t
        failures += f
    for item in invalid:
        _invalid_suite(root, item, msgs)
    root.set("tests", str(tests + len(invalid)))
    root.set("failures", str(failures))
    root.set("errors", str(len(invalid)))
    ET.indent(root)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def _school(run: CheckRun, opts: RenderOptions) -> str:
    return render_junit(run.reports, opts.msgs, run.invalid)


FORMAT = Format(name="junit", suffix=".xml", manifest=True, school=_school)
