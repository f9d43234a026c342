"""A catalog compiled for evaluation: a profile applied and every check's parameters validated."""

from dataclasses import dataclass, field
from typing import Any

from dangjian_audit.models.catalog import Catalog, Indicator, Scoring
from dangjian_audit.models.check import Spec


@dataclass(frozen=True)
class CompiledIndicator:
    indicator: Indicator
    checks: tuple[Spec, ...]
    # The indicator's own parameters with the profile's values applied (what its checks use).
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ruleset:
    """A catalog with a profile applied and every check compiled."""

    catalog: Catalog
    scoring: Scoring
    settings: dict[str, Any]
    indicators: tuple[CompiledIndicator, ...]
    profile_name: str | None = None

    def by_id(self) -> dict[str, CompiledIndicator]:
        return {ci.indicator.id: ci for ci in self.indicators}
