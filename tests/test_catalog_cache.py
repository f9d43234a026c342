"""The compiled-ruleset cache: any change to a catalog file, the profile or the package rebuilds it,
and a cached ruleset gives byte-identical reports."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from dangjian_audit import catalog_cache, loading
from dangjian_audit.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    target = tmp_path / "indicators"
    shutil.copytree(loading.default_catalog_dir(), target)
    return target


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    """Counts real (uncached) loads; the cache goes into a fresh folder."""
    monkeypatch.setenv(catalog_cache.ENV_DIR, str(tmp_path / "cache"))
    calls: list[Any] = []
    real = loading.load_ruleset

    def counting(directory: Path | None = None, profile: Any = None) -> Any:
        calls.append(directory)
        return real(directory, profile)

    monkeypatch.setattr(loading, "load_ruleset", counting)
    return calls


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


def test_second_load_comes_from_the_cache(catalog: Path, builds: list[Any]) -> None:
    first = catalog_cache.load_ruleset_cached(catalog)
    second = catalog_cache.load_ruleset_cached(catalog)
    assert len(builds) == 1
    assert second is not first
    assert second == first
    assert catalog_cache.describe()["entries"] == 1


def test_every_catalog_file_invalidates(catalog: Path, builds: list[Any]) -> None:
    catalog_cache.load_ruleset_cached(catalog)
    files = sorted(catalog.glob("*.yaml"))
    assert len(files) >= 6  # catalog.yaml, the five dimension files and any other YAML file beside them
    for n, path in enumerate(files, start=2):
        _append(path, "# edited\n")  # same meaning, new content: still rebuilt
        catalog_cache.load_ruleset_cached(catalog)
        assert len(builds) == n, path.name
        catalog_cache.load_ruleset_cached(catalog)
        assert len(builds) == n, path.name


def test_a_changed_threshold_reaches_the_ruleset(catalog: Path, builds: list[Any]) -> None:
    before = catalog_cache.load_ruleset_cached(catalog).settings["flag_week_share"]
    path = catalog / "catalog.yaml"
    text = path.read_text(encoding="utf-8")
    assert f"flag_week_share: {before}\n" in text
    path.write_text(text.replace(f"flag_week_share: {before}\n", "flag_week_share: 0.8\n", 1), encoding="utf-8")
    assert catalog_cache.load_ruleset_cached(catalog).settings["flag_week_share"] == 0.8


def test_a_new_file_in_the_catalog_folder_invalidates(catalog: Path, builds: list[Any]) -> None:
    catalog_cache.load_ruleset_cached(catalog)
    (catalog / "extra.yaml").write_text("a: 1\n", encoding="utf-8")
    catalog_cache.load_ruleset_cached(catalog)
    catalog_cache.load_ruleset_cached(catalog)
    assert len(builds) == 2


def test_profile_and_version_invalidate(catalog: Path, builds: list[Any], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    profile = tmp_path / "county.yaml"
    profile.write_text("name: 测试县\nsettings: {}\n", encoding="utf-8")
    a = catalog_cache.load_ruleset_cached(catalog, profile)
    catalog_cache.load_ruleset_cached(catalog, profile)
    assert len(builds) == 1 and a.profile_name == "测试县"
    profile.write_text("name: 另一县\nsettings: {}\n", encoding="utf-8")
    b = catalog_cache.load_ruleset_cached(catalog, profile)
    assert len(builds) == 2 and b.profile_name == "另一县"
    catalog_cache.load_ruleset_cached(catalog)  # no profile is another entry
    assert len(builds) == 3
    from dangjian_audit import _version

    monkeypatch.setattr(_version, "__version__", "99.0.0")
    catalog_cache.load_ruleset_cached(catalog)
    assert len(builds) == 4


def test_changed_package_code_invalidates(catalog: Path, builds: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    catalog_cache.load_ruleset_cached(catalog)
    monkeypatch.setattr(catalog_cache, "_code_fingerprint", lambda: "another build")
    catalog_cache.load_ruleset_cached(catalog)
    assert len(builds) == 2


def test_corrupt_or_truncated_entry_is_rebuilt(catalog: Path, builds: list[Any], tmp_path: Path) -> None:
    good = catalog_cache.load_ruleset_cached(catalog)
    (entry,) = (tmp_path / "cache").glob("ruleset-*.pickle")
    data = entry.read_bytes()
    for broken in (b"", b"not a pickle", data[: len(data) // 2], data[:-1] + b"\xff"):
        entry.write_bytes(broken)
        assert catalog_cache.load_ruleset_cached(catalog) == good
    assert catalog_cache.load_ruleset_cached(catalog) == good
    assert len(builds) == 5  # four rebuilds, then the rewritten entry is used


def test_unwritable_or_disabled_cache_still_loads(catalog: Path, builds: list[Any], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(catalog_cache.ENV_DIR, str(blocker / "cache"))  # a folder under a file cannot exist
    assert catalog_cache.load_ruleset_cached(catalog).catalog.header.id
    assert catalog_cache.load_ruleset_cached(catalog).catalog.header.id
    monkeypatch.setenv(catalog_cache.ENV_DIR, "")
    assert catalog_cache.cache_dir() is None
    catalog_cache.load_ruleset_cached(catalog)
    assert len(builds) == 3


def test_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(catalog_cache.ENV_DIR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert catalog_cache.cache_dir() == tmp_path / "dangjian-audit"


def test_invalid_catalog_is_reported_every_time_and_never_cached(catalog: Path, builds: list[Any],
                                                                  tmp_path: Path) -> None:
    (catalog / "catalog.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError) as info:
            catalog_cache.load_ruleset_cached(catalog)
        assert info.value.diagnostics[0].code.startswith("yaml_")
    assert not list((tmp_path / "cache").glob("ruleset-*.pickle"))


def test_missing_profile_gives_the_loaders_diagnostic(catalog: Path, builds: list[Any], tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        catalog_cache.load_ruleset_cached(catalog, tmp_path / "missing.yaml")
    assert info.value.diagnostics[0].code == "file_not_found"


PROFILE = """name: 测试县
settings:
  flag_week_share: 0.8
  exempt_months: [1, 2]
