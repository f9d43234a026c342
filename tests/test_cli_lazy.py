"""A run imports only the module of the command it runs (start-up speed, issue 14).

Each case runs in a fresh interpreter: what matters is which modules a real run loads.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dangjian_audit import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "province-chengguan-middle.yaml"

PROBE = """
import json, sys
run = json.loads(sys.argv[2])
sys.argv = ["dangjian-audit", *json.loads(sys.argv[1])]
from dangjian_audit import cli
app = cli.register(sys.argv[1:])
from dangjian_audit.cli.app import catalog_app
top = [i.name or i.callback.__name__ for i in app.registered_commands]
top += [g.name for g in app.registered_groups if g.typer_instance.registered_commands]
sub = [i.name or i.callback.__name__ for i in catalog_app.registered_commands]
code = 0
if run:
    try:
        app()
    except SystemExit as exc:
        code = exc.code
mods = sorted(m for m in sys.modules if m.startswith(("dangjian_audit", "yaml_rs")))
print(json.dumps({"top": top, "sub": sub, "modules": mods, "code": code}))
"""


def probe(args: list[str], run: bool = False) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(run)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_the_table_names_every_command_and_only_commands() -> None:
    everything = probe([])
    assert sorted(everything["top"]) == sorted(cli.COMMANDS)  # type: ignore[arg-type]
    assert sorted(everything["sub"]) == ["list", "rules", "show"]  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_each_command_is_registered_by_the_modules_the_table_names(name: str) -> None:
    found = probe([name, "--help"])
    assert name in found["top"]  # type: ignore[operator]
    loaded = {m.rsplit(".", 1)[1] for m in found["modules"] if m.startswith("dangjian_audit.cli.")}  # type: ignore[union-attr]
    others = {m for mods in cli.COMMANDS.values() for m in mods} - set(cli.COMMANDS[name])
    assert not loaded & others, f"{name} loaded other commands' modules: {loaded & others}"


def test_check_loads_no_county_module() -> None:
    found = probe(["check", str(EXAMPLE), "--as-of", "2025-12-31", "--format", "json", "-o", "-"], run=True)
    assert found["code"] in (0, 1)
    modules = set(found["modules"])  # type: ignore[arg-type]
    for county_only in ("dangjian_audit.cli.batch", "dangjian_audit.batch", "dangjian_audit.models.county",
                        "dangjian_audit.reporters._county", "dangjian_audit.models.trend", "dangjian_audit.archive"):
        assert county_only not in modules
    # a report wants source lines, which the fast loader does not give: its shared library (~20 ms) stays unloaded
    assert "yaml_rs" not in modules


def test_version_and_help_need_no_evidence_model() -> None:
    version = probe(["--version"])
    assert version["top"] == []
    assert "dangjian_audit.models.evidence" not in version["modules"]  # type: ignore[operator]
    assert sorted(probe(["--help"])["top"]) == sorted(cli.COMMANDS)  # type: ignore[arg-type]


def test_an_unknown_command_is_suggested_from_all_of_them() -> None:
    found = probe(["chek"])
    assert sorted(found["top"]) == sorted(cli.COMMANDS)  # type: ignore[arg-type]


def test_shell_completion_sees_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_DANGJIAN_AUDIT_COMPLETE", "complete_bash")
    assert sorted(probe(["check"])["top"]) == sorted(cli.COMMANDS)  # type: ignore[arg-type]
