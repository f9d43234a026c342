"""Load the guide-rule register that sits beside the catalog (``guide-rules.yaml``)."""

from __future__ import annotations

from pathlib import Path

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.loading.common import load_yaml, strip_lines, validate
from dangjian_audit.models.guide import GuideRegister

REGISTER_FILE = "guide-rules.yaml"


def load_guide_register(directory: Path) -> GuideRegister:
    path = directory / REGISTER_FILE
    display = str(path)
    text, data = load_yaml(path, display)
    diags: list[Diagnostic] = []
    register = validate(GuideRegister, strip_lines(data), text, display, (), diags)
    if diags:
        raise InputError(diags)
    assert isinstance(register, GuideRegister)
    return register
