"""Golden files for the reports of every example and the errors of every broken example.

Refresh after an intended change with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, N_INDICATORS, ROOT, assert_golden, run_cli

GOLDEN = ROOT / "tests" / "golden"
SCHOOLS = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
BROKEN = sorted(p.name for p in (EXAMPLES / "invalid").glob("*.yaml"))
FORMATS = {"text": "txt", "markdown": "md", "html": "html", "json": "json"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("school", SCHOOLS)
def test_report_golden(school: str, fmt: str, update_golden: bool) -> None:
    code, out, _ = run_cli(["check", f"examples/{school}", "--format", fmt, "--as-of", "2025-12-31"])
    assert code in (0, 1)
    assert_golden(GOLDEN / f"{school.removesuffix('.yaml')}.{FORMATS[fmt]}", out, update_golden)


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_english_report_golden(fmt: str, update_golden: bool) -> None:
    school = "county-houliu-primary"
    code, out, _ = run_cli(["check", f"examples/{school}.yaml", "--format", fmt, "--as-of", "2025-12-31",
                            "--lang", "en"])
    assert code == 0
    assert_golden(GOLDEN / f"{school}.en.{FORMATS[fmt]}", out, update_golden)


@pytest.mark.parametrize("broken", BROKEN)
def test_error_golden(broken: str, update_golden: bool) -> None:
    code, out, err = run_cli(["check", f"examples/invalid/{broken}", "--as-of", "2025-12-31"])
    assert code == 3
    # the text report lists the invalid file with the same lines as stderr (no scored school before it)
    assert out.splitlines()[0].startswith("无效文件（1 个）") and out.splitlines()[1:] == err.splitlines()
    assert "Traceback" not in err
    for line in err.splitlines():
        assert line.startswith(f"examples/invalid/{broken}")
    assert_golden(GOLDEN / "invalid" / f"{broken.removesuffix('.yaml')}.txt", err, update_golden)


def test_error_golden_english(update_golden: bool) -> None:
    code, _, err = run_cli(["check", "examples/invalid/unknown-keys-and-types.yaml", "--lang", "en"])
    assert code == 3
    assert_golden(GOLDEN / "invalid" / "unknown-keys-and-types.en.txt", err, update_golden)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_gap_tables_show_points_with_two_decimals(lang: str) -> None:
    """The "lost" and "points" columns never mix ``2`` with ``2.50``; the "more findings" line is translated."""
    import re

    from dangjian_audit.i18n import Messages

    school = "examples/new-branch-raofeng-nine-year.yaml"
    msgs = Messages(lang)
    _, text, _ = run_cli(["check", school, "--as-of", "2025-12-31", "--lang", lang])
    rows = [line.split("│") for line in text.splitlines() if re.match(r"^[A-Z]{2}-\d{2}\b", line)]
    assert rows and all(re.fullmatch(r" *\d+\.\d\d ", row[2]) for row in rows), rows
    more = msgs.ui("more_findings", count=1)
    assert f"· {more}" in text and "(+" not in text
    _, md, _ = run_cli(["check", school, "--format", "markdown", "--as-of", "2025-12-31", "--lang", lang])
    cells = [line.split(" | ") for line in md.splitlines() if re.match(r"^\| [\w-]+ \| [A-Z]{2}-\d{2} ", line)]
    assert cells and all(re.fullmatch(r"\d+\.\d\d", row[3]) for row in cells), cells  # lost
    points = [line.split(" | ") for line in md.splitlines() if re.match(r"^\| [A-Z]{2}-\d{2} ", line)]
    assert len(points) == N_INDICATORS and all(re.fullmatch(r"\d+\.\d\d", row[2]) for row in points), points
    assert all(re.search(rf" {re.escape(msgs.ui('lost'))} \d+\.\d\d</summary>$", line)
               for line in md.splitlines() if line.startswith("<summary>") and "-" in line.split()[0])
