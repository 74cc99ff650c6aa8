"""Recorded geodata: hazardous areas, land release, incidents, and what they cite.

Computed columns (geodesic area, admin area, whether an incident lies in a hazard area,
updated_at, published_at) are set by PostgreSQL triggers, so they are right however a row
is written: a form, `queryset.update()`, a bulk import or raw SQL. History is kept the same
way, by pghistory's triggers.
"""

import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from contamination.fields import MultiPolygonField
from contamination.querysets import (
    AdminAreaQuerySet,
    HazardAreaQuerySet,
    IncidentQuerySet,
    LandReleaseQuerySet,
    OrganisationQuerySet,
    PublicationStatus,
    RecordQuerySet,
    SourceQuerySet,
)


def track_history(short_name=None, event_indexes=()):
    """Record every insert, update and delete with a trigger (new trackers per model).

    `event_indexes` go on the event model (pghistory builds its Meta from `meta`). With
    `short_name` (the tables the past state reads, contamination/as_of.py), the event table
    gets an index on (pgh_obj, pgh_id) too, for "each row's last event at or before a moment",
    read newest first per row; `short_name` names it.
    """
    indexes = list(event_indexes)
    if short_name:
        latest = f"contamination_{short_name}event_latest"
        indexes.insert(0, models.Index(fields=["pgh_obj", "pgh_id"], name=latest))
    meta = {"indexes": indexes} if indexes else None
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), meta=meta
    )


def deletions_index(name):
    """The data version asks for the latest deletion: a backward scan of this index finds it
    instead of reading the whole history table."""
    return models.Index(fields=["pgh_created_at"], condition=Q(pgh_label="delete"), name=name)


# Largest overlap with a first-level unit, else the country; NULL outside every area.
# Guarded by ST_IsValid: an invalid polygon must reach the validity constraint, whose
# message is clearer than a GEOS topology error from ST_Intersection.
POLYGON_COMPUTED_FIELDS_SQL = """
    IF TG_OP = 'INSERT' OR NEW.geometry IS DISTINCT FROM OLD.geometry THEN
        IF ST_IsValid(NEW.geometry) THEN
            NEW.area_m2 := ST_Area(NEW.geometry::geography);
            NEW.admin_area_id := (
                SELECT a.id FROM contamination_adminarea a
                WHERE ST_Intersects(a.geometry, NEW.geometry)
                ORDER BY a.level DESC,
                         ST_Area(ST_Intersection(a.geometry, NEW.geometry)) DESC, a.id
                LIMIT 1
            );
        END IF;
    END IF;
"""

# Keeps updated_at, published_at and retracted_at true for every write path. The wall clock,
# not now(): a long import transaction must not stamp its rows with its start time.
PUBLICATION_TIMESTAMPS_SQL = """
    NEW.updated_at := clock_timestamp();
    IF NEW.publication_status = 'published' AND NEW.published_at IS NULL THEN
        NEW.published_at := clock_timestamp();
    END IF;
    IF NEW.publication_status = 'retracted' AND NEW.retracted_at IS NULL THEN
        NEW.retracted_at := clock_timestamp();
    END IF;
"""


# When a hazard area appears, moves, is published or retracted, the incidents it covers (or
# covered) learn whether they now lie in a published hazard area.
REFRESH_INCIDENTS_INSIDE_TRIGGER = pgtrigger.Trigger(
    name="refresh_incidents_inside",
    when=pgtrigger.After,
    operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
    func="""
    BEGIN
        UPDATE contamination_incident i
        SET is_in_hazard_area = EXISTS (
            SELECT 1 FROM contamination_hazardarea h
            WHERE h.publication_status = 'published' AND ST_Covers(h.geometry, i.location)
        )
        WHERE (TG_OP <> 'DELETE' AND ST_Intersects(i.location, NEW.geometry))
           OR (TG_OP <> 'INSERT' AND ST_Intersects(i.location, OLD.geometry));
        RETURN NULL;
    END;
    """,
)


