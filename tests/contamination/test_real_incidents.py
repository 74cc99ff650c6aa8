"""The real incident list in data/incidents/: loaded as `make data` loads it, with its sources."""

import csv
import datetime
import io
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import TestCase
from django.urls import reverse

from contamination.importers.columns import CellError
from contamination.importers.sources import parse_source_note
from contamination.models import Casualty, HazardArea, Incident, LandRelease, Source

INCIDENTS_CSV = Path(settings.BASE_DIR) / "data" / "incidents" / "incidents.csv"
ACCESSED_ON = "2026-12-03"


def load_real_incidents():
    """What `make data` runs: boundaries, then the real incidents, published."""
    out = io.StringIO()
    call_command("load_boundaries", stdout=out)
    call_command(
        "import_records", "incidents", str(INCIDENTS_CSV), "--publish",
        "--accessed-on", ACCESSED_ON, stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    return out.getvalue()


class RealIncidentLoadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = load_real_incidents()

    def test_it_loads_122_published_real_incidents(self):
        self.assertEqual(Incident.objects.published().filter(is_demo=False).count(), 122)
        self.assertFalse(Incident.objects.exclude(publication_status="published").exists())

    def test_the_casualties_add_up_to_49_killed_and_139_injured(self):
        counts = dict(
            Casualty.objects.filter(incident__is_demo=False)
            .values_list("outcome")
            .annotate(n=Count("id"))
        )
        self.assertEqual(counts, {"killed": 49, "injured": 139})

    def test_incidents_cite_several_sources_with_publisher_and_dates(self):
        incident = Incident.objects.get(reference="RI-2020-004")
        sources = list(incident.sources.order_by("url"))
        self.assertEqual(len(sources), 7)
        trt = next(s for s in sources if "trtworld" in s.url)
        self.assertEqual(trt.publisher, "TRT World")
        self.assertEqual(trt.published_on, datetime.date(2020, 11, 28))
        self.assertEqual(trt.accessed_on, datetime.date(2026, 12, 3))
        undated = next(s for s in sources if "ensonhaber" in s.url)
        self.assertEqual(undated.publisher, "Ensonhaber (AA)")
        self.assertIsNone(undated.published_on)

    def test_one_source_cited_by_many_incidents_is_one_row(self):
        url = "https://jam-news.net/planted-mines-karabakh-post-war-casualties-azerbaijan-armenia-sappers/"
        self.assertEqual(Source.objects.filter(url=url).count(), 1)
        self.assertGreater(Source.objects.get(url=url).incident_set.count(), 3)

    def test_settlement_and_district_precision_are_kept(self):
        incident = Incident.objects.get(reference="RI-2020-004")
        self.assertEqual(incident.settlement, "Ashagi Seyidahmadli")
        self.assertEqual(incident.location_precision, "district")
        self.assertEqual(incident.admin_area.name_en, "Fuzuli")

    def test_month_only_dates_keep_their_precision(self):
        with open(INCIDENTS_CSV, newline="") as file:
            month_only = [
                r["reference"] for r in csv.DictReader(file) if len(r["occurred_on"]) == 7
            ]
        self.assertTrue(month_only)
        self.assertEqual(
            set(Incident.objects.filter(reference__in=month_only).values_list(
                "occurred_on_precision", flat=True
            )),
            {"month"},
        )  # fmt: skip

    def test_a_second_load_changes_nothing(self):
        sources_before = Source.objects.count()
        history_before = Incident.pgh_event_model.objects.count()
        output = load_real_incidents()
        self.assertIn("0 created, 0 updated, 122 unchanged", output)
        self.assertIn("0 created, 0 completed", output)
        self.assertEqual(Source.objects.count(), sources_before)
        self.assertEqual(Incident.pgh_event_model.objects.count(), history_before)

    def test_the_incident_page_lists_its_sources_and_settlement(self):
        incident = Incident.objects.get(reference="RI-2020-004")
        response = self.client.get(incident.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ashagi Seyidahmadli")
        # The list records no titles: the publisher is the link, and no placeholder title shows.
        self.assertRegex(
            response.content.decode(),
            r'<a href="https://trtworld\.com/asia/azerbaijan-mine-blast[^"]*" rel="noopener">'
            r"TRT World</a>, 28 November 2020, accessed 3 December 2026",
        )
        self.assertNotContains(response, "<cite></cite>")
        self.assertNotContains(response, "title not recorded")

    def test_untitled_sources_are_an_editors_to_do_in_the_admin(self):
        self.assertFalse(Source.objects.exclude(title="").exists())
        editor = get_user_model().objects.create_superuser("chief", "chief@example.org", "x" * 16)
        self.client.force_login(editor)
        response = self.client.get(
            reverse("admin:contamination_source_changelist") + "?title=missing"
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Missing (to do)")
        self.assertEqual(response.context["cl"].result_count, Source.objects.count())
        Source.objects.filter(publisher="TRT World").update(title="Mine blast in Fuzuli")
        response = self.client.get(
            reverse("admin:contamination_source_changelist") + "?title=missing"
        )
        self.assertEqual(response.context["cl"].result_count, Source.objects.count() - 1)

    def test_no_compilers_note_reaches_the_incident_page(self):
        incident = Incident.objects.get(reference="RI-2020-003")
        response = self.client.get(incident.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        # The raw source_notes cell and the editors' notes file are never shown.
        self.assertNotContains(response, "ria24.today (citing Russian MoD) n.d.")
        self.assertNotContains(response, "NOTES")
        self.assertNotContains(response, "Imported with an incident list")


class DemoAfterRealIncidentsTests(TestCase):
    def setUp(self):
        load_real_incidents()

    def demo(self, *args):
        out = io.StringIO()
        call_command("load_demo_data", *args, "--scale", "0.02", stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def test_no_demo_incidents_are_generated_beside_real_ones(self):
        self.demo("--if-empty")
        self.assertTrue(HazardArea.objects.filter(is_demo=True).exists())
        self.assertTrue(LandRelease.objects.filter(is_demo=True).exists())
        self.assertFalse(Incident.objects.filter(is_demo=True).exists())
        self.assertEqual(Incident.objects.count(), 122)

    def test_demo_zero_removes_every_demo_record(self):
        self.demo("--if-empty")
        output = self.demo("--remove")
        self.assertIn("Demo data removed", output)
        for model in (HazardArea, LandRelease, Incident):
            with self.subTest(model=model.__name__):
                self.assertFalse(model.objects.filter(is_demo=True).exists())
        self.assertEqual(Incident.objects.published().count(), 122)
        response = self.client.get("/en/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "demo data", status_code=200)


class SourceNotesTests(TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="source-notes-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        call_command("load_boundaries", stdout=io.StringIO())

    def test_notes_give_publisher_and_a_date_only_when_the_day_is_known(self):
        cases = {
            "JAMnews 2020-12-10": ("JAMnews", datetime.date(2020, 12, 10)),
            "Metbuat (citing Russian MoD) 2020-12": ("Metbuat (citing Russian MoD)", None),
            "Caucasian Knot n.d. (Aug 2025)": ("Caucasian Knot", None),
        }
        for note, expected in cases.items():
            with self.subTest(note=note):
                self.assertEqual(parse_source_note(note), expected)
        with self.assertRaises(CellError):
            parse_source_note("JAMnews")

    def test_a_row_whose_notes_do_not_match_its_urls_writes_nothing(self):
        path = self.folder / "bad.csv"
        path.write_text(
            "reference,occurred_on,lon,lat,sources,source_notes\n"
            "X-1,2021-05-01,47.3,39.5,https://example.org/a;https://example.org/b,"
            "Example 2021-05-02\n"
        )
        with self.assertRaisesMessage(
            CommandError, "sources lists 2 URL(s) but source_notes names 1"
        ):
            call_command("import_records", "incidents", str(path), stdout=io.StringIO())
        self.assertFalse(Source.objects.exists())
        self.assertFalse(Incident.objects.exists())

    def test_a_failed_row_import_leaves_no_new_source_behind(self):
        path = self.folder / "bad-date.csv"
        path.write_text(
            "reference,occurred_on,lon,lat,sources,source_notes\n"
            "X-2,2999-01-01,47.3,39.5,https://example.org/c,Example 2021-05-02\n"
        )
        with self.assertRaises(CommandError):
            call_command(
                "import_records", "incidents", str(path), stdout=io.StringIO(), stderr=io.StringIO()
            )
        self.assertFalse(Source.objects.exists())
        self.assertFalse(Incident.objects.exists())


class RealAndDemoSideBySideTests(TestCase):
    """Real incidents beside demo hazard areas and land releases: each surface tells them apart."""

    @classmethod
    def setUpTestData(cls):
        load_real_incidents()
        call_command(
            "load_demo_data", "--if-empty", "--scale", "0.02",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
        cls.demo_releases = LandRelease.objects.published().filter(is_demo=True).count()

    def preamble(self, name):
        response = self.client.get(f"/en/statistics/{name}.csv")
        self.assertEqual(response.status_code, 200)
        return [line for line in response.content.decode().splitlines() if line.startswith("#")]

    def test_the_casualty_chart_csv_says_none_of_its_records_is_demo(self):
        self.assertIn("# Demo: 0 of 122 records counted are generated demo records", self.preamble(
            "killed-injured"
        ))  # fmt: skip

    def test_the_land_release_chart_csv_says_all_of_its_records_are_demo(self):
        n = self.demo_releases
        self.assertIn(
            f"# Demo: {n} of {n} records counted are generated demo records (not real)",
            self.preamble("land-released"),
        )

    def test_the_home_page_warns_of_demo_data_and_calls_incidents_documented(self):
        response = self.client.get("/en/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "demo-notice")
        self.assertContains(response, "Documented incidents")
        self.assertContains(response, "not a complete register")

    def test_the_api_marks_each_record_demo_or_real(self):
        for path, expected in (
            ("/api/v1/incidents/?page_size=500", {False}),
            ("/api/v1/land-releases/?page_size=500", {True}),
        ):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                flags = {f["properties"]["is_demo"] for f in response.json()["features"]}
                self.assertEqual(flags, expected)

    def test_the_methodology_explains_how_incidents_are_found_and_deduplicated(self):
        response = self.client.get("/en/methodology/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "How incidents are documented")
        self.assertContains(response, "One event, one record.")

    def test_the_citation_says_which_kinds_of_record_are_demo(self):
        response = self.client.get("/en/data/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "its hazard areas and land releases include generated demo records"
        )


class CitationWithoutDemoTests(TestCase):
    def test_the_citation_has_no_demo_line_when_no_record_is_demo(self):
        load_real_incidents()
        response = self.client.get("/en/data/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "citation-demo")
