"""The change feed: a poller who follows `next_cursor` never misses a change, nor sees one twice.

Transaction tests: the feed's positions are drawn when a transaction commits, so every write
here commits for real (two of them on their own database connections, interleaved).
"""

import random
import threading
import time

import psycopg2
from django.core.cache import cache
from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase

from changefeed import feed
from contamination.models import Casualty, HazardArea, Organisation, Source
from statements.models import Claim, Person, Statement
from tests import factories


def poll(client, after, **params):
    """Every change after `after`, following `next` to the end: (changes, next_cursor)."""
    changes, cursor = [], after
    while True:
        answer = client.get("/api/v1/changes/", {"after": cursor, **params})
        assert answer.status_code == 200, answer.content
        body = answer.json()
        changes += body["results"]
        cursor = body["next_cursor"]
        if body["next"] is None:
            return changes, cursor


def told(changes):
    return [(row["kind"], row["reference"] or row["id"], row["change"]) for row in changes]


def own_connection():
    """A database connection of its own: a writer's transaction apart from the test's."""
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"],
    )


class InterleavedTransactionTests(TransactionTestCase):
    def setUp(self):
        cache.clear()
        factories.make_country()
        self.first = factories.make_hazard_area(reference="HA-FIRST")
        self.second = factories.make_hazard_area(reference="HA-SECOND")
        _, self.cursor = poll(self.client, 0)
        self.writers = [own_connection(), own_connection()]
        for writer in self.writers:
            self.addCleanup(writer.close)

    def write(self, writer, record, name):
        with writer.cursor() as db:
            db.execute(
                "UPDATE contamination_hazardarea SET name = %s WHERE id = %s", [name, record.pk]
            )

    def test_a_change_committed_after_a_later_one_was_read_is_still_told(self):
        early, late = self.writers
        self.write(early, self.first, "Written first, committed last")  # T1 starts and writes
        self.write(late, self.second, "Written second, committed first")
        late.commit()  # T2 commits

        changes, cursor = poll(self.client, self.cursor)  # the poller reads T2's change
        self.assertEqual(told(changes), [("hazard_area", "HA-SECOND", "corrected")])
        version_then = self.client.get("/api/v1/hazard-areas/")
        lossy_since = version_then["X-Data-Version"]

        early.commit()  # T1 commits after the poller has read past T2

        changes, _ = poll(self.client, cursor)
        self.assertEqual(told(changes), [("hazard_area", "HA-FIRST", "corrected")])
        self.assertEqual(
            changes[0]["changed"],
            ["name from Field by the river to Written first, committed last"],
        )
        # `since` the version the poller had seen misses it: T1 wrote before T2 did.
        by_time = self.client.get("/api/v1/changes/", {"since": lossy_since}).json()["results"]
        self.assertNotIn("HA-FIRST", [row["reference"] for row in by_time])

        # The list's copy from before T1 committed is not current any more: no 304.
        again = self.client.get("/api/v1/hazard-areas/", HTTP_IF_NONE_MATCH=version_then["ETag"])
        self.assertEqual(again.status_code, 200)
        self.assertNotEqual(again["ETag"], version_then["ETag"])
        self.assertGreater(again["X-Data-Version"], lossy_since)
        self.assertContains(again, "Written first, committed last")

    def test_a_transaction_rolled_back_leaves_nothing_to_tell(self):
        early, late = self.writers
        self.write(early, self.first, "Never committed")
        self.write(late, self.second, "Committed")
        late.commit()
        early.rollback()
        changes, _ = poll(self.client, self.cursor)
        self.assertEqual(told(changes), [("hazard_area", "HA-SECOND", "corrected")])
        self.assertNotContains(self.client.get("/api/v1/changes/", {"after": 0}), "Never")


