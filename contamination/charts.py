"""The statistics charts: their data tables and server-rendered SVG.

Charts are drawn on the server as inline SVG (no chart library, no JavaScript): they print,
they read without scripts, and the same table feeds the SVG, the HTML table beside it and
the CSV download, so the three can never disagree.
"""

import math
import re
import textwrap
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from contamination import stats

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies; each passes
# 3:1 against white as a graphical object.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#56606b"]


@dataclass(frozen=True)
class Table:
    """A chart's data: the first column labels the rows (e.g. the year), the others are series."""

    columns: list
    rows: list

    @property
    def series(self):
        return self.columns[1:]

    def is_empty(self):
        return not self.rows


@dataclass(frozen=True)
class ChartSpec:
    name: str
    title: str
    description: str
    unit: str
    kind: str  # "stacked" bars, "line", or "table" (a table and its CSV, no drawing)
    build: object  # callable(records) -> Table
    counts: str = ""  # what the figures count, said under the chart
    decimals: int = 0
    # Which of the Records querysets the figures come from: their demo share is reported.
    counted: tuple = ()


@dataclass
class Chart:
    spec: ChartSpec
    table: Table
    area_name: str = ""
    records: int = 0  # records the figures count
    demo_records: int = 0  # of which generated demo records

    # The spec is module data: pickle (cache) its name, not its lazy texts (see plain()).
    def __getstate__(self):
        return {**self.__dict__, "spec": self.spec.name}

    def __setstate__(self, state):
        self.__dict__.update(state, spec=CHARTS[state["spec"]])

    @property
    def is_demo(self):
        return self.demo_records > 0

    @property
    def demo_note(self):
        """Which part of the figures is demo, in words ('' when none is)."""
        if not self.demo_records:
            return ""
        if self.demo_records == self.records:
            return ngettext(
                "Demo data: the %(records)s record counted here was generated to show how the "
                "software works; it is not real.",
                "Demo data: all %(records)s records counted here were generated to show how the "
                "software works; they are not real.",
                self.records,
            ) % {"records": format_number(self.records)}
        return ngettext(
            "Demo data: %(demo)s of the %(records)s records counted here was generated to show "
            "how the software works; it is not real.",
            "Demo data: %(demo)s of the %(records)s records counted here were generated to show "
            "how the software works; they are not real.",
            self.demo_records,
        ) % {"demo": format_number(self.demo_records), "records": format_number(self.records)}

    @property
    def name(self):
        return self.spec.name

    @property
    def title(self):
        if self.area_name:
            return f"{self.spec.title}: {self.area_name}"
        return self.spec.title

    def svg(self):
        if self.spec.kind == "table":
            return ""
        if self.spec.kind == "line":
            return line_svg(self.table, self.title, self.spec.unit, self.spec.decimals)
        return stacked_bar_svg(self.table, self.title, self.spec.unit, self.spec.decimals)

    def formatted_rows(self):
        """Rows for the HTML table, numbers rounded the way the chart shows them."""
        return [
            [
                row[0],
                *(
                    value if isinstance(value, str) else format_number(value, self.spec.decimals)
                    for value in row[1:]
                ),
            ]
            for row in self.table.rows
        ]

    def csv_rows(self):
        if self.spec.kind == "table":
            header = list(self.table.columns)
        else:
            header = [
                self.table.columns[0],
                *(f"{name} ({self.spec.unit})" for name in self.table.series),
            ]
        body = [
            [row[0], *(round(value, 3) if isinstance(value, float) else value for value in row[1:])]
            for row in self.table.rows
        ]
        return [header, *body]


@dataclass(frozen=True)
class Records:
    """The published querysets a chart is computed from (already filtered by area)."""

    hazard_areas: object
    land_releases: object
    incidents: object


# Land released and items found use the same functions as the API's /api/v1/stats/ answers,
# so a chart and the API agree to the last digit.


def _releases(records):
    rows = stats.release_by(records.land_releases, "year")
    return Table(
        [_("Year"), _("Cancelled"), _("Reduced"), _("Cleared")],
        [[r.label, r.cancelled_km2, r.reduced_km2, r.cleared_km2] for r in rows],
    )


def _items(records):
    rows = stats.items_found_by(records.land_releases, "year")
    return Table(
        [_("Year"), _("Anti-personnel mines"), _("Anti-vehicle mines"), _("UXO"), _("Other items")],
        [[r.label, r.ap_mines, r.at_mines, r.uxo, r.other] for r in rows],
    )


