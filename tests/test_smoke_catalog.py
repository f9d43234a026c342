"""The bundled catalog loads: every indicator of its YAML, in its dimensions, worth 100 points."""

from decimal import Decimal

from conftest import DIMENSION_IDS, INDICATOR_IDS


def test_catalog_shape(ruleset) -> None:  # type: ignore[no-untyped-def]
    dims = ruleset.catalog.header.dimensions
    assert [d.id for d in dims] == DIMENSION_IDS
    assert [ci.indicator.id for ci in ruleset.indicators] == INDICATOR_IDS
    assert sum((d.points for d in dims), Decimal(0)) == Decimal(100)
    for dim in dims:
        mine = [c.indicator for c in ruleset.indicators if c.indicator.dimension == dim.id]
        assert sum((i.points for i in mine), Decimal(0)) == dim.points
