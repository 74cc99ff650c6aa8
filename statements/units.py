"""Units a claim can be stated in, and which metric units they can be compared with.

A claim keeps the unit it was stated in ("25,000 ha"); comparisons with the records convert
it to its metric's unit. Units of one dimension convert by a factor; counts of different
things ("mines", "people") never convert into each other.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Unit:
    code: str
    label: str
    dimension: str
    # How many of the dimension's base unit one of this unit is (area: km², share: %).
    factor: Decimal = Decimal(1)


UNITS = {
    unit.code: unit
    for unit in (
        Unit("km2", "km²", "area"),
        Unit("ha", "ha", "area", Decimal("0.01")),
        Unit("m2", "m²", "area", Decimal("0.000001")),
        Unit("pct", "%", "share"),
        Unit("items", "explosive items", "count:items"),
        Unit("mines", "mines", "count:items"),
        Unit("people", "people", "count:people"),
        Unit("incidents", "incidents", "count:incidents"),
        Unit("maps", "maps", "count:maps"),
        Unit("countries", "countries", "count:countries"),
        Unit("eur", "EUR", "money:eur"),
        Unit("usd", "USD", "money:usd"),
    )
}


def unit_label(code):
    unit = UNITS.get(code)
    return unit.label if unit else code


def convertible(unit, to_unit):
    """Whether a value converts between the two units (same dimension, both known)."""
    a, b = UNITS.get(unit), UNITS.get(to_unit)
    return a is not None and b is not None and a.dimension == b.dimension


def units_compatible(unit, metric_unit):
    """Whether a value in `unit` can be stated for a metric measured in `metric_unit`.

    Amounts of money fit a money metric in any currency, but never convert: there is no
    exchange rate here.
    """
    if unit == metric_unit or convertible(unit, metric_unit):
        return True
    a, b = UNITS.get(unit), UNITS.get(metric_unit)
    return (
        a is not None
        and b is not None
        and a.dimension.split(":")[0] == "money" == b.dimension.split(":")[0]
    )


def convert(value, unit, to_unit):
    """Convert a Decimal or float between two compatible units."""
    if unit == to_unit or value is None:
        return value
    source, target = UNITS[unit], UNITS[to_unit]
    if isinstance(value, float):
        return value * float(source.factor) / float(target.factor)
    return value * source.factor / target.factor
