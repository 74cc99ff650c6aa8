"""The benchmark's SQL-generated dataset, at a tiny scale: right fields, reproducible, reused."""

from django.db import connection
from django.test import TestCase

from bench import dataset
from contamination.models import Casualty, HazardArea, Incident, IncidentSource, LandRelease
from tests import factories

TINY = 0.002  # 40 hazard areas, 100 land releases, 600 incidents


def checksum():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(reference || ST_AsText(geometry) || category, ',' "
            "ORDER BY reference)) FROM contamination_hazardarea"
        )
        return cursor.fetchone()[0]


class BenchDatasetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        country = factories.make_country()
        cls.unit = factories.make_unit(country, code="AZ-FUZ", economic_region="Karabakh")
        cls.generated = dataset.generate(dataset.Dataset.planned(TINY, 7), log=_quiet, vacuum=False)

    def test_it_creates_the_planned_counts_with_casualties_and_history(self):
        self.assertEqual(HazardArea.objects.count(), 40)
        self.assertEqual(LandRelease.objects.count(), 100)
        self.assertEqual(Incident.objects.count(), 600)
        self.assertEqual(Casualty.objects.count(), self.generated.casualties)
        self.assertGreaterEqual(self.generated.casualties, 600)
        self.assertEqual(HazardArea.pgh_event_model.objects.count(), 40)
        self.assertEqual(Casualty.pgh_event_model.objects.count(), self.generated.casualties)
        self.assertEqual(IncidentSource.pgh_event_model.objects.count(), 600)
        # Written set-based, not one touch (an UPDATE and its history event) per casualty.
        self.assertEqual(Incident.pgh_event_model.objects.filter(pgh_label="update").count(), 0)

    def test_the_triggers_computed_every_field_as_for_any_other_write(self):
        for area in HazardArea.objects.all():
            self.assertEqual(area.admin_area, self.unit)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM contamination_hazardarea WHERE NOT ST_IsValid(geometry) "
                "OR abs(area_m2 - ST_Area(geometry::geography)) > 0.01"
            )
            self.assertEqual(cursor.fetchone()[0], 0)
            cursor.execute(
                "SELECT count(*) FROM contamination_incident i WHERE is_in_hazard_area <> EXISTS ("
                "SELECT 1 FROM contamination_hazardarea h WHERE h.publication_status = 'published'"
                " AND ST_Covers(h.geometry, i.location))"
            )
            self.assertEqual(cursor.fetchone()[0], 0)
        published = HazardArea.objects.published()
        self.assertFalse(published.filter(published_at__isnull=True).exists())
        self.assertTrue(
            HazardArea.objects.exclude(publication_status="published").exists()
            or LandRelease.objects.exclude(publication_status="published").exists()
        )

    def test_the_same_seed_gives_the_same_rows(self):
        first = checksum()
        dataset.generate(dataset.Dataset.planned(TINY, 7), log=_quiet, vacuum=False)
        self.assertEqual(checksum(), first)

    def test_a_stored_dataset_of_the_same_scale_and_seed_is_reused(self):
        messages = []
        reused = dataset.ensure(TINY, 7, log=messages.append, vacuum=False)
        self.assertTrue(reused.reused)
        self.assertIn("Reusing", messages[0])
        other = dataset.ensure(TINY, 8, log=messages.append, vacuum=False)
        self.assertFalse(other.reused)


def _quiet(message):
    pass
