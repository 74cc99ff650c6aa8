"""The one vocabulary of public change (contamination.history.changes_since) on every surface."""

import xml.etree.ElementTree as ET

from django.core.cache import cache
from django.test import TestCase, TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from contamination import history
from contamination.models import HazardArea, Incident, LandRelease
from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"


class OneScriptedHistoryTests(TransactionTestCase):
    """Each step commits on its own, so that each has its own moment in the history."""

    def test_the_changelog_the_feed_and_the_api_agree_on_every_step(self):
        factories.make_country()
        draft = factories.make_hazard_area(reference="HA-LIFE", publication_status="draft")
        records = HazardArea.objects.filter(pk=draft.pk)
        steps = [
            ("published", records.publish),
            ("corrected", lambda: records.update(name="Field by the river, north bank")),
            ("retracted", lambda: records.retract("Counted twice.")),
            ("republished", lambda: records.update(publication_status="published")),
            ("withdrawn", lambda: records.update(publication_status="draft")),
            ("deleted", records.delete),
        ]
        for kind, step in steps:
            with self.subTest(kind):
                before = timezone.now()
                step()
                changes = history.changes_since(before)
                self.assertEqual([(c.kind, c.reference) for c in changes], [(kind, "HA-LIFE")])
                count, rows = history.api_change_rows(before, limit=10)
                self.assertEqual(count, 1)
                self.assertEqual(rows[0]["change"], history.API_CHANGE_NAMES[kind])
                self.assertEqual(rows[0]["id"], draft.pk)
                cache.clear()
                response = self.client.get("/api/v1/changes/", {"since": before.isoformat()})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    [(row["id"], row["change"]) for row in response.json()["results"]],
                    [(draft.pk, history.API_CHANGE_NAMES[kind])],
                )

        # The whole story, newest first, as the changelog page and the feed tell it (both list
        # the first publication too).
        expected = ["deleted", "withdrawn", "republished", "retracted", "corrected", "published"]
        self.assertEqual([change.kind for change in history.changes_since()], expected)
        cache.clear()
        page = self.client.get(reverse("contamination:changelog"))
        self.assertEqual(page.status_code, 200)
        self.assertEqual([change.kind for change in page.context["changes"]], expected)
        for change in page.context["changes"]:
            self.assertContains(page, change.label)
        self.assertContains(page, "name from Field by the river to Field by the river, north")
        self.assertContains(page, 'Note: <span lang="en">Counted twice.</span>')

        feed = self.client.get(reverse("changes-feed"))
        self.assertEqual(feed.status_code, 200)
        entries = ET.fromstring(feed.content).iter(f"{ATOM}entry")
        self.assertEqual(
            [entry.findtext(f"{ATOM}title") for entry in entries],
            [f"{history.LABELS[kind]}: Hazard area HA-LIFE" for kind in expected],
        )


class ChangesSinceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        factories.make_country()
        cls.area = factories.make_hazard_area(reference="HA-A", name="First name")
        factories.make_land_release(reference="LR-A")
        factories.make_incident(reference="IN-A")
        factories.make_hazard_area(reference="HA-DRAFT", publication_status="draft")

    def test_drafts_never_appear_and_draft_content_is_never_compared(self):
        areas = HazardArea.objects.filter(pk=self.area.pk)
        areas.update(publication_status="draft", name="Unreviewed name")
        areas.update(publication_status="published", name="Reviewed name")
        kinds = [(c.kind, c.reference, c.changed) for c in history.changes_since(record=self.area)]
        self.assertEqual(
            kinds,
            [
                ("republished", "HA-A", ["name from First name to Reviewed name"]),
                ("withdrawn", "HA-A", []),
                ("published", "HA-A", []),
            ],
        )
        everything = history.changes_since()
        self.assertNotIn("HA-DRAFT", {change.reference for change in everything})
        self.assertNotIn("Unreviewed", repr(everything))

    def test_a_draft_deleted_before_it_was_ever_public_leaves_no_trace(self):
        HazardArea.objects.filter(reference="HA-DRAFT").delete()
        self.assertEqual(history.changes_since(kinds=["deleted"]), [])

    def test_unknown_kinds_are_refused(self):
        with self.assertRaises(ValueError):
            history.changes_since(kinds=["changed"])

    def test_its_query_count_does_not_grow_with_the_history(self):
        def count_queries():
            with self.assertNumQueries(4):  # one per record type, one for statements
                history.changes_since()
            with self.assertNumQueries(4):
                history.changes_since(timezone.now())
            with self.assertNumQueries(1):
                history.changes_since(record=self.area)

        count_queries()
        for number in range(10):
            factories.make_hazard_area(reference=f"HA-MORE-{number}")
            LandRelease.objects.update(uxo_found=number)
            Incident.objects.update(summary=f"Version {number}")
        count_queries()
        self.assertEqual(len(history.changes_since(kinds=["corrected"], models=[Incident])), 10)
