from django.test import TestCase
from django.urls import reverse

from tests import factories


class HomePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        factories.make_country()
        # Two published confirmed areas of ~0.95 km² each; a draft and a retracted one ignored.
        factories.make_hazard_area()
        factories.make_hazard_area()
        factories.make_hazard_area(
            publication_status="draft", geometry=factories.multi(factories.square(46.5, 40.2, 0.5))
        )
        factories.make_hazard_area(
            publication_status="retracted",
            retraction_note="Duplicate of another record.",
            geometry=factories.multi(factories.square(46.5, 40.2, 0.5)),
        )
        factories.make_incident(casualties=[{"outcome": "killed"}, {"outcome": "injured"}])
        factories.make_incident(publication_status="draft", casualties=[{"outcome": "killed"}])

    def test_it_shows_published_totals_only(self):
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        summary = response.context["summary"]
        self.assertAlmostEqual(summary.hazards.confirmed_km2, 2 * 0.9493, places=2)
        self.assertEqual(summary.casualties.incidents, 1)
        self.assertEqual(summary.casualties.killed, 1)
        self.assertContains(response, "1.9 km²")

    def test_it_says_when_demo_records_are_counted(self):
        response = self.client.get(reverse("home"))
        self.assertNotContains(response, "Demo data.")
        factories.make_incident(is_demo=True)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "Demo data.")
