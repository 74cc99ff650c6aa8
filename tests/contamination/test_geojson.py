import json

from django.contrib.gis.geos import Point
from django.test import TestCase

from contamination.geojson import feature_collection
from contamination.models import HazardArea
from tests import factories


class FeatureCollectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.country = factories.make_country()
        cls.unit = factories.make_unit(cls.country, code="AZ-W")
        cls.first = factories.make_hazard_area(
            reference="HA-1", name='A "quoted" name', identified_on="2021-01-02"
        )
        cls.second = factories.make_hazard_area(reference="HA-2", identified_on="2021-01-01")

    def test_it_builds_a_feature_collection_in_one_query(self):
        with self.assertNumQueries(1):
            text = feature_collection(
                HazardArea.objects.published().order_by("reference"),
                {"reference": "reference", "name": "name", "area": "admin_area__code"},
                precision=3,
            )
        collection = json.loads(text)
        self.assertEqual(collection["type"], "FeatureCollection")
        self.assertNotIn("crs", collection)
        first = collection["features"][0]
        self.assertEqual(first["id"], self.first.pk)
        self.assertEqual(
            first["properties"], {"reference": "HA-1", "name": 'A "quoted" name', "area": "AZ-W"}
        )
        self.assertEqual(first["geometry"]["type"], "MultiPolygon")
        self.assertEqual(first["geometry"]["coordinates"][0][0][0], [46.5, 40])

    def test_an_empty_queryset_gives_an_empty_collection(self):
        text = feature_collection(HazardArea.objects.none().drafts(), {"name": "name"})
        self.assertEqual(json.loads(text), {"type": "FeatureCollection", "features": []})

    def test_a_tolerance_simplifies_geometry_for_small_scale_maps(self):
        # A circle of radius 0.05° drawn with 128 vertices.
        circle = Point(46.6, 40.2, srid=4326).buffer(0.05, quadsegs=32)
        area = factories.make_hazard_area(geometry=factories.multi(circle))
        queryset = HazardArea.objects.filter(pk=area.pk)

        def vertices(**options):
            geometry = json.loads(feature_collection(queryset, {}, **options))["features"][0]
            return sum(len(ring) for part in geometry["geometry"]["coordinates"] for ring in part)

        self.assertGreater(vertices(), 100)
        self.assertLess(vertices(tolerance=0.01), 20)
