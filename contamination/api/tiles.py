"""Vector tiles of the published records and their TileJSON documents (/api/v1/tiles/).

Under the API, not beside it: a tile is part of the versioned public contract (its attribute
names are documented like the GeoJSON's properties), takes the lists' filters under the same
names with the same strictness (400 JSON naming the parameter), carries the same data
version, ETag and Cache-Control, and is described in the OpenAPI schema. The tiles
themselves are written by PostGIS (contamination/tiles.py).

An empty tile is a 200 with an empty body (a valid MVT of no layer), not a 204: it is cached
and revalidated like any other tile.
"""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import NotFound

from contamination import data_version, tiles
from contamination.api import filters
from contamination.api.base import AnonymousThrottle, PublicAPIView, bad_request, json_response
from contamination.api.caching import versioned_response
from contamination.api.past_state import AsOfMixin
from contamination.api.schema import (
    DETAIL_SCHEMA,
    error_responses,
    get_schema,
    not_modified_response,
)

MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"

FILTERSETS = {
    tiles.HAZARD_AREAS.name: filters.HazardAreaFilter,
    tiles.LAND_RELEASES.name: filters.LandReleaseFilter,
    tiles.INCIDENTS.name: filters.IncidentFilter,
}
# The tile is the box, and a tile has no order.
NOT_FOR_TILES = {"bbox", "ordering"}

LAYER_PARAMETER = OpenApiParameter(
    "layer",
    str,
    OpenApiParameter.PATH,
    enum=list(tiles.LAYERS),
    description="The record layer.",
)
NO_LAYER_RESPONSE = {
    (404, "application/json"): OpenApiResponse(DETAIL_SCHEMA, description="No layer of this name.")
}
FILTERS_NOTE = (
    " Takes the filters of the layer's list (`/api/v1/hazard-areas/` …) under the same names, "
    "except `bbox` and `ordering`; `as_of` answers as the records were then."
)


class TileThrottle(AnonymousThrottle):
    """A map asks for dozens of tiles per view: its own budget, apart from the lists'."""

    scope = "tile"
    setting = "API_TILE_RATE_LIMIT"


class TileLayerMixin(AsOfMixin):
    throttle_classes = [TileThrottle]
    paginated = False

    def initial(self, request, *args, **kwargs):
        # The layer decides which filters are known: find it before the parameters are read.
        self.layer = tiles.LAYERS.get(kwargs.get("layer"))
        if self.layer is None:
            raise NotFound(
                gettext("No tile layer of this name; the layers: %(layers)s.")
                % {"layers": ", ".join(tiles.LAYERS)}
            )
        self.filterset_class = FILTERSETS[self.layer.name]
        super().initial(request, *args, **kwargs)

    def allowed_parameters(self):
        return super().allowed_parameters() - NOT_FOR_TILES

    def published(self):
        return self.filterset(self.layer.model.objects.published()).qs


def tile_number(name, text, limit):
    if not text.isdigit() or int(text) >= limit:
        raise bad_request(
            name,
            gettext("Expected a whole number from 0 to %(maximum)s, got %(value)s.")
            % {"maximum": limit - 1, "value": repr(text[:20])},
        )
    return int(text)


