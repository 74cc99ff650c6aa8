from django import template

from editorial.forms import ReaderReportForm
from editorial.subjects import subject_key

register = template.Library()


@register.inclusion_tag("editorial/includes/report_form.html", takes_context=True)
def report_form(context, subject=None, label=""):
    """The compact 'report an error / send a tip' form for the page's record, statement or
    area (or for the page alone when `subject` is None)."""
    request = context["request"]
    key = subject_key(subject) if subject is not None else ""
    form = ReaderReportForm(initial={"subject": key, "page": request.path})
    return {
        "form": form,
        "label": label or (str(subject) if subject is not None else "this page"),
        "csrf_token": context.get("csrf_token"),
        "subject_key": key,
        "request": request,
    }
