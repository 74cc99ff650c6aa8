"""DRF serializers of the plain resources: organisations, sources, changes, statistics.

The geo resources are not serialised in Python: see resources.py.
"""

from rest_framework import serializers

from contamination.models import Organisation, Source


class RoundedFloatField(serializers.FloatField):
    """A float rounded for display: figures in km² to the square metre."""

    def __init__(self, *, decimals=6, **kwargs):
        self.decimals = decimals
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return round(float(value), self.decimals)


class OrganisationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=Organisation.Kind.choices, help_text="What kind of body it is."
    )

    class Meta:
        model = Organisation
        fields = ["id", "name", "acronym", "kind", "country", "website", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "The organisation's id, as records cite it."},
            "website": {"help_text": "Its website, if any."},
            "name": {"help_text": "Full name."},
            "acronym": {"help_text": "Short name, if any."},
            "updated_at": {"help_text": "Last change (UTC)."},
        }


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = [
            "id",
            "publisher",
            "title",
            "url",
            "published_on",
            "accessed_on",
            "archived_url",
            "language",
            "is_reprint",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": "The source's id, as records cite it (`sources`)."},
            "updated_at": {"help_text": "Last change (UTC)."},
        }


def paginated(serializer_class):
    """A page of `serializer_class` rows, as the plain lists answer it."""
    name = serializer_class.__name__.removesuffix("Serializer")
    return type(
        f"Paginated{name}List",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text="Rows matching, on all pages."),
            "next": serializers.URLField(allow_null=True, help_text="The next page."),
            "previous": serializers.URLField(allow_null=True, help_text="The previous page."),
            "results": serializer_class(many=True, help_text="The rows of this page."),
        },
    )


class ChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["hazard_area", "land_release", "incident"], help_text="Which kind of record."
    )
    id = serializers.IntegerField(help_text="The record's id.")
    reference = serializers.CharField(help_text="The record's public reference.")
    change = serializers.ChoiceField(
        choices=["published", "changed", "retracted", "deleted"],
        help_text="`published`: first published since `since`; `changed`: a published record "
        "changed; `retracted`: withdrawn (keep it, marked, or drop it from your copy); "
        "`deleted`: removed outright (drop it).",
    )
    changed_at = serializers.DateTimeField(help_text="When the change was made (UTC).")
    published_at = serializers.DateTimeField(
        allow_null=True, help_text="When the record was first published."
    )
    retracted_at = serializers.DateTimeField(allow_null=True, help_text="When it was retracted.")
    retraction_note = serializers.CharField(help_text="Why it was retracted (empty otherwise).")
    url = serializers.CharField(
        allow_null=True,
        help_text="The record in the API (a GeoJSON Feature), null for deleted records.",
    )


class PaginatedChangesSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Changes matching, on all pages.")
    next = serializers.URLField(allow_null=True, help_text="The next page.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page.")
    data_version = serializers.DateTimeField(
        allow_null=True,
        help_text="Time of the last published change: pass it as `since` next time.",
    )
    results = ChangeSerializer(many=True, help_text="The changes, oldest first.")


class HazardTotalsSerializer(serializers.Serializer):
    suspected_km2 = RoundedFloatField(help_text="Suspected hazardous areas still to release.")
    confirmed_km2 = RoundedFloatField(help_text="Confirmed hazardous areas still to release.")
    total_km2 = RoundedFloatField(help_text="Both categories.")
    suspected_count = serializers.IntegerField(help_text="Suspected areas (count).")
    confirmed_count = serializers.IntegerField(help_text="Confirmed areas (count).")
    total_count = serializers.IntegerField(help_text="Both categories (count).")


class ReleaseTotalsSerializer(serializers.Serializer):
    cancelled_km2 = RoundedFloatField(help_text="Cancelled by non-technical survey.")
    reduced_km2 = RoundedFloatField(help_text="Reduced by technical survey.")
    cleared_km2 = RoundedFloatField(help_text="Cleared.")
    total_km2 = RoundedFloatField(help_text="All three methods.")
    count = serializers.IntegerField(help_text="Land releases (count).")


class ItemsSerializer(serializers.Serializer):
    ap_mines = serializers.IntegerField(help_text="Anti-personnel mines found and destroyed.")
    at_mines = serializers.IntegerField(help_text="Anti-vehicle mines found and destroyed.")
    uxo = serializers.IntegerField(help_text="Unexploded ordnance found and destroyed.")
    other = serializers.IntegerField(help_text="Other explosive items.")
    total = serializers.IntegerField(help_text="All items.")


