"""One search box for the whole site: areas, statements, people, organisations and records,
matched in any script or spelling (see matching.py). Public rows only, like every page."""

from django.shortcuts import render

from contamination.models import AdminArea, HazardArea, Incident, LandRelease, Organisation
from contamination.querysets import PublicationStatus
from search.matching import MAX_QUERY_LENGTH, matching
from statements.models import Person, Statement
from statements.querysets import words_of

PER_GROUP = 20
PUBLISHED = PublicationStatus.PUBLISHED


def public_organisations():
    """Organisations named by something public; one cited only by drafts stays out."""
    return Organisation.objects.cited_publicly()


def groups(query):
    """(key, heading, queryset) for each kind of result."""
    return [
        (
            "areas",
            "Areas",
            matching(
                AdminArea.objects.defer("geometry"),
                query,
                "name_en",
                "name_local",
                "name_ru",
                "name_alt",
                "code",
            ),
        ),
        ("statements", "Statements", Statement.objects.published().with_speaker().search(query)),
        (
            "people",
            "People",
            matching(Person.objects.published(), query, "name", words_of("name_variants")),
        ),
        (
            "organisations",
            "Organisations",
            matching(public_organisations(), query, "name", "acronym"),
        ),
        (
            "incidents",
            "Incidents",
            matching(
                Incident.objects.published().select_related("admin_area").defer("location"),
                query,
                "reference",
                "summary",
                "admin_area__name_en",
            ),
        ),
        (
            "hazard_areas",
            "Hazardous areas",
            matching(
                HazardArea.objects.published().select_related("admin_area").defer("geometry"),
                query,
                "reference",
                "name",
            ),
        ),
        (
            "land_releases",
            "Land releases",
            matching(
                LandRelease.objects.published().select_related("admin_area").defer("geometry"),
                query,
                "reference",
            ),
        ),
    ]


def search(request):
    query = request.GET.get("q", "").strip()
    context = {"query": query, "groups": [], "total": 0, "max_length": MAX_QUERY_LENGTH}
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = f"Please search for at most {MAX_QUERY_LENGTH} characters."
        return render(request, "search/results.html", context, status=400)
    if len(query) < 2:
        if query:
            context["error"] = "Please type at least two letters."
        return render(request, "search/results.html", context)
    for key, heading, queryset in groups(query):
        count = queryset.count()
        context["total"] += count
        context["groups"].append(
            {
                "key": key,
                "heading": heading,
                "count": count,
                "results": list(queryset[:PER_GROUP]) if count else [],
            }
        )
    return render(request, "search/results.html", context)
