from django.test import TestCase

from tests import factories


class StatementSitemapTests(TestCase):
    def test_it_lists_published_statements_only(self):
        published = factories.make_statement(reference="said-in-public")
        factories.make_statement(reference="still-a-draft", publication_status="draft")
        factories.make_statement(
            reference="taken-back", publication_status="retracted", retraction_note="Misattributed."
        )
        response = self.client.get("/sitemap-statements.xml")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, published.get_absolute_url())
        self.assertNotContains(response, "still-a-draft")
        self.assertNotContains(response, "taken-back")
