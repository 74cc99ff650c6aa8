"""The statements' part of the bulk downloads: `claims.csv` and `statement_sources.csv`.

Registered with the downloads in StatementsConfig.ready (contamination never imports
statements). Each published claim is one row: who said it, when, the quote, the first source's
address, and what the published records show for the same area and period
(statements/bridge.py), with how many of those records are demo data. Claims are not cut by the
download's record filters, and are left out when `layer` picks layers: they are a table of
their own, set beside all the records.
"""

from django.db.models import Count, Max, Prefetch
from django.utils.translation import gettext_lazy as _

from contamination.api import flatfiles
from contamination.api.flatfiles import Field, ForeignKey, Table
from statements import bridge
from statements.models import Claim, Statement, StatementSource

CLAIM_FIELDS = [
    Field("id", "integer", _("The claim's id (/api/v1/claims/{id}/).")),
    Field("statement", "string", _("Key of the statement it is in (/api/v1/statements/{key}/).")),
    Field("statement_date", "date", _("When the statement was made; empty when unknown.")),
    Field("statement_date_precision", "string", _("day, month, year or unknown.")),
    Field("speaker", "string", _("Who spoke: the person, else the organisation.")),
    Field("speaker_person", "string", _("Key of the person who spoke, if a person did.")),
    Field("speaker_organisation", "integer", _("Id of the organisation spoken for, if any.")),
    Field("speaker_role", "string", _("The speaker's role at the time.")),
    Field("side", "string", _("Whose side the speaker speaks for (country code, or `int`).")),
    Field("quote", "string", _("The exact words of the statement the number comes from.")),
    Field("text_kind", "string", _("verbatim (the words as published) or paraphrase.")),
    Field("metric", "string", _("Code of what is measured (/api/v1/metrics/).")),
    Field("qualifier", "string", _("How the number was put: exactly, about, more_than, …")),
    Field("value", "number", _("The number stated (the lower end of a range).")),
    Field("value_max", "number", _("The upper end, when a range was stated.")),
    Field("unit", "string", _("The unit as stated.")),
    Field("as_of", "date", _("The date the number refers to, if given.")),
    Field("as_of_precision", "string", _("day, month, year or unknown.")),
    Field("since", "date", _("Start of the period counted, if given.")),
    Field("scope", "string", _("Code of the area the number is about (areas.code).")),
    Field("source", "integer", _("Id of the first source that published the statement.")),
    Field("source_url", "string", _("Where that source published it.")),
    Field("records_value", "number", _("What the published records show, in `records_unit`.")),
    Field("records_unit", "string", _("Unit of `records_value` (the claim's, for areas).")),
    Field("records_as_of", "date", _("The records were counted up to this date.")),
    Field("records_since", "date", _("And from this date, if the claim counts a period.")),
    Field("records_count", "integer", _("How many published records that value rests on.")),
    Field("records_demo", "integer", _("How many of them are generated demo records.")),
    Field(
        "records_demo_share",
        "number",
        _("records_demo / records_count: the part of the value that rests on demo data."),
    ),
    Field("records_reason", "string", _("Why the records are not set beside it, if so.")),
    Field("records_note", "string", _("How the records were chosen, when the claim does not say.")),
    Field("is_demo", "boolean", _("Whether the statement is generated demo data.")),
]

LINK_FIELDS = [
    Field("statement", "string", _("Key of the statement (claims.statement).")),
    Field("source", "integer", _("Id of the source in sources.csv.")),
    Field("position", "integer", _("Order of the source in the statement's list, from 1.")),
    Field("page", "string", _("Page or section cited, if given.")),
]


class ClaimsContributor(flatfiles.Contributor):
    def version(self):
        """Published claims and statements: a change to either, or one fewer, moves it on."""
        figures = Claim.objects.published().aggregate(
            claims=Count("id"), claim=Max("updated_at"), statement=Max("statement__updated_at")
        )
        changed = Statement.objects.aggregate(last=Max("updated_at"))["last"]
        return f"claims:{figures['claims']}:{figures['claim']}:{figures['statement']}:{changed}"

    def contribute(self, request, filterset, layers):
        if request.GET.get("layer"):
            return flatfiles.Contribution()
        citations = StatementSource.objects.select_related("source").order_by("position", "id")
        claims = list(
            Claim.objects.published()
            .select_related("statement__speaker_person", "statement__speaker_organisation")
            .select_related("metric", "scope")
            .defer("scope__geometry")
            .prefetch_related(Prefetch("statement__citations", queryset=citations))
            .order_by("id")
        )
        statements = {claim.statement_id: claim.statement for claim in claims}
        cache = {}
        rows = [claim_row(claim, bridge.compare(claim, cache)) for claim in claims]
        links = [
            [statement.reference, citation.source_id, position, citation.page]
            for statement in statements.values()
            for position, citation in enumerate(statement.citations.all(), start=1)
        ]
        published = Statement.objects.published()
        return flatfiles.Contribution(
            tables=[
                Table(
                    name="claims",
                    description="Every figure in published statements, with what the "
                    "published records show for the same area and period.",
                    fields=CLAIM_FIELDS,
                    content=flatfiles.rows_csv([item.name for item in CLAIM_FIELDS], rows),
                    primary_key=["id"],
                    foreign_keys=[
                        ForeignKey("speaker_organisation", "organisations"),
                        ForeignKey("scope", "areas", "code"),
                        ForeignKey("source", "sources"),
                    ],
                ),
                Table(
                    name="statement_sources",
                    description="The sources each statement of claims.csv cites, in order.",
                    fields=LINK_FIELDS,
                    content=flatfiles.rows_csv([item.name for item in LINK_FIELDS], links),
                    foreign_keys=[ForeignKey("source", "sources")],
                ),
            ],
            organisation_ids=[
                published.filter(claims__isnull=False).values("speaker_organisation_id")
            ],
            source_ids=[
                StatementSource.objects.filter(
                    statement__in=published.filter(claims__isnull=False)
                ).values("source_id")
            ],
            readme=[
                "",
                "claims.csv: every figure in published statements (all of them, whatever the",
                "filters; left out when `layer` is given), with what the published records show",
                "for the same area and period (records_*) and how much of that is demo data.",
                "A figure set beside the records is not a verdict on it: see the claim's page.",
            ],
        )


def claim_row(claim, comparison):
    statement = claim.statement
    recorded = comparison.recorded
    coverage = recorded.coverage if recorded else None
    first = next(iter(statement.citations.all()), None)
    has_records = comparison.has_records
    return [
        claim.id,
        statement.reference,
        statement.date,
        statement.date_precision,
        statement.speaker_name,
        statement.speaker_person.key if statement.speaker_person_id else "",
        statement.speaker_organisation_id or "",
        statement.speaker_role,
        statement.side,
        claim.excerpt,
        statement.text_kind,
        claim.metric.code,
        claim.qualifier,
        claim.value,
        "" if claim.value_max is None else claim.value_max,
        claim.unit,
        claim.as_of or "",
        claim.as_of_precision,
        claim.since or "",
        claim.scope.code if claim.scope_id else "",
        first.source_id if first else "",
        first.source.url if first else "",
        round(float(comparison.value), 6) if has_records else "",
        comparison.unit if recorded else "",
        recorded.as_of if recorded else "",
        (recorded.since or "") if recorded else "",
        coverage.records if coverage else "",
        coverage.demo_records if coverage else "",
        round(coverage.demo_records / coverage.records, 4) if has_records else "",
        comparison.reason
        or ("" if has_records or not recorded else "No published records cover this area."),
        comparison.note,
        str(statement.is_demo).lower(),  # as the layers write booleans
    ]
