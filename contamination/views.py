"""The public site: server-rendered pages for journalists and everyone else.

Every view starts from `.published()`. Figures come from `stats.py` and are cached under the
data version (contamination/data_version.py: the time of the last public change, shared with
the API), so publishing, correcting or retracting anything makes every page compute its
figures afresh. Map layers are not rendered here: the pages' JavaScript reads them from the
API (`/api/v1/...`), so the map and the API always show the same records. An incident is
shown at its public location (generalised to its stated precision), as in the API.
"""

import csv
import datetime
import functools
import json

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.cache import cache
from django.db import connections
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext
from django.views.decorators.clickjacking import xframe_options_exempt

from contamination import as_of, charts, data_version, history, maps, stats
from contamination.context_processors import public_origin
from contamination.models import (
    AdminArea,
    Casualty,
    HazardArea,
    HazardAreaSource,
    Incident,
    IncidentSource,
    LandRelease,
    LandReleaseSource,
    Source,
)
from contamination.querysets import PublicationStatus
from contamination.read_database import public_reads_alias
from contamination.spreadsheets import EscapingWriter

# --- Shared helpers --------------------------------------------------------------------------


class BadFilter(ValueError):
    """A filter value in the query string that the page cannot use."""


def cached(version, key, compute):
    """compute() for a page, cached for this data version (a new version is a fresh key)."""
    return data_version.cached(version, f"site:{key}", compute)


def answers_as_of(view):
    """Let a page take `?as_of=`: the whole page from the records as they were public then.

    The view runs, and its template renders, inside `as_of.state_at` (contamination/as_of.py);
    a malformed or future value is a 400 page naming the parameter.
    """

    @functools.wraps(view)
    def page(request, *args, **kwargs):
        try:
            moment = as_of.parse(request.GET.get("as_of"))
        except as_of.BadMoment as error:
            return bad_request(request, f"as_of: {error}")
        if moment is None:
            return view(request, *args, **kwargs)
        with as_of.state_at(moment):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # a TemplateResponse would render after the block
        return response

    return page


def page_citation(request, version):
    """How to cite this page: the data version it shows and the address that shows the same
    figures again (`?as_of=` the version), whatever is corrected later."""
    address = public_origin(request) + request.get_full_path()
    return {
        "version": data_version.as_text(version) if version else None,
        "url": data_version.reproducing_url(address, version),
        "as_of": as_of.active_moment() is not None,
        "current_url": data_version.reproducing_url(address, None),
    }


def published_records(area=None):
    records = charts.Records(
        hazard_areas=HazardArea.objects.published(),
        land_releases=LandRelease.objects.published(),
        incidents=Incident.objects.published(),
    )
    if area is None:
        return records
    return charts.Records(
        hazard_areas=records.hazard_areas.in_area(area),
        land_releases=records.land_releases.in_area(area),
        incidents=records.incidents.in_area(area),
    )


def summary_for(records):
    return stats.summary(records.hazard_areas, records.land_releases, records.incidents)


def parse_area(request):
    """The AdminArea named by ?area=CODE, or None (1 query when given)."""
    code = request.GET.get("area", "").strip()
    if not code:
        return None
    area = AdminArea.objects.with_code(code).first()
    if area is None:
        raise BadFilter(
            gettext("No area has the code %(code)s. Area codes look like AZ-AGM.")
            % {"code": repr(code)}
        )
    return area


def parse_date(request, name):
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadFilter(
            gettext("%(name)s must be a date written YYYY-MM-DD, not %(value)s.")
            % {"name": name, "value": repr(value)}
        ) from None


def bad_request(request, message):
    response = render(request, "contamination/bad_request.html", {"message": message}, status=400)
    return response


def _url_template(name, placeholder):
    """A page's address with `placeholder` where its one argument goes, e.g. /az/incidents/{id}/."""
    sample = "0" if placeholder == "{id}" else "CODE"
    return reverse(name, args=[sample]).replace(f"/{sample}/", f"/{placeholder}/")


