"""The recorded-value functions behind claims, on small squares with known geodesic areas."""

import datetime

from django.contrib.gis.geos import Polygon
from django.test import TestCase
from django.utils import timezone

from contamination import stats
from contamination.models import HazardArea, LandRelease
from tests import factories

# Geodesic areas PostGIS gives for the squares used here (ST_Area(geography), WGS 84); every
# square sits on 40° N, so that squares of one size have one area.
A_KM2 = 0.9480992119150162  # 0.01° x 0.01° with its south-west corner at 40° N
B_KM2 = 1.8961984203987122  # 0.02° x 0.01°, same latitude
COUNTRY_KM2 = 37923.83031741626  # the test country: 46-48° E, 39-41° N

SINCE = datetime.date(2020, 11, 10)
END_2022 = datetime.date(2022, 12, 31)


def box(lon, lat, width=0.01, height=0.01):
    """A rectangle with its south-west corner at (lon, lat)."""
    return factories.multi(Polygon.from_bbox((lon, lat, lon + width, lat + height)))


class RecordedValueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.country = factories.make_country()
        # The west half of the country: 46-47° E.
        cls.west = factories.make_unit(cls.country, code="AZ-WST")

        hazard = factories.make_hazard_area
        cls.h1 = hazard(geometry=box(46.5, 40.0), identified_on=datetime.date(2021, 3, 1))
        hazard(
            geometry=box(46.6, 40.0),
            identified_on=datetime.date(2022, 1, 1),
            category=HazardArea.Category.SUSPECTED,
        )
        cls.h3 = hazard(
            geometry=box(46.7, 40.0),
            identified_on=datetime.date(2021, 1, 1),
            status=HazardArea.Status.RELEASED,
        )
        # East half: no unit there, so it belongs to the country only.
        hazard(geometry=box(47.5, 40.0), identified_on=datetime.date(2021, 1, 1))
        hazard(geometry=box(46.8, 40.0), publication_status="draft")
        hazard(
            geometry=box(46.9, 40.0),
            publication_status="retracted",
            retraction_note="Entered twice.",
        )

        def release(**kwargs):
            kwargs.setdefault("started_on", None)
            return factories.make_land_release(**kwargs)

        cleared, reduced, cancelled = (
            LandRelease.Method.CLEARED,
            LandRelease.Method.REDUCED,
            LandRelease.Method.CANCELLED,
        )
        release(
            method=cleared,
            geometry=box(46.1, 40.0),
            completed_on=datetime.date(2021, 5, 1),
            ap_mines_found=10,
            at_mines_found=2,
            uxo_found=5,
            other_items_found=1,
        )
        release(
            method=reduced,
            geometry=box(46.2, 40.0, width=0.02),
            completed_on=datetime.date(2022, 2, 1),
            uxo_found=3,
        )
        release(
            method=cancelled,
            hazard_area=cls.h3,
            geometry=box(46.7, 40.0),
            completed_on=datetime.date(2022, 6, 1),
        )
        # Before the period, a draft, and demo data in the east half.
        release(
            method=cleared,
            geometry=box(46.3, 40.0),
            started_on=datetime.date(2020, 1, 1),
            completed_on=datetime.date(2020, 10, 1),
            ap_mines_found=100,
        )
        release(method=cleared, geometry=box(46.35, 40.0), publication_status="draft")
        release(
            method=cleared,
            geometry=box(47.6, 40.0),
            completed_on=datetime.date(2022, 3, 1),
            is_demo=True,
            at_mines_found=7,
        )

        incident = factories.make_incident
        point = factories.geometry("SRID=4326;POINT(46.7 40.5)")
        incident(
            location=point,
            occurred_on=datetime.date(2021, 6, 1),
            casualties=[
                {"outcome": "killed", "group": "civilian"},
                {"outcome": "injured", "group": "civilian"},
                {"outcome": "injured", "group": "deminer"},
            ],
        )
        incident(
            location=point,
            occurred_on=datetime.date(2022, 7, 1),
            casualties=[{"outcome": "killed", "group": "military"}],
        )
        incident(location=point, occurred_on=datetime.date(2021, 8, 1))
        incident(
            location=point,
            occurred_on=datetime.date(2020, 6, 1),
            casualties=[{"outcome": "killed", "group": "civilian"}],
        )
        incident(
            location=point,
            occurred_on=datetime.date(2021, 7, 1),
            publication_status="draft",
            casualties=[{"outcome": "killed", "group": "civilian"}],
        )

    def test_the_test_squares_have_the_expected_areas(self):
        self.assertAlmostEqual(self.h1.area_km2, A_KM2, places=9)
        self.country.refresh_from_db()
        self.assertAlmostEqual(self.country.area_km2, COUNTRY_KM2, places=6)

    def test_hazard_area_counts_areas_open_on_the_date(self):
        with self.assertNumQueries(1):
            value = stats.recorded_hazard_area_km2(self.west, datetime.date(2021, 12, 31))
        # h1, and h3: released, but by a release completed only in June 2022.
        self.assertAlmostEqual(value.value, 2 * A_KM2, places=9)
        self.assertEqual(value.unit, "km2")
        self.assertEqual(value.coverage.records, 2)
        self.assertEqual(value.coverage.first_on, datetime.date(2021, 1, 1))
        self.assertEqual(value.coverage.last_on, datetime.date(2021, 3, 1))
        self.assertFalse(value.is_demo)

    def test_hazard_area_leaves_out_areas_released_by_the_date(self):
        value = stats.recorded_hazard_area_km2(self.west, datetime.date(2023, 1, 1))
        # h1 (confirmed) and h2 (suspected); h3 was released in June 2022.
        self.assertAlmostEqual(value.value, 2 * A_KM2, places=9)
        self.assertAlmostEqual(value.breakdown["suspected"], A_KM2, places=9)
        self.assertAlmostEqual(value.breakdown["confirmed"], A_KM2, places=9)
        before_any = stats.recorded_hazard_area_km2(self.west, datetime.date(2020, 12, 31))
        self.assertEqual(before_any.value, 0.0)
        self.assertFalse(before_any.has_records)

    def test_share_of_territory_divides_by_the_scope_area(self):
        with self.assertNumQueries(1):
            value = stats.recorded_share_in_hazard_areas(self.country, datetime.date(2023, 1, 1))
        # h1, h2 in the west unit and the east square; never the draft or the retracted one.
        self.assertAlmostEqual(value.value, 100 * 3 * A_KM2 / COUNTRY_KM2, places=12)
        self.assertEqual(value.unit, "pct")
        self.assertEqual(value.coverage.records, 3)

    def test_land_released_adds_each_method_in_the_period(self):
        with self.assertNumQueries(1):
            value = stats.recorded_land_released(self.west, END_2022, since=SINCE)
        self.assertAlmostEqual(value.value, 2 * A_KM2 + B_KM2, places=9)
        self.assertAlmostEqual(value.breakdown["cleared"], A_KM2, places=9)
        self.assertAlmostEqual(value.breakdown["reduced"], B_KM2, places=9)
        self.assertAlmostEqual(value.breakdown["cancelled"], A_KM2, places=9)
        self.assertEqual(value.coverage.records, 3)
        self.assertEqual(value.coverage.first_on, datetime.date(2021, 5, 1))
        self.assertEqual(value.coverage.last_on, datetime.date(2022, 6, 1))

    def test_land_released_by_one_method(self):
        value = stats.recorded_land_released(self.west, END_2022, since=SINCE, methods=["cleared"])
        self.assertAlmostEqual(value.value, A_KM2, places=9)
        # The breakdown still has every method.
        self.assertAlmostEqual(value.breakdown["reduced"], B_KM2, places=9)

    def test_land_released_says_when_demo_records_are_counted(self):
        value = stats.recorded_land_released(
            self.country, END_2022, since=SINCE, methods=["cleared"]
        )
        self.assertAlmostEqual(value.value, 2 * A_KM2, places=9)
        self.assertEqual(value.coverage.records, 4)
        self.assertEqual(value.coverage.demo_records, 1)
        self.assertTrue(value.is_demo)

    def test_items_found_by_type_in_the_period(self):
        with self.assertNumQueries(1):
            value = stats.recorded_items_found(self.west, END_2022, since=SINCE)
        self.assertEqual(value.value, 21)
        self.assertEqual(value.breakdown, {"ap_mines": 10, "at_mines": 2, "uxo": 8, "other": 1})
        self.assertEqual(value.unit, "items")
        only_ap = stats.recorded_items_found(self.west, END_2022, since=SINCE, kinds=["ap_mines"])
        self.assertEqual(only_ap.value, 10)
        without_start = stats.recorded_items_found(self.west, END_2022)
        self.assertEqual(without_start.value, 121)

    def test_casualties_by_group_and_outcome_in_the_period(self):
        with self.assertNumQueries(1):
            value = stats.recorded_casualties(self.west, END_2022, since=SINCE)
        self.assertEqual(value.value, 4)
        self.assertEqual(value.unit, "people")
        self.assertEqual(value.breakdown["civilian"], 2)
        self.assertEqual(value.breakdown["deminer"], 1)
        self.assertEqual(value.breakdown["military"], 1)
        self.assertEqual(value.breakdown["killed"], 2)
        self.assertEqual(value.breakdown["injured"], 2)
        # Three published incidents in the period, one of them without casualties.
        self.assertEqual(value.coverage.records, 3)
        self.assertEqual(value.coverage.first_on, datetime.date(2021, 6, 1))
        self.assertEqual(value.coverage.last_on, datetime.date(2022, 7, 1))
        civilians = stats.recorded_casualties(self.west, END_2022, since=SINCE, groups=["civilian"])
        self.assertEqual(civilians.value, 2)
        killed = stats.recorded_casualties(self.west, END_2022, since=SINCE, outcomes=["killed"])
        self.assertEqual(killed.value, 2)
        by_2021 = stats.recorded_casualties(self.west, datetime.date(2021, 12, 31), since=SINCE)
        self.assertEqual(by_2021.value, 3)

    def test_incidents_in_the_period_with_or_without_casualties(self):
        with self.assertNumQueries(1):
            value = stats.recorded_incidents(self.west, END_2022, since=SINCE)
        self.assertEqual(value.value, 3)
        self.assertEqual(value.unit, "incidents")
        self.assertEqual(value.coverage.records, 3)

    def test_a_claim_is_set_beside_the_records_in_its_own_unit(self):
        from statements import bridge
        from statements.models import Metric

        metric = factories.make_metric(comparison=Metric.Comparison.LAND_RELEASED)
        statement = factories.make_statement(
            date=datetime.date(2023, 2, 7), text="To date, 64,000 hectares were cleared."
        )
        claim = factories.make_claim(
            statement,
            metric=metric,
            as_of=datetime.date(2022, 12, 31),
            since=SINCE,
            scope=self.west,
        )
        comparison = bridge.compare(claim)
        self.assertTrue(comparison.is_available)
        self.assertEqual(comparison.unit, "ha")
        self.assertAlmostEqual(comparison.value, 100 * (2 * A_KM2 + B_KM2), places=7)
        self.assertEqual(comparison.record_noun, "land-release record")

    def test_a_claim_without_a_start_date_is_not_compared_with_a_period(self):
        from statements import bridge
        from statements.models import Metric

        metric = factories.make_metric(comparison=Metric.Comparison.LAND_RELEASED)
        statement = factories.make_statement()
        claim = factories.make_claim(statement, metric=metric, scope=self.west)
        comparison = bridge.compare(claim)
        self.assertFalse(comparison.is_available)
        self.assertIn("no start date", comparison.reason)

    def test_an_undated_claim_is_set_beside_the_latest_records_saying_so(self):
        from statements import bridge
        from statements.models import Metric

        metric = factories.make_metric(comparison=Metric.Comparison.HAZARD_AREA_KM2)
        statement = factories.make_statement(date=None, date_precision="unknown")
        claim = factories.make_claim(statement, metric=metric, scope=self.west)
        comparison = bridge.compare(claim)
        self.assertTrue(comparison.is_available)
        self.assertEqual(comparison.recorded.as_of, timezone.localdate())
        self.assertIn("set beside the latest records", comparison.note)
        dated = factories.make_claim(
            factories.make_statement(date=datetime.date(2023, 2, 7)), metric=metric, scope=self.west
        )
        self.assertEqual(bridge.compare(dated).note, "")

    def test_a_month_precise_as_of_date_counts_to_the_end_of_the_month(self):
        from statements import bridge

        self.assertEqual(
            bridge.end_of_period(datetime.date(2024, 2, 1), "month"), datetime.date(2024, 2, 29)
        )
        self.assertEqual(
            bridge.end_of_period(datetime.date(2024, 1, 1), "year"), datetime.date(2024, 12, 31)
        )
        self.assertIsNone(bridge.end_of_period(None, "unknown"))
