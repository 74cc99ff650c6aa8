"""Public pages: statements, people and metrics. Published statements only."""

import json

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from contamination.models import Organisation
from contamination.querysets import PublicationStatus
from statements import bridge, charts
from statements.forms import StatementFilterForm
from statements.models import Claim, Metric, Person, Statement, StatementSource
from statements.text import mark_excerpts

PAGE_SIZE = 20


def claims_prefetch():
    return Prefetch(
        "claims",
        queryset=Claim.objects.select_related("metric", "scope")
        .defer("scope__geometry")  # boundaries are large; only names and areas are shown
        .order_by("position"),
    )


def statement_list(request):
    published = Statement.objects.published()
    sides = published.order_by("side").values_list("side", flat=True).distinct()
    countries = (
        Organisation.objects.filter(statements__publication_status=PublicationStatus.PUBLISHED)
        .exclude(country="")
        .order_by("country")
        .values_list("country", flat=True)
        .distinct()
    )
    form = StatementFilterForm(request.GET or None, sides=list(sides), countries=list(countries))
    statements = published.with_speaker().prefetch_related(claims_prefetch())
    status = 200
    if form.is_bound:
        if form.is_valid():
            statements = form.filter(statements)
        else:
            statements = statements.none()
            status = 400
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "statements": page.object_list}
    return render(request, "statements/statement_list.html", context, status=status)


def statement_detail(request, reference):
    statements = Statement.objects.all() if request.user.is_staff else Statement.objects.published()
    retracted = Statement.objects.retracted().filter(reference=reference).first()
    if retracted is not None and not request.user.is_staff:
        # A retraction stays visible as such: the page says so, and shows nothing else.
        return render(
            request, "statements/statement_retracted.html", {"statement": retracted}, status=410
        )
    statement = get_object_or_404(
        statements.with_speaker().prefetch_related(
            claims_prefetch(),
            Prefetch("citations", queryset=StatementSource.objects.select_related("source")),
        ),
        reference=reference,
    )
    claims = list(statement.claims.all())
    rows = [(claim, bridge.compare(claim)) for claim in claims]
    context = {
        "statement": statement,
        "marked_text": mark_excerpts(statement, claims, link=True),
        "rows": rows,
        "has_demo": any(c.is_available and c.recorded.is_demo for _, c in rows),
        "json_ld": json_ld(request, statement, claims),
        "is_preview": not statement.is_published,
    }
    return render(request, "statements/statement_detail.html", context)


def json_ld(request, statement, claims):
    """schema.org Quotation (or, for a paraphrase, a CreativeWork) and one Claim per number."""
    url = request.build_absolute_uri(statement.get_absolute_url())
    if statement.speaker_person_id:
        creator = {"@type": "Person", "name": statement.speaker_person.name}
        if statement.speaker_role:
            creator["jobTitle"] = statement.speaker_role
        if statement.speaker_organisation_id:
            creator["affiliation"] = {
                "@type": "Organization",
                "name": statement.speaker_organisation.name,
            }
    else:
        creator = {"@type": "Organization", "name": statement.speaker_organisation.name}
    sources = [
        {"@type": "CreativeWork", "name": c.source.title or c.source.publisher, "url": c.source.url}
        for c in statement.citations.all()
        if c.source.url
    ]
    work = {
        "@type": "Quotation" if statement.is_verbatim else "CreativeWork",
        "@id": url,
        "url": url,
        "text": statement.text,
        "inLanguage": statement.language,
        "creator": creator,
        "isBasedOn": sources,
    }
    if statement.is_dated:
        work["dateCreated"] = statement.date.isoformat()[
            : {"year": 4, "month": 7}.get(statement.date_precision, 10)
        ]
    graph = [work]
    for claim in claims:
        graph.append(
            {
                "@type": "Claim",
                "@id": f"{url}#claim-{claim.position}",
                "text": claim.excerpt,
                "about": claim.metric.label,
                "author": creator,
                "appearance": {"@id": url},
                "firstAppearance": sources[0] if sources else {"@id": url},
            }
        )
    data = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    # Inside <script>, only "<", ">" and "&" could end or confuse the element.
    data = data.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return mark_safe(data)


def person_list(request):
    people = Person.objects.published().annotate(
        statement_count=Count(
            "statements", filter=Q(statements__publication_status=PublicationStatus.PUBLISHED)
        )
    )
    return render(request, "statements/person_list.html", {"people": people})


def person_detail(request, key):
    person = get_object_or_404(Person.objects.published(), key=key)
    statements = (
        Statement.objects.published()
        .filter(speaker_person=person)
        .with_speaker()
        .prefetch_related(claims_prefetch())
    )
    return render(
        request, "statements/person_detail.html", {"person": person, "statements": statements}
    )


def metric_list(request):
    metrics = Metric.objects.annotate(
        claim_count=Count(
            "claims",
            filter=Q(claims__statement__publication_status=PublicationStatus.PUBLISHED),
        )
    ).filter(claim_count__gt=0)
    return render(request, "statements/metric_list.html", {"metrics": metrics})


def metric_detail(request, code):
    metric = get_object_or_404(Metric, code=code)
    claims = list(
        Claim.objects.published()
        .filter(metric=metric)
        .select_related("statement__speaker_person", "statement__speaker_organisation", "scope")
        .defer("scope__geometry")
        .order_by("as_of", "statement__date", "id")
    )
    for claim in claims:
        claim.metric = metric  # the one metric of the page, already loaded
    if not claims:
        raise Http404("No published claim on this metric.")
    cache = {}
    rows = [(claim, bridge.compare(claim, cache=cache)) for claim in claims]
    chart = charts.metric_chart(metric, rows)
    context = {
        "metric": metric,
        # Figures for no one country (global totals) are listed apart, never as national ones.
        "rows": [row for row in rows if row[0].scope_id is not None],
        "unscoped_rows": [row for row in rows if row[0].scope_id is None],
        "chart": chart,
        "has_demo": any(c.is_available and c.recorded.is_demo for _, c in rows),
        "has_comparison": bool(metric.comparison),
    }
    return render(request, "statements/metric_detail.html", context)
