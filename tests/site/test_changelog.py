"""The changelog and its feed: records and statements, publications, corrections and
retractions, since a date."""

import datetime
import xml.etree.ElementTree as ET

from django.core.cache import cache
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from contamination.models import HazardArea
from statements.models import Statement
from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(feed):
    return [
        entry.findtext(f"{ATOM}title") for entry in ET.fromstring(feed.content).iter(f"{ATOM}entry")
    ]


class ChangelogTests(TransactionTestCase):
    """Each write commits on its own, so that each has its own moment in the history."""

    def setUp(self):
        cache.clear()
        factories.make_country()
        self.area = factories.make_hazard_area(reference="HA-FIELD")
        self.said = factories.make_statement(reference="minister-2023")
        self.draft = factories.make_statement(reference="unreviewed", publication_status="draft")
        statements = Statement.objects.filter(pk=self.said.pk)
        statements.update(text="To date, 64,500 hectares have been cleared of mines.")
        statements.retract("The outlet withdrew the interview.")
        HazardArea.objects.filter(pk=self.area.pk).update(name="Field by the river, north bank")

    def test_it_lists_statements_beside_records_newest_first(self):
        response = self.client.get(reverse("contamination:changelog"))
        self.assertEqual(response.status_code, 200)
        listed = [(c.kind, c.record_kind, c.reference) for c in response.context["changes"]]
        self.assertEqual(
            listed,
            [
                ("corrected", "Hazard area", "HA-FIELD"),
                ("retracted", "Statement", "minister-2023"),
                ("corrected", "Statement", "minister-2023"),
                ("published", "Statement", "minister-2023"),
                ("published", "Hazard area", "HA-FIELD"),
            ],
        )
        self.assertContains(
            response, 'Note: <span lang="en">The outlet withdrew the interview.</span>'
        )
        self.assertContains(response, 'href="/en/statements/minister-2023/"')
        self.assertContains(response, "Statement minister-2023</a>: text")
        self.assertNotContains(response, "unreviewed")  # a draft never shows

    def test_the_feed_lists_the_same_changes(self):
        feed = self.client.get(reverse("changes-feed"))
        self.assertEqual(feed.status_code, 200)
        self.assertEqual(
            entries(feed),
            [
                "Corrected: Hazard area HA-FIELD",
                "Retracted: Statement minister-2023",
                "Corrected: Statement minister-2023",
                "Published: Statement minister-2023",
                "Published: Hazard area HA-FIELD",
            ],
        )
        self.assertNotIn(b"unreviewed", feed.content)

    def test_since_a_date_keeps_the_changes_from_that_day_on(self):
        today = timezone.localdate()
        response = self.client.get(reverse("contamination:changelog"), {"since": today})
        self.assertEqual(len(response.context["changes"]), 5)
        tomorrow_is_refused = self.client.get(
            reverse("contamination:changelog"), {"since": today + datetime.timedelta(days=1)}
        )
        self.assertEqual(tomorrow_is_refused.status_code, 400)

        # Everything here happened today: since a week ago shows it, the feed too.
        week = (today - datetime.timedelta(days=7)).isoformat()
        page = self.client.get(reverse("contamination:changelog"))
        self.assertContains(page, f'href="?since={week}">Last 7 days</a>')
        last_week = self.client.get(reverse("contamination:changelog"), {"since": week})
        self.assertContains(last_week, '<span aria-current="true">Last 7 days</span>')
        self.assertEqual(len(last_week.context["changes"]), 5)
        self.assertEqual(len(entries(self.client.get(reverse("changes-feed"), {"since": week}))), 5)

    def test_a_date_after_the_changes_leaves_them_out(self):
        # Move the whole history back a year: a week ago is then after every change.
        with connection.cursor() as cursor:
            for table in ("contamination_hazardareaevent", "statements_statementevent"):
                cursor.execute(
                    f"UPDATE {table} SET pgh_created_at = pgh_created_at - interval '1 year'"
                )
        week = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
        response = self.client.get(reverse("contamination:changelog"), {"since": week})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["changes"]), [])
        self.assertContains(response, "Nothing was published, corrected or retracted since")
        self.assertEqual(
            len(self.client.get(reverse("contamination:changelog")).context["changes"]), 5
        )

    def test_malformed_dates_are_a_400_naming_since(self):
        for value in ("last-week", "2025-02-30", "03/12/2026"):
            with self.subTest(value):
                page = self.client.get(reverse("contamination:changelog"), {"since": value})
                self.assertEqual(page.status_code, 400)
                self.assertContains(
                    page, "since must be a date written YYYY-MM-DD", status_code=400
                )
                feed = self.client.get(reverse("changes-feed"), {"since": value})
                self.assertEqual(feed.status_code, 400)
                self.assertIn(b"since", feed.content)

    def test_its_queries_are_pinned(self):
        path = reverse("contamination:changelog")
        for params in ({}, {"since": timezone.localdate().isoformat()}):
            # The newest event, one per kind of record (3) and statements, the rate-limit
            # counter; then, cached under that event, the newest event and the counter.
            with self.subTest(**params), self.assertNumQueries(6):
                self.client.get(path, params)
            with self.subTest(**params), self.assertNumQueries(2):
                self.client.get(path, params)

    def test_a_change_after_a_cached_answer_shows_at_once(self):
        path = reverse("contamination:changelog")
        before = len(self.client.get(path).context["changes"])
        HazardArea.objects.filter(pk=self.area.pk).retract("Duplicate of another record.")
        changes = self.client.get(path).context["changes"]
        self.assertEqual(len(changes), before + 1)
        self.assertEqual((changes[0].kind, changes[0].reference), ("retracted", "HA-FIELD"))
        # A statement moves the cached answer too, though it leaves the data version alone.
        factories.make_statement(reference="minister-2024")
        changes = self.client.get(path).context["changes"]
        self.assertEqual(len(changes), before + 2)
        self.assertEqual((changes[0].kind, changes[0].reference), ("published", "minister-2024"))
