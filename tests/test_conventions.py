"""Command-line conventions as plain functions: format from the suffix, ``-`` for stdio, the help language."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from dangjian_audit.conventions import (
    STDIN_DISPLAY,
    UsageProblem,
    choose_format,
    help_language,
    output_path,
    stdin_files,
)

CHECK = {".txt": "text", ".md": "markdown", ".html": "html", ".json": "json", ".sarif": "sarif", ".xml": "junit"}


@pytest.mark.parametrize(("explicit", "output", "expected"), [
    (None, None, "text"),
    (None, "report.html", "html"),
    (None, "out/REPORT.HTML", "html"),
    (None, "audit.sarif.json", "sarif"),
    (None, "junit.xml", "junit"),
    (None, "notes.log", "text"),          # an unknown suffix: the default
    ("json", "notes.log", "json"),
    ("html", "report.html", "html"),
    ("markdown", None, "markdown"),
    (None, "-", "text"),
])
def test_choose_format(explicit: str | None, output: str | None, expected: str) -> None:
    assert choose_format(explicit, Path(output) if output else None, CHECK, "text") == expected


def test_a_contradicting_format_is_a_usage_problem() -> None:
    with pytest.raises(UsageProblem) as info:
        choose_format("text", Path("report.html"), CHECK, "text")
    assert info.value.code == "usage_format_suffix"
    assert info.value.args_ == {"format": "text", "path": "report.html", "implied": "html"}


def test_dash_is_standard_output() -> None:
    assert output_path(Path("-")) is None and output_path(None) is None
    assert output_path(Path("a.html")) == Path("a.html")


def test_stdin_is_read_once_into_a_temporary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeStdin:
        buffer = io.BytesIO("school: 第一小学\n".encode())

    monkeypatch.setattr("sys.stdin", FakeStdin())
    with stdin_files([Path("a.yaml"), Path("-")]) as files:
        assert files[0] == (Path("a.yaml"), "a.yaml")
        temporary, shown = files[1]
        assert shown == STDIN_DISPLAY and temporary.read_text(encoding="utf-8") == "school: 第一小学\n"
    assert not temporary.exists()
    with pytest.raises(UsageProblem), stdin_files([Path("-"), Path("-")]):
        pass


@pytest.mark.parametrize(("argv", "env", "configured", "lang"), [
    (["check", "--help"], {}, None, "en"),
    (["check", "--help", "--lang", "zh"], {}, None, "zh"),
    (["--lang=zh", "--help"], {"LANG": "en_US.UTF-8"}, None, "zh"),
    (["--help"], {"LANG": "zh_CN.UTF-8"}, None, "zh"),
    (["--help"], {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, None, "en"),
    (["--help"], {"LANG": "zh_CN.UTF-8"}, "en", "en"),
    (["--help", "--lang", "en"], {"LANG": "zh_CN.UTF-8"}, None, "en"),
])
def test_help_language(argv: list[str], env: dict[str, Any], configured: str | None, lang: str) -> None:
    assert help_language(argv, env, configured) == lang
