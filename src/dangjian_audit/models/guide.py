"""The register of the domain guide's checkable rules (``indicators/guide-rules.yaml``).

The catalog says which checks encode a rule (``guide: [n]``); the register holds each rule's short
title and verification code, and why a rule or part of one is deliberately left out.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from dangjian_audit.models.catalog import Model, Text

Code = Literal["V", "K", "L", "V/L", "K/V"]


class GuideRule(Model):
    n: Annotated[int, Field(ge=1)]
    code: Code
    title: Text
    # the whole rule is not encoded, and why
    left_out: Text | None = None
    # a part of the rule is not encoded, and why
    partly: Text | None = None


class GuideRegister(Model):
    rules: list[GuideRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered(self) -> GuideRegister:
        numbers = [r.n for r in self.rules]
        if numbers != list(range(1, len(numbers) + 1)):
            raise PydanticCustomError("guide_numbering", "rules must be numbered 1, 2, 3 … in order")
        return self
