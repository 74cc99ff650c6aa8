"""How much of an official running total of casualties the published real records hold.

Lives in statements because it sets claims beside records; contamination never imports it.
"""

from dataclasses import dataclass

from contamination.models import Casualty, Incident
from statements.models import Claim, Metric, Statement

# Running totals that count every person killed or injured since a stated date.
RUNNING_TOTAL_COMPARISON = Metric.Comparison.CASUALTIES


@dataclass(frozen=True)
class CasualtyCoverage:
    """ "These records document 172 of the 412 victims reported up to 17 November 2025 (…)"."""

    documented_people: int
    reported_people: int
    claim: Claim

    @property
    def share_pct(self):
        return round(100 * self.documented_people / self.reported_people)

    @property
    def reporter(self):
        return self.claim.statement.speaker_name


def latest_running_total(area):
    """The newest published casualties-since-a-date claim about `area` (1 query)."""
    return (
        Claim.objects.filter(
            statement__in=Statement.objects.published(),
            metric__comparison=RUNNING_TOTAL_COMPARISON,
            scope=area,
            scope_note="",  # a total for the whole area, not part of it (covers_part_of_scope)
            qualifier=Claim.Qualifier.EXACTLY,
            value_max=None,
            unit="people",
        )
        .exclude(since=None)
        .exclude(as_of=None)
        .select_related("statement__speaker_organisation", "statement__speaker_person", "scope")
        # The scope's boundary can be megabytes (the country); the sentence needs its name only.
        .defer("scope__geometry")
        .order_by("-as_of", "-statement__date", "-pk")
        .first()
    )


def casualty_coverage(area):
    """Coverage of the latest official running total for `area`, or None (2 queries)."""
    if area is None:
        return None
    claim = latest_running_total(area)
    if claim is None or not claim.value:
        return None
    incidents = (
        Incident.objects.published()
        .real()
        .in_area(area)
        .filter(occurred_on__gte=claim.since, occurred_on__lte=claim.as_of)
    )
    documented = Casualty.objects.filter(incident__in=incidents).count()
    return CasualtyCoverage(
        documented_people=documented, reported_people=int(claim.value), claim=claim
    )
