from django.test import TestCase

from contamination.models import HazardArea
from tests.site.world import CacheClearing, build_world


class RecordPageTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_world(cls)

    def url(self, record):
        return record.get_absolute_url()

    def test_published_records_show_fields_in_plain_words_sources_and_a_map(self):
        cases = [
            (self.hazard, "Confirmed hazardous area (CHA)", "contamination confirmed by direct"),
            (self.release, "Cleared (clearance)", "10: 7 anti-personnel mines"),
            (self.incident, "1 killed, 1 injured", "Deminer"),
        ]
        for record, first, second in cases:
            with self.subTest(record=record.reference):
                response = self.client.get(self.url(record))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, first)
                self.assertContains(response, second)
                self.assertContains(response, "Annual survey 2022")
                self.assertContains(response, 'data-map="record"')
                self.assertNotContains(response, "was retracted")

    def test_drafts_are_not_found(self):
        for record in (self.draft_hazard, self.draft_release, self.draft_incident):
            with self.subTest(record=record.reference):
                self.assertEqual(self.client.get(self.url(record)).status_code, 404)

    def test_retracted_records_stay_reachable_with_their_note(self):
        cases = [
            (self.retracted_hazard, "Entered twice; see HA-PUB."),
            (self.retracted_release, "Wrong polygon."),
            (self.retracted_incident, "Not an explosive-ordnance incident."),
        ]
        for record, note in cases:
            with self.subTest(record=record.reference):
                response = self.client.get(self.url(record))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "This record was retracted")
                self.assertContains(response, note)
                self.assertContains(response, '<meta name="robots" content="noindex">')

    def test_history_shows_published_versions_and_never_draft_content(self):
        records = HazardArea.objects.filter(pk=self.hazard.pk)
        records.update(name="Orchard edge, north")  # a public correction
        records.update(publication_status="draft", name="Unreviewed rename")
        records.update(publication_status="published", name="Orchard edge, north field")
        response = self.client.get(self.url(self.hazard))
        self.assertNotContains(response, "Unreviewed rename")
        changes = [(c.kind, c.changed) for c in response.context["changes"]]
        self.assertEqual(
            changes,
            [
                ("published", []),
                ("corrected", ["name from Orchard edge to Orchard edge, north"]),
                # Sent back to draft, then published again: compared with the last public
                # state, never with the draft's name.
                ("withdrawn", []),
                ("republished", ["name from Orchard edge, north to Orchard edge, north field"]),
            ],
        )
        self.assertContains(response, "Corrected</span>: name from Orchard edge to")

    def test_a_release_does_not_link_a_draft_hazard_area(self):
        self.release.hazard_area = self.draft_hazard
        self.release.save()
        response = self.client.get(self.url(self.release))
        self.assertNotContains(response, "DRAFT-HA")
        self.assertContains(response, "not linked")

    def test_casualties_are_counted_without_identifying_details(self):
        response = self.client.get(self.url(self.incident))
        self.assertContains(response, "without names or identifying details")
        self.assertContains(response, "Child (under 18)")

    def test_their_queries_are_pinned(self):
        # record, citations, history, the data version its citation names, then the page's
        # own lists.
        cases = [(self.hazard, 5), (self.release, 4), (self.incident, 5)]
        for record, count in cases:
            with self.subTest(record=record.reference), self.assertNumQueries(count):
                self.client.get(self.url(record))


class NotFoundPageTests(TestCase):
    def test_a_missing_record_gets_a_helpful_404(self):
        response = self.client.get("/en/hazard-areas/999999/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "There is no public page at this address", status_code=404)
