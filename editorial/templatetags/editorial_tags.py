from django import template
from django.utils.translation import gettext

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
        "label": label or (reader_label(subject) if subject is not None else gettext("this page")),
        "csrf_token": context.get("csrf_token"),
        "subject_key": key,
        "request": request,
    }


def reader_label(subject):
    """What the form is about, in the reader's language: "Incident IN-12", "Ağdam"."""
    from contamination.history import KIND_LABELS, RECORD_MODELS

    kind = KIND_LABELS.get(type(subject))
    if kind is not None and isinstance(subject, RECORD_MODELS):
        return f"{kind} {subject.reference}"
    for attribute in ("shown_label", "name"):
        text = getattr(subject, attribute, None)
        if isinstance(text, str) and text:
            return text
    return str(subject)