def year_label(year, today=None):
    """A year as a chart labels it: the year still running is marked as partial."""
    today = today or timezone.localdate()
    return gettext("%(year)s (to date)") % {"year": year} if year == today.year else str(year)


def _casualties_by_group(records):
    rows = stats.casualties_by_year(records.incidents)
    return Table(
        [_("Year"), _("Civilian"), _("Deminer"), _("Military or security"), _("Unknown group")],
        [[year_label(r.year), r.civilian, r.deminer, r.military, r.unknown] for r in rows],
    )


def _killed_injured_by_year(records):
    rows = stats.casualties_by_year(records.incidents)
    return Table(
        [_("Year"), _("Killed"), _("Injured")],
        [[year_label(r.year), r.killed, r.injured] for r in rows],
    )


def _casualties_by_area_and_year(records):
    rows = stats.casualties_by_area_and_year(records.incidents)
    return Table(
        [_("District or city"), _("Year"), _("Killed"), _("Injured")],
        [[r.area_name, year_label(r.year), r.killed, r.injured] for r in rows],
    )


def _casualties_by_sex_age(records):
    rows = stats.casualties_by_sex_and_age(records.incidents)
    if not any(row.total for row in rows):
        return Table([_("Sex"), _("Child (under 18)"), _("Adult"), _("Unknown age")], [])
    return Table(
        [_("Sex"), _("Child (under 18)"), _("Adult"), _("Unknown age")],
        [[r.sex_label, r.child, r.adult, r.unknown] for r in rows],
    )


def _hazard_remaining(records):
    rows = stats.hazard_remaining_by_year(records.hazard_areas, records.land_releases)
    return Table(
        [_("Year"), _("Remaining"), _("Identified so far"), _("Released so far")],
        [[str(r.year), r.remaining_km2, r.identified_km2, r.released_km2] for r in rows],
    )


CHARTS = {
    spec.name: spec
    for spec in [
        ChartSpec(
            name="land-released",
            title=_("Land released per year, by method"),
            description=_(
                "Area of land released in each year, split into cancelled (non-technical "
                "survey), reduced (technical survey) and cleared."
            ),
            unit="km²",
            kind="stacked",
            build=_releases,
            counts=_("Published land-release records, by the year their release was completed."),
            decimals=2,
            counted=("land_releases",),
        ),
        ChartSpec(
            name="items-found",
            title=_("Explosive items found and destroyed per year, by type"),
            description=_("Items found and destroyed during land release in each year."),
            unit=_("items"),
            kind="stacked",
            build=_items,
            counts=_("Items reported in published land-release records, by completion year."),
            counted=("land_releases",),
        ),
        ChartSpec(
            name="casualties-by-group",
            title=_("Casualties per year, by group"),
            description=_(
                "People killed or injured in explosive-ordnance incidents each year, by "
                "group (civilian, deminer, military or security, unknown)."
            ),
            unit=_("people"),
            kind="stacked",
            build=_casualties_by_group,
            counts=_("Casualties of published incident records, by the year of the incident."),
            counted=("incidents",),
        ),
        ChartSpec(
            name="killed-injured",
            title=_("People killed and injured per year"),
            description=_(
                "People killed and people injured in documented explosive-ordnance "
                "incidents each year."
            ),
            unit=_("people"),
            kind="stacked",
            build=_killed_injured_by_year,
            counts=_(
                "Casualties of published incident records, by the year of the incident. "
                "The records are documented incidents, not a complete register."
            ),
            counted=("incidents",),
        ),
        ChartSpec(
            name="casualties-by-district",
            title=_("People killed and injured, by district and year"),
            description=_(
                "Killed and injured in documented incidents, for each district or city "
                "and year in which the records hold at least one casualty. A district that is not "
                "listed has no record here, which does not mean it has no contamination."
            ),
            unit=_("people"),
            kind="table",
            build=_casualties_by_area_and_year,
            counts=_(
                "Casualties of published incident records, by the unit that contains the "
                "incident's point and the year of the incident."
            ),
            counted=("incidents",),
        ),
        ChartSpec(
            name="casualties-by-sex-age",
            title=_("Casualties by sex and age band"),
            description=_(
                "People killed or injured, by sex, each split into children (under 18), "
                "adults and unknown age."
            ),
            unit=_("people"),
            kind="stacked",
            build=_casualties_by_sex_age,
            counts=_("Casualties of published incident records, all years."),
            counted=("incidents",),
        ),
        ChartSpec(
            name="hazard-remaining",
            title=_("Recorded hazard area remaining over time"),
            description=_(
                "Hazard area identified by the end of each year, minus land released by then."
            ),
            unit="km²",
            kind="line",
            build=_hazard_remaining,
            counts=_(
                "Published hazard-area records by the year identified, less published "
                "land-release records by the year completed."
            ),
            decimals=1,
            counted=("hazard_areas", "land_releases"),
        ),
    ]
}


