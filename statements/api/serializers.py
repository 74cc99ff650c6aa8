"""The public JSON contract of statements, claims, people and metrics."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contamination.api.serializers import (
    CoverageSerializer,
    OrganisationSerializer,
    SourceSerializer,
)
from statements import bridge
from statements.models import Claim, DatePrecision, Metric, Person, Statement, StatementSource


class DatePrecisionField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "day, month or year; unknown when there is no date.")
        super().__init__(choices=DatePrecision.choices, **kwargs)


# One named enum per field: a shared one would need a project-wide ENUM_NAME_OVERRIDES entry
# (drf-spectacular warns when one choice set gets two names).
@extend_schema_field(
    {"type": "string", "enum": DatePrecision.values, "x-spec-enum-id": "statement-date"}
)
class StatementDatePrecisionField(DatePrecisionField):
    pass


@extend_schema_field(
    {"type": "string", "enum": DatePrecision.values, "x-spec-enum-id": "claim-as-of"}
)
class AsOfPrecisionField(DatePrecisionField):
    pass


class MetricSerializer(serializers.ModelSerializer):
    page = serializers.SerializerMethodField(help_text="The metric's page on the site.")

    class Meta:
        model = Metric
        fields = ["code", "label", "unit", "description", "comparison", "page"]

    def get_page(self, metric) -> str:
        return self.context["request"].build_absolute_uri(metric.get_absolute_url())


class PersonSerializer(serializers.ModelSerializer):
    page = serializers.SerializerMethodField(help_text="The person's page on the site.")

    class Meta:
        model = Person
        fields = ["key", "name", "name_variants", "page"]

    def get_page(self, person) -> str:
        return self.context["request"].build_absolute_uri(person.get_absolute_url())


class CitationSerializer(serializers.ModelSerializer):
    source = SourceSerializer(help_text="The document.")

    class Meta:
        model = StatementSource
        # A citation's note is the compilers' working note about their copy: admin only.
        fields = ["source", "page"]


class ClaimSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text="The claim's id (its API address).")
    metric = serializers.SlugRelatedField(slug_field="code", read_only=True)
    scope = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Code of the area the figure is about.",
    )
    value = serializers.FloatField(help_text="The number stated (the lower end of a range).")
    value_max = serializers.FloatField(allow_null=True, help_text="Upper end of a range.")
    value_display = serializers.CharField(help_text="The figure as a reader would write it.")
    as_of_precision = AsOfPrecisionField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "position",
            "excerpt",
            "metric",
            "qualifier",
            "value",
            "value_max",
            "unit",
            "value_display",
            "as_of",
            "as_of_precision",
            "since",
            "scope",
            "scope_note",
            "note",
            "figures_row",
        ]


class ClaimListSerializer(ClaimSerializer):
    """A claim on its own, with the statement it comes from."""

    statement = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    speaker = serializers.CharField(
        source="statement.speaker_name",
        read_only=True,
        help_text="Who spoke: the person, else the organisation.",
    )
    speaker_person = serializers.SlugRelatedField(
        source="statement.speaker_person",
        slug_field="key",
        read_only=True,
        allow_null=True,
        help_text="Key of the person who spoke (/api/v1/people/), if a person did.",
    )
    speaker_organisation = serializers.IntegerField(
        source="statement.speaker_organisation_id",
        read_only=True,
        allow_null=True,
        help_text="Id of the organisation spoken for (/api/v1/organisations/), if any.",
    )
    statement_date = serializers.DateField(
        source="statement.date",
        read_only=True,
        allow_null=True,
        help_text="When the statement was made (see its precision); null when unknown.",
    )
    side = serializers.CharField(
        source="statement.side", read_only=True, help_text="The statement's side."
    )

    class Meta(ClaimSerializer.Meta):
        fields = [
            "id",
            "statement",
            "speaker",
            "speaker_person",
            "speaker_organisation",
            "side",
            "statement_date",
            *ClaimSerializer.Meta.fields[1:],
        ]


class RecordsSerializer(serializers.Serializer):
    """What the published records show for the claim's area and dates (never a verdict)."""

    comparison = serializers.CharField(help_text="What the metric is set beside, if anything.")
    reason = serializers.CharField(help_text="Why the records are not set beside it, if so.")
    note = serializers.CharField(
        help_text="How the records were chosen when the claim does not say (an undated claim is "
        "set beside the latest records)."
    )
    value = serializers.FloatField(allow_null=True, help_text="In the claim's unit.")
    unit = serializers.CharField(help_text="Unit of `value` (the claim's, for areas).")
    as_of = serializers.DateField(allow_null=True, help_text="Records counted up to this date.")
    since = serializers.DateField(allow_null=True, help_text="And from this date, if any.")
    breakdown = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text="Parts of the value."
    )
    coverage = CoverageSerializer(
        allow_null=True, help_text="What the records counted cover; null when not compared."
    )


