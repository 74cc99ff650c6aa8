"""Load the statements, people, organisations, sources and claims in data/statements/."""

import calendar
import csv
import datetime
import functools
import json
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from contamination.models import AdminArea, Organisation, Source
from contamination.querysets import PublicationStatus
from statements.models import (
    Claim,
    DatePrecision,
    Metric,
    Person,
    Statement,
    StatementSource,
    format_number,
)

DEFAULT_FILE = Path(settings.BASE_DIR) / "data" / "statements" / "statements.json"
DEFAULT_FIGURES_FILE = Path(settings.BASE_DIR) / "data" / "statements" / "figures-2.csv"
# Each metric's label and description in Azerbaijani and Russian, by code (the English ones are
# in statements.json and FIGURE_METRICS below).
METRIC_TRANSLATIONS_FILE = (
    Path(settings.BASE_DIR) / "data" / "statements" / "metric-translations.json"
)
TRANSLATED_METRIC_FIELDS = ("label_az", "label_ru", "description_az", "description_ru")


@functools.cache
def metric_translations():
    """{code: {label_az: …, …}}; a metric without an entry keeps its English words only."""
    if not METRIC_TRANSLATIONS_FILE.exists():
        return {}
    entries = json.loads(METRIC_TRANSLATIONS_FILE.read_text(encoding="utf-8"))
    return {
        entry["code"]: {name: entry.get(name, "") for name in TRANSLATED_METRIC_FIELDS}
        for entry in entries
    }


# What the records can be set beside, per metric code of the data file. Metrics not named
# here are left as they are, so a comparison an editor picks in the admin survives a reload.
COMPARISONS = {
    "territory_contaminated_pct": Metric.Comparison.SHARE_IN_HAZARD_AREAS,
    "territory_at_mine_risk_pct": Metric.Comparison.SHARE_IN_HAZARD_AREAS,
    "contaminated_area_km2": Metric.Comparison.HAZARD_AREA_KM2,
    # "Cleared" is set beside clearance only; the panel shows all three methods anyway.
    "area_cleared_since_2020": Metric.Comparison.LAND_CLEARED,
    "area_cleared_in_period": Metric.Comparison.LAND_CLEARED,
    "area_released_since_2020": Metric.Comparison.LAND_RELEASED,
    "items_found_since_2020": Metric.Comparison.ITEMS_FOUND,
    "items_found_in_period": Metric.Comparison.ITEMS_FOUND,
    "mines_found_since_2020": Metric.Comparison.MINES_FOUND,
    "ap_mines_found_since_2020": Metric.Comparison.AP_MINES_FOUND,
    "at_mines_found_since_2020": Metric.Comparison.AT_MINES_FOUND,
    "uxo_found_since_2020": Metric.Comparison.UXO_FOUND,
    "casualties_since_2020": Metric.Comparison.CASUALTIES,
    "casualties_killed_since_2020": Metric.Comparison.DEATHS,
    "casualties_injured_since_2020": Metric.Comparison.INJURIES,
    "casualties_cumulative": Metric.Comparison.CASUALTIES,
    "casualties_in_year": Metric.Comparison.CASUALTIES,
    "civilians_killed_cumulative": Metric.Comparison.CIVILIANS_KILLED,
    "civilians_injured_cumulative": Metric.Comparison.CIVILIANS_INJURED,
    "incidents_since_2020": Metric.Comparison.INCIDENTS,
}

KINDS = set(Organisation.Kind.values)
# Many stored copies show no headline: the title stays empty, an editor's to-do in the admin.
UNTITLED = ""


def parse_partial_date(value, field_name):
    """'2024-06-19', '2024-06' or '2024' -> the first day it can mean; None stays None."""
    if value in (None, ""):
        return None
    parts = str(value).split("-")
    try:
        numbers = [int(part) for part in parts] + [1] * (3 - len(parts))
        return datetime.date(*numbers[:3])
    except (TypeError, ValueError) as error:
        raise CommandError(f"{field_name}: {value!r} is not a date ({error}).") from None


