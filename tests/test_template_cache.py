"""Compiled report templates are kept in the cache folder and never fail a command (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dangjian_audit.reporters import _jinja

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "province-chengguan-middle.yaml"


def html(cache: str, out: Path) -> bytes:
    env = {**os.environ, "DANGJIAN_AUDIT_CACHE_DIR": cache}
    subprocess.run([sys.executable, "-m", "dangjian_audit", "check", str(EXAMPLE), "--as-of", "2025-12-31",
                    "--format", "html", "-o", str(out)], env=env, cwd=ROOT, capture_output=True, check=False)
    return out.read_bytes()


def test_templates_are_compiled_once_and_render_the_same(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = html(str(cache), tmp_path / "a.html")
    compiled = sorted((cache / "templates").iterdir())
    assert compiled, "the compiled templates were not stored"
    stamps = [p.stat().st_mtime_ns for p in compiled]
    second = html(str(cache), tmp_path / "b.html")
    assert second == first == html("", tmp_path / "c.html")  # cached, and with caching off
    assert [p.stat().st_mtime_ns for p in sorted((cache / "templates").iterdir())] == stamps


def test_no_cache_when_turned_off_or_unwritable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DANGJIAN_AUDIT_CACHE_DIR", "")
    assert _jinja._bytecode_cache() is None
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("DANGJIAN_AUDIT_CACHE_DIR", str(blocked))
    assert _jinja._bytecode_cache() is None
    monkeypatch.setenv("DANGJIAN_AUDIT_CACHE_DIR", str(tmp_path / "fresh"))
    assert _jinja._bytecode_cache() is not None
    assert (tmp_path / "fresh" / "templates").is_dir()