class ClaimDetailSerializer(ClaimListSerializer):
    """One claim, with what the records show beside it (one extra query)."""

    records = serializers.SerializerMethodField(
        help_text="What the published records show for the same area and dates."
    )

    class Meta(ClaimListSerializer.Meta):
        fields = [*ClaimListSerializer.Meta.fields, "records"]

    @extend_schema_field(RecordsSerializer)
    def get_records(self, claim):
        comparison = bridge.compare(claim)
        recorded = comparison.recorded
        data = {
            "comparison": claim.metric.comparison,
            "reason": comparison.reason
            or (
                "" if comparison.has_records else "No published records cover this area and period."
            ),
            "note": comparison.note,
            "value": comparison.value if comparison.has_records else None,
            "unit": comparison.unit,
            "as_of": recorded.as_of if recorded else None,
            "since": recorded.since if recorded else None,
            "breakdown": dict(recorded.breakdown) if recorded else {},
            "coverage": vars(recorded.coverage) if recorded else None,
        }
        return RecordsSerializer(data).data


class StatementSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="reference", help_text="Stable identifier.")
    page = serializers.SerializerMethodField(help_text="The statement's page on the site.")
    speaker_person = PersonSerializer(allow_null=True, help_text="The person who spoke, if any.")
    speaker_organisation = OrganisationSerializer(
        allow_null=True, help_text="The organisation spoken for, or that issued it."
    )
    sources = CitationSerializer(
        source="citations", many=True, help_text="Where it was published, in order."
    )
    claims = ClaimSerializer(many=True, help_text="Every number in it, with its excerpt.")
    date_precision = StatementDatePrecisionField()

    class Meta:
        model = Statement
        fields = [
            "key",
            "page",
            "side",
            "speaker_person",
            "speaker_organisation",
            "speaker_role",
            "date",
            "date_precision",
            "date_note",
            "occasion",
            "text_kind",
            "language",
            "text",
            "original_language",
            "original_text",
            "translation_note",
            # No "note": a statement's note is the compilers' working note, for editors only.
            "sources",
            "claims",
            "is_demo",
            "published_at",
            "updated_at",
        ]
        extra_kwargs = {
            "published_at": {"help_text": "When it was first published (UTC)."},
            "updated_at": {"help_text": "Last change (UTC)."},
        }

    def get_page(self, statement) -> str:
        return self.context["request"].build_absolute_uri(statement.get_absolute_url())


class StatementCSVSerializer(StatementSerializer):
    """A statement as one flat CSV row: its sources and claims as ids (`;`-joined), which
    the sources list (/api/v1/sources/) and the claims CSV (its `statement` column) join,
    instead of nested objects that would be JSON inside a cell."""

    sources = serializers.SerializerMethodField(
        help_text="Ids of the sources cited, in order, joined with `;`."
    )
    claims = serializers.SerializerMethodField(
        help_text="Ids of the claims in it, in order, joined with `;`."
    )

    def get_sources(self, statement) -> str:
        return ";".join(str(citation.source_id) for citation in statement.citations.all())

    def get_claims(self, statement) -> str:
        return ";".join(str(claim.id) for claim in statement.claims.all())
