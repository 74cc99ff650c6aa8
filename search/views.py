"""One search box for the whole site: areas, statements, people, organisations and records,
matched in any script or spelling (see matching.py). Public rows only, like every page."""

from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
            _("Areas"),
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
        ("statements", _("Statements"), Statement.objects.published().with_speaker().search(query)),
        (
            "people",
            _("People"),
            matching(Person.objects.published(), query, "name", words_of("name_variants")),
        ),
        (
            "organisations",
            _("Organisations"),
            matching(public_organisations(), query, "name", "acronym"),
        ),
        (
            "incidents",
            _("Incidents"),
            matching(
                Incident.objects.published().select_related("admin_area").defer("location"),
                query,
                "reference",
                "summary",
                "summary_az",
                "summary_ru",
                "admin_area__name_en",
                "admin_area__name_local",
                "admin_area__name_ru",
            ),
        ),
        (
            "hazard_areas",
            _("Hazardous areas"),
            matching(
                HazardArea.objects.published().select_related("admin_area").defer("geometry"),
                query,
                "reference",
                "name",
            ),
        ),
        (
            "land_releases",
            _("Land releases"),
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
        context["error"] = gettext("Please search for at most %(count)s characters.") % {
            "count": MAX_QUERY_LENGTH
        }
        return render(request, "search/results.html", context, status=400)
    if len(query) < 2:
        if query:
            context["error"] = gettext("Please type at least two letters.")
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
