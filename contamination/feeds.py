"""Atom feed of what the changelog lists: publications, corrections and retractions of records
and statements, for readers who follow the record; `?since=YYYY-MM-DD` as on the page."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contamination.views import BadFilter, changelog_since, public_changes

FEED_LENGTH = 50


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = _("Mine Atlas: publications, corrections and retractions")
    subtitle = _(
        "Records of hazardous areas, land release and incidents, and statements, that were "
        "published, corrected, retracted, withdrawn from publication, published again or "
        "deleted."
    )

    def __call__(self, request, *args, **kwargs):
        try:
            changelog_since(request)
        except BadFilter as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        # The instance serves every request: the date travels as the feed's object.
        return changelog_since(request)

    def link(self):
        return reverse("contamination:changelog")

    def items(self, since):
        return public_changes(since, FEED_LENGTH)

    def item_title(self, change):
        return f"{change.label}: {change.record_kind} {change.reference}"

    def item_description(self, change):
        changed = "; ".join(change.changed)
        if change.kind == "published":
            return gettext("Published: %(kind)s %(reference)s is public.") % {
                "kind": str(change.record_kind).lower(),
                "reference": change.reference,
            }
        if change.kind == "retracted":
            if change.note:
                return gettext("Retracted. Note: %(note)s") % {"note": change.note}
            return gettext("Retracted.")
        if change.kind == "corrected":
            return gettext("Corrected: %(changed)s.") % {"changed": changed}
        if change.kind == "withdrawn":
            return gettext("Withdrawn from publication: it is no longer public.")
        if change.kind == "deleted":
            return gettext("Deleted: it is no longer public.")
        if change.changed:
            return gettext("Published again: %(changed)s.") % {"changed": changed}
        return gettext("Published again.")

    def item_link(self, change):
        # Withdrawn and deleted records have no page: point at the changelog instead.
        return change.url or reverse("contamination:changelog")

    def item_guid(self, change):
        if change.url:
            return f"{change.url}#{change.kind}-{change.at.isoformat()}"
        # No page to name it by: the record's type and id keep the guid unique.
        record = f"{change.model._meta.model_name}-{change.record_id}"
        return f"{self.link()}#{change.kind}-{record}-{change.at.isoformat()}"

    def item_updateddate(self, change):
        return change.at

    def item_pubdate(self, change):
        return change.at