def touch_parent_trigger(parent_table, foreign_key):
    """After a change to a row that belongs to a record, move the record's updated_at.

    Citations and casualties are part of their record: `updated_since` and the data version
    must see them change (the parent's own trigger sets the time and records history).
    """
    return pgtrigger.Trigger(
        name="touch_record",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        func=f"""
        BEGIN
            IF TG_OP <> 'DELETE' THEN
                UPDATE {parent_table} SET updated_at = clock_timestamp()
                WHERE id = NEW.{foreign_key};
            END IF;
            IF TG_OP <> 'INSERT' THEN
                UPDATE {parent_table} SET updated_at = clock_timestamp()
                WHERE id = OLD.{foreign_key}
                  AND (TG_OP = 'DELETE' OR OLD.{foreign_key} IS DISTINCT FROM NEW.{foreign_key});
            END IF;
            RETURN NULL;
        END;
        """,
    )


def computed_fields_trigger(body):
    return pgtrigger.Trigger(
        name="computed_fields",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        func=f"BEGIN {body} RETURN NEW; END;",
    )


@track_history("aa")
class AdminArea(models.Model):
    """A country (level 0) or one of its first-level units (level 1)."""

    class Level(models.IntegerChoices):
        COUNTRY = 0, _("Country")
        UNIT = 1, _("First-level unit")

    code = models.CharField(
        max_length=20,
        unique=True,
        help_text="ISO 3166 code (alpha-2 for a country, 3166-2 for a unit), or the "
        "boundary source's own identifier where the unit has no ISO code.",
    )
    iso_code = models.CharField(
        max_length=10, unique=True, null=True, blank=True, help_text="ISO 3166 code, if any."
    )
    level = models.PositiveSmallIntegerField(choices=Level, help_text="0 country, 1 unit.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_en = models.CharField("name (English)", max_length=100)
    name_local = models.CharField(
        "name (official language)", max_length=100, blank=True, help_text="e.g. Azerbaijani."
    )
    name_ru = models.CharField("name (Russian)", max_length=100, blank=True)
    name_alt = models.CharField("other names", max_length=200, blank=True)
    unit_type = models.CharField(max_length=40, blank=True, help_text="e.g. Rayon, Municipality.")
    economic_region = models.CharField(max_length=60, blank=True)
    geometry = MultiPolygonField(srid=4326)
    area_km2 = models.FloatField(
        null=True, editable=False, help_text="Geodesic area in km², computed by the database."
    )
    boundary_source = models.CharField(max_length=200, blank=True)

    objects = AdminAreaQuerySet.as_manager()

    class Meta:
        ordering = ["level", "name_en", "id"]
        triggers = [
            computed_fields_trigger(
                """
                IF TG_OP = 'INSERT' OR NEW.geometry IS DISTINCT FROM OLD.geometry THEN
                    NEW.area_km2 := ST_Area(NEW.geometry::geography) / 1e6;
                END IF;
                """
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(geometry__isvalid=True),
                name="contamination_adminarea_valid_geometry",
                violation_error_message="The boundary is not a valid geometry.",
            ),
        ]

    def __str__(self):
        return self.name_en

    @property
    def name(self):
        """The name in the reader's language (Azerbaijani is `name_local`), else the English one."""
        localised = {"az": self.name_local, "ru": self.name_ru}.get(get_language(), "")
        return localised or self.name_en

    def get_absolute_url(self):
        return reverse("contamination:area-detail", args=[self.code])


@track_history("org")
class Organisation(models.Model):
    class Kind(models.TextChoices):
        NATIONAL_AUTHORITY = "national_authority", _("National mine action authority")
        OPERATOR = "operator", _("Mine action operator")
        MILITARY = "military", _("Military or security force")
        UN_AGENCY = "un_agency", _("UN agency")
        GOVERNMENT = "government", _("Government body")
        MEDIA = "media", _("Media")
        NGO = "ngo", _("Non-governmental organisation")
        COURT = "court", _("Court")
        RESEARCH = "research", _("Research or monitoring body")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=30, choices=Kind)
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2; blank for international bodies."
    )
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


