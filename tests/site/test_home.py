from unittest import mock

from django.test import TestCase
from django.urls import reverse

from contamination import history
from contamination.models import HazardArea, Incident
from tests import factories
from tests.site.world import CacheClearing, build_world


class HomePageTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def test_it_shows_headline_numbers_with_what_they_count(self):
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Landmine contamination on the record</h1>", html=True)
        self.assertContains(response, "0.9 km²")  # the one published confirmed area
        self.assertContains(response, "Source: records in this database", count=4)
        self.assertEqual(response.context["summary"].items.ap_mines, 7)  # not the draft's 1000
        self.assertEqual(response.context["summary"].casualties.killed, 1)

    def test_it_lists_latest_public_changes_but_never_drafts(self):
        response = self.client.get(reverse("home"))
        self.assertContains(response, "HA-PUB")
        self.assertNotContains(response, "DRAFT-")
        self.assertContains(response, "Retracted")
        self.assertContains(response, "GONE-IN")  # the retraction is public, its figures are not

    def test_it_has_a_map_teaser_reading_the_api(self):
        response = self.client.get(reverse("home"))
        self.assertContains(response, 'data-map="teaser"')
        self.assertContains(response, "/api/v1/areas/")

    def test_figures_change_when_a_draft_is_published(self):
        self.client.get(reverse("home"))  # fills the cache
        HazardArea.objects.filter(reference="DRAFT-HA").publish()
        response = self.client.get(reverse("home"))
        self.assertEqual(response.context["summary"].hazards.confirmed_count, 2)

    def test_its_queries_are_pinned(self):
        # Cold: data version, summary (8), latest changes (3), latest statements (1).
        with self.assertNumQueries(13):
            self.client.get(reverse("home"))
        # Warm: the data version, and the latest statements (not covered by the records'
        # data version).
        with self.assertNumQueries(2):
            self.client.get(reverse("home"))


class LatestChangesWindowTests(TestCase):
    """The home page's list looks among recent events first, without missing older changes."""

    def test_older_changes_are_found_when_the_recent_window_holds_too_few(self):
        factories.make_country()
        factories.make_incident(reference="IN-OLD")
        busy = factories.make_incident(reference="IN-BUSY")
        # Two writes that change nothing the public sees: with the insert, the three newest
        # events all belong to IN-BUSY and hold one change only.
        for _ in range(2):
            Incident.objects.filter(pk=busy.pk).update(summary=busy.summary)
        with mock.patch.object(history, "RECENT_EVENTS", 3):
            changes = history.changes_since(limit=5)
        self.assertEqual(
            [change.reference for change in changes if change.model is Incident],
            ["IN-BUSY", "IN-OLD"],
        )
