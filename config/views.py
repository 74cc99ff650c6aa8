"""Project-level pages: the home page draws on both apps (records and statements)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults

from contamination import data_version, history
from contamination.views import cached, map_config, published_records, summary_for


def home(request):
    version = data_version.current()
    summary = cached(version, "summary", lambda: summary_for(published_records()))
    # The records' changes only: they are cached under the records' data version, which a
    # statement's publication does not move (the changelog has both).
    changes = cached(
        version,
        "latest-changes",
        lambda: history.changes_since(limit=6, models=history.RECORD_MODELS),
    )
    return render(
        request,
        "home.html",
        {
            "summary": summary,
            "changes": changes,
            "map_config": map_config(request, teaser=True),
        },
    )


def not_found(request, exception):
    """404: JSON under /api/ (an API client reads the body as JSON, whatever went wrong),
    the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": gettext(
                    "No such address in the API. Every resource is listed at /api/v1/."
                )
            },
            status=404,
        )
    return defaults.page_not_found(request, exception)
