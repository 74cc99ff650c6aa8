"""An organisation or source entered for drafts only is public nowhere; a source's internal
note is never public."""

from django.core.cache import cache
from django.test import TestCase

from contamination.models import HazardAreaSource
from tests import factories


class DraftsOnlyObjectsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.public_operator = factories.make_organisation(name="Published Operator")
        cls.hidden_operator = factories.make_organisation(name="Hiddenoperator Drafts")
        cls.public_source = factories.make_source(
            title="Published Report", note="Reached by phone; Hiddennote caveat."
        )
        cls.hidden_source = factories.make_source(title="Hiddensource Draft Report")
        published = factories.make_hazard_area(surveyed_by=cls.public_operator)
        draft = factories.make_hazard_area(
            surveyed_by=cls.hidden_operator, publication_status="draft"
        )
        HazardAreaSource.objects.create(hazard_area=published, source=cls.public_source)
        HazardAreaSource.objects.create(hazard_area=draft, source=cls.hidden_source)
        factories.make_statement()  # a published statement citing nothing

    def setUp(self):
        cache.clear()

    def test_the_api_lists_only_organisations_and_sources_of_published_records(self):
        organisations = self.client.get("/api/v1/organisations/").json()
        organisations = organisations.get("results", organisations)
        self.assertEqual([o["name"] for o in organisations], ["Published Operator"])
        sources = self.client.get("/api/v1/sources/").json()["results"]
        self.assertEqual([s["title"] for s in sources], ["Published Report"])

    def test_the_api_never_shows_a_source_note(self):
        response = self.client.get("/api/v1/sources/")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Hiddennote", response.content.decode())
        self.assertNotIn("note", response.json()["results"][0])

    def test_filtering_by_a_drafts_only_organisation_is_refused_like_an_unknown_one(self):
        response = self.client.get(
            "/api/v1/hazard-areas/", {"organisation": self.hidden_operator.pk}
        )
        self.assertEqual(response.status_code, 400)

    def test_pages_search_and_sitemap_do_not_name_them(self):
        for query in ("Hiddenoperator", "Hiddensource"):
            response = self.client.get("/en/search/", {"q": query})
            self.assertContains(response, f"Nothing public matches “{query}”")
        for path in [
            "/sitemap.xml",
            "/en/data/",
            "/api/v1/downloads/",
        ]:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertIn(response.status_code, (200,))
                text = response.content.decode()
                for hidden in ("Hiddenoperator", "Hiddensource", "Hiddennote"):
                    self.assertNotIn(hidden, text)