@track_history("src")
class Source(models.Model):
    """A document cited as a source, by records and by what the site quotes."""

    publisher = models.CharField(max_length=200, help_text="Who published the document.")
    title = models.CharField(
        max_length=500,
        blank=True,
        help_text="The document's title. Leave empty when unknown: the admin lists untitled "
        "sources as a to-do, and public pages name the publisher instead.",
    )
    url = models.URLField(max_length=1000, blank=True, help_text="Where it was published.")
    published_on = models.DateField(null=True, blank=True, help_text="Publication date.")
    accessed_on = models.DateField(null=True, blank=True, help_text="When it was last read.")
    archived_url = models.URLField(max_length=1000, blank=True, help_text="An archived copy.")
    language = models.CharField(max_length=10, blank=True, help_text="ISO 639-1 code.")
    is_reprint = models.BooleanField(
        default=False, help_text="A copy republished by another outlet, not the original."
    )
    note = models.TextField(blank=True, help_text="How the source was reached, caveats.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "publisher", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="contamination_source_unique_url",
                violation_error_message="A source with this URL exists already.",
            )
        ]

    def __str__(self):
        date = f", {self.published_on:%Y-%m-%d}" if self.published_on else ""
        return f"{self.publisher}: {self.title or '(untitled)'}{date}"


class Record(models.Model):
    """Fields and rules shared by hazard areas, land releases and incidents."""

    reference = models.CharField(
        max_length=100,
        unique=True,
        help_text="Public reference, stable across imports (e.g. the operator's or IMSMA id).",
    )
    publication_status = models.CharField(
        max_length=10,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
        db_index=True,  # every public query filters on it
        help_text="Only published records appear on the site, in the API and in statistics.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    retraction_note = models.TextField(
        blank=True, help_text="Why the record was retracted; shown publicly (English)."
    )
    # Editors' public words in the other two languages, beside the English original. Plain
    # columns rather than django-modeltranslation's, so that pghistory's event tables (built
    # when this module loads, before modeltranslation would add its fields) record them too.
    retraction_note_az = models.TextField(
        "retraction note (Azerbaijani)", blank=True, default="", db_default=""
    )
    retraction_note_ru = models.TextField(
        "retraction note (Russian)", blank=True, default="", db_default=""
    )
    is_demo = models.BooleanField(
        default=False,
        db_index=True,
        help_text="Generated data for trying the software, not a real record.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        db_index=True,  # updated_since sync queries
        help_text="Last change, set by the database on every write.",
    )

    objects = RecordQuerySet.as_manager()

    # Columns the database's triggers set on write, reloaded after `save()`.
    computed_fields = ["updated_at", "published_at", "retracted_at"]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.refresh_computed_fields()

    @property
    def is_published(self):
        return self.publication_status == PublicationStatus.PUBLISHED

    @property
    def is_retracted(self):
        return self.publication_status == PublicationStatus.RETRACTED

    def clean(self):
        super().clean()
        if self.publication_status == PublicationStatus.RETRACTED and not self.retraction_note:
            raise ValidationError({"retraction_note": "Say why the record is retracted."})

    def refresh_computed_fields(self):
        """Reload what the database's triggers set on save (one query)."""
        self.refresh_from_db(fields=self.computed_fields)


def validate_not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(f"{value:%Y-%m-%d} is in the future.")


def validate_geometry(geometry):
    """Reject invalid, empty or out-of-range geometry, with the reason."""
    errors = []
    if geometry is None:
        return
    if geometry.empty:
        raise ValidationError("The geometry is empty.")
    if geometry.srid not in (None, 4326):
        raise ValidationError("The geometry must be in WGS 84 (EPSG:4326).")
    min_x, min_y, max_x, max_y = geometry.extent
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        errors.append(
            "Coordinates are outside longitude -180..180 / latitude -90..90 "
            f"(extent {min_x:g}, {min_y:g}, {max_x:g}, {max_y:g}); "
            "are longitude and latitude swapped, or is it another coordinate system?"
        )
    elif not geometry.valid:
        errors.append(f"The geometry is not valid: {geometry.valid_reason}.")
    if errors:
        raise ValidationError(errors)


