"""Who publishes Mine Atlas, how readers' data is treated, and how to tell the editors about
an error."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from editorial.forms import ReaderReportForm
from editorial.ratelimit import over_limit
from editorial.subjects import UnknownSubject, resolve_subject


def about(request):
    return render(request, "editorial/about.html", {"operator": settings.SITE_OPERATOR})


def privacy(request):
    return render(request, "editorial/privacy.html", {"operator": settings.SITE_OPERATOR})


@never_cache
@require_http_methods(["GET", "POST"])
def report(request):
    """The report form on its own page; the compact copy on record pages posts here too."""
    if request.method == "POST":
        form = ReaderReportForm(request.POST)
        if over_limit(request):
            return too_many(request, form)
        if form.is_bot():
            return redirect("editorial:report-sent")  # looks sent; nothing stored
        if form.is_valid():
            form.save()
            return redirect("editorial:report-sent")
        return render(request, "editorial/report.html", {"form": form}, status=400)
    subject = None
    try:
        subject = resolve_subject(request.GET.get("about", "")) if "about" in request.GET else None
    except UnknownSubject:
        subject = None
    page = request.GET.get("page", "")
    form = ReaderReportForm(
        initial={"subject": request.GET.get("about", "") if subject else "", "page": page}
    )
    return render(request, "editorial/report.html", {"form": form, "subject": subject})


def too_many(request, form):
    """429 with the sender's text still in the form, so nothing they wrote is lost."""
    count, window = settings.READER_REPORT_LIMIT
    context = {"form": form, "limited": {"count": count, "minutes": window // 60}}
    response = render(request, "editorial/report.html", context, status=429)
    response["Retry-After"] = str(window)
    return response


@never_cache
def report_sent(request):
    return render(request, "editorial/report_sent.html")
