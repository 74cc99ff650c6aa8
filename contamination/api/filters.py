"""Query parameters of the public API, shared with the site: same names, same meaning.

Every value is checked before it reaches the database. A malformed value gets a 400 whose JSON
body names the parameter and the problem (`{"bbox": ["Expected 4 numbers ..."]}`); nothing is
silently ignored, and the views reject parameters that no FilterSet declares.
"""

import datetime
import json
import math
import re

import django_filters as filters
from django import forms
from django.apps import apps
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError as DRFValidationError

from contamination.models import (
    AdminArea,
    Casualty,
    HazardArea,
    Incident,
    LandRelease,
    Organisation,
    Source,
)
from contamination.querysets import LOCATION_GRID_DEG

# Longest text search and the characters a plain search never needs.
MAX_QUERY_LENGTH = 100
AREA_CODE_PATTERN = re.compile(r"^[A-Za-z]{2}(-[A-Za-z0-9]{1,10})?$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


# --- Fields: parse and explain ----------------------------------------------------------


class IsoDateField(forms.DateField):
    """A calendar date written YYYY-MM-DD, nothing looser (no 10/11/12 ambiguity)."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2023-05-31.")}


class IsoDateTimeField(forms.DateTimeField):
    """An ISO 8601 date-time (or date); without a zone it is read as UTC."""

    default_error_messages = {
        "invalid": _("Enter an ISO 8601 date-time, e.g. 2024-05-01T12:00:00Z, or a date.")
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "+")  # an unencoded "+01:00" arrives as a space
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            # In UTC: PostgreSQL refuses offsets beyond ±15:59, which Python accepts.
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class BBoxField(forms.CharField):
    """`minLon,minLat,maxLon,maxLat` in WGS 84 degrees, as a polygon."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parts = value.split(",")
        if len(parts) != 4:
            raise ValidationError(
                gettext("Expected 4 numbers minLon,minLat,maxLon,maxLat; got %(count)s values.")
                % {"count": len(parts)}
            )
        numbers = []
        for part in parts:
            try:
                number = float(part)
            except ValueError:
                raise ValidationError(
                    gettext("%(value)s is not a number.") % {"value": repr(part.strip()[:30])}
                ) from None
            if not math.isfinite(number):
                raise ValidationError(
                    gettext("Coordinates must be finite numbers (no nan, inf, 1e309).")
                )
            numbers.append(number)
        min_lon, min_lat, max_lon, max_lat = numbers
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            raise ValidationError(gettext("Longitudes must lie between -180 and 180."))
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise ValidationError(gettext("Latitudes must lie between -90 and 90."))
        if min_lon > max_lon or min_lat > max_lat:
            raise ValidationError(
                gettext("The minimum must not exceed the maximum (minLon,minLat,...).")
            )
        return Polygon.from_bbox(numbers)


class CommaMultipleChoiceField(forms.MultipleChoiceField):
    """Repeatable (`?method=a&method=b`) or a comma list (`?method=a,b`)."""

    def to_python(self, value):
        values = super().to_python(value)
        return [item.strip() for text in values for item in text.split(",") if item.strip()]


class PlainTextField(forms.CharField):
    """Free text for a search: not a JSON object, not control characters."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if CONTROL_CHARACTERS.search(value):
            raise ValidationError(gettext("Control characters are not allowed in a search."))
        if value[:1] in "{[":
            try:
                json.loads(value)
            except ValueError:
                pass
            else:
                raise ValidationError(gettext("Expected plain text, not a JSON object or list."))
        return value


class AreaCodeField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value).strip()
        if value and not AREA_CODE_PATTERN.match(value):
            raise ValidationError(
                "Expected an ISO 3166 code such as AZ or AZ-AGM (see /api/v1/areas/)."
            )
        return value


# --- Filters ----------------------------------------------------------------------------


class IsoDateFilter(filters.DateFilter):
    field_class = IsoDateField


class IsoDateTimeFilter(filters.DateTimeFilter):
    field_class = IsoDateTimeField


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?$",
        "example": "46.5,39.5,47.5,40.5",
    }
)
class BBoxFilter(filters.Filter):
    field_class = BBoxField

    def filter(self, qs, value):
        if value is None:
            return qs
        # ST_Intersects with the spatial index; `&&` alone would keep near misses.
        return qs.filter(**{f"{self.field_name}__intersects": value})


class PublicLocationBBoxFilter(BBoxFilter):
    """Incidents by their public (generalised) location only, never the exact point: a box
    drawn around an exact point must not find it (IncidentQuerySet.public_location_in)."""

    def filter(self, qs, value):
        return qs if value is None else qs.public_location_in(value)


class CommaMultipleChoiceFilter(filters.MultipleChoiceFilter):
    field_class = CommaMultipleChoiceField


@extend_schema_field({"type": "string", "maxLength": MAX_QUERY_LENGTH})
class SearchFilter(filters.CharFilter):
    field_class = PlainTextField

    def __init__(self, *, fields, **kwargs):
        self.search_fields = fields
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return qs.filter(condition)


@extend_schema_field({"type": "string", "pattern": AREA_CODE_PATTERN.pattern, "example": "AZ-AGM"})
class AreaFilter(filters.Filter):
    """Records in the area: a country includes its units."""

    field_class = AreaCodeField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.in_area(self.parent.form.areas[self.field_name])


def start_filter(field_name, what):
    return IsoDateFilter(
        field_name=field_name,
        lookup_expr="gte",
        help_text=f"Only {what} on or after this date (YYYY-MM-DD, `{field_name}`).",
    )


def end_filter(field_name, what):
    return IsoDateFilter(
        field_name=field_name,
        lookup_expr="lte",
        help_text=f"Only {what} on or before this date (YYYY-MM-DD, `{field_name}`).",
    )


def updated_since_filter():
    return IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only rows changed at or after this moment (ISO 8601; UTC if no zone), "
        "for keeping a local copy in sync. See also /api/v1/changes/.",
    )


def area_filter():
    return AreaFilter(
        help_text="ISO 3166 code of a country or first-level unit (e.g. `AZ`, `AZ-AGM`); a "
        "country includes its units. Unknown codes are refused."
    )


def bbox_filter(field_name):
    return BBoxFilter(
        field_name=field_name,
        help_text="`minLon,minLat,maxLon,maxLat` in WGS 84 degrees: only features that "
        "intersect the box.",
    )


def organisation_filter(field_name, what):
    return filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=Organisation.objects.cited_publicly(),
        help_text=f"Id of the organisation that {what} (see /api/v1/organisations/).",
    )


def ordering_filter(fields, default):
    return filters.OrderingFilter(
        fields=fields,
        help_text="Sort by one or more of the listed fields, comma-separated; prefix `-` for "
        f"descending. Default `{default}`; ties are always broken by id.",
    )


class FilterForm(forms.Form):
    """Checks that need more than one parameter, and the area's existence."""

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", gettext("The end date comes before the start date."))
        self.areas = {}
        for name in ("area", "parent"):
            code = data.get(name)
            if code:
                self.areas[name] = AdminArea.objects.with_code(code).first()
                if self.areas[name] is None:
                    self.add_error(
                        name,
                        gettext("No area has the code %(code)s (see /api/v1/areas/).")
                        % {"code": repr(code)},
                    )
        return data


class PublicFilterSet(filters.FilterSet):
    """Base of the API's FilterSets (a hook for what they will share)."""


# --- One FilterSet per resource ---------------------------------------------------------


class HazardAreaFilter(PublicFilterSet):
    start = start_filter("identified_on", "hazard areas identified")
    end = end_filter("identified_on", "hazard areas identified")
    area = area_filter()
    category = CommaMultipleChoiceFilter(
        choices=HazardArea.Category.choices,
        help_text="Suspected (`sha`: indirect evidence) or confirmed (`cha`: direct evidence).",
    )
    status = CommaMultipleChoiceFilter(
        choices=HazardArea.Status.choices, help_text="Where release of the area stands."
    )
    hazard_type = CommaMultipleChoiceFilter(
        field_name="hazard_types",
        lookup_expr="overlap",
        choices=HazardArea.HazardType.choices,
        method="filter_hazard_type",
        help_text="Areas recording any of these kinds of explosive ordnance.",
    )
    organisation = organisation_filter("surveyed_by", "surveyed the area")
    bbox = bbox_filter("geometry")
    updated_since = updated_since_filter()
    q = SearchFilter(
        fields=["reference", "name"], help_text="Text in the reference or name (any case)."
    )
    ordering = ordering_filter(
        ["identified_on", "area_m2", "reference", "updated_at", "id"], "-identified_on,-id"
    )

    class Meta:
        model = HazardArea
        fields = []
        form = FilterForm

    def filter_hazard_type(self, queryset, name, value):
        return queryset.filter(hazard_types__overlap=value) if value else queryset


class LandReleaseFilter(PublicFilterSet):
    start = start_filter("completed_on", "releases completed")
    end = end_filter("completed_on", "releases completed")
    area = area_filter()
    method = CommaMultipleChoiceFilter(
        choices=LandRelease.Method.choices,
        help_text="How the land was released: `cancelled` (non-technical survey), `reduced` "
        "(technical survey), `cleared` (clearance). Repeat it or give a comma list.",
    )
    organisation = organisation_filter("organisation", "released the land")
    bbox = bbox_filter("geometry")
    updated_since = updated_since_filter()
    q = SearchFilter(fields=["reference"], help_text="Text in the reference (any case).")
    ordering = ordering_filter(
        ["completed_on", "area_m2", "reference", "updated_at", "id"], "-completed_on,-id"
    )

    class Meta:
        model = LandRelease
        fields = []
        form = FilterForm


class IncidentFilter(PublicFilterSet):
    start = start_filter("occurred_on", "incidents that occurred")
    end = end_filter("occurred_on", "incidents that occurred")
    area = area_filter()
    device_type = CommaMultipleChoiceFilter(
        choices=Incident.DeviceType.choices, help_text="The device that caused the incident."
    )
    casualty_group = CommaMultipleChoiceFilter(
        choices=Casualty.Group.choices,
        method="filter_casualty_group",
        help_text="Incidents with at least one casualty of these groups.",
    )
    bbox = PublicLocationBBoxFilter(
        help_text="`minLon,minLat,maxLon,maxLat` in WGS 84 degrees: only incidents whose "
        "public (generalised) location lies in the box.",
    )
    updated_since = updated_since_filter()
    q = SearchFilter(
        fields=["reference", "summary"], help_text="Text in the reference or summary (any case)."
    )
    ordering = ordering_filter(["occurred_on", "reference", "updated_at", "id"], "-occurred_on,-id")

    class Meta:
        model = Incident
        fields = []
        form = FilterForm

    def filter_casualty_group(self, queryset, name, value):
        if not value:
            return queryset
        casualties = Casualty.objects.filter(incident=OuterRef("pk"), group__in=value)
        return queryset.filter(Exists(casualties))


class AreaFigureFilter(PublicFilterSet):
    """Filters of the records behind per-area figures (choropleth and statistics).

    Each applies to the record kinds that have it: dates to each kind's main date; category,
    status and hazard_type to hazard areas; method to land releases; organisation to hazard
    areas (surveyed by) and land releases (released by).
    """

    start = IsoDateFilter(
        method="keep",
        help_text="Count records from this date: hazard areas by `identified_on`, releases "
        "by `completed_on`, incidents by `occurred_on` (YYYY-MM-DD).",
    )
    end = IsoDateFilter(method="keep", help_text="Count records up to this date (YYYY-MM-DD).")
    category = CommaMultipleChoiceFilter(
        choices=HazardArea.Category.choices,
        method="keep",
        help_text="Hazard areas of this category only (`sha`, `cha`).",
    )
    status = CommaMultipleChoiceFilter(
        choices=HazardArea.Status.choices,
        method="keep",
        help_text="Hazard areas with this status only.",
    )
    hazard_type = CommaMultipleChoiceFilter(
        choices=HazardArea.HazardType.choices,
        method="keep",
        help_text="Hazard areas recording any of these kinds of ordnance only.",
    )
    method = CommaMultipleChoiceFilter(
        choices=LandRelease.Method.choices,
        method="keep",
        help_text="Land releases by these methods only.",
    )
    organisation = extend_schema_field(OpenApiTypes.INT)(
        filters.ModelChoiceFilter(
            queryset=Organisation.objects.cited_publicly(),
            method="keep",
            help_text="Hazard areas surveyed and land released by this organisation only.",
        )
    )

    class Meta:
        form = FilterForm
        fields = []

    def keep(self, queryset, name, value):
        return queryset  # applied to the records by `record_querysets`, not to this queryset

    def record_querysets(self):
        """Published hazard areas, land releases and incidents narrowed by these filters."""
        data = self.form.cleaned_data
        hazards = HazardArea.objects.published().between(data.get("start"), data.get("end"))
        releases = LandRelease.objects.published().between(data.get("start"), data.get("end"))
        incidents = Incident.objects.published().between(data.get("start"), data.get("end"))
        if data.get("category"):
            hazards = hazards.filter(category__in=data["category"])
        if data.get("status"):
            hazards = hazards.filter(status__in=data["status"])
        if data.get("hazard_type"):
            hazards = hazards.filter(hazard_types__overlap=data["hazard_type"])
        if data.get("method"):
            releases = releases.filter(method__in=data["method"])
        if data.get("organisation"):
            hazards = hazards.filter(surveyed_by=data["organisation"])
            releases = releases.filter(organisation=data["organisation"])
        return hazards, releases, incidents


class StatsFilter(AreaFigureFilter):
    """The figure filters plus area and bbox, applied to every kind of record.

    Incidents are counted by their public location only. A box narrower or lower than the
    coarsest location grid of the incidents in it is refused: counting over it would say
    more about where they happened than their stated precision does.
    """

    area = area_filter()
    bbox = BBoxFilter(
        method="keep",
        help_text="`minLon,minLat,maxLon,maxLat`: count records intersecting the box only "
        "(incidents by their public, generalised location). A box smaller than the location "
        "grid of the incidents in it is refused (400).",
    )
    refuses_boxes_finer_than_incidents = True

    class Meta:
        model = HazardArea
        fields = []
        form = FilterForm

    def record_querysets(self):
        hazards, releases, incidents = super().record_querysets()
        area = self.form.areas.get("area")
        if area:
            hazards, releases, incidents = (
                hazards.in_area(area),
                releases.in_area(area),
                incidents.in_area(area),
            )
        box = self.form.cleaned_data.get("bbox")
        if box:
            hazards = hazards.filter(geometry__intersects=box)
            releases = releases.filter(geometry__intersects=box)
            incidents = incidents.public_location_in(box)
            if self.refuses_boxes_finer_than_incidents:
                refuse_box_finer_than(box, incidents)
        return hazards, releases, incidents


def refuse_box_finer_than(box, incidents):
    """Raise a 400 naming `bbox` if the box is smaller, on either side, than the coarsest
    location grid of the incidents in it (one query)."""
    grid = incidents.coarsest_location_grid_deg()
    min_x, min_y, max_x, max_y = box.extent
    if grid is None or min(max_x - min_x, max_y - min_y) >= grid - 1e-9:
        return
    precisions = [name for name, size in LOCATION_GRID_DEG.items() if size == grid]
    raise DRFValidationError(
        {
            "bbox": [
                f"The box is {max_x - min_x:g}° wide and {max_y - min_y:g}° high, but it holds "
                f"incidents whose location is published only to a {grid:g}° grid "
                f"(precision: {', '.join(precisions) or 'unstated'}). Statistics over a smaller "
                "box would locate them more finely than published; make each side at least "
                f"{grid:g}°."
            ]
        }
    )


DOWNLOAD_LAYERS = ("hazard_areas", "land_releases", "incidents", "areas")


class DownloadFilter(StatsFilter):
    """What a bulk download holds: the statistics' filters, `updated_since` and the layers.

    A download lists each incident's public location itself, so a small box tells nothing
    more and is not refused.
    """

    refuses_boxes_finer_than_incidents = False

    updated_since = IsoDateTimeFilter(
        method="keep",
        help_text="Only records changed at or after this moment (ISO 8601; UTC if no zone).",
    )
    layer = CommaMultipleChoiceFilter(
        choices=[(name, name) for name in DOWNLOAD_LAYERS],
        method="keep",
        help_text="Layers to include (repeat or comma-separate); all by default. `areas` are "
        "the boundaries with the figures of the records included.",
    )

    class Meta:
        model = HazardArea
        fields = []
        form = FilterForm

    def record_querysets(self):
        records = super().record_querysets()
        moment = self.form.cleaned_data.get("updated_since")
        if moment:
            records = tuple(queryset.updated_since(moment) for queryset in records)
        return records

    def layers(self):
        return self.form.cleaned_data.get("layer") or list(DOWNLOAD_LAYERS)


class AdminAreaFilter(AreaFigureFilter):
    level = filters.TypedChoiceFilter(
        choices=AdminArea.Level.choices,
        coerce=int,
        help_text="`0` countries, `1` first-level units (rayons and cities).",
    )
    parent = AreaFilter(method="filter_parent", help_text="Code of a country: only its units.")
    q = SearchFilter(
        fields=["code", "name_en", "name_local", "name_ru", "name_alt"],
        help_text="Text in the code or any name (any case).",
    )
    updated_since = IsoDateTimeFilter(
        method="filter_updated_since",
        help_text="Only areas whose boundary or names changed at or after this moment.",
    )

    class Meta:
        model = AdminArea
        fields = []
        form = FilterForm

    def filter_parent(self, queryset, name, value):
        return queryset.filter(parent=self.form.areas["parent"]) if value else queryset

    def filter_updated_since(self, queryset, name, value):
        events = apps.get_model("contamination", "AdminAreaEvent").objects
        return queryset.filter(
            Exists(events.filter(pgh_obj=OuterRef("pk"), pgh_created_at__gte=value))
        )


class OrganisationFilter(PublicFilterSet):
    kind = CommaMultipleChoiceFilter(
        choices=Organisation.Kind.choices, help_text="The kind of organisation."
    )
    updated_since = updated_since_filter()
    q = SearchFilter(fields=["name", "acronym"], help_text="Text in the name or acronym.")
    ordering = ordering_filter(["name", "updated_at", "id"], "name,id")

    class Meta:
        model = Organisation
        fields = []
        form = FilterForm


class SourceFilter(PublicFilterSet):
    updated_since = updated_since_filter()
    q = SearchFilter(fields=["publisher", "title"], help_text="Text in the publisher or title.")
    ordering = ordering_filter(
        ["published_on", "publisher", "updated_at", "id"], "-published_on,publisher,id"
    )

    class Meta:
        model = Source
        fields = []
        form = FilterForm
