"""Server-side SVG chart of one metric: stated values over time beside what records show."""

import datetime
import math
from dataclasses import dataclass, field

from statements import bridge
from statements.models import format_number
from statements.units import convert, convertible, unit_label

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 80, 20, 20, 40


@dataclass
class Point:
    x: float
    y: float
    y_high: float | None  # top of a stated range
    label: str


@dataclass
class Chart:
    unit: str
    stated: list = field(default_factory=list)
    recorded: list = field(default_factory=list)
    x_ticks: list = field(default_factory=list)  # (x, label)
    y_ticks: list = field(default_factory=list)  # (y, label)
    undated: int = 0
    unscoped: int = 0  # figures for no one country (e.g. global totals), never plotted
    partial: int = 0  # figures for part of an area (Claim.covers_part_of_scope), never plotted
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: int = HEIGHT - BOTTOM
    right_x: int = WIDTH - RIGHT

    @property
    def recorded_path(self):
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.recorded)
        )

    @property
    def is_empty(self):
        return not self.stated


def in_unit(value, unit, target):
    if value is None:
        return None
    if unit != target and convertible(unit, target):
        return convert(float(value), unit, target)
    return float(value)


def nice_step(span):
    """A round tick step giving about five ticks over `span`."""
    if span <= 0:
        return 1
    raw = span / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def metric_chart(metric, rows):
    """Place each dated claim (and the records' value at its date) on shared axes."""
    unit = metric.unit
    dated = []
    undated = 0
    unscoped = partial = 0
    for claim, comparison in rows:
        if claim.scope_id is None:
            # A global figure on a national chart would read as a national one.
            unscoped += 1
            continue
        if claim.covers_part_of_scope:
            # So would a figure for a road area or "the liberated territories" only.
            partial += 1
            continue
        on = bridge.as_of_for(claim)
        if on is None or not (claim.unit == unit or convertible(claim.unit, unit)):
            undated += 1
            continue
        low = in_unit(claim.value, claim.unit, unit)
        high = in_unit(claim.value_max, claim.unit, unit)
        recorded = None
        if comparison.has_records:
            recorded = in_unit(comparison.recorded.value, comparison.recorded.unit, unit)
        dated.append((on, low, high, recorded, claim))
    chart = Chart(unit=unit_label(unit), undated=undated, unscoped=unscoped, partial=partial)
    if not dated:
        return chart

    first = min(on for on, *_ in dated)
    last = max(on for on, *_ in dated)
    first = datetime.date(first.year, 1, 1)
    last = datetime.date(last.year + 1, 1, 1)
    days = (last - first).days or 1
    top_value = max(
        max(v for v in (low, high, rec) if v is not None) for _, low, high, rec, _ in dated
    )
    step = nice_step(top_value or 1)
    y_max = step * (int((top_value or 1) / step) + 1)

    def x(on):
        return LEFT + (WIDTH - LEFT - RIGHT) * (on - first).days / days

    def y(value):
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / y_max

    for on, low, high, recorded, claim in dated:
        label = f"{claim.statement.speaker_name}, {claim.as_of_display}: {claim.value_display}"
        chart.stated.append(Point(x(on), y(low), y(high) if high is not None else None, label))
        if recorded is not None:
            chart.recorded.append(
                Point(
                    x(on),
                    y(recorded),
                    None,
                    f"Records show {format_number(round(recorded, 1))} {chart.unit} "
                    f"by {on.day} {on:%b %Y}",
                )
            )
    chart.recorded.sort(key=lambda p: p.x)
    every = max(1, math.ceil((last.year - first.year) / 10))  # at most about ten labels
    chart.x_ticks = [
        (x(datetime.date(year, 1, 1)), str(year))
        for year in range(first.year, last.year + 1, every)
    ]
    ticks, value = [], 0.0
    while value <= y_max + step / 2:
        ticks.append((y(value), format_number(round(value, 2))))
        value += step
    chart.y_ticks = ticks
    return chart