# "From 1992 to 2020", "between 1995 and 2013", "from 1998 until 2020": a period of whole years.
PERIOD_IN_QUOTE = re.compile(
    r"\b(?:from|between)\s+((?:19|20)\d\d)\s+(?:to|and|until|till)\s+((?:19|20)\d\d)\b",
    re.IGNORECASE,
)


def period_in_quote(text, excerpt):
    """(first year, last year) a quote gives for its figure, read in the excerpt's sentence."""
    start = text.find(excerpt)
    if start < 0:
        return None
    sentence_start = max(text.rfind(mark, 0, start) for mark in (". ", "! ", "? ", "\n")) + 1
    ends = [text.find(mark, start + len(excerpt)) for mark in (". ", "! ", "? ", "\n")]
    sentence_end = min([end for end in ends if end >= 0] or [len(text)])
    match = PERIOD_IN_QUOTE.search(text[sentence_start:sentence_end])
    if match is None:
        return None
    first, last = int(match.group(1)), int(match.group(2))
    return (first, last) if first <= last else None


def decimal_or_none(value):
    return None if value is None else Decimal(str(value))


class Counter(dict):
    def add(self, kind, outcome):
        self.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})[outcome] += 1

    def line(self, kind):
        counts = self.get(kind, {"created": 0, "updated": 0, "unchanged": 0})
        return ", ".join(f"{number} {outcome}" for outcome, number in counts.items())


