"""Compiled templates cached in the user's cache folder: the same pages as compiling them, a changed
template is compiled again, and a broken or unwritable cache only means compiling."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
import pytest

from dangjian_audit import cachedir
from dangjian_audit.i18n import Messages
from dangjian_audit.loading import load_ruleset
from dangjian_audit.report import audit_file
from dangjian_audit.reporters import _jinja

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "province-chengguan-middle.yaml"


def _fresh_environment(compiled: list[str]) -> jinja2.Environment:
    """A new environment (not the process's cached one) that records each template it compiles."""
    env = _jinja.environment.__wrapped__()  # type: ignore[attr-defined]
    real = env.compile

    def compile(source: Any, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(name))
        return real(source, name, *args, **kwargs)

    env.compile = compile  # type: ignore[method-assign]
    return env


def _pages(env: jinja2.Environment) -> list[str]:
    msgs = Messages("zh")
    report = audit_file(load_ruleset(), EXAMPLE, EXAMPLE.name, dt.date(2025, 12, 31), msgs)
    view = _jinja._view(report, msgs)
    return [env.get_template(name).render(views=[view], invalid=(), ui=msgs.ui, msgs=msgs, lang=msgs.lang)
            for name in ("report.html.j2", "report.md.j2")]


def test_second_environment_loads_compiled_templates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(cachedir.ENV_DIR, str(tmp_path / "cache"))
    first: list[str] = []
    pages = _pages(_fresh_environment(first))
    assert {"report.html.j2", "report.md.j2", "_yoy_school.html.j2", "_yoy_school.md.j2"} <= set(first)
    assert len(list((tmp_path / "cache").glob("template-*"))) == len(first)
    second: list[str] = []
    assert _pages(_fresh_environment(second)) == pages
    assert second == []
    monkeypatch.setenv(cachedir.ENV_DIR, "")  # caching off: compiled every time, the same pages
    assert _pages(_fresh_environment([])) == pages


def test_broken_or_unwritable_cache_only_means_compiling(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(cachedir.ENV_DIR, str(tmp_path / "cache"))
    pages = _pages(_fresh_environment([]))
    for entry in (tmp_path / "cache").glob("template-*"):
        entry.write_bytes(entry.read_bytes()[:40])  # cut short
    compiled: list[str] = []
    assert _pages(_fresh_environment(compiled)) == pages
    assert "report.html.j2" in compiled
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv(cachedir.ENV_DIR, str(tmp_path / "file"))
    assert _pages(_fresh_environment([])) == pages


def test_changed_template_is_compiled_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(cachedir.ENV_DIR, str(tmp_path / "cache"))
    folder = tmp_path / "templates"
    folder.mkdir()
    page = folder / "page.md.j2"

    def render(text: str) -> str:
        page.write_text(text, encoding="utf-8")
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), bytecode_cache=_jinja._template_cache())
        return env.get_template("page.md.j2").render(n=1)

    assert render("one {{ n }}") == "one 1"
    assert render("one {{ n }}") == "one 1"
    assert render("two {{ n }}") == "two 1"