def map_config(request, filters=None, **extra):
    """Settings the map script needs, passed to it as JSON (see static/js/map/index.js)."""
    config = {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "center": list(settings.LEAFLET_CONFIG["DEFAULT_CENTER"]),
        "zoom": settings.LEAFLET_CONFIG["DEFAULT_ZOOM"],
        # Throttled or failed requests are tried again after a back-off (static/js/map/api.js).
        "retry": {
            "attempts": settings.MAP_RETRY_ATTEMPTS,
            "maxDelaySeconds": settings.MAP_RETRY_MAX_DELAY_SECONDS,
        },
        "api": {
            "areas": "/api/v1/areas/",
            "hazardAreas": "/api/v1/hazard-areas/",
            "landReleases": "/api/v1/land-releases/",
            "incidents": "/api/v1/incidents/",
            "tiles": "/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt",
        },
        "labels": maps.labels(),
        # Which layers take which filter, under which API name (see contamination/maps.py).
        "filters": filters if filters is not None else maps.filters(),
        # Record pages under the reader's language prefix; the script fills in {id} or {code}.
        "recordUrls": {
            "hazardAreas": _url_template("contamination:hazard-area-detail", "{id}"),
            "landReleases": _url_template("contamination:land-release-detail", "{id}"),
            "incidents": _url_template("contamination:incident-detail", "{id}"),
            "areas": _url_template("contamination:area-detail", "{code}"),
        },
        "embedUrl": reverse("contamination:embed-map"),
        "pageUrl": reverse("contamination:map"),
    }
    config.update(extra)
    return config


def date_range(version):
    """The first and last dates any published record carries (for the time slider, 1 query)."""

    def compute():
        records = published_records()
        ranges = [
            stats.coverage(records.hazard_areas, "identified_on"),
            stats.coverage(records.land_releases, "completed_on"),
            stats.coverage(records.incidents, "occurred_on"),
        ]
        firsts = [r.first_on for r in ranges if r.first_on]
        lasts = [r.last_on for r in ranges if r.last_on]
        return (
            min(firsts).isoformat() if firsts else None,
            max(lasts).isoformat() if lasts else None,
        )

    return cached(version, "date-range", compute)


def has_demo(version):
    def compute():
        records = published_records()
        return (
            records.hazard_areas.demo().exists()
            or records.land_releases.demo().exists()
            or records.incidents.demo().exists()
        )

    return cached(version, "has-demo", compute)


def demo_kinds(version):
    """The kinds of published record that include generated demo records, as plural labels."""

    def compute():
        records = published_records()
        kinds = (
            (gettext("hazard areas"), records.hazard_areas),
            (gettext("land releases"), records.land_releases),
            (gettext("incidents"), records.incidents),
        )
        return [label for label, queryset in kinds if queryset.demo().exists()]

    return cached(version, "demo-kinds", compute)


# --- Pages -----------------------------------------------------------------------------------


def map_explorer(request):
    version = data_version.current()
    first_on, last_on = date_range(version)
    filters = cached(version, "map-filters", maps.explorer_filters)
    return render(
        request,
        "contamination/map.html",
        {
            "filters": filters,
            "has_demo": has_demo(version),
            "map_config": map_config(request, filters, firstOn=first_on, lastOn=last_on),
            "first_on": first_on,
            "last_on": last_on,
        },
    )


def area_list(request):
    version = data_version.current()
    rows = cached(version, "area-table", area_table)
    return render(
        request,
        "contamination/area_list.html",
        {
            "rows": [row for row in rows if row.hazard_areas or row.land_releases or row.incidents],
            "empty": sorted(
                (
                    row
                    for row in rows
                    if not (row.hazard_areas or row.land_releases or row.incidents)
                ),
                key=lambda row: row.name,
            ),
            "has_demo": has_demo(version),
        },
    )


def area_table():
    """Every first-level unit with its published figures, as the API's areas give them (1 query)."""
    records = published_records()
    figures = stats.area_figures(
        AdminArea.objects.units(),
        records.hazard_areas,
        records.land_releases,
        records.incidents,
    )
    return sorted(figures, key=lambda row: (-row.hazard_km2, row.name))


