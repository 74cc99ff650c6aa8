"""The API root (/api/v1/: every resource of both apps, by name) and the /api/ guide page.

The root does not read the URL module (which imports it): config/api_urls.py hands it its
list of routes when it builds the root.
"""

from django.conf import settings
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from drf_spectacular.utils import OpenApiResponse

from contamination import data_version
from contamination.api.base import PublicAPIView, json_response
from contamination.api.schema import FORMAT_JSON, error_responses, get_schema, timestamp


@get_schema(
    operation_id="root",
    tags=["meta"],
    description="Every resource of version 1, by name, with its address, and the data version.",
    parameters=[FORMAT_JSON],
    responses={
        (200, "application/json"): OpenApiResponse(
            {
                "type": "object",
                "properties": {
                    "data_version": timestamp("Time of the last published change.", False),
                    "documentation": {
                        "type": "string",
                        "format": "uri",
                        "description": "The guide for people: examples, licence, citation.",
                    },
                    "resources": {
                        "type": "object",
                        "additionalProperties": {"type": "string", "format": "uri"},
                        "description": "Resource name → address.",
                    },
                },
                "required": ["data_version", "documentation", "resources"],
            }
        ),
        **error_responses(),
    },
)
class ApiRoot(PublicAPIView):
    """What version 1 offers: every route of `routes` that takes no path parameter."""

    paginated = False
    namespace = "api"
    routes = ()  # URL patterns, given by config/api_urls.py

    def get(self, request):
        self.check_query(request)
        return json_response(
            {
                "data_version": data_version.as_text(data_version.current()),
                "documentation": request.build_absolute_uri(reverse(f"{self.namespace}:index")),
                "resources": self.resources(request),
            }
        )

    def resources(self, request):
        """{route name: absolute address} of every route that can be reversed without
        arguments, in the order of the routes."""
        found = {}
        for route in self.routes:
            try:
                address = reverse(f"{self.namespace}:{route.name}")
            except NoReverseMatch:  # it needs an id, a key or a code
                continue
            found[route.name] = request.build_absolute_uri(address)
        return found


def api_index(request):
    """The /api/ page: what is there and how to use it."""
    return render(
        request,
        "api/index.html",
        {
            "rate_limit": settings.API_RATE_LIMIT,
            "download_rate_limit": settings.API_DOWNLOAD_RATE_LIMIT,
            # The licence's name and the dataset's title are English names, in any language.
            "licence": format_html('<span lang="en">{}</span>', settings.API_DATA_LICENCE),
            "licence_url": settings.API_DATA_LICENCE_URL,
            "citation": format_html('<span lang="en">{}</span>', settings.API_CITATION),
            "data_version": data_version.as_text(data_version.current()),
            "base": request.build_absolute_uri("/api/v1/"),
            "site": request.build_absolute_uri("/"),
        },
    )
