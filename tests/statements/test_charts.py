import datetime

from django.test import TestCase

from statements import bridge, charts
from tests import factories


class MetricChartTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.metric = factories.make_metric(code="contaminated_area", unit="km2")
        cls.country = factories.make_country()
        statement = factories.make_statement(
            date=datetime.date(2015, 11, 29),
            text="Contamination may cover between 350km2 and 830km2; 9,000 hectares elsewhere.",
        )
        cls.range_claim = factories.make_claim(
            statement,
            excerpt="between 350km2 and 830km2",
            metric=cls.metric,
            value=350,
            value_max=830,
            unit="km2",
            scope=cls.country,
        )
        cls.hectares = factories.make_claim(
            statement,
            excerpt="9,000 hectares",
            metric=cls.metric,
            value=9000,
            unit="ha",
            scope=cls.country,
        )
        undated = factories.make_statement(
            date=None, date_precision="unknown", text="About 8,000 km2 must be cleared."
        )
        factories.make_claim(
            undated,
            excerpt="About 8,000 km2",
            metric=cls.metric,
            value=8000,
            unit="km2",
            as_of=None,
            scope=cls.country,
        )

    def rows(self):
        claims = self.metric.claims.select_related("statement").order_by("id")
        return [(claim, bridge.compare(claim)) for claim in claims]

    def test_ranges_are_drawn_from_low_to_high_and_units_converted(self):
        chart = charts.metric_chart(self.metric, self.rows())
        self.assertEqual(len(chart.stated), 2)
        low_high = chart.stated[0]
        self.assertIsNotNone(low_high.y_high)
        self.assertLess(low_high.y_high, low_high.y)  # higher values sit higher on the page
        hectares = chart.stated[1]
        # 9,000 ha = 90 km², below the range's lower end of 350 km².
        self.assertGreater(hectares.y, low_high.y)
        self.assertEqual(chart.undated, 1)
        self.assertEqual(chart.recorded, [])  # the metric names no comparison
        self.assertEqual([label for _, label in chart.x_ticks], ["2015", "2016"])
        self.assertEqual(chart.y_ticks[0][1], "0")

    def test_a_claim_in_a_currency_that_does_not_convert_is_left_off_the_chart(self):
        funding = factories.make_metric(code="funding", unit="usd")
        statement = factories.make_statement(text="EUR 4,250,000 and USD 1,000,000 were given.")
        factories.make_claim(
            statement,
            excerpt="EUR 4,250,000",
            metric=funding,
            value=4250000,
            unit="eur",
            scope=self.country,
        )
        factories.make_claim(
            statement,
            excerpt="USD 1,000,000",
            metric=funding,
            value=1000000,
            unit="usd",
            scope=self.country,
        )
        rows = [(c, bridge.compare(c)) for c in funding.claims.select_related("statement")]
        chart = charts.metric_chart(funding, rows)
        self.assertEqual(len(chart.stated), 1)
        self.assertEqual(chart.undated, 1)

    def test_a_global_figure_is_never_plotted_on_a_national_chart(self):
        statement = factories.make_statement(
            date=datetime.date(2023, 5, 26), text="Almost 100 million mines lie in 60 countries."
        )
        factories.make_claim(
            statement,
            excerpt="Almost 100 million mines",
            metric=self.metric,
            value=100_000_000,
            unit="km2",
            scope=None,
            scope_note="Global figure (all affected countries).",
        )
        chart = charts.metric_chart(self.metric, self.rows())
        self.assertEqual(len(chart.stated), 2)  # the two national figures only
        self.assertEqual(chart.unscoped, 1)
        self.assertNotIn("100,000,000", " ".join(point.label for point in chart.stated))

    def test_a_figure_for_part_of_the_country_is_neither_plotted_nor_set_beside_its_records(self):
        statement = factories.make_statement(
            date=datetime.date(2022, 3, 1), text="In the Fuzuli–Shusha road area 120 km2 remain."
        )
        road = factories.make_claim(
            statement,
            excerpt="120 km2",
            metric=self.metric,
            value=120,
            unit="km2",
            scope=self.country,
            scope_note="The Fuzuli–Shusha road area; not a single ISO 3166-2 unit.",
        )
        chart = charts.metric_chart(self.metric, self.rows())
        self.assertEqual(len(chart.stated), 2)  # the two national figures only
        self.assertEqual(chart.partial, 1)
        self.assertNotIn("120", " ".join(point.label for point in chart.stated))
        self.assertEqual([label for _, label in chart.x_ticks], ["2015", "2016"])  # no 2022

        area = factories.make_metric(code="hazard_km2", unit="km2", comparison="hazard_area_km2")
        road.metric = area
        comparison = bridge.compare(road)
        self.assertFalse(comparison.is_available)
        self.assertIn("part of Testland only", comparison.reason)
        road.scope_note = ""  # the same figure for the whole country is compared
        self.assertTrue(bridge.compare(road).is_available)