class ManyWritersTests(TransactionTestCase):
    def test_a_poller_reading_while_four_writers_commit_sees_each_change_once(self):
        factories.make_country()
        areas = [factories.make_hazard_area(reference=f"HA-W{n}") for n in range(4)]
        start = feed.read(0, 100).next_cursor
        written, failures = set(), []

        def writer(area):
            db = own_connection()
            try:
                for step in range(15):
                    with db.cursor() as sql:
                        name = f"{area.reference} step {step}"
                        sql.execute(
                            "UPDATE contamination_hazardarea SET name = %s WHERE id = %s",
                            [name, area.pk],
                        )
                    time.sleep(random.random() / 200)  # commits land in a random order
                    db.commit()
                    written.add(name)
            except Exception as error:  # noqa: BLE001 - reported by the test below
                failures.append(error)
            finally:
                db.close()

        threads = [threading.Thread(target=writer, args=[area]) for area in areas]
        for thread in threads:
            thread.start()
        seen, cursor = [], start
        while any(thread.is_alive() for thread in threads):
            page = feed.read(cursor, 7)
            seen += page.changes
            cursor = page.next_cursor
        for thread in threads:
            thread.join()
        while True:
            page = feed.read(cursor, 7)
            seen += page.changes
            cursor = page.next_cursor
            if not page.more:
                break

        self.assertEqual(failures, [])
        positions = [change.position for change in seen]
        self.assertEqual(positions, sorted(set(positions)))
        names = [change.changed[0].rsplit(" to ", 1)[1] for change in seen]
        self.assertEqual(len(names), 60)
        self.assertEqual(set(names), written)


