from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase

from contamination.models import Casualty, HazardArea, Incident, LandRelease
from tests import factories


def load(**options):
    out = StringIO()
    call_command("load_demo_data", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


class LoadDemoDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        country = factories.make_country()
        cls.unit = factories.make_unit(country, code="AZ-AGM", economic_region="Karabakh")

    def test_every_generated_row_is_demo_published_and_inside_a_unit(self):
        load(scale=0.05)
        for model in (HazardArea, LandRelease, Incident):
            with self.subTest(model=model.__name__):
                rows = model.objects.all()
                self.assertGreater(rows.count(), 0)
                self.assertFalse(rows.exclude(is_demo=True).exists())
                self.assertFalse(rows.exclude(publication_status="published").exists())
                self.assertFalse(rows.filter(admin_area__isnull=True).exists())
                self.assertFalse(rows.filter(citations__isnull=True).exists())

    def test_it_covers_both_categories_all_methods_and_casualties(self):
        load(scale=0.1)
        self.assertEqual(set(HazardArea.objects.values_list("category", flat=True)), {"sha", "cha"})
        self.assertEqual(
            set(LandRelease.objects.values_list("method", flat=True)),
            {"cancelled", "reduced", "cleared"},
        )
        self.assertTrue(Casualty.objects.exists())
        years = {date.year for date in Incident.objects.values_list("occurred_on", flat=True)}
        self.assertLessEqual(min(years), 2021)
        self.assertGreaterEqual(max(years), 2025)

    def test_the_same_seed_gives_the_same_data(self):
        load(scale=0.05, seed=7)
        first = list(HazardArea.objects.order_by("reference").values_list("area_m2", flat=True))
        load(scale=0.05, seed=7, replace=True)
        second = list(HazardArea.objects.order_by("reference").values_list("area_m2", flat=True))
        self.assertEqual(first, second)

    def test_if_empty_leaves_existing_demo_data_alone(self):
        load(scale=0.05)
        count = HazardArea.objects.count()
        self.assertIn("nothing to do", load(scale=1, if_empty=True))
        self.assertEqual(HazardArea.objects.count(), count)

    def test_a_second_load_without_replace_is_refused(self):
        load(scale=0.05)
        with self.assertRaisesMessage(CommandError, "--replace"):
            load(scale=0.05)