class Command(BaseCommand):
    help = (
        "Load data/statements/statements.json and data/statements/figures-2.csv: metrics, "
        "organisations, people, sources, "
        "statements (published, not demo) and their claims. Idempotent: rows are matched on the "
        "file's stable keys (organisations on their name, sources on their URL, claims on their "
        "position in the statement) and only written when they changed. A statement an editor "
        "has retracted stays retracted. Needs the boundaries (load_boundaries) for claim scopes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_FILE), help="The data file to load.")
        parser.add_argument(
            "--figures",
            default=str(DEFAULT_FIGURES_FILE),
            help="A CSV of official figures (indicator, value, unit, as_of, source_name, "
            "source_url, note) loaded as one organisation statement per row; '' skips it.",
        )

    def handle(self, *args, file, figures="", **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No data file at {path}.")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from None
        self.counts = Counter()
        self.sources = {}
        with transaction.atomic():
            metrics = {item["code"]: self.load_metric(item) for item in data.get("metrics", [])}
            organisations = {
                item["key"]: self.load_organisation(item) for item in data.get("organisations", [])
            }
            people = {item["key"]: self.load_person(item) for item in data.get("people", [])}
            for item in data.get("statements", []):
                try:
                    self.load_statement(item, metrics, organisations, people)
                except ValidationError as error:
                    raise CommandError(f"Statement {item.get('key')!r}: {error}") from None
                except KeyError as error:
                    raise CommandError(
                        f"Statement {item.get('key')!r} refers to an unknown key {error}."
                    ) from None
            if figures:
                FiguresLoader(self).load(Path(figures))
        self.stdout.write(
            f"Statements: {self.counts.line('statement')}; claims: {self.counts.line('claim')}; "
            f"people: {self.counts.line('person')}; organisations: "
            f"{self.counts.line('organisation')}; sources: {self.counts.line('source')}; "
            f"metrics: {self.counts.line('metric')}."
        )

    def upsert(self, kind, model, lookup, values):
        """Create or update one row, validated; write nothing when nothing changed."""
        instance = model.objects.filter(**lookup).first()
        if instance is None:
            instance, outcome = model(**lookup, **values), "created"
        else:
            outcome = "unchanged"
            for name, value in values.items():
                if getattr(instance, name) != value:
                    setattr(instance, name, value)
                    outcome = "updated"
        if outcome != "unchanged":
            instance.full_clean()
            instance.save()
        self.counts.add(kind, outcome)
        return instance

    def load_metric(self, item):
        values = {
            "label": item["label"],
            "unit": item["unit"],
            "description": item.get("description") or "",
            **metric_translations().get(item["code"], {}),
        }
        if item["code"] in COMPARISONS:
            values["comparison"] = COMPARISONS[item["code"]]
        return self.upsert("metric", Metric, {"code": item["code"]}, values)

    def load_organisation(self, item):
        kind = item.get("kind") or "other"
        return self.upsert(
            "organisation",
            Organisation,
            {"name": item["name"]},
            {
                "acronym": item.get("acronym") or "",
                "kind": kind if kind in KINDS else Organisation.Kind.OTHER,
                "country": (item.get("country") or "").upper(),
                "website": item.get("website") or "",
            },
        )

    def load_person(self, item):
        return self.upsert(
            "person",
            Person,
            {"key": item["key"]},
            {"name": item["name"], "name_variants": list(item.get("name_variants") or [])},
        )

    def load_source(self, item):
        values = {
            "publisher": item.get("publisher") or "",
            "title": item.get("title") or UNTITLED,
            "published_on": parse_partial_date(item.get("published_on"), "published_on"),
            "archived_url": item.get("archived_url") or "",
            "language": item.get("language") or "",
            "is_reprint": bool(item.get("is_reprint")),
            "note": item.get("note") or "",
        }
        url = item.get("url") or ""
        if url:
            lookup = {"url": url}
        else:
            lookup = {"url": "", "publisher": values.pop("publisher"), "title": values.pop("title")}
        # A document cited by several statements is written once per run, from its first
        # citation, so that a second run finds it unchanged; each citation keeps its own note.
        key = tuple(sorted(lookup.items()))
        if key not in self.sources:
            self.sources[key] = self.upsert("source", Source, lookup, values)
        return self.sources[key]

    def load_statement(self, item, metrics, organisations, people):
        existing = Statement.objects.filter(reference=item["key"]).first()
        status = PublicationStatus.PUBLISHED
        if existing is not None and existing.publication_status == PublicationStatus.RETRACTED:
            status = PublicationStatus.RETRACTED
        date_precision = item.get("date_precision") or (
            DatePrecision.DAY if item.get("date") else DatePrecision.UNKNOWN
        )
        person_key = item.get("speaker_person")
        organisation_key = item.get("speaker_organisation")
        statement = self.upsert(
            "statement",
            Statement,
            {"reference": item["key"]},
            {
                "side": item["side"],
                "speaker_person": people[person_key] if person_key else None,
                "speaker_organisation": organisations[organisation_key]
                if organisation_key
                else None,
                "speaker_role": item.get("role") or "",
                "date": parse_partial_date(item.get("date"), "date"),
                "date_precision": date_precision,
                "date_note": item.get("date_note") or "",
                "occasion": item["occasion"],
                "text_kind": item["text_kind"],
                "language": item.get("language") or "",
                "text": item["text"],
                "original_language": item.get("original_language") or "",
                "original_text": item.get("original_text") or "",
                "translation_note": item.get("translation_note") or "",
                "note": item.get("note") or "",
                "publication_status": status,
                "is_demo": False,
            },
        )
        cited = set()
        for position, source_item in enumerate(item.get("sources") or []):
            source = self.load_source(source_item)
            cited.add(source.pk)
            self.upsert(
                "citation",
                StatementSource,
                {"statement": statement, "source": source},
                {"position": position, "note": source_item.get("note") or ""},
            )
        statement.citations.exclude(source__in=cited).delete()

        claim_items = item.get("claims") or []
        for position, claim_item in enumerate(claim_items):
            self.load_claim(statement, position, claim_item, metrics)
        statement.claims.filter(position__gte=len(claim_items)).delete()

    def load_claim(self, statement, position, item, metrics):
        scope = None
        if item.get("scope"):
            scope = AdminArea.objects.with_code(item["scope"]).first()
            if scope is None:
                raise CommandError(
                    f"Statement {statement.reference!r}: no area with code {item['scope']!r}; "
                    "run load_boundaries first."
                )
        as_of = parse_partial_date(item.get("as_of"), "as_of")
        as_of_precision = item.get("as_of_precision") or (
            DatePrecision.DAY if as_of else DatePrecision.UNKNOWN
        )
        since = parse_partial_date(item.get("since"), "since")
        period = period_in_quote(statement.text, item["excerpt"])
        if period is not None:
            # The quote's own period wins over the statement's date: a count "from 1992 to
            # 2020" said in 2022 is a figure as of 2020, and it counts from 1992.
            first, last = period
            since = since or datetime.date(first, 1, 1)
            if as_of is None or as_of.year > last:
                as_of, as_of_precision = datetime.date(last, 1, 1), DatePrecision.YEAR
        self.upsert(
            "claim",
            Claim,
            {"statement": statement, "position": position},
            {
                "excerpt": item["excerpt"],
                "metric": metrics[item["metric"]],
                "value": decimal_or_none(item["value"]),
                "value_max": decimal_or_none(item.get("value_max")),
                "unit": item["unit"],
                "qualifier": item.get("qualifier") or Claim.Qualifier.EXACTLY,
                "as_of": as_of,
                "as_of_precision": as_of_precision,
                "since": since,
                "scope": scope,
                "scope_note": item.get("scope_note") or "",
                # The file's notes are the compilers' working notes: for editors, not readers.
                "note": "",
                "editors_note": item.get("note") or "",
                "figures_row": item.get("figures_row"),
            },
        )


# The end of the 2020 war (ceasefire of 10 November 2020), from which running totals count.
WAR_END = datetime.date(2020, 11, 10)

# Metrics the figures file needs that statements.json does not define.
FIGURE_METRICS = {
    "civilian_casualties_since_2020": (
        "Civilian mine/ERW casualties since the end of the 2020 war",
        "people",
        Metric.Comparison.CIVILIAN_CASUALTIES,
    ),
    "casualties_in_period": (
        "Mine/ERW casualties in a stated period",
        "people",
        Metric.Comparison.CASUALTIES,
    ),
    "ap_mines_found_in_period": (
        "Anti-personnel mines found in a stated period",
        "mines",
        Metric.Comparison.AP_MINES_FOUND,
    ),
    "at_mines_found_in_period": (
        "Anti-vehicle mines found in a stated period",
        "mines",
        Metric.Comparison.AT_MINES_FOUND,
    ),
    "mines_found_in_period": (
        "Mines found in a stated period",
        "mines",
        Metric.Comparison.MINES_FOUND,
    ),
    "uxo_found_in_period": (
        "Unexploded ordnance found in a stated period",
        "items",
        Metric.Comparison.UXO_FOUND,
    ),
    "civilian_share_of_deaths_pct": ("Share of mine deaths who were civilians", "pct", ""),
    "incidents_outside_recorded_minefields_pct": (
        "Share of mine incidents outside recorded minefields",
        "pct",
        "",
    ),
}

# indicator of the figures file -> (metric code, what is counted, period kind). The period
# kind says where the counted period starts; "as of" is always its end.
FIGURE_INDICATORS = {
    "mine_victims_since_2020": (
        "casualties_since_2020",
        "people killed or injured by mines",
        "war",
    ),
    "civilian_mine_victims_since_2020": (
        "civilian_casualties_since_2020",
        "civilians killed or injured by mines",
        "war",
    ),
    "mine_incidents_since_2020": ("incidents_since_2020", "mine incidents", "war"),
    "ap_mines_found_since_2020": (
        "ap_mines_found_since_2020",
        "anti-personnel mines found",
        "war",
    ),
    "at_mines_found_since_2020": ("at_mines_found_since_2020", "anti-vehicle mines found", "war"),
    "uxo_found_since_2020": ("uxo_found_since_2020", "unexploded ordnance items found", "war"),
    "mines_uxo_found_since_2020": (
        "items_found_since_2020",
        "mines and unexploded ordnance items found",
        "war",
    ),
    "area_cleared_since_2020": ("area_cleared_since_2020", "of land cleared", "war"),
    "area_cleared_in_month": ("area_cleared_in_period", "of land cleared", "month"),
    "area_cleared_in_week": ("area_cleared_in_period", "of land cleared", "week"),
    "ap_mines_found_in_month": ("ap_mines_found_in_period", "anti-personnel mines found", "month"),
    "at_mines_found_in_month": ("at_mines_found_in_period", "anti-vehicle mines found", "month"),
    "mines_found_in_month": ("mines_found_in_period", "mines found", "month"),
    "uxo_found_in_month": ("uxo_found_in_period", "unexploded ordnance items found", "month"),
    "mine_victims_in_month": ("casualties_in_period", "people killed or injured by mines", "month"),
    "mine_victims_in_year": ("casualties_in_year", "people killed or injured by mines", "year"),
    "mine_victims_in_year_to_date": (
        "casualties_in_period",
        "people killed or injured by mines",
        "year_to_date",
    ),
    "mine_victims_last_30_years": (
        "casualties_cumulative",
        "people killed or injured by mines over the last 30 years",
        "open",
    ),
    "civilian_share_of_mine_deaths": (
        "civilian_share_of_deaths_pct",
        "of the people killed by mines were civilians",
        "open",
    ),
    "share_of_mine_incidents_outside_recorded_minefields": (
        "incidents_outside_recorded_minefields_pct",
        "of mine incidents happened outside recorded minefields",
        "open",
    ),
}

# The unit column says how exact the figure is; the qualifier keeps that distinction.
FIGURE_UNITS = {"people": "people", "ha": "ha", "mines": "mines", "items": "items"}
FIGURE_UNITS |= {"incidents": "incidents", "percent": "pct"}
FIGURE_QUALIFIERS = {
    "approx.": Claim.Qualifier.ABOUT,
    "lower bound": Claim.Qualifier.AT_LEAST,
}

# Who gave the figure, from the start of the compiled source name; the rest of the name
# ("(via AzerNews)") says which outlet carried it. Outlets that published a figure in their
# own voice are the speaker themselves.
FIGURE_SPEAKERS = [
    ("ANAMA", "Azerbaijan National Agency for Mine Action", "national_authority"),
    ("State mine clearance agency", "Azerbaijan National Agency for Mine Action", ""),
    ("Jabrayil prosecutor / ANAMA", "Azerbaijan National Agency for Mine Action", ""),
    (
        "Ministry of Foreign Affairs",
        "Ministry of Foreign Affairs of the Republic of Azerbaijan",
        "",
    ),
    ("Foreign Minister", "Ministry of Foreign Affairs of the Republic of Azerbaijan", ""),
    (
        "Prosecutor General",
        "Prosecutor General's Office of the Republic of Azerbaijan",
        "government",
    ),
    ("Azerbaijan Campaign", "Azerbaijan Campaign to Ban Landmines", "ngo"),
    ("Azerbaijani official data", "Government of the Republic of Azerbaijan", "government"),
    ("Official data", "Government of the Republic of Azerbaijan", "government"),
    ("Azerbaijani briefing", "Government of the Republic of Azerbaijan", "government"),
    ("News.Az", "News.az", "media"),
]

# The speaker's own word, from the quotation that opens a compilers' note ("'almost 380 ...'").
# Order matters: "more than" before "over", and a word is matched whole.
QUOTED_QUALIFIERS = [
    ("almost", Claim.Qualifier.ALMOST),
    ("nearly", Claim.Qualifier.NEARLY),
    ("more than", Claim.Qualifier.MORE_THAN),
    ("artıq", Claim.Qualifier.MORE_THAN),  # Azerbaijani: "more than"
    ("çox", Claim.Qualifier.MORE_THAN),  # Azerbaijani: "more than"
    ("at least", Claim.Qualifier.AT_LEAST),
    ("over", Claim.Qualifier.OVER),
    ("up to", Claim.Qualifier.UP_TO),
    ("about", Claim.Qualifier.ABOUT),
]


def speakers_qualifier(note):
    """The qualifier the quoted words of a note use, or None when it quotes none."""
    match = re.match(r"\s*'([^']+)'", note or "")
    if match is None:
        return None
    words = match.group(1).lower()
    for word, qualifier in QUOTED_QUALIFIERS:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", words):
            return qualifier
    return None


FIGURE_COLUMNS = ["indicator", "value", "unit", "as_of", "source_name", "source_url", "note"]


def month_name(day):
    return f"{calendar.month_name[day.month]} {day.year}"


def long_date(day, precision):
    if precision == DatePrecision.MONTH:
        return month_name(day)
    if precision == DatePrecision.YEAR:
        return str(day.year)
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


class FiguresLoader:
    """Load a figures CSV: one published organisation statement with one claim per row.

    The compiled `note` column is kept as the claim's editors' note (admin only); the public
    text of each statement is written here from the row's own value, unit and period.
    """

    def __init__(self, command):
        self.command = command

    def load(self, path):
        if not path.exists():
            raise CommandError(f"No figures file at {path}.")
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = set(FIGURE_COLUMNS) - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"{path.name}: missing columns {', '.join(sorted(missing))}.")
            rows = list(reader)
        country = AdminArea.objects.with_code("AZ").first()
        if country is None:
            raise CommandError("No area with code 'AZ'; run load_boundaries first.")
        metrics = {}
        for code, (label, unit, comparison) in FIGURE_METRICS.items():
            metrics[code] = self.command.upsert(
                "metric",
                Metric,
                {"code": code},
                {
                    "label": label,
                    "unit": unit,
                    "comparison": comparison,
                    **metric_translations().get(code, {}),
                },
            )
        references = set()
        for line, row in enumerate(rows, start=2):
            try:
                self.load_row(row, line, country, metrics, references)
            except ValidationError as error:
                raise CommandError(f"{path.name}, line {line}: {error}") from None

    def metric(self, code, metrics):
        if code not in metrics:
            metrics[code] = Metric.objects.filter(code=code).first()
            if metrics[code] is None:
                raise CommandError(f"Metric {code!r} is not defined; load statements.json first.")
        return metrics[code]

    def speaker(self, source_name):
        matches = [
            (name, kind) for prefix, name, kind in FIGURE_SPEAKERS if source_name.startswith(prefix)
        ]
        if matches:
            name, kind = matches[0]
        else:
            # An outlet's own figure: "Trend (editorial note)" -> Trend.
            name, kind = source_name.split(" (")[0].strip(), "media"
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = self.command.upsert(
                "organisation",
                Organisation,
                {"name": name},
                {"kind": kind or "other", "country": "AZ"},
            )
        return organisation

    def load_row(self, row, line, country, metrics, references):
        indicator = row["indicator"].strip()
        if indicator not in FIGURE_INDICATORS:
            raise CommandError(f"Line {line}: unknown indicator {indicator!r}.")
        metric_code, counted, period = FIGURE_INDICATORS[indicator]
        unit_text = row["unit"].strip()
        base_unit, _, qualifier_text = unit_text.partition(" (")
        qualifier_text = qualifier_text.rstrip(")")
        if base_unit not in FIGURE_UNITS or (
            qualifier_text and qualifier_text not in FIGURE_QUALIFIERS
        ):
            raise CommandError(f"Line {line}: unknown unit {unit_text!r}.")
        unit = FIGURE_UNITS[base_unit]
        qualifier = FIGURE_QUALIFIERS.get(qualifier_text, Claim.Qualifier.EXACTLY)
        if qualifier != Claim.Qualifier.EXACTLY:
            qualifier = speakers_qualifier(row["note"]) or qualifier
        try:
            value = Decimal(row["value"].strip())
        except ArithmeticError:
            raise CommandError(f"Line {line}: {row['value']!r} is not a number.") from None
        as_of_text = row["as_of"].strip()
        as_of = parse_partial_date(as_of_text, f"line {line}")
        if as_of is None:
            raise CommandError(f"Line {line}: the figure needs the date it counts to.")
        precision = [DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY][
            len(as_of_text.split("-")) - 1
        ]
        if precision == DatePrecision.MONTH:
            # "2025-02" counts to the end of February, not its first day.
            as_of = as_of.replace(day=calendar.monthrange(as_of.year, as_of.month)[1])
        since = {
            "war": WAR_END,
            "month": as_of.replace(day=1),
            "year": as_of.replace(month=1, day=1),
            "year_to_date": as_of.replace(month=1, day=1),
        }.get(period)
        if period == "week":
            since = as_of - datetime.timedelta(days=6)

        speaker = self.speaker(row["source_name"])
        number = format_figure(value, unit, qualifier)
        excerpt = f"{number} {counted}" if unit != "pct" and unit != "ha" else number
        sentence_counted = counted if excerpt == number else ""
        when = {
            "war": f"between 10 November 2020 and {long_date(as_of, precision)}",
            "month": f"in {month_name(as_of)}",
            "week": f"in the week to {long_date(as_of, precision)}",
            "year": f"in {as_of.year}",
            "year_to_date": f"from 1 January to {long_date(as_of, precision)}",
            "open": f"(figure given {'on' if precision == DatePrecision.DAY else 'in'} "
            f"{long_date(as_of, precision)})",
        }[period]
        text = " ".join(
            part for part in [f"{speaker.name} reported", excerpt, sentence_counted, when] if part
        )
        text += "."

        # Built from the public words, never the file's indicator code: it is the page address.
        base = slugify(f"{speaker.acronym or speaker.name} {as_of_text} {counted}")[:90]
        reference, suffix = base, 2
        while reference in references:
            reference, suffix = f"{base}-{suffix}", suffix + 1
        references.add(reference)

        existing = Statement.objects.filter(reference=reference).first()
        status = PublicationStatus.PUBLISHED
        if existing is not None and existing.publication_status == PublicationStatus.RETRACTED:
            status = PublicationStatus.RETRACTED
        statement = self.command.upsert(
            "statement",
            Statement,
            {"reference": reference},
            {
                "side": "az",
                "speaker_person": None,
                "speaker_organisation": speaker,
                "speaker_role": "",
                "date": as_of,
                "date_precision": precision,
                "date_note": "Dated by the end of the period the figure counts; the report "
                "that carried it may have been published later.",
                "occasion": Statement.Occasion.NEWS_REPORT,
                "text_kind": Statement.TextKind.PARAPHRASE,
                "language": "en",
                "text": text,
                "note": "",
                "publication_status": status,
                "is_demo": False,
            },
        )
        url = row["source_url"].strip()
        name = row["source_name"].strip()
        # "ANAMA (via AzerNews/Today.az)" was published by AzerNews/Today.az.
        outlet = name.split("(via ")[-1].rstrip(")") if "(via " in name else name.split(" (")[0]
        source = self.command.load_source({"url": url, "publisher": outlet.strip()})
        self.command.upsert(
            "citation", StatementSource, {"statement": statement, "source": source}, {"position": 0}
        )
        statement.citations.exclude(source=source).delete()
        self.command.upsert(
            "claim",
            Claim,
            {"statement": statement, "position": 0},
            {
                "excerpt": excerpt,
                "metric": self.metric(metric_code, metrics),
                "value": value,
                "value_max": None,
                "unit": unit,
                "qualifier": qualifier,
                "as_of": as_of,
                "as_of_precision": precision,
                "since": since,
                "scope": country,
                "scope_note": "",
                "note": "",
                "editors_note": f"{row['note'].strip()} [compiled source name: "
                f"{row['source_name'].strip()}; figures-2.csv line {line}]",
                "figures_row": None,
            },
        )
        statement.claims.filter(position__gte=1).delete()


def format_figure(value, unit, qualifier):
    """'about 1,500 ha', 'at least 196,000': the figure as the public text states it."""
    words = "" if qualifier == Claim.Qualifier.EXACTLY else f"{Claim.Qualifier(qualifier).label} "
    number = format_number(value)
    if unit == "pct":
        return f"{words}{number}%"
    if unit == "ha":
        return f"{words}{number} ha"
    return f"{words}{number}"