class GeoRecord(Record):
    """A record with geometry, validated before saving, and a unit computed by the database."""

    # Name of the geometry field that `clean()` validates.
    geometry_field = "geometry"
    computed_fields = ["admin_area", *Record.computed_fields]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        try:
            validate_geometry(getattr(self, self.geometry_field))
        except ValidationError as error:
            raise ValidationError({self.geometry_field: error.messages}) from None


class AreaRecord(GeoRecord):
    """A record drawn as a polygon, with its geodesic area computed by the database."""

    computed_fields = ["area_m2", *GeoRecord.computed_fields]

    class Meta:
        abstract = True

    @property
    def area_km2(self):
        return None if self.area_m2 is None else self.area_m2 / 1e6


class SourceCitation(models.Model):
    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    page = models.CharField(max_length=50, blank=True, help_text="Page or section cited.")
    quote = models.TextField(blank=True, help_text="The passage relied on, verbatim.")

    class Meta:
        abstract = True

    def __str__(self):
        return str(self.source)


@track_history("ha", event_indexes=[deletions_index("contamination_haevent_del_at")])
class HazardArea(AreaRecord):
    class Category(models.TextChoices):
        SUSPECTED = "sha", _("Suspected hazardous area (SHA)")
        CONFIRMED = "cha", _("Confirmed hazardous area (CHA)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        IN_PROGRESS = "in_progress", _("Release in progress")
        RELEASED = "released", _("Released")

    class HazardType(models.TextChoices):
        AP_MINE = "ap_mine", _("Anti-personnel mines")
        AT_MINE = "at_mine", _("Anti-vehicle mines")
        CLUSTER = "cluster_munition", _("Cluster munition remnants")
        UXO = "uxo", _("Unexploded ordnance")
        AXO = "axo", _("Abandoned explosive ordnance")
        IED = "ied", _("Improvised explosive devices")
        BOOBY_TRAP = "booby_trap", _("Booby traps")

    class GeometryPrecision(models.TextChoices):
        SURVEYED = "surveyed", _("Surveyed boundary")
        SKETCHED = "sketched", _("Sketched")
        BUFFERED_POINT = "buffered_point", _("Buffer around a point")
        ADMIN_AREA = "admin_area", _("Whole administrative area")

    class LandUse(models.TextChoices):
        AGRICULTURE = "agriculture", _("Agriculture")
        GRAZING = "grazing", _("Grazing")
        HOUSING = "housing", _("Housing")
        INFRASTRUCTURE = "infrastructure", _("Roads and infrastructure")
        FOREST = "forest", _("Forest")
        WATER = "water", _("Water access")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, help_text="Name used by the surveyors.")
    category = models.CharField(
        max_length=3,
        choices=Category,
        db_index=True,
        help_text="SHA: suspected on indirect evidence; CHA: confirmed by direct evidence.",
    )
    status = models.CharField(
        max_length=12, choices=Status, default=Status.ACTIVE, help_text="Where release stands."
    )
    hazard_types = ArrayField(
        models.CharField(max_length=20, choices=HazardType),
        default=list,
        blank=True,
        help_text="Kinds of explosive ordnance found or suspected.",
    )
    geometry = MultiPolygonField(srid=4326, help_text="The area's boundary (WGS 84).")
    area_m2 = models.FloatField(
        null=True, editable=False, help_text="Geodesic area in m², computed by the database."
    )
    admin_area = models.ForeignKey(
        AdminArea,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="hazard_areas",
        help_text="The first-level unit with the largest overlap, computed by the database.",
    )
    identified_on = models.DateField(
        null=True, blank=True, validators=[validate_not_future], help_text="When recorded."
    )
    surveyed_by = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveyed_hazard_areas",
    )
    geometry_precision = models.CharField(
        max_length=20,
        choices=GeometryPrecision,
        default=GeometryPrecision.SURVEYED,
        help_text="How exactly the boundary is known.",
    )
    blocked_land_use = ArrayField(
        models.CharField(max_length=20, choices=LandUse),
        default=list,
        blank=True,
        help_text="What the contamination keeps people from using the land for.",
    )
    sources = models.ManyToManyField(Source, through="HazardAreaSource", blank=True)

    objects = HazardAreaQuerySet.as_manager()

    class Meta:
        ordering = ["-identified_on", "-id"]
        triggers = [
            computed_fields_trigger(POLYGON_COMPUTED_FIELDS_SQL + PUBLICATION_TIMESTAMPS_SQL),
            REFRESH_INCIDENTS_INSIDE_TRIGGER,
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(geometry__isvalid=True),
                name="contamination_hazardarea_valid_geometry",
                violation_error_message="The boundary is not a valid geometry.",
            ),
        ]
        indexes = [
            # Statistics and the map filter published records by category and area.
            models.Index(
                fields=["publication_status", "category", "admin_area"],
                name="contamination_hazard_pub_cat",
            ),
            # The API's ?start=&end= (identified_on) over published records.
            models.Index(
                fields=["publication_status", "identified_on"],
                name="contamination_hazard_pub_ident",
            ),
            # The API's ?hazard_type= (array overlap, &&).
            GinIndex(fields=["hazard_types"], name="contamination_hazard_types_gin"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.name}"

    def get_absolute_url(self):
        return reverse("contamination:hazard-area-detail", args=[self.pk])


@track_history("has")
class HazardAreaSource(SourceCitation):
    hazard_area = models.ForeignKey(HazardArea, on_delete=models.CASCADE, related_name="citations")

    class Meta:
        triggers = [touch_parent_trigger("contamination_hazardarea", "hazard_area_id")]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard_area", "source"], name="contamination_hazardareasource_once"
            )
        ]


