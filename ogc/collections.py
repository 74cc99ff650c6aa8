"""The collections /ogc/ offers: which rows, which columns, which parameters filter them.

Each collection stands on a column contract (a `GeoResource`), so its features are the same
text the records API writes. Rows are always the published ones; incidents are always at
their public (generalised) point, also for the `bbox` filter, so that a box cannot probe an
exact location.
"""

from dataclasses import dataclass, field

from django.contrib.gis.db.models import GeometryField
from django.db.models import Value
from django.db.models.functions import Cast

from contamination import stats
from contamination.api import filters, resources
from contamination.api.resources import Column, GeoResource
from contamination.api.schema import choice, date, nullable_string, number, string
from contamination.models import AdminArea, HazardArea, Incident, LandRelease
from contamination.querysets import PublicationStatus
from statements.api.filters import ClaimFilter
from statements.models import Claim


class NonSpatialResource(GeoResource):
    """Rows without a geometry: GeoJSON features whose `geometry` is null."""

    def geometry(self):
        return Cast(Value(None), GeometryField(srid=4326))


CLAIMS = NonSpatialResource(
    name="claims",
    model=Claim,
    geometry_field="",
    geometry_type="",
    columns=[
        Column("statement", "statement__reference", string("Key of the statement quoted.")),
        Column("statement_date", "statement__date", date("When the statement was made.")),
        Column("metric", "metric__code", string("Code of what is measured (/api/v1/metrics/).")),
        Column("excerpt", "excerpt", string("The exact words the number comes from.")),
        Column("qualifier", "qualifier", choice(Claim.Qualifier.choices, "How it was put.")),
        Column("value", "value", number("The number stated (the lower end of a range).")),
        Column("value_max", "value_max", number("The upper end of a stated range.", True)),
        Column("unit", "unit", string("The unit as stated.")),
        Column("as_of", "as_of", date("The date the number refers to.")),
        Column("since", "since", date("Start of the period counted, if stated.")),
        Column("scope", "scope__code", nullable_string("Code of the area the number is about.")),
    ],
)


@dataclass(frozen=True)
class Collection:
    """One OGC collection.

    `queryables` maps each property filter (a query parameter named after a property) to the
    FilterSet parameter that applies it; `temporal` names the FilterSet's start and end
    parameters that `datetime` becomes (None: the collection has no time dimension).
    """

    id: str
    title: str
    description: str
    resource: GeoResource
    filterset_class: type
    queryables: dict = field(default_factory=dict)
    temporal: tuple | None = None
    temporal_field: str | None = None
    bbox_field: str | None = None

    @property
    def spatial(self):
        return self.bbox_field is not None

    def rows(self):
        """Every row the collection publishes, ready for `resource.properties()`."""
        return self.resource.rows(self.resource.model.objects.published().select_related(None))

    def extent_rows(self):
        """The rows whose extent the collection description gives."""
        return self.rows()

    def retracted(self, pk):
        """Whether the feature with this id was published and then retracted (410)."""
        return self.resource.model.objects.retracted().filter(pk=pk).exists()


class AreaCollection(Collection):
    def rows(self):
        hazards = HazardArea.objects.published()
        releases = LandRelease.objects.published()
        incidents = Incident.objects.published()
        annotations = stats.area_figure_annotations(hazards, releases, incidents)
        return AdminArea.objects.annotate(**annotations).order_by("level", "code", "id")

    def extent_rows(self):
        return AdminArea.objects.all()

    def retracted(self, pk):
        return False  # boundaries are reference data, never retracted


class ClaimCollection(Collection):
    def rows(self):
        return Claim.objects.published().order_by("statement__date", "statement_id", "position")

    def retracted(self, pk):
        return Claim.objects.filter(
            pk=pk, statement__publication_status=PublicationStatus.RETRACTED
        ).exists()


COLLECTIONS = {
    collection.id: collection
    for collection in [
        Collection(
            id="hazard_areas",
            title="Hazard areas",
            description="Published suspected (SHA) and confirmed (CHA) hazardous areas.",
            resource=resources.HAZARD_AREAS,
            filterset_class=filters.HazardAreaFilter,
            queryables={"category": "category", "status": "status", "area": "area"},
            temporal=("start", "end"),
            temporal_field="identified_on",
            bbox_field="geometry",
        ),
        Collection(
            id="land_releases",
            title="Land releases",
            description="Published land released by cancellation (non-technical survey), "
            "reduction (technical survey) or clearance; the three methods stay apart.",
            resource=resources.LAND_RELEASES,
            filterset_class=filters.LandReleaseFilter,
            queryables={"method": "method", "organisation": "organisation", "area": "area"},
            temporal=("start", "end"),
            temporal_field="completed_on",
            bbox_field="geometry",
        ),
        Collection(
            id="incidents",
            title="Incidents",
            description="Published explosive-ordnance incidents with casualty counts, each "
            "point generalised to its stated location precision.",
            resource=resources.INCIDENTS,
            filterset_class=filters.IncidentFilter,
            queryables={"device_type": "device_type", "area": "area"},
            temporal=("start", "end"),
            temporal_field="occurred_on",
            bbox_field="public_location",
        ),
        AreaCollection(
            id="areas",
            title="Areas",
            description="The country and its first-level units with the figures the "
            "published records give for each.",
            resource=resources.AREAS,
            filterset_class=filters.AdminAreaFilter,
            queryables={"level": "level", "parent": "parent"},
            bbox_field="geometry",
        ),
        ClaimCollection(
            id="claims",
            title="Claims",
            description="Figures stated in published statements, one feature per number, "
            "without geometry (the area is in `scope`).",
            resource=CLAIMS,
            filterset_class=ClaimFilter,
            queryables={"metric": "metric", "scope": "scope", "statement": "statement"},
            temporal=("as_of_from", "as_of_to"),
            temporal_field="as_of",
        ),
    ]
}