@answers_as_of
def area_detail(request, code):
    area = AdminArea.objects.select_related("parent").filter(code__iexact=code).first()
    if area is None:
        # An address cited before the area's code changed (Shusha city was AZE-5565).
        renamed = AdminArea.objects.formerly_coded(code)
        if renamed is None:
            raise Http404("No area with this code.")
        return redirect(renamed, permanent=True)
    version = data_version.current()
    records = published_records(area)
    summary = cached(version, f"summary:{area.code}", lambda: summary_for(records))
    area_charts = cached(
        version,
        f"area-charts:{area.code}",
        lambda: charts.build_all(
            records,
            area,
            names=(
                "killed-injured",
                "casualties-by-district",
                "land-released",
                "casualties-by-group",
                "hazard-remaining",
            ),
        ),
    )
    hazard_areas = list(
        records.hazard_areas.only(
            "id", "reference", "name", "category", "status", "area_m2", "identified_on", "is_demo"
        )[:20]
    )
    land_releases = list(
        records.land_releases.only(
            "id", "reference", "method", "area_m2", "completed_on", "is_demo"
        )[:20]
    )
    incidents = list(
        records.incidents.only("id", "reference", "occurred_on", "device_type", "is_demo").annotate(
            casualty_count=Count("casualties")
        )[:20]
    )
    sources = cached(version, f"area-sources:{area.code}", lambda: area_sources(records))
    share_pct = 100 * summary.hazards.total_km2 / area.area_km2 if area.area_km2 else None
    return render(
        request,
        "contamination/area_detail.html",
        {
            "area": area,
            "summary": summary,
            "share_pct": share_pct,
            "charts": area_charts,
            "hazard_areas": hazard_areas,
            "land_releases": land_releases,
            "incidents": incidents,
            "sources": sources,
            "map_config": map_config(request, area=area.code, fixed=True),
            "citation": page_citation(request, version),
            "version": data_version.as_text(version),
        },
    )


