"""The bridge: what the records show beside what a claim states.

Each metric may name a comparison (Metric.comparison); this module turns a claim into the
call of the matching function in contamination.stats, for the claim's scope, as-of date and
start date. The result is set beside the claim in the claim's own unit, never ranked against it.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from contamination import stats
from statements.models import DatePrecision, Metric
from statements.units import UNITS, convert, unit_label, units_compatible

Comparison = Metric.Comparison

# comparison -> (function in contamination.stats, keyword arguments, whether it needs a start)
COMPARISONS = {
    Comparison.HAZARD_AREA_KM2: (stats.recorded_hazard_area_km2, {}, False),
    Comparison.SHARE_IN_HAZARD_AREAS: (stats.recorded_share_in_hazard_areas, {}, False),
    Comparison.LAND_RELEASED: (stats.recorded_land_released, {}, True),
    Comparison.LAND_CLEARED: (stats.recorded_land_released, {"methods": ["cleared"]}, True),
    Comparison.ITEMS_FOUND: (stats.recorded_items_found, {}, True),
    Comparison.MINES_FOUND: (
        stats.recorded_items_found,
        {"kinds": ["ap_mines", "at_mines"]},
        True,
    ),
    Comparison.AP_MINES_FOUND: (stats.recorded_items_found, {"kinds": ["ap_mines"]}, True),
    Comparison.AT_MINES_FOUND: (stats.recorded_items_found, {"kinds": ["at_mines"]}, True),
    Comparison.UXO_FOUND: (stats.recorded_items_found, {"kinds": ["uxo"]}, True),
    Comparison.CASUALTIES: (stats.recorded_casualties, {}, True),
    Comparison.CIVILIAN_CASUALTIES: (stats.recorded_casualties, {"groups": ["civilian"]}, True),
    Comparison.DEATHS: (stats.recorded_casualties, {"outcomes": ["killed"]}, True),
    Comparison.INJURIES: (stats.recorded_casualties, {"outcomes": ["injured"]}, True),
    Comparison.CIVILIANS_KILLED: (
        stats.recorded_casualties,
        {"groups": ["civilian"], "outcomes": ["killed"]},
        True,
    ),
    Comparison.CIVILIANS_INJURED: (
        stats.recorded_casualties,
        {"groups": ["civilian"], "outcomes": ["injured"]},
        True,
    ),
    Comparison.INCIDENTS: (stats.recorded_incidents, {}, True),
}

# Which records a comparison counts: "hazard", "incident", else land releases.
RECORD_KINDS = {
    Comparison.HAZARD_AREA_KM2: "hazard",
    Comparison.SHARE_IN_HAZARD_AREAS: "hazard",
    Comparison.CASUALTIES: "incident",
    Comparison.CIVILIAN_CASUALTIES: "incident",
    Comparison.DEATHS: "incident",
    Comparison.INJURIES: "incident",
    Comparison.CIVILIANS_KILLED: "incident",
    Comparison.CIVILIANS_INJURED: "incident",
    Comparison.INCIDENTS: "incident",
}
RECORD_NOUNS = {
    "hazard": _("hazard-area record"),
    "incident": _("incident record"),
    "release": _("land-release record"),
}

BREAKDOWN_LABELS = {
    "cancelled": _("cancelled (non-technical survey)"),
    "reduced": _("reduced (technical survey)"),
    "cleared": pgettext_lazy("land released by clearance", "cleared"),
    "suspected": _("suspected hazardous areas"),
    "confirmed": _("confirmed hazardous areas"),
    "ap_mines": _("anti-personnel mines"),
    "at_mines": _("anti-vehicle mines"),
    "uxo": _("UXO"),
    "other": _("other items"),
    "civilian": _("civilians"),
    "deminer": _("deminers"),
    "military": _("military or security"),
    "unknown": _("group unknown"),
    "killed": pgettext_lazy("people", "killed"),
    "injured": pgettext_lazy("people", "injured"),
    "in_hazard_area": _("inside a recorded hazard area"),
}


UNDATED_NOTE = _(
    "Neither the claim nor the statement is dated, so it is set beside the latest records, "
    "counted to today; the figure may refer to an earlier date."
)


def end_of_period(value, precision):
    """The last day a partial date can mean: 2024-05 (month) -> 2024-05-31."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return datetime.date(value.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return datetime.date(
            value.year, value.month, calendar.monthrange(*value.timetuple()[:2])[1]
        )
    return value