@get_schema(
    operation_id="tiles_retrieve",
    tags=["tiles"],
    description="One Mapbox Vector Tile (MVT 2.1, EPSG:3857 tiling; extent 4096, and 2048 below "
    f"zoom {tiles.FAR_BELOW_ZOOM}, as each layer says) of a record "
    "layer: the published records in the tile, with the small attributes a map needs (see the "
    "layer's TileJSON `vector_layers`). Hazard areas and land releases are polygons, or a point "
    "on the surface where a polygon is smaller than the tile's grid; below zoom "
    f"{tiles.FAR_BELOW_ZOOM}, those smaller than 1/{tiles.MARK_CELLS} tile are marks, one point "
    "per cell and category (method), with `count` and `cell`. Incidents are at their "
    "public, generalised location only; below zoom "
    f"{tiles.CLUSTER_BELOW_ZOOM} a tile holds clusters (one point per cell, with `count`, "
    "`killed`, `injured`). A tile with no record is an empty 200." + FILTERS_NOTE,
    parameters=[
        LAYER_PARAMETER,
        OpenApiParameter(
            "z",
            {"type": "integer", "minimum": 0, "maximum": tiles.MAX_ZOOM},
            OpenApiParameter.PATH,
            description=f"Zoom, 0 to {tiles.MAX_ZOOM}.",
        ),
        OpenApiParameter(
            "x",
            {"type": "integer", "minimum": 0, "maximum": 2**tiles.MAX_ZOOM - 1},
            OpenApiParameter.PATH,
            description="Column from the west, 0 to 2^z − 1.",
        ),
        OpenApiParameter(
            "y",
            {"type": "integer", "minimum": 0, "maximum": 2**tiles.MAX_ZOOM - 1},
            OpenApiParameter.PATH,
            description="Row from the north, 0 to 2^z − 1.",
        ),
    ],
    responses={
        (200, MVT_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
        **not_modified_response(),
        **error_responses(),
        **NO_LAYER_RESPONSE,
    },
)
class Tile(TileLayerMixin, PublicAPIView):
    def get(self, request, layer, z, x, y):
        self.check_query(request)
        zoom = tile_number("z", z, tiles.MAX_ZOOM + 1)
        column = tile_number("x", x, 2**zoom)
        row = tile_number("y", y, 2**zoom)
        queryset = self.published()
        return versioned_response(
            request,
            lambda version: self.build(queryset, zoom, column, row),
            variant="mvt",
            localised=False,
        )

    def build(self, queryset, z, x, y):
        content = tiles.render(self.layer, queryset, z, x, y)
        return HttpResponse(content, content_type=MVT_MEDIA_TYPE)


@get_schema(
    operation_id="tiles_tilejson",
    tags=["tiles"],
    description="The TileJSON 3.0.0 document of a record layer: the tile address (with the "
    "filters given here), zoom range, the bounds of its published records, attribution and "
    "the attributes of its vector layer." + FILTERS_NOTE,
    parameters=[LAYER_PARAMETER],
    responses={
        (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
        **not_modified_response(),
        **error_responses(),
        **NO_LAYER_RESPONSE,
    },
)
class TileJSON(TileLayerMixin, PublicAPIView):
    def get(self, request, layer):
        self.check_query(request)
        queryset = self.published()
        return versioned_response(request, lambda version: self.build(request, queryset, version))

    def build(self, request, queryset, version):
        address = reverse("api:tile", kwargs={"layer": self.layer.name, "z": 0, "x": 0, "y": 0})
        template = address.replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
        query = request.GET.urlencode(safe=",")
        url = request.build_absolute_uri(template).replace("%7B", "{").replace("%7D", "}")
        return json_response(
            {
                "tilejson": "3.0.0",
                "name": f"Mine Atlas: {self.layer.title.lower()}",
                "description": f"Published {self.layer.title.lower()} as vector tiles.",
                "version": "1.0.0",
                "attribution": "Mine Atlas",
                "scheme": "xyz",
                "tiles": [url + (f"?{query}" if query else "")],
                "minzoom": 0,
                "maxzoom": tiles.DATA_MAX_ZOOM,
                "bounds": self.bounds(queryset),
                "data_version": data_version.as_text(version),
                "vector_layers": [
                    {
                        "id": self.layer.name,
                        "description": self.layer.title,
                        "minzoom": 0,
                        "maxzoom": tiles.DATA_MAX_ZOOM,
                        "fields": self.layer.fields,
                    }
                ],
            }
        )

    def bounds(self, queryset):
        """West, south, east, north of the layer's published records (the world when none)."""
        box = tiles.published_bounds(self.layer, queryset)
        if box is None:
            return [-180, -85.0511, 180, 85.0511]
        return [round(value, 5) for value in box]