RECORD_KINDS = ("hazard_areas", "land_releases", "incidents")


def record_counts(records, kinds=RECORD_KINDS):
    """{kind: (records, demo records)} for these kinds of record in `records` (a query each)."""
    demo = Count("id", filter=Q(is_demo=True))
    counts = {}
    for kind in kinds:
        row = getattr(records, kind).aggregate(n=Count("id"), demo=demo)
        counts[kind] = (row["n"], row["demo"])
    return counts


def build(name, records, area=None, counts=None):
    """The chart `name` computed from `records` (querysets already limited to `area`);
    `counts` from record_counts(records), when several charts share them."""
    spec = CHARTS[name]
    counts = counts or record_counts(records, spec.counted)
    return Chart(
        spec=spec,
        table=plain(spec.build(records)),
        area_name=area.name if area else "",
        records=sum(counts[kind][0] for kind in spec.counted),
        demo_records=sum(counts[kind][1] for kind in spec.counted),
    )


def plain(table):
    """`table` with its translatable labels as text in the active language.

    Charts are cached (per language); a lazy label would be pickled as a lazy object, and
    unpickling one rebuilds its proxy class: about half a millisecond each, many per page."""

    def text(value):
        return str(value) if isinstance(value, Promise) else value

    return Table([text(c) for c in table.columns], [[text(v) for v in row] for row in table.rows])


def build_all(records, area=None, names=None):
    counts = record_counts(records)
    return [build(name, records, area, counts) for name in (names or CHARTS)]


# --- Drawing ---------------------------------------------------------------------------------

# A narrow viewBox keeps the text legible when the chart shrinks on a phone.
WIDTH, HEIGHT = 560, 340
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 60, 36


def format_number(value, decimals=0):
    if value is None:
        return ""
    if decimals:
        return number_format(value, decimals, use_l10n=True, force_grouping=True)
    return number_format(round(value), use_l10n=True, force_grouping=True)


