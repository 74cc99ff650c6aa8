from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from editorial.models import ReaderReport
from editorial.subjects import UnknownSubject, resolve_subject


class ReaderReportForm(forms.ModelForm):
    """The public form. `website` is a honeypot: hidden from people by CSS and from screen
    readers by aria-hidden, it is filled in only by bots, whose reports are dropped."""

    subject = forms.CharField(required=False, widget=forms.HiddenInput, max_length=120)
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = ReaderReport
        fields = ["kind", "message", "contact", "page"]
        labels = {
            "kind": _("What are you sending?"),
            "message": _("Your message"),
            "contact": _("How to reach you (optional)"),
        }
        help_texts = {
            "message": _(
                "Say what is wrong and, if you can, where the right figure or fact is "
                "published. Please do not name victims."
            ),
            "contact": _(
                "An e-mail address, a phone number or nothing. Only editors see it; "
                "leave it empty to stay anonymous."
            ),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 5, "maxlength": 5000}),
            "page": forms.HiddenInput,
        }

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError(_("Please write at least a few words (10 characters)."))
        if len(message) > 5000:
            raise forms.ValidationError(
                _("Please keep it under 5,000 characters (this has %(length)s).")
                % {"length": number_format(len(message), force_grouping=True)}
            )
        return message

    def clean_page(self):
        page = self.cleaned_data.get("page", "")
        # Only a path on this site: a full URL here would let a sender plant a link in the queue.
        return page[:500] if page.startswith("/") and not page.startswith("//") else ""

    def clean_subject(self):
        key = self.cleaned_data.get("subject")
        if not key:
            return None
        try:
            return resolve_subject(key)
        except UnknownSubject:
            raise forms.ValidationError(
                _(
                    "The page this report is about is not public (any more); please describe "
                    "it in your message instead."
                )
            ) from None

    def is_bot(self):
        return bool(self.data.get("website"))

    def save(self, commit=True):
        report = super().save(commit=False)
        subject = self.cleaned_data.get("subject")
        if subject is not None:
            report.subject = subject
            report.subject_label = str(subject)[:300]
        if commit:
            report.save()
        return report