class CasualtyTotalsSerializer(serializers.Serializer):
    incidents = serializers.IntegerField(help_text="Incidents (count).")
    killed = serializers.IntegerField(help_text="People killed.")
    injured = serializers.IntegerField(help_text="People injured.")
    total = serializers.IntegerField(help_text="People killed or injured.")
    civilians = serializers.IntegerField(help_text="Civilian casualties.")
    deminers = serializers.IntegerField(help_text="Deminer casualties.")
    military = serializers.IntegerField(help_text="Military or security casualties.")
    children = serializers.IntegerField(help_text="Casualties under 18.")


class CoverageSerializer(serializers.Serializer):
    records = serializers.IntegerField(help_text="Records counted.")
    first_on = serializers.DateField(allow_null=True, help_text="Earliest main date.")
    last_on = serializers.DateField(allow_null=True, help_text="Latest main date.")
    demo_records = serializers.IntegerField(help_text="How many of them are demo data.")


class CoveragesSerializer(serializers.Serializer):
    hazard_areas = CoverageSerializer(help_text="By `identified_on`.")
    land_releases = CoverageSerializer(help_text="By `completed_on`.")
    incidents = CoverageSerializer(help_text="By `occurred_on`.")


class StatsEnvelopeSerializer(serializers.Serializer):
    data_version = serializers.DateTimeField(
        allow_null=True, help_text="Time of the last published change behind the figures."
    )
    filters = serializers.DictField(
        child=serializers.CharField(), help_text="The filters applied, as given."
    )


class SummarySerializer(StatsEnvelopeSerializer):
    hazards = HazardTotalsSerializer(help_text="Hazard areas still to release.")
    releases = ReleaseTotalsSerializer(help_text="Land released, by method.")
    items = ItemsSerializer(help_text="Items found during release, by type.")
    casualties = CasualtyTotalsSerializer(help_text="Incidents and casualties.")
    demo_records = serializers.IntegerField(help_text="Demo records among those counted.")
    coverage = CoveragesSerializer(help_text="What the records behind the figures cover.")


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True,
        help_text="The group: a year (`2023`), a month (`2023-05`), an area code, an "
        "organisation id or a category value; null when not recorded.",
    )
    label = serializers.CharField(help_text="The group's name for people.")


class ReleaseGroupSerializer(GroupSerializer):
    cancelled_km2 = RoundedFloatField(help_text="Cancelled by non-technical survey.")
    reduced_km2 = RoundedFloatField(help_text="Reduced by technical survey.")
    cleared_km2 = RoundedFloatField(help_text="Cleared.")
    total_km2 = RoundedFloatField(help_text="All three methods.")
    count = serializers.IntegerField(help_text="Land releases (count).")


class ItemsGroupSerializer(GroupSerializer, ItemsSerializer):
    pass


class CasualtyGroupSerializer(GroupSerializer):
    killed = serializers.IntegerField(help_text="People killed.")
    injured = serializers.IntegerField(help_text="People injured.")
    total = serializers.IntegerField(help_text="People killed or injured.")


class ReleaseStatsSerializer(StatsEnvelopeSerializer):
    group_by = serializers.CharField(help_text="How the rows are grouped.")
    results = ReleaseGroupSerializer(many=True, help_text="One row per group.")


class ItemsStatsSerializer(StatsEnvelopeSerializer):
    group_by = serializers.CharField(help_text="How the rows are grouped.")
    totals = ItemsSerializer(help_text="All groups together.")
    results = ItemsGroupSerializer(many=True, help_text="One row per group.")


class CasualtyStatsSerializer(StatsEnvelopeSerializer):
    group_by = serializers.CharField(help_text="How the rows are grouped.")
    results = CasualtyGroupSerializer(many=True, help_text="One row per group.")


class AreaFiguresSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166 code.")
    name = serializers.CharField(help_text="Name in English.")
    level = serializers.IntegerField(help_text="0 country, 1 first-level unit.")
    area_km2 = RoundedFloatField(decimals=3, help_text="Geodesic area of the unit, km².")
    hazard_areas = serializers.IntegerField(help_text="Hazard areas still to release.")
    hazard_km2 = RoundedFloatField(help_text="Their area, km².")
    share_pct = RoundedFloatField(decimals=4, help_text="Share of the unit's area, %.")
    land_releases = serializers.IntegerField(help_text="Land releases (count).")
    released_cancelled_km2 = RoundedFloatField(help_text="Cancelled, km².")
    released_reduced_km2 = RoundedFloatField(help_text="Reduced, km².")
    released_cleared_km2 = RoundedFloatField(help_text="Cleared, km².")
    released_km2 = RoundedFloatField(help_text="All methods, km².")
    incidents = serializers.IntegerField(help_text="Incidents (count).")
    killed = serializers.IntegerField(help_text="People killed.")
    injured = serializers.IntegerField(help_text="People injured.")
    casualties = serializers.IntegerField(help_text="People killed or injured.")


class AreaStatsSerializer(StatsEnvelopeSerializer):
    results = AreaFiguresSerializer(many=True, help_text="One row per area.")
