"""The one publish/retract workflow of the editors' admin, shared by every publishable model.

Records (hazard areas, land releases, incidents) and every other publishable model of the
site (each app's admin uses this mixin) go through the same two actions: publishing is a
deliberate step, and a retraction always carries a public note, never a silent unpublish.
Both need the publish permission: who may change an object may publish it; who may only
view it may do neither. The model's queryset provides `published()`, `drafts()`,
`publish()` and `retract(note)` (contamination.querysets.RecordQuerySet).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.template.response import TemplateResponse

from contamination.querysets import PublicationStatus

RETRACT_TEMPLATE = "admin/publishing/retract.html"


class RetractForm(forms.Form):
    # Surrounding blanks are stripped, so a note of only spaces is refused as missing.
    note = forms.CharField(
        label="Public retraction note",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Shown publicly with each retracted item: say why it was retracted "
        "(e.g. “Duplicate of AGM-HA-0042”, “Quoted from a misdated copy”).",
    )


class PublishingAdminMixin:
    """The publish and retract actions of a ModelAdmin, guarded by the publish permission."""

    actions = ["publish_selected", "retract_selected"]

    def has_publish_permission(self, request):
        # Django shows and runs an action only if this returns True (`permissions=["publish"]`).
        return self.has_change_permission(request)

    @admin.action(description="Publish the selected drafts", permissions=["publish"])
    def publish_selected(self, request, queryset):
        skipped = queryset.exclude(publication_status=PublicationStatus.DRAFT).count()
        count = queryset.publish()
        self.message_user(
            request, f"Published {count} {model_ngettext(self.opts, count)}.", messages.SUCCESS
        )
        if skipped:
            self.message_user(
                request,
                f"{skipped} selected {model_ngettext(self.opts, skipped)} were not drafts "
                "and were left as they are.",
                messages.WARNING,
            )

    @admin.action(description="Retract the selected published items…", permissions=["publish"])
    def retract_selected(self, request, queryset):
        """Ask for the public note, then retract exactly the published items listed."""
        published = queryset.published()
        if not published.exists():
            self.message_user(
                request,
                f"None of the selected {self.opts.verbose_name_plural} is published; only "
                "published ones can be retracted.",
                messages.WARNING,
            )
            return None
        form = RetractForm(request.POST if "confirm_retract" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = published.retract(form.cleaned_data["note"])
            self.message_user(
                request,
                f"Retracted {count} {model_ngettext(self.opts, count)} with a public note.",
                messages.SUCCESS,
            )
            return None
        items = list(published.order_by("reference"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Retract {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "form": form,
            "records": items,
            "skipped": queryset.count() - len(items),
            # The confirmation retracts exactly the items listed (also after "select all").
            "selected_ids": [item.pk for item in items],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, RETRACT_TEMPLATE, context, status=400 if form.is_bound else 200
        )
