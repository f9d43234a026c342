"""The bundled catalog loads: 47 indicators in 5 dimensions worth 100 points."""

from decimal import Decimal


def test_catalog_shape(ruleset) -> None:  # type: ignore[no-untyped-def]
    dims = ruleset.catalog.header.dimensions
    assert [d.id for d in dims] == ["LD", "JZ", "SZ", "JC", "FZ"]
    assert len(ruleset.indicators) == 47
    assert sum((d.points for d in dims), Decimal(0)) == Decimal(100)
    for dim in dims:
        mine = [c.indicator for c in ruleset.indicators if c.indicator.dimension == dim.id]
        assert sum((i.points for i in mine), Decimal(0)) == dim.points