class FollowingTheCursorTests(TransactionTestCase):
    def setUp(self):
        cache.clear()
        factories.make_country()

    def test_every_public_change_is_told_once_in_commit_order_and_no_draft_ever(self):
        area = factories.make_hazard_area(reference="HA-LIFE")
        areas = HazardArea.objects.filter(pk=area.pk)
        draft = factories.make_hazard_area(reference="HA-DRAFT", publication_status="draft")
        HazardArea.objects.filter(pk=draft.pk).update(name="Secret draft name")
        organisation = factories.make_organisation(name="Survey Operator")
        factories.make_land_release(reference="LR-CITES", organisation=organisation)
        person = factories.make_person(key="minister", name="A Minister")
        said = factories.make_statement(reference="said-2023", speaker_person=person)
        claim = factories.make_claim(said, metric=factories.make_metric(code="land_released"))
        unsaid = factories.make_statement(reference="unsaid", publication_status="draft")
        factories.make_claim(unsaid, excerpt="64,000 hectares", value=1)
        incident = factories.make_incident(
            reference="IN-ONE", casualties=[{"outcome": "injured", "group": "civilian"}]
        )

        seen, cursor = poll(self.client, 0, page_size=2)
        areas.update(name="Field by the river, north bank")
        Claim.objects.filter(pk=claim.pk).update(value=64500)
        Claim.objects.filter(pk=claim.pk).update(editors_note="Check the figure")  # not public
        Person.objects.filter(pk=person.pk).update(name="The Minister")
        Organisation.objects.filter(pk=organisation.pk).update(website="https://example.org/")
        Casualty.objects.filter(incident=incident).delete()
        more, cursor = poll(self.client, cursor, page_size=3)
        seen += more
        # Claims and people follow their statement: once it is withdrawn, their earlier
        # corrections are no longer told (the withdrawal is), so the poller read them first.
        areas.retract("Counted twice.")
        Statement.objects.filter(pk=said.pk).update(publication_status="draft")
        HazardArea.objects.filter(pk=draft.pk).update(name="Another secret")
        areas.delete()
        later, cursor = poll(self.client, cursor, page_size=2)
        seen += later

        self.maxDiff = None
        cursors = [int(row["cursor"]) for row in seen]
        self.assertEqual(cursors, sorted(set(cursors)), "in order, each once")
        self.assertEqual(
            told(seen),
            [
                ("hazard_area", "HA-LIFE", "published"),
                # Cited by a published record when the poller reads: public with it.
                ("organisation", organisation.pk, "published"),
                ("land_release", "LR-CITES", "published"),
                ("statement", "said-2023", "published"),
                ("metric", "land_released", "published"),
                ("claim", claim.pk, "published"),
                ("incident", "IN-ONE", "published"),
                ("incident", "IN-ONE", "corrected"),  # its casualty, saved after it
                ("hazard_area", "HA-LIFE", "corrected"),
                ("claim", claim.pk, "corrected"),
                ("person", "minister", "corrected"),
                ("organisation", organisation.pk, "corrected"),
                ("incident", "IN-ONE", "corrected"),
                ("hazard_area", "HA-LIFE", "retracted"),
                ("statement", "said-2023", "withdrawn"),
                ("hazard_area", "HA-LIFE", "deleted"),
            ],
        )
        by_kind = {(row["kind"], row["change"]): row for row in seen}
        self.assertEqual(by_kind[("claim", "corrected")]["changed"], ["value"])
        self.assertEqual(
            [row["changed"] for row in seen if row["kind"] == "incident"][1:],
            [["casualties"], ["casualties"]],
        )
        self.assertEqual(by_kind[("hazard_area", "retracted")]["retraction_note"], "Counted twice.")
        self.assertEqual(
            by_kind[("statement", "published")]["url"],
            "http://testserver/api/v1/statements/said-2023/",
        )
        self.assertIsNone(by_kind[("statement", "withdrawn")]["url"])
        text = str(seen)
        for secret in ("HA-DRAFT", "Secret draft", "Another secret", "unsaid", "Check the figure"):
            self.assertNotIn(secret, text)

        # Up to date: an empty answer that keeps the cursor, until something new commits.
        answer = self.client.get("/api/v1/changes/", {"after": cursor}).json()
        self.assertEqual(
            (answer["results"], answer["next_cursor"], answer["next"]), ([], cursor, None)
        )
        Source.objects.update(title="unused")  # no source is cited publicly: nothing told
        self.assertEqual(poll(self.client, cursor)[0], [])

    def test_casualties_replaced_in_one_transaction_are_one_correction_on_any_page(self):
        injured = {"outcome": "injured", "group": "civilian"}
        incident = factories.make_incident(reference="IN-BULK", casualties=[injured, injured])
        _, cursor = poll(self.client, 0)
        with transaction.atomic():  # as an import replaces them
            Casualty.objects.filter(incident=incident).delete()
            for _ in range(3):
                Casualty.objects.create(incident=incident, outcome="killed", group="deminer")
        for size in (1, 2, 100):
            with self.subTest(page_size=size):
                changes, _ = poll(self.client, cursor, page_size=size)
                self.assertEqual(told(changes), [("incident", "IN-BULK", "corrected")])

    def test_kind_narrows_the_feed_and_a_page_costs_a_fixed_number_of_queries(self):
        for number in range(6):
            factories.make_hazard_area(reference=f"HA-{number}")
            factories.make_statement(reference=f"statement-{number}")
        changes, _ = poll(self.client, 0, kind="statement")
        self.assertEqual({row["kind"] for row in changes}, {"statement"})
        self.assertEqual(len(changes), 6)
        # Rate limit, data version, entries, hazard areas' and statements' histories.
        for size in (2, 12):
            cache.clear()
            with self.assertNumQueries(5):
                answer = self.client.get("/api/v1/changes/", {"after": 0, "page_size": size})
            self.assertEqual(len(answer.json()["results"]), size)


class CursorParameterTests(TestCase):
    def test_a_bad_cursor_or_a_cursor_with_since_is_refused_naming_it(self):
        for params, name in [
            ({"after": "-1"}, "after"),
            ({"after": "next"}, "after"),
            ({"after": ""}, "after"),
            ({"after": "99999999999999999999"}, "after"),
            ({"after": "0", "since": "2024-01-01"}, "since"),
            ({"after": "0", "page": "2"}, "page"),
            ({"after": "0", "kind": "draft"}, "kind"),
            ({"after": "0", "page_size": "0"}, "page_size"),
        ]:
            with self.subTest(**params):
                answer = self.client.get("/api/v1/changes/", params)
                self.assertEqual(answer.status_code, 400)
                self.assertIn(name, answer.json())

    def test_the_feed_starts_empty_and_names_its_cursor(self):
        answer = self.client.get("/api/v1/changes/", {"after": "0"})
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json()["next_cursor"], "0")
        self.assertEqual(answer.json()["results"], [])