def area_sources(records):
    """The sources cited by the records counted on an area page, most cited first (2 queries).

    Citations are counted per table and added up (UNION ALL, then GROUP BY): joining the three
    tables at once would multiply their rows, and a correlated count per source scans every
    citation once per source (seconds at a country's scale).
    """
    parts, params = [], []
    for model, field, queryset in (
        (HazardAreaSource, "hazard_area", records.hazard_areas),
        (LandReleaseSource, "land_release", records.land_releases),
        (IncidentSource, "incident", records.incidents),
    ):
        counts = (
            model.objects.filter(**{f"{field}__in": queryset.values("pk")})
            .values("source_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        sql, part_params = counts.query.sql_with_params()
        parts.append(sql)
        params += part_params
    sql = (
        f"SELECT u.source_id, sum(u.n) AS cited FROM ({' UNION ALL '.join(parts)}) u"
        f" JOIN {Source._meta.db_table} s ON s.id = u.source_id"
        " GROUP BY u.source_id, s.publisher ORDER BY cited DESC, s.publisher, u.source_id LIMIT 20"
    )
    with connections[public_reads_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        cited = cursor.fetchall()
    sources = Source.objects.in_bulk([source_id for source_id, _ in cited])
    for source_id, count in cited:
        sources[source_id].cited = int(count)
    return [sources[source_id] for source_id, _ in cited]


# --- Record pages ----------------------------------------------------------------------------


def public_record(queryset, pk):
    """A published or retracted record with its public geometry as GeoJSON (`geojson`);
    drafts (and unknown ids) are 404 (1 query).

    An incident's point is its public location, generalised to the stated precision: the
    page never holds the exact point of a district-precision incident.
    """
    if queryset.model is Incident:
        queryset = queryset.with_public_location()
        geometry = "public_location"
    else:
        geometry = "geometry"
    return get_object_or_404(
        queryset.exclude(publication_status=PublicationStatus.DRAFT).annotate(
            geojson=AsGeoJSON(geometry, precision=5)
        ),
        pk=pk,
    )


def record_page(request, record, template, citations, **context):
    changes = history.changes_since(record=record)[::-1]  # oldest first
    moment = as_of.active_moment()
    if moment is not None:  # the record as it was then: its history up to then
        changes = [change for change in changes if change.recorded_at <= moment]
    context.update(
        {
            "record": record,
            "citations": citations,
            "changes": changes,
            "citation": page_citation(request, data_version.current()),
            "map_config": map_config(request, record=json.loads(record.geojson), fixed=True),
        }
    )
    return render(request, template, context)


@answers_as_of
def hazard_area_detail(request, pk):
    record = public_record(HazardArea.objects.select_related("admin_area", "surveyed_by"), pk)
    citations = HazardAreaSource.objects.filter(hazard_area=record).select_related("source")
    releases = record.releases.published().only(
        "id", "reference", "method", "area_m2", "hazard_area_id"
    )
    hazard_labels = dict(HazardArea.HazardType.choices)
    land_labels = dict(HazardArea.LandUse.choices)
    return record_page(
        request,
        record,
        "contamination/hazardarea_detail.html",
        citations,
        releases=releases,
        hazard_types=[hazard_labels.get(value, value) for value in record.hazard_types],
        blocked_land_use=[land_labels.get(value, value) for value in record.blocked_land_use],
    )


@answers_as_of
def land_release_detail(request, pk):
    record = public_record(
        LandRelease.objects.select_related("admin_area", "organisation", "hazard_area"), pk
    )
    citations = LandReleaseSource.objects.filter(land_release=record).select_related("source")
    # The released hazard area is linked only while it is public.
    hazard_area = record.hazard_area
    if hazard_area is not None and hazard_area.publication_status == PublicationStatus.DRAFT:
        hazard_area = None
    return record_page(
        request,
        record,
        "contamination/landrelease_detail.html",
        citations,
        hazard_area=hazard_area,
    )


@answers_as_of
def incident_detail(request, pk):
    record = public_record(
        Incident.objects.select_related("admin_area").prefetch_related(
            Prefetch("casualties", queryset=Casualty.objects.order_by("outcome", "id"))
        ),
        pk,
    )
    citations = IncidentSource.objects.filter(incident=record).select_related("source")
    casualties = list(record.casualties.all())
    return record_page(
        request,
        record,
        "contamination/incident_detail.html",
        citations,
        casualties=casualties,
        killed=sum(1 for c in casualties if c.outcome == Casualty.Outcome.KILLED),
        injured=sum(1 for c in casualties if c.outcome == Casualty.Outcome.INJURED),
    )


# --- Statistics and charts -------------------------------------------------------------------


def chart_context(request, version):
    """The charts for ?area=CODE (or everywhere): (area, charts). Raises BadFilter."""
    area = parse_area(request)
    key = f"charts:{area.code if area else '*'}"
    records = published_records(area)
    built = cached(version, key, lambda: charts.build_all(records, area))
    return area, built


@answers_as_of
def statistics(request):
    version = data_version.current()
    try:
        area, built = chart_context(request, version)
    except BadFilter as error:
        return bad_request(request, str(error))
    return render(
        request,
        "contamination/statistics.html",
        {
            "area": area,
            "charts": built,
            "has_demo": has_demo(version),
            "citation": page_citation(request, version),
            "version": data_version.as_text(version),
            "areas": cached(
                version,
                "unit-choices",
                lambda: sorted(
                    ({"code": unit.code, "name": unit.name} for unit in AdminArea.objects.units()),
                    key=lambda unit: unit["name"],
                ),
            ),
        },
    )


def chart_for_request(request, name, version):
    """The named chart for the request's `?area=`, cached per data version.

    Raises Http404 for an unknown chart and BadFilter for a malformed area.
    """
    if name not in charts.CHARTS:
        raise Http404("No such chart.")
    area = parse_area(request)
    records = published_records(area)
    chart = cached(
        version,
        f"chart:{name}:{area.code if area else '*'}",
        lambda: charts.build(name, records, area),
    )
    return chart, area


@answers_as_of
def chart_csv(request, name):
    version = data_version.current()
    # A CSV's header and labels stay English in every language, so that scripts reading it
    # do not break on the reader's choice (the API's downloads do the same).
    with translation.override("en"):
        try:
            chart, area = chart_for_request(request, name, version)
        except BadFilter as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        return chart_csv_response(request, chart, area, name, version)


def chart_csv_response(request, chart, area, name, version):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{area.code}" if area else ""
    response["Content-Disposition"] = f'attachment; filename="mine-atlas-{name}{suffix}.csv"'
    # What the figures are and how much of them is demo go first, as `#` lines that
    # spreadsheet users read and `pandas.read_csv(comment="#")` skips; a footer would break
    # parsers that expect every line after the header to be a row.
    writer = EscapingWriter(csv.writer(response))
    for line in chart_csv_preamble(request, chart, version):
        response.write(f"# {line}\r\n")
    for row in chart.csv_rows():
        writer.writerow(row)
    return response


def chart_credit_lines(request, chart, version, area):
    """What a downloaded chart picture says under it: source, page, data version, date, demo."""
    page = reverse("contamination:statistics") + (f"?area={area.code}" if area else "")
    lines = [
        gettext("Source: Mine Atlas, published records. %(address)s")
        % {"address": f"{public_origin(request)}{page}"},
        gettext("Data version %(version)s · drawn %(date)s")
        % {"version": data_version.as_text(version), "date": f"{timezone.localdate():%Y-%m-%d}"},
    ]
    if chart.demo_note:
        lines.append(chart.demo_note)
    return lines


def chart_picture(request, name, picture_format):
    """The chart as a standalone SVG or PNG file, with its title, source and data version.

    The PNG is drawn on the server from the same SVG (CairoSVG) and cached per data
    version, page address and area, like the chart itself.
    """
    version = data_version.current()
    try:
        chart, area = chart_for_request(request, name, version)
    except BadFilter as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    if chart.spec.kind == "table":
        raise Http404("This figure is a table: download its CSV.")
    document = charts.standalone_svg(chart, chart_credit_lines(request, chart, version, area))
    suffix = f"-{area.code}" if area else ""
    if picture_format == "png":
        # cached() keys on the language too: the picture's title and credits are translated.
        key = f"chart-png:{name}:{area.code if area else '*'}:{public_origin(request)}"
        body = cached(version, key, lambda: charts.svg_to_png(document))
        response = HttpResponse(body, content_type="image/png")
    else:
        response = HttpResponse(document, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="mine-atlas-{name}{suffix}.{picture_format}"'
    )
    return response


def chart_svg(request, name):
    return chart_picture(request, name, "svg")


def chart_png(request, name):
    return chart_picture(request, name, "png")


def chart_csv_preamble(request, chart, version):
    return [
        f"Mine Atlas: {chart.title}",
        f"Counts: {chart.spec.counts}",
        f"Data version: {data_version.as_text(version)}",
        f"Page: {public_origin(request)}{reverse('contamination:statistics')}",
        "These figures again, whatever is corrected later: "
        + page_citation(request, version)["url"],
        f"Demo: {chart.demo_records} of {chart.records} records counted are generated demo "
        "records" + (" (not real)" if chart.demo_records else ""),
    ]


# --- Reference pages -------------------------------------------------------------------------


def methodology(request):
    return render(request, "contamination/methodology.html", {"charts": charts.CHARTS.values()})


@answers_as_of
def data_page(request):
    version = data_version.current()
    summary = cached(version, "summary", lambda: summary_for(published_records()))
    return render(
        request,
        "contamination/data.html",
        {
            "version": data_version.as_text(version),
            "summary": summary,
            "citation": page_citation(request, version),
            "charts": charts.CHARTS.values(),
            "today": timezone.localdate(),
            "demo_kinds": demo_kinds(version),
        },
    )


CHANGELOG_LENGTH = 200
CHANGELOG_CACHE_SECONDS = 300
LAST_WEEK_DAYS = 7


def changelog_since(request):
    """The day `?since=YYYY-MM-DD` names (None when absent); raises BadFilter."""
    since = parse_date(request, "since")
    if since and since > timezone.localdate():
        raise BadFilter(
            gettext("since is in the future (%(date)s); give a past date.")
            % {"date": f"{since:%Y-%m-%d}"}
        )
    return since


def public_changes(since, limit):
    """Publications, corrections and retractions of records and statements since the start
    of the day `since` (UTC), newest first (one query per kind of record).

    Not cached under the data version: statements change without moving it.
    """
    moment = None
    if since:
        moment = datetime.datetime.combine(since, datetime.time.min, datetime.UTC)
    return history.changes_since(moment, limit=limit)


def changelog(request):
    try:
        since = changelog_since(request)
    except BadFilter as error:
        return bad_request(request, str(error))
    # Cached under the newest event, so an answer is only rebuilt when something changed: the
    # page reads whole histories, too heavy to build on every request of a burst. The timeout
    # bounds how long an event committed out of order could stay unseen.
    changes = cache.get_or_set(
        f"changelog:{history.latest_event_mark()}:{get_language()}:{since}",
        lambda: public_changes(since, CHANGELOG_LENGTH),
        CHANGELOG_CACHE_SECONDS,
    )
    last_week = timezone.localdate() - datetime.timedelta(days=LAST_WEEK_DAYS)
    return render(
        request,
        "contamination/changelog.html",
        {
            "changes": changes,
            "since": since,
            "last_week": last_week,
            "is_last_week": since == last_week,
            "limit": CHANGELOG_LENGTH,
            "is_truncated": len(changes) >= CHANGELOG_LENGTH,
        },
    )


# --- Embeds: the only pages other sites may frame --------------------------------------------


@xframe_options_exempt
def embed_map(request):
    version = data_version.current()
    first_on, last_on = date_range(version)
    # Framed by any site: config.security.PagePolicyMiddleware follows the exemption.
    return render(
        request,
        "contamination/embed_map.html",
        {
            "has_demo": has_demo(version),
            "map_config": map_config(request, firstOn=first_on, lastOn=last_on),
        },
    )


@xframe_options_exempt
@answers_as_of
def embed_chart(request, name):
    version = data_version.current()
    try:
        chart, area = chart_for_request(request, name, version)
    except BadFilter as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    return render(
        request,
        "contamination/embed_chart.html",
        {
            "chart": chart,
            "area": area,
            "has_demo": has_demo(version),
            "version": data_version.as_text(version),
            "citation": page_citation(request, version),
        },
    )