@track_history("lr", event_indexes=[deletions_index("contamination_lrevent_del_at")])
class LandRelease(AreaRecord):
    class Method(models.TextChoices):
        CANCELLED = "cancelled", _("Cancelled (non-technical survey)")
        REDUCED = "reduced", _("Reduced (technical survey)")
        CLEARED = "cleared", _("Cleared (clearance)")

    hazard_area = models.ForeignKey(
        HazardArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="releases",
        help_text="The hazard area this released, where known.",
    )
    method = models.CharField(
        max_length=10,
        choices=Method,
        db_index=True,
        help_text="How the land was released: cancelled, reduced or cleared.",
    )
    geometry = MultiPolygonField(srid=4326, help_text="The released land (WGS 84).")
    area_m2 = models.FloatField(
        null=True, editable=False, help_text="Geodesic area in m², computed by the database."
    )
    admin_area = models.ForeignKey(
        AdminArea,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="land_releases",
        help_text="The first-level unit with the largest overlap, computed by the database.",
    )
    started_on = models.DateField(null=True, blank=True, validators=[validate_not_future])
    completed_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_not_future],
        help_text="When the land was handed over as released.",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="land_releases",
        help_text="The operator that released the land.",
    )
    ap_mines_found = models.PositiveIntegerField(
        "anti-personnel mines found", default=0, help_text="Found and destroyed."
    )
    at_mines_found = models.PositiveIntegerField(
        "anti-vehicle mines found", default=0, help_text="Found and destroyed."
    )
    uxo_found = models.PositiveIntegerField(
        "UXO found", default=0, help_text="Unexploded ordnance found and destroyed."
    )
    other_items_found = models.PositiveIntegerField(
        default=0, help_text="Other explosive items found and destroyed."
    )
    sources = models.ManyToManyField(Source, through="LandReleaseSource", blank=True)

    objects = LandReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "-id"]
        triggers = [
            computed_fields_trigger(POLYGON_COMPUTED_FIELDS_SQL + PUBLICATION_TIMESTAMPS_SQL)
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(geometry__isvalid=True),
                name="contamination_landrelease_valid_geometry",
                violation_error_message="The released land is not a valid geometry.",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(completed_on__gte=F("started_on")),
                name="contamination_landrelease_completed_after_start",
                violation_error_message="Completion cannot come before the start.",
            ),
        ]
        indexes = [
            # Land released by method over time (statistics, map date filter).
            models.Index(
                fields=["publication_status", "method", "completed_on"],
                name="contamination_release_pub_m",
            ),
            # The API's ?start=&end= without ?method= (the index above leads with the method).
            models.Index(
                fields=["publication_status", "completed_on"],
                name="contamination_release_pub_done",
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.get_method_display()})"

    def get_absolute_url(self):
        return reverse("contamination:land-release-detail", args=[self.pk])

    @property
    def items_found(self):
        return self.ap_mines_found + self.at_mines_found + self.uxo_found + self.other_items_found


