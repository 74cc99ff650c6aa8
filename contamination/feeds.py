"""Atom feed of public corrections and retractions, for readers who follow the record."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from contamination import history


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Mine Atlas: corrections and retractions"
    subtitle = (
        "Published records of hazardous areas, land release and incidents that were corrected, "
        "retracted, withdrawn from publication, published again or deleted."
    )

    def link(self):
        return reverse("contamination:changelog")

    def items(self):
        return history.changes_since(kinds=history.AFTER_PUBLICATION, limit=50)

    def item_title(self, change):
        return f"{change.label}: {change.record_kind} {change.reference}"

    def item_description(self, change):
        if change.kind == "retracted":
            return f"Retracted. Note: {change.note}" if change.note else "Retracted."
        if change.kind == "corrected":
            return "Corrected: " + "; ".join(change.changed) + "."
        if change.kind == "withdrawn":
            return "Withdrawn from publication: the record is no longer public."
        if change.kind == "deleted":
            return "Deleted: the record is no longer public."
        if change.changed:
            return "Published again: " + "; ".join(change.changed) + "."
        return "Published again."

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
