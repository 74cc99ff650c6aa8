"""Load the statements, people, organisations, sources and claims in data/statements/."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contamination.models import AdminArea, Organisation, Source
from contamination.querysets import PublicationStatus
from statements.models import Claim, DatePrecision, Metric, Person, Statement, StatementSource

DEFAULT_FILE = Path(settings.BASE_DIR) / "data" / "statements" / "statements.json"

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
UNTITLED = "(title not recorded)"


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
        "Load data/statements/statements.json: metrics, organisations, people, sources, "
        "statements (published, not demo) and their claims. Idempotent: rows are matched on the "
        "file's stable keys (organisations on their name, sources on their URL, claims on their "
        "position in the statement) and only written when they changed. A statement an editor "
        "has retracted stays retracted. Needs the boundaries (load_boundaries) for claim scopes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_FILE), help="The data file to load.")

    def handle(self, *args, file, **options):
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
            # Many stored copies show no headline; the column is required, so say so.
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
                "as_of_precision": item.get("as_of_precision")
                or (DatePrecision.DAY if as_of else DatePrecision.UNKNOWN),
                "since": parse_partial_date(item.get("since"), "since"),
                "scope": scope,
                "scope_note": item.get("scope_note") or "",
                "note": item.get("note") or "",
                "figures_row": item.get("figures_row"),
            },
        )