@track_history("lrs")
class LandReleaseSource(SourceCitation):
    land_release = models.ForeignKey(
        LandRelease, on_delete=models.CASCADE, related_name="citations"
    )

    class Meta:
        triggers = [touch_parent_trigger("contamination_landrelease", "land_release_id")]
        constraints = [
            models.UniqueConstraint(
                fields=["land_release", "source"], name="contamination_landreleasesource_once"
            )
        ]


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


@track_history("in", event_indexes=[deletions_index("contamination_inevent_del_at")])
class Incident(GeoRecord):
    class LocationPrecision(models.TextChoices):
        EXACT = "exact", _("Exact")
        APPROXIMATE = "approximate", _("Approximate")
        SETTLEMENT = "settlement", _("Settlement")
        DISTRICT = "district", _("District")

    class DeviceType(models.TextChoices):
        AP_MINE = "ap_mine", _("Anti-personnel mine")
        AT_MINE = "at_mine", _("Anti-vehicle mine")
        CLUSTER = "cluster_munition", _("Cluster munition remnant")
        UXO = "uxo", _("Unexploded ordnance")
        AXO = "axo", _("Abandoned explosive ordnance")
        IED = "ied", _("Improvised explosive device")
        BOOBY_TRAP = "booby_trap", _("Booby trap")
        UNKNOWN = "unknown", _("Unknown")

    class Activity(models.TextChoices):
        DEMINING = "demining", _("Demining")
        AGRICULTURE = "agriculture", _("Farming")
        HERDING = "herding", _("Herding")
        TRAVEL = "travel", _("Travelling")
        CONSTRUCTION = "construction", _("Construction or reconstruction")
        MILITARY = "military", _("Military duty")
        COLLECTING = "collecting", _("Collecting wood, scrap or food")
        RETURNING = "returning", _("Visiting or returning home")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Unknown")

    occurred_on = models.DateField(
        validators=[validate_not_future], help_text="When it happened (see its precision)."
    )
    occurred_on_precision = models.CharField(
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="Whether the day, only the month or only the year is known.",
    )
    location = models.PointField(srid=4326, help_text="Where it happened (WGS 84).")
    location_precision = models.CharField(
        max_length=12,
        choices=LocationPrecision,
        default=LocationPrecision.APPROXIMATE,
        help_text="How exactly the location is known; public maps may generalise it.",
    )
    admin_area = models.ForeignKey(
        AdminArea,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="incidents",
        help_text="The unit containing the location, computed by the database.",
    )
    device_type = models.CharField(
        max_length=20, choices=DeviceType, default=DeviceType.UNKNOWN, db_index=True
    )
    activity = models.CharField(
        max_length=20,
        choices=Activity,
        default=Activity.UNKNOWN,
        help_text="What the people involved were doing.",
    )
    is_in_hazard_area = models.BooleanField(
        default=False,
        editable=False,
        help_text="Whether the location lies in a published hazard area, computed by the database.",
    )
    settlement = models.CharField(
        max_length=200,
        blank=True,
        default="",
        db_default="",  # bulk writers in SQL (bench/) name no settlement
        help_text="The settlement or place named by the sources, as text (not geocoded).",
    )
    summary = models.TextField(
        blank=True, help_text="What happened, without names or identifying details (English)."
    )
    summary_az = models.TextField("summary (Azerbaijani)", blank=True, default="", db_default="")
    summary_ru = models.TextField("summary (Russian)", blank=True, default="", db_default="")
    sources = models.ManyToManyField(Source, through="IncidentSource", blank=True)

    objects = IncidentQuerySet.as_manager()

    geometry_field = "location"
    computed_fields = ["is_in_hazard_area", *GeoRecord.computed_fields]

    class Meta:
        ordering = ["-occurred_on", "-id"]
        triggers = [
            computed_fields_trigger(
                """
                IF TG_OP = 'INSERT' OR NEW.location IS DISTINCT FROM OLD.location THEN
                    NEW.admin_area_id := (
                        SELECT a.id FROM contamination_adminarea a
                        WHERE ST_Covers(a.geometry, NEW.location)
                        ORDER BY a.level DESC, a.id LIMIT 1
                    );
                    NEW.is_in_hazard_area := EXISTS (
                        SELECT 1 FROM contamination_hazardarea h
                        WHERE h.publication_status = 'published'
                          AND ST_Covers(h.geometry, NEW.location)
                    );
                END IF;
                """
                + PUBLICATION_TIMESTAMPS_SQL
            )
        ]
        indexes = [
            # Casualty and incident statistics over time, published only.
            models.Index(
                fields=["publication_status", "occurred_on"], name="contamination_incident_pub"
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.occurred_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("contamination:incident-detail", args=[self.pk])


@track_history("ins")
class IncidentSource(SourceCitation):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="citations")

    class Meta:
        triggers = [touch_parent_trigger("contamination_incident", "incident_id")]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "source"], name="contamination_incidentsource_once"
            )
        ]