@dataclass(frozen=True)
class RecordedComparison:
    """A claim beside the records, or the reason the records cannot be set beside it."""

    recorded: stats.RecordedValue | None
    reason: str = ""
    comparison: str = ""
    value: float | None = None  # the recorded value in the claim's unit
    unit: str = ""
    note: str = ""  # how the records were chosen, when the claim itself does not say

    @property
    def is_available(self):
        return self.recorded is not None

    @property
    def is_demo(self):
        return self.recorded is not None and self.recorded.is_demo

    @property
    def unit_label(self):
        return unit_label(self.unit)

    @property
    def label(self):
        return Comparison(self.comparison).label if self.comparison else ""

    @property
    def record_kind(self):
        return RECORD_KINDS.get(self.comparison, "release")

    @property
    def record_noun(self):
        """What the coverage counts, in plain words (singular)."""
        return str(RECORD_NOUNS[self.record_kind])

    def counted_records(self, count):
        """ "3 published incident records", in the reader's language."""
        number = number_format(count, force_grouping=True)
        if self.record_kind == "hazard":
            text = ngettext(
                "%(count)s published hazard-area record",
                "%(count)s published hazard-area records",
                count,
            )
        elif self.record_kind == "incident":
            text = ngettext(
                "%(count)s published incident record", "%(count)s published incident records", count
            )
        else:
            text = ngettext(
                "%(count)s published land-release record",
                "%(count)s published land-release records",
                count,
            )
        return text % {"count": number}

    @property
    def coverage_text(self):
        """Which records the value counts: how many, their dates, how many are demo."""
        coverage = self.recorded.coverage
        text = gettext("Counted from %(records)s") % {
            "records": self.counted_records(coverage.records)
        }
        if coverage.first_on:
            text += gettext(" dated %(first)s to %(last)s") % {
                "first": date_format(coverage.first_on, "j E Y"),
                "last": date_format(coverage.last_on, "j E Y"),
            }
        if coverage.demo_records:
            text += ngettext(
                ", of which %(count)s is demo data",
                ", of which %(count)s are demo data",
                coverage.demo_records,
            ) % {"count": coverage.demo_records}
        return text + "."

    def silence_text(self, area):
        """No record counts: said as silence in the records, never as a zero."""
        period = {
            "area": area,
            "since": date_format(self.recorded.since, "j E Y") if self.recorded.since else "",
            "as_of": date_format(self.recorded.as_of, "j E Y"),
        }
        nouns = {
            "hazard": gettext("No published hazard-area records cover %(area)s"),
            "incident": gettext("No published incident records cover %(area)s"),
            "release": gettext("No published land-release records cover %(area)s"),
        }
        text = nouns[self.record_kind] % period
        if self.recorded.since:
            text += gettext(" from %(since)s to %(as_of)s.") % period
        else:
            text += gettext(" to %(as_of)s.") % period
        return text

    @property
    def has_records(self):
        """Whether any published record counts: silence in the records is not a zero."""
        return self.recorded is not None and self.recorded.has_records

    def breakdown_items(self):
        """(label, value, unit) of each part of the recorded value, areas in the claim's unit."""
        if self.recorded is None:
            return []
        area_unit = self.unit if UNITS.get(self.unit, UNITS["km2"]).dimension == "area" else "km2"
        items = []
        for key, number in self.recorded.breakdown.items():
            if key in ("hazard_km2", "scope_km2"):
                continue
            if self.recorded.unit in ("km2", "pct"):  # parts of areas and shares are areas
                items.append(
                    (
                        BREAKDOWN_LABELS.get(key, key),
                        convert(float(number), "km2", area_unit),
                        unit_label(area_unit),
                    )
                )
            else:
                items.append(
                    (BREAKDOWN_LABELS.get(key, key), number, unit_label(self.recorded.unit))
                )
        return items


def as_of_for(claim):
    """The date a claim's number refers to: its own as-of date, else its statement's date."""
    as_of = end_of_period(claim.as_of, claim.as_of_precision)
    if as_of is None:
        statement = claim.statement
        as_of = end_of_period(statement.date, statement.date_precision)
    return as_of


def compare(claim, cache=None):
    """What the records show for `claim` (1 query, none when the records cannot say).

    `cache` (a dict) shares results between claims with the same question, as on metric pages.
    """
    entry = COMPARISONS.get(claim.metric.comparison)
    if entry is None:
        return RecordedComparison(
            None, gettext("The records in this database do not measure this metric.")
        )
    function, kwargs, needs_start = entry
    if claim.scope_id is None:
        return RecordedComparison(
            None, gettext("The claim names no area that the records could be counted in.")
        )
    if claim.covers_part_of_scope:
        return RecordedComparison(
            None,
            gettext(
                "The figure is about part of %(area)s only; the records are counted by whole "
                "district or country, so they cannot be set beside it."
            )
            % {"area": claim.scope.name},
        )
    as_of = as_of_for(claim)
    note = ""
    if as_of is None:
        # An undated figure is still worth setting beside the records, but only the latest
        # ones can be chosen, and the reader must be told the date is ours, not the claim's.
        as_of = timezone.localdate()
        note = str(UNDATED_NOTE)
    if needs_start and claim.since is None:
        return RecordedComparison(
            None, gettext("The claim gives no start date for the period it counts.")
        )
    arguments = {"as_of": as_of, **kwargs}
    if needs_start:
        arguments["since"] = claim.since
    key = (claim.metric.comparison, claim.scope_id, as_of, claim.since)
    if cache is not None and key in cache:
        recorded = cache[key]
    else:
        recorded = function(claim.scope, **arguments)
        if cache is not None:
            cache[key] = recorded
    value, unit = recorded.value, recorded.unit
    if units_compatible(claim.unit, recorded.unit) and UNITS[recorded.unit].dimension == "area":
        value, unit = convert(float(value), recorded.unit, claim.unit), claim.unit
    return RecordedComparison(
        recorded, value=value, unit=unit, comparison=claim.metric.comparison, note=note
    )
