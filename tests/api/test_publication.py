"""Drafts and retracted records never reach a public surface; retractions reach the feed."""

import io
import zipfile

from contamination.models import Casualty, Incident
from tests.api.dataset import HIDDEN, SINCE, APITestCase

PUBLIC_PATHS = [
    "/api/v1/hazard-areas/",
    "/api/v1/hazard-areas/?format=csv",
    "/api/v1/land-releases/",
    "/api/v1/land-releases/?format=csv",
    "/api/v1/incidents/",
    "/api/v1/incidents/?format=csv",
    "/api/v1/incidents/?q=DRAFT",
    "/api/v1/incidents/?q=RETRACTED",
]


class PublicationTests(APITestCase):
    def test_lists_show_published_records_only(self):
        for path in PUBLIC_PATHS:
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 200)
                for reference in HIDDEN:
                    self.assertNotIn(reference, response.content.decode())

    def test_lists_count_published_records_only(self):
        for path in ("/api/v1/hazard-areas/", "/api/v1/land-releases/", "/api/v1/incidents/"):
            with self.subTest(path=path):
                self.assertEqual(self.get(path).json()["count"], 3)
                self.assertEqual(self.get(path + "?page_size=1").json()["count"], 3)

    def test_a_draft_is_not_found_and_a_retracted_record_is_gone_with_its_note(self):
        draft = self.get("/api/v1/hazard-areas/4/")
        self.assertEqual(draft.status_code, 404)
        retracted = self.get("/api/v1/hazard-areas/5/")
        self.assertEqual(retracted.status_code, 410)
        self.assertEqual(retracted.json()["retraction_note"], "Duplicate of HA-1.")

    def test_statistics_count_published_records_only(self):
        summary = self.get("/api/v1/stats/summary/").json()
        # The draft and retracted incidents each have a killed casualty: neither counts.
        self.assertEqual(summary["casualties"]["killed"], 1)
        self.assertEqual(summary["casualties"]["incidents"], 3)
        self.assertEqual(summary["releases"]["count"], 3)
        self.assertEqual(summary["hazards"]["total_count"], 2)  # HA-3 is released
        areas = self.get("/api/v1/stats/areas/?level=0").json()["results"]
        self.assertEqual(areas[0]["incidents"], 3)
        self.assertEqual(areas[0]["killed"], 1)
        clusters = self.get("/api/v1/incidents/clusters/?zoom=0").json()["features"]
        self.assertEqual(sum(f["properties"]["count"] for f in clusters), 3)
        self.assertEqual(sum(f["properties"]["killed"] for f in clusters), 1)
        choropleth = self.get("/api/v1/areas/?level=0").json()["features"]
        self.assertEqual(choropleth[0]["properties"]["casualties"], 3)

    def test_downloads_hold_published_records_only(self):
        for extension in ("geojson.zip", "csv.zip"):
            with self.subTest(extension=extension):
                response = self.get(f"/api/v1/downloads/mine-atlas.{extension}")
                self.assertEqual(response.status_code, 200)
                archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
                for name in archive.namelist():
                    text = archive.read(name).decode()
                    for reference in HIDDEN:
                        self.assertNotIn(reference, text, name)

    def test_the_changes_feed_lists_retractions_and_deletions_but_never_drafts(self):
        results = self.get(f"/api/v1/changes/?since={SINCE}").json()["results"]
        changes = {row["reference"]: row["change"] for row in results}
        self.assertEqual(changes["HA-RETRACTED"], "retracted")
        self.assertEqual(changes["LR-RETRACTED"], "retracted")
        self.assertEqual(changes["IN-RETRACTED"], "retracted")
        self.assertEqual(changes["LR-DELETED"], "deleted")
        self.assertNotIn("HA-DRAFT", changes)
        self.assertNotIn("LR-DRAFT", changes)
        self.assertNotIn("IN-DRAFT", changes)
        retraction = next(row for row in results if row["reference"] == "HA-RETRACTED")
        self.assertEqual(retraction["retraction_note"], "Duplicate of HA-1.")

    def test_a_casualty_change_lists_its_incident_as_changed(self):
        incident = Incident.objects.get(reference="IN-3")
        Casualty.objects.create(incident=incident, outcome="injured")
        Casualty.objects.create(
            incident=Incident.objects.get(reference="IN-DRAFT"), outcome="injured"
        )
        results = self.get("/api/v1/changes/?since=2024-01-16").json()["results"]
        self.assertEqual(
            [(row["reference"], row["change"]) for row in results], [("IN-3", "changed")]
        )

    def test_the_changes_feed_starts_at_since(self):
        results = self.get("/api/v1/changes/?since=2024-01-15T12:01:30Z").json()["results"]
        self.assertEqual(
            [row["reference"] for row in results],
            ["HA-3", "IN-3", "LR-3", "HA-RETRACTED", "IN-RETRACTED", "LR-RETRACTED", "LR-DELETED"],
        )
        kinds = self.get("/api/v1/changes/?since=2024-01-15T12:01:30Z&kind=incident").json()
        self.assertEqual([row["reference"] for row in kinds["results"]], ["IN-3", "IN-RETRACTED"])