# The data version asks for the latest casualty change: a backward scan of this index.
@track_history(
    "cas",
    event_indexes=[models.Index(fields=["pgh_created_at"], name="contamination_casualtyevent_at")],
)
class Casualty(models.Model):
    """One person killed or injured. Never a name or any identifying detail."""

    class Outcome(models.TextChoices):
        KILLED = "killed", _("Killed")
        INJURED = "injured", _("Injured")

    class Group(models.TextChoices):
        CIVILIAN = "civilian", _("Civilian")
        DEMINER = "deminer", _("Deminer")
        MILITARY = "military", _("Military or security")
        UNKNOWN = "unknown", _("Unknown")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        UNKNOWN = "unknown", _("Unknown")

    class AgeBand(models.TextChoices):
        CHILD = "child", _("Child (under 18)")
        ADULT = "adult", _("Adult")
        UNKNOWN = "unknown", _("Unknown")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="casualties")
    outcome = models.CharField(max_length=10, choices=Outcome)
    group = models.CharField(max_length=10, choices=Group, default=Group.UNKNOWN)
    sex = models.CharField(max_length=10, choices=Sex, default=Sex.UNKNOWN)
    age_band = models.CharField(max_length=10, choices=AgeBand, default=AgeBand.UNKNOWN)

    class Meta:
        verbose_name_plural = "casualties"
        ordering = ["incident", "id"]
        triggers = [touch_parent_trigger("contamination_incident", "incident_id")]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.get_group_display().lower()})"


class ImportJob(models.Model):
    """One check or import of an uploaded file, run in a child process (importers/jobs.py).

    Editors watch it on its admin page; the child writes its progress and finally its report
    here. The records themselves are written in one transaction, so a job that is stopped
    leaves nothing behind.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, help_text="What the file holds (hazard-areas, …).")
    file_name = models.CharField(max_length=255, help_text="The name the file was uploaded as.")
    upload_directory = models.CharField(
        max_length=500, help_text="The private folder the uploaded copy waits in."
    )
    is_dry_run = models.BooleanField(default=True, help_text="Check only, write nothing.")
    repair = models.BooleanField(default=False)
    publish = models.BooleanField(default=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expected_digest = models.CharField(
        max_length=64, blank=True, help_text="The dry run's plan digest an import must match."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    stage = models.CharField(max_length=200, blank=True, help_text="What the job does now.")
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    report = models.JSONField(null=True, blank=True, help_text="The ImportReport, when done.")
    error = models.TextField(blank=True, help_text="Why the job stopped without a report.")
    pid = models.PositiveIntegerField(null=True, blank=True)
    host = models.CharField(max_length=255, blank=True, help_text="Where the child runs.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self):
        action = "Check" if self.is_dry_run else "Import"
        return f"{action} of {self.file_name} ({self.get_status_display().lower()})"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(99, round(100 * self.rows_done / self.rows_total))
