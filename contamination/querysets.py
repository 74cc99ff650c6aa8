"""Which rows: the filters every public surface starts from."""

from django.apps import apps
from django.contrib.gis.db.models.functions import SnapToGrid
from django.contrib.gis.geos import Polygon
from django.db import models
from django.db.models import Case, FloatField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETRACTED = "retracted", _("Retracted")


def seen_publicly_sql(alias=""):
    """The SQL condition "this record (or event row) has been public".

    Published or retracted now, or published before: published_at is kept when an editor
    sends a record back to draft, which removes it publicly, and that removal is a public
    change too. `alias` qualifies the columns (e.g. "i" for `i.publication_status`).
    """
    prefix = f"{alias}." if alias else ""
    return f"({prefix}publication_status <> 'draft' OR {prefix}published_at IS NOT NULL)"


class AdminAreaQuerySet(models.QuerySet):
    def countries(self):
        return self.filter(level=0)

    def units(self):
        return self.filter(level=1)

    def with_code(self, code):
        """The area with this code (ISO 3166 where it has one), case-insensitive."""
        return self.filter(code__iexact=code)

    def formerly_coded(self, code):
        """The area that had this code before it changed, from its history, or None.

        One query on the history events (every version of an area keeps its code then).
        """
        events = apps.get_model("contamination", "AdminAreaEvent").objects
        event = events.filter(code__iexact=code).order_by("-pgh_id").first()
        if event is None:
            return None
        return self.exclude(code__iexact=code).filter(pk=event.pgh_obj_id).first()


class RecordQuerySet(models.QuerySet):
    """Shared by every publishable record."""

    def published(self):
        return self.filter(publication_status=PublicationStatus.PUBLISHED)

    def drafts(self):
        return self.filter(publication_status=PublicationStatus.DRAFT)

    def retracted(self):
        return self.filter(publication_status=PublicationStatus.RETRACTED)

    def demo(self):
        return self.filter(is_demo=True)

    def real(self):
        return self.filter(is_demo=False)

    def in_area(self, area):
        """Records whose computed admin area is `area` or, for a country, one of its units."""
        # A list of unit ids, not `admin_area=area OR admin_area__parent=area`: the OR across
        # a join cannot use the admin_area index and costs about twice as much for a district.
        units = type(area).objects.filter(Q(pk=area.pk) | Q(parent=area)).values("pk")
        return self.filter(admin_area__in=units)

    def updated_since(self, moment):
        return self.filter(updated_at__gte=moment)

    def publish(self):
        """Publish the drafts among these rows; return how many were published."""
        return self.drafts().update(
            publication_status=PublicationStatus.PUBLISHED, published_at=timezone.now()
        )

    def retract(self, note):
        """Retract the published rows among these, keeping them with a public note."""
        return self.published().update(
            publication_status=PublicationStatus.RETRACTED,
            retracted_at=timezone.now(),
            retraction_note=note,
        )


class HazardAreaQuerySet(RecordQuerySet):
    def between(self, start=None, end=None):
        if start:
            self = self.filter(identified_on__gte=start)
        if end:
            self = self.filter(identified_on__lte=end)
        return self


class LandReleaseQuerySet(RecordQuerySet):
    def between(self, start=None, end=None):
        """Releases completed within the dates (a release counts when it is completed)."""
        if start:
            self = self.filter(completed_on__gte=start)
        if end:
            self = self.filter(completed_on__lte=end)
        return self


# Grid size (degrees) a public incident location is snapped to, by its stated precision: an
# exact location is kept to ~1 m, an approximate one to ~100 m, a settlement to ~1 km, a
# district to ~10 km. A point is never shown finer than it is known (nor, for the victims'
# privacy, finer than the record says).
LOCATION_GRID_DEG = {
    "exact": 0.00001,
    "approximate": 0.001,
    "settlement": 0.01,
    "district": 0.1,
}
COARSEST_GRID_DEG = max(LOCATION_GRID_DEG.values())  # for a precision not listed


def location_grid_deg():
    """The grid size (degrees) of each incident's stated precision, as an SQL expression."""
    return Case(
        *[
            When(location_precision=precision, then=Value(size))
            for precision, size in LOCATION_GRID_DEG.items()
        ],
        default=Value(COARSEST_GRID_DEG),
        output_field=FloatField(),
    )


class IncidentQuerySet(RecordQuerySet):
    def with_public_location(self):
        """Annotate `public_location`: the point every public surface shows (API, pages, maps,
        downloads), snapped in the database to the grid of its stated precision."""
        if "public_location" in self.query.annotations:
            return self
        return self.annotate(public_location=SnapToGrid("location", location_grid_deg()))

    def public_location_in(self, box):
        """Incidents whose public location intersects `box` (a polygon): the only spatial
        filter a public surface may use, so that no answer depends on an exact point.

        The exact location lies within half a grid cell of the public one, so the box grown
        by the coarsest cell selects a superset of the answer on the spatial index; the
        answer itself is decided on the public location alone.
        """
        min_x, min_y, max_x, max_y = box.extent
        margin = COARSEST_GRID_DEG
        grown = Polygon.from_bbox((min_x - margin, min_y - margin, max_x + margin, max_y + margin))
        grown.srid = box.srid or 4326
        return (
            self.with_public_location()
            .filter(location__intersects=grown)
            .filter(public_location__intersects=box)
        )

    def coarsest_location_grid_deg(self):
        """The largest grid cell (degrees) among these incidents' stated precisions, or None
        when there are none (one query)."""
        return self.order_by().aggregate(grid=models.Max(location_grid_deg()))["grid"]

    def between(self, start=None, end=None):
        if start:
            self = self.filter(occurred_on__gte=start)
        if end:
            self = self.filter(occurred_on__lte=end)
        return self


# --- Linked objects: public only through a published record --------------------------------
# An organisation or a source entered for drafts only must not appear publicly. The
# statements app cites them too; it is reached by name, since contamination never imports it.


def _published(app_label, model_name):
    from django.apps import apps

    return apps.get_model(app_label, model_name).objects.filter(
        publication_status=PublicationStatus.PUBLISHED
    )


class OrganisationQuerySet(models.QuerySet):
    def cited_publicly(self):
        """Organisations that a published record or statement names."""
        from django.db.models import Exists, OuterRef

        pk = OuterRef("pk")
        return self.filter(
            Exists(_published("contamination", "HazardArea").filter(surveyed_by=pk))
            | Exists(_published("contamination", "LandRelease").filter(organisation=pk))
            | Exists(_published("statements", "Statement").filter(speaker_organisation=pk))
        )


class SourceQuerySet(models.QuerySet):
    def cited_publicly(self):
        """Sources that a published record or statement cites."""
        from django.apps import apps
        from django.db.models import Exists, OuterRef

        condition = Q()
        for app_label, citation, record in (
            ("contamination", "HazardAreaSource", "hazard_area"),
            ("contamination", "LandReleaseSource", "land_release"),
            ("contamination", "IncidentSource", "incident"),
            ("statements", "StatementSource", "statement"),
        ):
            citations = apps.get_model(app_label, citation).objects.filter(
                source=OuterRef("pk"),
                **{f"{record}__publication_status": PublicationStatus.PUBLISHED},
            )
            condition |= Exists(citations)
        return self.filter(condition)
