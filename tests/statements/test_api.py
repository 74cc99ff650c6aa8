import csv
import datetime
import io
import json
import os
import re
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from contamination.models import Organisation
from statements.models import Claim, Metric
from tests import factories

SNAPSHOTS = Path(__file__).parent / "responses"
STATEMENTS_PATHS = ("/api/v1/statements/", "/api/v1/claims/", "/api/v1/people/", "/api/v1/metrics/")


def without_timestamps(data):
    """Drop the fields the database stamps at write time, so that snapshots are stable."""
    if isinstance(data, dict):
        return {
            key: without_timestamps(value)
            for key, value in data.items()
            if key not in ("published_at", "updated_at", "id")
        }
    if isinstance(data, list):
        return [without_timestamps(item) for item in data]
    return data


class StatementsAPITests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.country = factories.make_country()
        anama = factories.make_organisation(
            name="Mine Action Agency",
            acronym="ANAMA",
            kind=Organisation.Kind.NATIONAL_AUTHORITY,
            country="AZ",
            website="https://example.org/anama",
        )
        cls.metric = factories.make_metric(
            code="area_cleared_since_2020",
            label="Area cleared since the end of the 2020 war",
            unit="ha",
            description="Land cleared since 10 November 2020.",
            comparison=Metric.Comparison.LAND_CLEARED,
        )
        cls.other_metric = factories.make_metric(code="draft_metric", unit="ha")
        person = factories.make_person(
            key="vugar-suleymanov", name="Vugar Suleymanov", name_variants=["Vüqar Süleymanov"]
        )
        source = factories.make_source(
            publisher="Trend",
            title="ANAMA chairman on demining",
            url="https://example.org/trend",
            published_on=datetime.date(2023, 5, 25),
            language="en",
        )
        cls.statement = factories.make_statement(
            reference="suleymanov-2023-05-25",
            speaker_person=person,
            speaker_organisation=anama,
            speaker_role="Chairman of the Board, ANAMA",
            side="az",
            text="So far, 81,386 hectares have been cleared.",
            sources=[source],
        )
        factories.make_claim(
            cls.statement,
            excerpt="81,386 hectares",
            metric=cls.metric,
            value=81386,
            unit="ha",
            since=datetime.date(2020, 11, 10),
            scope=cls.country,
            note="Date of the event from a second outlet.",
        )
        draft_person = factories.make_person(key="draft-person", name="Draft Person")
        draft = factories.make_statement(
            reference="draft", speaker_person=draft_person, publication_status="draft"
        )
        factories.make_claim(draft, metric=cls.other_metric)
        retracted = factories.make_statement(
            reference="retracted",
            speaker_person=factories.make_person(key="retracted-person", name="Retracted"),
            publication_status="retracted",
            retraction_note="Wrong speaker.",
        )
        factories.make_claim(retracted, metric=cls.other_metric)

    def test_the_statement_contract_matches_the_stored_response(self):
        response = self.client.get("/api/v1/statements/suleymanov-2023-05-25/")
        self.assertEqual(response.status_code, 200)
        data = without_timestamps(response.json())
        path = SNAPSHOTS / "statement_detail.json"
        if os.environ.get("UPDATE_API_SNAPSHOTS"):
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        self.assertEqual(data, json.loads(path.read_text()))

    def test_every_endpoint_lists_published_statements_only(self):
        cases = {
            "/api/v1/statements/": ("key", ["suleymanov-2023-05-25"]),
            "/api/v1/claims/": ("statement", ["suleymanov-2023-05-25"]),
            "/api/v1/people/": ("key", ["vugar-suleymanov"]),
            "/api/v1/metrics/": ("code", ["area_cleared_since_2020"]),
        }
        for url, (field, expected) in cases.items():
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual([row[field] for row in response.json()["results"]], expected)
                csv_rows = list(
                    csv.DictReader(
                        io.StringIO(self.client.get(url, {"format": "csv"}).content.decode())
                    )
                )
                self.assertEqual([row[field] for row in csv_rows], expected)

    def test_a_claim_comes_with_what_the_records_show(self):
        claim = self.statement.claims.get()
        response = self.client.get(f"/api/v1/claims/{claim.pk}/")
        records = response.json()["records"]
        self.assertEqual(records["comparison"], "land_cleared")
        self.assertIsNone(records["value"])
        self.assertEqual(records["reason"], "No published records cover this area and period.")
        factories.make_land_release(is_demo=True)
        records = self.client.get(f"/api/v1/claims/{claim.pk}/").json()["records"]
        self.assertAlmostEqual(records["value"], 94.80992119150162)  # ha, one 0.01° square
        self.assertEqual(records["unit"], "ha")
        self.assertEqual(records["since"], "2020-11-10")
        self.assertEqual(records["coverage"]["records"], 1)
        self.assertEqual(records["coverage"]["demo_records"], 1)
        self.assertEqual(records["note"], "")

    def test_an_undated_claim_is_compared_with_the_latest_records_and_says_so(self):
        undated = factories.make_statement(
            date=None, date_precision="unknown", text="64,000 hectares were cleared."
        )
        claim = factories.make_claim(
            undated, metric=self.metric, since=datetime.date(2020, 11, 10), scope=self.country
        )
        records = self.client.get(f"/api/v1/claims/{claim.pk}/").json()["records"]
        self.assertEqual(records["as_of"], timezone.localdate().isoformat())
        self.assertIn("set beside the latest records", records["note"])
        page = self.client.get(undated.get_absolute_url())
        self.assertContains(page, "set beside the latest records, counted to today")
        self.assertNotContains(page, "Neither the claim nor the statement is dated.</p>")

    def test_drafts_and_retractions_have_no_detail(self):
        hidden_claims = Claim.objects.exclude(statement=self.statement).values_list("pk", flat=True)
        self.assertEqual(len(hidden_claims), 2)
        for url in (
            "/api/v1/statements/draft/",
            "/api/v1/statements/retracted/",
            "/api/v1/people/draft-person/",
            "/api/v1/metrics/draft_metric/",
            *(f"/api/v1/claims/{pk}/" for pk in hidden_claims),
            "/api/v1/claims/99999999999999999999/",
        ):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_filters(self):
        cases = {
            "/api/v1/statements/?speaker=vugar-suleymanov": 1,
            "/api/v1/statements/?speaker=draft-person": 0,
            "/api/v1/statements/?organisation=ANAMA": 1,
            "/api/v1/statements/?country=az": 1,
            "/api/v1/statements/?side=am": 0,
            "/api/v1/statements/?metric=area_cleared_since_2020": 1,
            "/api/v1/statements/?date_from=2024-01-01": 0,
            "/api/v1/statements/?q=hectares": 1,
            "/api/v1/claims/?metric=area_cleared_since_2020&scope=az": 1,
            "/api/v1/claims/?as_of_to=2022-01-01": 0,
            "/api/v1/people/?q=Vüqar": 1,
            "/api/v1/metrics/?comparison=land_cleared": 1,
        }
        for url, count in cases.items():
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["count"], count)

    def test_bad_filters_are_a_400_with_the_reason(self):
        for url in (
            "/api/v1/statements/?date_from=yesterday",
            "/api/v1/statements/?occasion=rumour",
            "/api/v1/claims/?as_of_from=2023-02-30",
            "/api/v1/metrics/?comparison=everything",
            "/api/v1/statements/?q=%00",
            "/api/v1/statements/?updated_since=yesterday",
            "/api/v1/statements/?speakr=vugar-suleymanov",
        ):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 400)
                self.assertTrue(response.json())

    def test_csv_has_one_flat_row_per_claim(self):
        response = self.client.get("/api/v1/claims/", {"format": "csv"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="claims.csv"')
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        self.assertEqual(rows[0]["excerpt"], "81,386 hectares")
        self.assertEqual(rows[0]["value_display"], "81,386 ha")
        self.assertEqual(rows[0]["scope"], "AZ")

    def test_list_query_counts_do_not_grow_with_the_rows(self):
        person = factories.make_person(key="frequent", name="Frequent")
        for day in range(1, 11):
            statement = factories.make_statement(
                speaker_person=person, date=datetime.date(2022, 1, day)
            )
            factories.make_claim(statement, metric=self.metric, scope=self.country)
        # rate-limit counter, count, page, citations with sources, claims with metric and
        # scope, and the data version (config/public_answers.py)
        with self.assertNumQueries(6):
            self.assertEqual(self.client.get("/api/v1/statements/").status_code, 200)
        with self.assertNumQueries(4):
            self.assertEqual(self.client.get("/api/v1/claims/").status_code, 200)
        with self.assertNumQueries(5):
            self.assertEqual(
                self.client.get("/api/v1/statements/", {"format": "csv"}).status_code, 200
            )

    def test_the_schema_describes_the_statements_endpoints_without_warnings(self):
        out = io.StringIO()
        call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
        schema = out.getvalue()
        for path in (
            "/api/v1/statements/",
            "/api/v1/claims/",
            "/api/v1/people/",
            "/api/v1/metrics/",
        ):
            self.assertIn(f"  {path}:", schema)


class StatementsSchemaTests(TestCase):
    def test_every_field_and_parameter_of_the_statements_api_is_described(self):
        from django.core.cache import cache

        from tests.api.test_schema import undescribed_fields

        cache.clear()  # the schema view is rate-limited
        document = self.client.get("/api/v1/schema/?format=json").json()
        paths = {
            path: operations
            for path, operations in document["paths"].items()
            if path.startswith(STATEMENTS_PATHS)
        }
        self.assertEqual(len(paths), 8)
        names = {
            reference.rsplit("/", 1)[-1]
            for reference in re.findall(r'"\$ref": "([^"]+)"', json.dumps(paths))
        }
        # Follow nested components (Statement -> Claim, Citation -> Source, ...).
        pending = set(names)
        while pending:
            component = document["components"]["schemas"][pending.pop()]
            for reference in re.findall(r'"\$ref": "([^"]+)"', json.dumps(component)):
                name = reference.rsplit("/", 1)[-1]
                if name not in names:
                    names.add(name)
                    pending.add(name)
        components = {name: document["components"]["schemas"][name] for name in names}
        self.assertEqual(undescribed_fields(components), [])
        for path, operations in paths.items():
            for method, operation in operations.items():
                with self.subTest(f"{method} {path}"):
                    self.assertTrue(operation.get("description"))
                    for parameter in operation.get("parameters", []):
                        self.assertTrue(parameter.get("description"), parameter["name"])
