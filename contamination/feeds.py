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
        "retracted or published again."
    )

    def link(self):
        return reverse("contamination:changelog")

    def items(self):
        return history.latest_changes(kinds=("corrected", "retracted", "republished"), limit=50)

    def item_title(self, change):
        return f"{change.label}: {change.record_kind} {change.reference}"

    def item_description(self, change):
        if change.kind == "retracted":
            return f"Retracted. Note: {change.note}" if change.note else "Retracted."
        if change.kind == "corrected":
            return "Corrected: " + "; ".join(change.changed) + "."
        return "Published again after a retraction."

    def item_link(self, change):
        return change.url

    def item_guid(self, change):
        return f"{change.url}#{change.kind}-{change.at.isoformat()}"

    def item_updateddate(self, change):
        return change.at

    def item_pubdate(self, change):
        return change.at
