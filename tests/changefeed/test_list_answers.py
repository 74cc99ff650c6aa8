"""Every list answer names the data version and an ETag that moves with its content; JSON and
CSV come gzipped to clients that ask, pages do not (BREACH, see docs/security.md)."""

import gzip

from django.core.cache import cache
from django.test import TestCase, TransactionTestCase

from statements.models import Claim, Person, Statement
from tests import factories

LISTS = [
    "/api/v1/hazard-areas/",
    "/api/v1/land-releases/",
    "/api/v1/incidents/",
    "/api/v1/statements/",
    "/api/v1/claims/",
    "/api/v1/people/",
    "/api/v1/metrics/",
    "/api/v1/organisations/",
    "/api/v1/sources/",
    "/api/v1/changes/?after=0",
]


class ListAnswerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        factories.make_country()
        cls.organisation = factories.make_organisation(name="Survey Operator")
        source = factories.make_source()
        factories.make_hazard_area(surveyed_by=cls.organisation)
        cls.statement = factories.make_statement(reference="said", sources=[source])
        cls.claim = factories.make_claim(cls.statement)
        factories.make_statement(reference="unsaid", publication_status="draft")

    def setUp(self):
        cache.clear()

    def test_every_list_names_the_data_version_and_an_etag_and_answers_304(self):
        for url in LISTS:
            with self.subTest(url):
                answer = self.client.get(url)
                self.assertEqual(answer.status_code, 200)
                self.assertRegex(answer["X-Data-Version"], r"^\d{4}-\d\d-\d\dT")
                self.assertTrue(answer["ETag"])
                again = self.client.get(url, HTTP_IF_NONE_MATCH=answer["ETag"])
                self.assertEqual(again.status_code, 304)
                self.assertEqual(again["ETag"], answer["ETag"])

    def test_a_statement_edit_changes_its_lists_etags_and_no_stale_copy_is_kept(self):
        lists = ["/api/v1/statements/", "/api/v1/claims/", "/api/v1/people/"]
        before = {url: self.client.get(url)["ETag"] for url in lists}
        Statement.objects.filter(pk=self.statement.pk).update(
            text="To date, 64,500 hectares have been cleared of mines."
        )
        Claim.objects.filter(pk=self.claim.pk).update(excerpt="64,500 hectares", value=64500)
        Person.objects.filter(pk=self.statement.speaker_person_id).update(name="A New Name")
        for url in lists:
            with self.subTest(url):
                answer = self.client.get(url, HTTP_IF_NONE_MATCH=before[url])
                self.assertEqual(answer.status_code, 200)  # not a 304 to the old copy
                self.assertNotEqual(answer["ETag"], before[url])
        self.assertContains(self.client.get("/api/v1/statements/"), "64,500 hectares")

    def test_json_and_csv_are_gzipped_for_clients_that_ask(self):
        factories.make_statement(text="To date, 64,000 hectares have been cleared. " * 40)
        for url in [
            "/api/v1/statements/",
            "/api/v1/statements/?format=csv",
            "/api/v1/hazard-areas/?page_size=1",
            "/api/v1/schema/?format=json",
        ]:
            with self.subTest(url):
                plain = self.client.get(url)
                packed = self.client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
                self.assertEqual(packed.status_code, 200)
                self.assertEqual(packed["Content-Encoding"], "gzip")
                self.assertIn("Accept-Encoding", plain["Vary"])
                self.assertEqual(gzip.decompress(packed.content), plain.content)

    def test_pages_are_not_compressed(self):
        for url in ["/", "/en/statements/", "/admin/login/"]:
            with self.subTest(url):
                answer = self.client.get(url, HTTP_ACCEPT_ENCODING="gzip")
                self.assertNotIn("Content-Encoding", answer)

    def test_the_draft_is_in_no_list(self):
        for url in LISTS:
            with self.subTest(url):
                self.assertNotContains(self.client.get(url), "unsaid")


class CommitOrderVersionTests(TransactionTestCase):
    def test_a_statement_edit_moves_the_data_version(self):
        cache.clear()
        statement = factories.make_statement(reference="said")
        first = self.client.get("/api/v1/hazard-areas/")
        Statement.objects.filter(pk=statement.pk).update(side="az")
        second = self.client.get("/api/v1/hazard-areas/", HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertGreater(second["X-Data-Version"], first["X-Data-Version"])
        self.assertEqual(second.status_code, 200)

    def test_a_draft_edit_does_not(self):
        cache.clear()
        factories.make_statement(reference="said")
        draft = factories.make_statement(reference="unsaid", publication_status="draft")
        first = self.client.get("/api/v1/statements/")
        Statement.objects.filter(pk=draft.pk).update(text="Still a draft, never seen.")
        second = self.client.get("/api/v1/statements/", HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(second.status_code, 304)
        self.assertEqual(second["X-Data-Version"], first["X-Data-Version"])