scoring:
  grades: {good: 75}
"""


@pytest.mark.parametrize("fmt", ["json", "text", "markdown", "html", "sarif", "junit"])
def test_cached_and_uncached_rulesets_give_identical_reports(builds: list[Any], fmt: str, tmp_path: Path) -> None:
    from dangjian_audit.i18n import Messages
    from dangjian_audit.models.result import CheckRun
    from dangjian_audit.report import audit_file
    from dangjian_audit.reporters import RenderOptions, join, school_formats

    def render(name: str, reports: list[Any], msgs: Messages, ruleset: Any) -> str | bytes:
        school = school_formats()[name].school
        assert school is not None
        return join(school(CheckRun(reports=reports, invalid=[]), RenderOptions(msgs, ruleset)))

    profile = tmp_path / "county.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    for prof in (None, profile):
        fresh = loading.load_ruleset(None, loading.load_profile(prof) if prof else None)
        catalog_cache.load_ruleset_cached(None, prof)
        cached = catalog_cache.load_ruleset_cached(None, prof)
        for lang in ("zh", "en"):
            msgs = Messages(lang)
            for path in EXAMPLES:
                day = dt.date(2025, 12, 31)
                a = render(fmt, [audit_file(fresh, path, path.name, day, msgs)], msgs, fresh)
                b = render(fmt, [audit_file(cached, path, path.name, day, msgs)], msgs, cached)
                assert a == b, (path.name, lang)
    assert len(builds) == 4  # two fresh loads and one cache fill per profile; the second reads were hits


def test_message_tables_from_the_cache_equal_the_parsed_tables(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    from importlib import resources

    from dangjian_audit import i18n

    monkeypatch.setenv(catalog_cache.ENV_DIR, str(tmp_path / "cache"))
    for name in ("messages", "fields"):
        raw = resources.files("dangjian_audit").joinpath("locale", f"{name}.yaml").read_bytes()
        for lang in i18n.LANGS:
            i18n.table.cache_clear()
            first = i18n.table(name, lang)
            i18n.table.cache_clear()
            second = i18n.table(name, lang)  # from the cache folder
            assert first == second == i18n.pick(i18n._parse(raw), lang)
    assert len(list((tmp_path / "cache").glob("table-*.pickle"))) == 4
    i18n.table.cache_clear()


def test_cached_value_follows_its_source_and_survives_corruption(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    from dangjian_audit import cachedir

    monkeypatch.setenv(catalog_cache.ENV_DIR, str(tmp_path / "cache"))
    builds: list[bytes] = []

    def get(source: bytes) -> Any:
        return cachedir.cached("demo", source, lambda: builds.append(source) or {"v": source},
                               lambda v: isinstance(v, dict))

    assert get(b"a") == {"v": b"a"} and get(b"a") == {"v": b"a"}
    assert get(b"b") == {"v": b"b"}
    assert builds == [b"a", b"b"]
    for entry in (tmp_path / "cache").glob("demo-*.pickle"):
        entry.write_bytes(b"\x80\x05garbage")
    assert get(b"a") == {"v": b"a"} and builds == [b"a", b"b", b"a"]
    monkeypatch.setenv(catalog_cache.ENV_DIR, "")
    assert get(b"a") == {"v": b"a"} and len(builds) == 4