def nice_ticks(maximum, count=5):
    """Round tick values from 0 to at least `maximum`."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0]
    while ticks[-1] < maximum:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _tick_label(value):
    if value == int(value):
        return number_format(int(value), use_l10n=True, force_grouping=True)
    return number_format(float(f"{value:.2g}"), use_l10n=True)


def legend_text_width(text):
    """About how wide `text` is at the legend's 13 px: Cyrillic letters and Azerbaijani ones
    with marks run wider than Latin ones, so a Russian legend needs more room."""
    return sum(6.9 if ord(character) < 128 else 8.2 for character in text)


def chart_label(title):
    """What a screen reader announces for a chart: its title, and that its table follows."""
    return gettext("%(title)s (the data table follows)") % {"title": title}


def _frame(title, unit, ticks, plot_height, series):
    top = TOP
    scale = plot_height / ticks[-1]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(chart_label(title))}" class="chart-svg" '
        'font-family="system-ui, sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
    ]
    # Legend across the top, wrapping to a second row when needed.
    x, y = LEFT, 18
    for index, name in enumerate(series):
        width = 30 + legend_text_width(name)
        if x + width > WIDTH - RIGHT:
            x, y = LEFT, y + 18
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y}" fill="#1b1f24">{escape(name)}</text>')
        x += width
    for tick in ticks:
        ty = top + plot_height - tick * scale
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" '
            'stroke="#d5dbe1" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#4a5561">'
            f"{_tick_label(tick)}</text>"
        )
    parts.append(
        f'<text x="12" y="{top + plot_height / 2:.0f}" fill="#4a5561" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + plot_height / 2:.0f})">{escape(unit)}</text>'
    )
    return parts, scale


def _empty_svg(title):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 80" role="img" '
        f'aria-label="{escape(title)}: no published records" class="chart-svg">'
        f'<text x="{WIDTH / 2}" y="45" text-anchor="middle" font-family="system-ui, sans-serif" '
        'fill="#4a5561">No published records for this chart.</text></svg>'
    )


def stacked_bar_svg(table, title, unit, decimals=0):
    if table.is_empty():
        return _empty_svg(title)
    totals = [sum(value or 0 for value in row[1:]) for row in table.rows]
    ticks = nice_ticks(max(totals))
    plot_height = HEIGHT - TOP - BOTTOM
    parts, scale = _frame(title, unit, ticks, plot_height, table.series)
    slot = (WIDTH - LEFT - RIGHT) / len(table.rows)
    bar = min(slot * 0.7, 60)
    for index, row in enumerate(table.rows):
        x = LEFT + index * slot + (slot - bar) / 2
        y = TOP + plot_height
        for series_index, value in enumerate(row[1:]):
            height = (value or 0) * scale
            if height <= 0:
                continue
            y -= height
            colour = PALETTE[series_index % len(PALETTE)]
            label = (
                f"{row[0]}, {table.series[series_index]}: {format_number(value, decimals)} {unit}"
            )
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'fill="{colour}"><title>{escape(label)}</title></rect>'
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_height + 18}" text-anchor="middle" '
            f'fill="#1b1f24">{escape(row[0])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_svg(table, title, unit, decimals=0):
    if table.is_empty():
        return _empty_svg(title)
    maximum = max(value or 0 for row in table.rows for value in row[1:])
    ticks = nice_ticks(maximum)
    plot_height = HEIGHT - TOP - BOTTOM
    parts, scale = _frame(title, unit, ticks, plot_height, table.series)
    count = len(table.rows)
    step = (WIDTH - LEFT - RIGHT - 20) / max(count - 1, 1)

    def x_of(index):
        return LEFT + 10 + index * step

    for series_index, name in enumerate(table.series):
        colour = PALETTE[series_index % len(PALETTE)]
        points = [
            (x_of(index), TOP + plot_height - (row[series_index + 1] or 0) * scale)
            for index, row in enumerate(table.rows)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        # The first series is the headline: drawn thicker, the others dashed.
        style = (
            'stroke-width="3"' if series_index == 0 else 'stroke-width="2" stroke-dasharray="6 4"'
        )
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" {style}/>')
        for (x, y), row in zip(points, table.rows, strict=True):
            label = f"{row[0]}, {name}: {format_number(row[series_index + 1], decimals)} {unit}"
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
                f"<title>{escape(label)}</title></circle>"
            )
    for index, row in enumerate(table.rows):
        parts.append(
            f'<text x="{x_of(index):.1f}" y="{TOP + plot_height + 18}" text-anchor="middle" '
            f'fill="#1b1f24">{escape(row[0])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- Downloads: the chart as a file of its own -------------------------------------------------

TITLE_HEIGHT, CREDIT_LINE_HEIGHT = 34, 17


def standalone_svg(chart, credit_lines):
    """The chart's SVG inside a document that names it: title above, credit lines below.

    A picture saved or pasted elsewhere loses the page around it, so the file itself says
    what it shows, where it comes from, its data version and which part is demo.
    """
    inner = chart.svg()
    # Wrapped to the picture's width (about 6 px a character at 11 px): nothing is cut off.
    credit_lines = [
        part for line in credit_lines for part in textwrap.wrap(line, 88, break_long_words=False)
    ]
    width, height = (
        float(n) for n in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', inner).groups()
    )
    total = TITLE_HEIGHT + height + 8 + CREDIT_LINE_HEIGHT * len(credit_lines)
    inner = inner.replace(
        "<svg ", f'<svg x="0" y="{TITLE_HEIGHT}" width="{width:g}" height="{height:g}" ', 1
    )
    credits = "".join(
        f'<text x="8" y="{TITLE_HEIGHT + height + 8 + CREDIT_LINE_HEIGHT * (index + 1) - 4:g}" '
        f'fill="#4a5561" font-size="11">{escape(line)}</text>'
        for index, line in enumerate(credit_lines)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{total:g}" '
        f'viewBox="0 0 {width:g} {total:g}" font-family="DejaVu Sans, sans-serif">'
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
        f'<text x="8" y="22" fill="#1b1f24" font-size="16" font-weight="bold">'
        f"{escape(chart.title)}</text>{inner}{credits}</svg>"
    )


def svg_to_png(document, scale=2):
    """Draw an SVG document as PNG bytes, at twice its size for sharp text on screens."""
    import cairosvg  # needs the system's libcairo: loaded only when a PNG is asked for

    return cairosvg.svg2png(bytestring=document.encode("utf-8"), scale=scale)
