"""The editors' admin, used as a member of the Editors group (not a superuser)."""

import csv
import datetime
import io
import json
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contamination.admin import UPLOAD_SESSION_KEY
from contamination.models import HazardArea, Incident, Source
from tests import factories
from tests.factories import feature, feature_collection, square_geojson


def hazard_form_data(**overrides):
    """What the hazard-area change form posts, with the map widget's GeoJSON geometry."""
    data = {
        "reference": "ED-1",
        "name": "Orchard north of the road",
        "category": "sha",
        "status": "active",
        "hazard_types": ["ap_mine", "uxo"],
        "identified_on": "2023-04-02",
        "surveyed_by": "",
        "geometry": json.dumps(square_geojson(46.5, 40.0, 0.01)),
        "geometry_precision": "surveyed",
        "publication_status": "draft",
        "retraction_note": "",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


class EditorTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.country = factories.make_country()
        cls.unit = factories.make_unit(cls.country, code="AZ-AGM", name_en="Ağdam")
        cls.editor = factories.make_editor(username="editor")

    def setUp(self):
        self.client.force_login(self.editor)

    def changelist_action(self, model, action, records, **extra):
        url = reverse(f"admin:contamination_{model}_changelist")
        data = {"action": action, ACTION_CHECKBOX_NAME: [record.pk for record in records]}
        return self.client.post(url, {**data, **extra})


class RecordEditingTests(EditorTestCase):
    def test_the_add_form_has_a_map_widget_over_the_boundaries(self):
        response = self.client.get(reverse("admin:contamination_hazardarea_add"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "leaflet")
        self.assertContains(response, 'id="admin-boundaries-url"')
        self.assertContains(response, "admin-extra/boundaries.js")
        boundaries = self.client.get(reverse("admin:contamination_adminarea_boundaries"))
        self.assertEqual(boundaries.status_code, 200)
        names = [f["properties"]["name"] for f in json.loads(boundaries.content)["features"]]
        self.assertEqual(names, ["Ağdam"])

    def test_an_editor_creates_a_draft_by_posting_the_map_widget_geojson(self):
        response = self.client.post(
            reverse("admin:contamination_hazardarea_add"), hazard_form_data()
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and
                         response.context["adminform"].form.errors)  # fmt: skip
        area = HazardArea.objects.get(reference="ED-1")
        self.assertEqual(area.publication_status, "draft")
        self.assertEqual(area.hazard_types, ["ap_mine", "uxo"])
        self.assertEqual(area.geometry.geom_type, "MultiPolygon")
        self.assertEqual(area.admin_area, self.unit)

    def test_the_form_cannot_publish_or_retract_only_the_actions_can(self):
        self.client.post(
            reverse("admin:contamination_hazardarea_add"),
            hazard_form_data(publication_status="published"),
        )
        self.assertEqual(HazardArea.objects.get().publication_status, "draft")
        published = factories.make_hazard_area(reference="ED-2")
        self.client.post(
            reverse("admin:contamination_hazardarea_change", args=[published.pk]),
            hazard_form_data(reference="ED-2", publication_status="draft"),
        )
        published.refresh_from_db()
        self.assertEqual(published.publication_status, "published")
        self.assertEqual(published.name, "Orchard north of the road")

    def test_an_invalid_polygon_from_the_widget_gets_the_reason(self):
        bow_tie = factories.bow_tie_geojson(46.5, 40.0, 0.01)
        response = self.client.post(
            reverse("admin:contamination_hazardarea_add"),
            hazard_form_data(geometry=json.dumps(bow_tie)),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Self-intersection")
        self.assertFalse(HazardArea.objects.exists())

    def test_an_editor_adds_an_incident_with_casualties_inline(self):
        data = {
            "reference": "IN-ED",
            "occurred_on": "2023-05-01",
            "occurred_on_precision": "day",
            "device_type": "ap_mine",
            "activity": "agriculture",
            "summary": "",
            "location": json.dumps({"type": "Point", "coordinates": [46.7, 40.2]}),
            "location_precision": "approximate",
            "publication_status": "draft",
            "retraction_note": "",
            "casualties-TOTAL_FORMS": "2",
            "casualties-INITIAL_FORMS": "0",
            "casualties-MIN_NUM_FORMS": "0",
            "casualties-MAX_NUM_FORMS": "1000",
            "casualties-0-outcome": "killed",
            "casualties-0-group": "civilian",
            "casualties-0-sex": "male",
            "casualties-0-age_band": "adult",
            "casualties-1-outcome": "injured",
            "casualties-1-group": "civilian",
            "casualties-1-sex": "female",
            "casualties-1-age_band": "child",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
            "citations-MIN_NUM_FORMS": "0",
            "citations-MAX_NUM_FORMS": "1000",
        }
        response = self.client.post(reverse("admin:contamination_incident_add"), data)
        self.assertEqual(response.status_code, 302)
        incident = Incident.objects.get(reference="IN-ED")
        self.assertEqual(incident.casualties.count(), 2)
        self.assertEqual(incident.admin_area, self.unit)

    def test_publish_action_publishes_drafts(self):
        draft = factories.make_hazard_area(publication_status="draft")
        response = self.changelist_action("hazardarea", "publish_selected", [draft])
        self.assertEqual(response.status_code, 302)
        draft.refresh_from_db()
        self.assertEqual(draft.publication_status, "published")
        self.assertIsNotNone(draft.published_at)

    def test_retract_asks_for_a_public_note_and_requires_it(self):
        record = factories.make_hazard_area()
        response = self.changelist_action("hazardarea", "retract_selected", [record])
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Public retraction note")
        self.assertContains(response, str(record))

        response = self.changelist_action(
            "hazardarea", "retract_selected", [record], confirm_retract="1", note="  "
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "required", status_code=400)
        record.refresh_from_db()
        self.assertEqual(record.publication_status, "published")

        response = self.changelist_action(
            "hazardarea",
            "retract_selected",
            [record],
            confirm_retract="1",
            note="Duplicate of HA-2.",
        )
        self.assertEqual(response.status_code, 302)
        record.refresh_from_db()
        self.assertEqual(record.publication_status, "retracted")
        self.assertEqual(record.retraction_note, "Duplicate of HA-2.")
        self.assertIsNotNone(record.retracted_at)

    def test_retracting_after_select_all_retracts_exactly_the_listed_records(self):
        records = [factories.make_hazard_area() for _ in range(3)]
        draft = factories.make_hazard_area(publication_status="draft")
        response = self.changelist_action(
            "hazardarea", "retract_selected", records[:1], select_across="1"
        )
        self.assertEqual(response.context["records"], sorted(records, key=lambda r: r.reference))
        self.assertEqual(response.context["skipped"], 1)
        self.client.post(
            reverse("admin:contamination_hazardarea_changelist"),
            {
                "action": "retract_selected",
                ACTION_CHECKBOX_NAME: response.context["selected_ids"],
                "confirm_retract": "1",
                "note": "Area re-surveyed; see the new records.",
            },
        )
        self.assertEqual(HazardArea.objects.retracted().count(), 3)
        draft.refresh_from_db()
        self.assertEqual(draft.publication_status, "draft")

    def test_the_changelist_filters_and_keeps_its_query_count(self):
        url = reverse("admin:contamination_hazardarea_changelist")
        operator = factories.make_organisation()
        factories.make_hazard_area(surveyed_by=operator)
        with CaptureQueriesContext(connection) as few:
            self.assertEqual(self.client.get(url).status_code, 200)
        for _ in range(10):
            factories.make_hazard_area(surveyed_by=factories.make_organisation())
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)
        self.assertEqual(len(many), len(few))
        self.assertContains(response, "Import from a file")
        response = self.client.get(url, {"publication_status__exact": "draft"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["cl"].result_count, 0)


class DeletionTests(EditorTestCase):
    def test_editors_cannot_delete_but_superusers_can(self):
        record = factories.make_hazard_area()
        delete_url = reverse("admin:contamination_hazardarea_delete", args=[record.pk])
        self.assertEqual(self.client.get(delete_url).status_code, 403)
        self.assertEqual(self.client.post(delete_url, {"post": "yes"}).status_code, 403)
        changelist = self.client.get(reverse("admin:contamination_hazardarea_changelist"))
        self.assertNotIn("delete_selected", dict(changelist.context["action_form"].fields[
            "action"].choices))  # fmt: skip
        self.changelist_action("hazardarea", "delete_selected", [record], post="yes")
        change = self.client.get(reverse("admin:contamination_hazardarea_change",
                                         args=[record.pk]))  # fmt: skip
        self.assertNotContains(change, "deletelink")
        self.assertTrue(HazardArea.objects.filter(pk=record.pk).exists())

        self.client.force_login(factories.make_superuser())
        self.assertEqual(self.client.get(delete_url).status_code, 200)
        self.client.post(delete_url, {"post": "yes"})
        self.assertFalse(HazardArea.objects.filter(pk=record.pk).exists())


class PermissionTests(EditorTestCase):
    def test_every_admin_page_an_editor_uses_renders(self):
        records = {
            "hazardarea": factories.make_hazard_area(),
            "landrelease": factories.make_land_release(),
            "incident": factories.make_incident(casualties=[{"outcome": "killed"}]),
            "organisation": factories.make_organisation(),
            "source": factories.make_source(),
            "adminarea": self.unit,
        }
        for model, record in records.items():
            with self.subTest(model):
                for name, args in [
                    ("changelist", []),
                    ("change", [record.pk]),
                    ("history", [record.pk]),
                ]:
                    url = reverse(f"admin:contamination_{model}_{name}", args=args)
                    self.assertEqual(self.client.get(url).status_code, 200, url)
                add = self.client.get(reverse(f"admin:contamination_{model}_add"))
                # Boundaries are reference data: editors read them, never add them.
                self.assertEqual(add.status_code, 403 if model == "adminarea" else 200)

    def test_view_on_site_is_offered_for_published_records_only(self):
        draft = factories.make_hazard_area(publication_status="draft")
        response = self.client.get(
            reverse("admin:contamination_hazardarea_change", args=[draft.pk])
        )
        self.assertNotContains(response, "viewsitelink")

    def test_staff_without_change_permission_cannot_publish_or_retract(self):
        from django.contrib.auth.models import Permission, User

        viewer = User.objects.create_user("viewer", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_hazardarea"))
        self.client.force_login(viewer)
        draft = factories.make_hazard_area(publication_status="draft")
        published = factories.make_hazard_area()
        self.changelist_action("hazardarea", "publish_selected", [draft])
        self.changelist_action(
            "hazardarea", "retract_selected", [published], confirm_retract="1", note="No."
        )
        draft.refresh_from_db()
        published.refresh_from_db()
        self.assertEqual(draft.publication_status, "draft")
        self.assertEqual(published.publication_status, "published")
        response = self.client.get(reverse("admin:contamination_hazardarea_import"))
        self.assertEqual(response.status_code, 403)


class HistoryTests(EditorTestCase):
    def test_history_shows_who_changed_what(self):
        self.client.post(reverse("admin:contamination_hazardarea_add"), hazard_form_data())
        area = HazardArea.objects.get(reference="ED-1")
        self.client.post(
            reverse("admin:contamination_hazardarea_change", args=[area.pk]),
            hazard_form_data(name="Orchard south of the road"),
        )
        self.changelist_action("hazardarea", "publish_selected", [area])
        response = self.client.get(
            reverse("admin:contamination_hazardarea_history", args=[area.pk])
        )
        self.assertEqual(response.status_code, 200)
        events = response.context["events"]
        self.assertEqual([event["label"] for event in events], ["Changed", "Changed", "Created"])
        self.assertEqual({event["user"] for event in events}, {"editor"})
        self.assertIn(
            ("name", "Orchard north of the road", "Orchard south of the road"),
            events[1]["changes"],
        )
        self.assertIn(("publication status", "Draft", "Published"), events[0]["changes"])
        self.assertIn(("admin area", "", "Ağdam"), events[2]["changes"])
        self.assertContains(response, "Orchard south of the road")
        # What the public saw, in the changelog's words: nothing of the draft's edits.
        self.assertEqual(events[0]["public_change"].kind, "published")
        self.assertEqual([event["public_change"] for event in events[1:]], [None, None])
        self.assertContains(response, "nothing public")

    def test_the_history_page_query_count_does_not_grow_with_events(self):
        incident = factories.make_incident(casualties=[{"outcome": "killed"}])
        url = reverse("admin:contamination_incident_history", args=[incident.pk])
        with CaptureQueriesContext(connection) as few:
            self.assertEqual(self.client.get(url).status_code, 200)
        for number in range(5):
            Incident.objects.filter(pk=incident.pk).update(summary=f"Version {number}")
            factories.make_organisation()
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)
        self.assertEqual(len(many), len(few))
        self.assertContains(response, "Version 4")
        self.assertContains(response, "Casualty added")

    def test_an_editor_does_not_see_the_superuser_only_events_link(self):
        area = factories.make_hazard_area()
        response = self.client.get(reverse("admin:contamination_hazardarea_change",
                                           args=[area.pk]))  # fmt: skip
        self.assertContains(response, "historylink")
        self.assertNotContains(response, "events-admin")


class BulkUploadTests(EditorTestCase):
    def setUp(self):
        super().setUp()
        # Checked files wait in a folder of their own per test, removed afterwards.
        folder = Path(tempfile.mkdtemp(prefix="upload-test-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        patcher = mock.patch("contamination.admin.UPLOAD_DIRECTORY", folder)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.upload_folder = folder

    def upload(self, content, name="areas.geojson", **fields):
        if isinstance(content, dict):
            content = json.dumps(content).encode()
        data = {"kind": "hazard-areas", "file": SimpleUploadedFile(name, content), **fields}
        # The check runs as a job; the upload redirects to the job's page with its report.
        return self.client.post(reverse("admin:contamination_hazardarea_import"), data, follow=True)

    def confirm(self, token):
        return self.client.post(
            reverse("admin:contamination_hazardarea_import"),
            {"token": token, "confirm": "1"},
            follow=True,
        )

    def areas(self, *references):
        return feature_collection(
            *(
                feature(
                    square_geojson(46.5 + n / 100, 40, 0.005),
                    reference=ref,
                    name="A",
                    category="sha",
                )  # fmt: skip
                for n, ref in enumerate(references)
            )
        )

    def test_the_upload_page_is_linked_and_explains_the_columns(self):
        response = self.client.get(reverse("admin:contamination_hazardarea_import"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "geometry_precision")
        self.assertContains(response, "killed_civilian")

    def test_the_csv_template_imports_as_it_is(self):
        factories.make_organisation(name="ANAMA")
        factories.make_source(url="https://example.org/report")
        factories.make_hazard_area(reference="AGM-HA-0042")
        for model, kind in [
            ("hazardarea", "hazard-areas"),
            ("landrelease", "land-releases"),
            ("incident", "incidents"),
        ]:
            with self.subTest(kind):
                template = self.client.get(reverse(f"admin:contamination_{model}_template"))
                self.assertEqual(template["Content-Type"], "text/csv; charset=utf-8")
                header, example = list(csv.reader(io.StringIO(template.content.decode())))
                example[0] = "TEMPLATE-1"
                out = io.StringIO()
                csv.writer(out).writerows([header, example])
                content = out.getvalue().encode()
                response = self.client.post(
                    reverse("admin:contamination_hazardarea_import"),
                    {"kind": kind, "file": SimpleUploadedFile("template.csv", content)},
                    follow=True,
                )
                report = response.context["report"]
                self.assertTrue(report.ok, report.lines())
                self.assertEqual(report.created, ["TEMPLATE-1"])

    def test_a_dry_run_shows_the_report_then_confirm_imports_exactly_that(self):
        factories.make_hazard_area(reference="UP-1", name="A", publication_status="draft",
                                   category="sha", geometry=factories.multi(
                                       factories.square(46.5, 40, 0.005)))  # fmt: skip
        response = self.upload(self.areas("UP-1", "UP-2", "UP-3"))
        self.assertEqual(response.status_code, 200)
        report = response.context["report"]
        self.assertEqual((report.rows_read, len(report.created)), (3, 2))
        self.assertEqual(report.unchanged, ["UP-1"])
        self.assertContains(response, "Would be created")
        self.assertEqual(HazardArea.objects.count(), 1)
        token = response.context["token"]
        self.assertIn(token, self.client.session[UPLOAD_SESSION_KEY])

        response = self.confirm(token)
        job_url = response.redirect_chain[0][0]
        self.assertIn("/import/jobs/", job_url)
        self.assertEqual(response.redirect_chain[-1][0],
                         reverse("admin:contamination_hazardarea_changelist"))  # fmt: skip
        self.assertContains(response, "Imported 3 hazard areas as drafts")
        self.assertEqual(list(self.upload_folder.iterdir()), [])  # the checked file is gone
        self.assertEqual(
            sorted(HazardArea.objects.values_list("reference", "publication_status")),
            [("UP-1", "draft"), ("UP-2", "draft"), ("UP-3", "draft")],
        )
        event = HazardArea.objects.get(reference="UP-2").events.get()
        self.assertEqual(event.pgh_context.metadata["user"], self.editor.pk)

        # The token is spent: confirming twice imports nothing twice.
        response = self.confirm(token)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "no longer available", status_code=400)

    def test_confirm_refuses_when_the_records_changed_since_the_dry_run(self):
        response = self.upload(self.areas("UP-4"))
        factories.make_hazard_area(reference="UP-4", publication_status="draft")
        response = self.confirm(response.context["token"])
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "changed since the check")
        self.assertNotContains(response, "Import now")
        self.assertEqual(HazardArea.objects.get(reference="UP-4").name, "Field by the river")

    def test_bad_rows_are_listed_and_nothing_can_be_confirmed(self):
        collection = self.areas("UP-5")
        collection["features"].append(
            feature(
                {"type": "Point", "coordinates": [46.5, 40]},
                reference="UP-6",
                name="B",
                category="maybe",
            )  # fmt: skip
        )
        response = self.upload(collection)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "is a Point; hazard areas need")
        self.assertContains(response, "“maybe” is not one of the allowed values")
        self.assertNotContains(response, "Import now")
        self.assertIsNone(response.context["token"])
        self.assertEqual(list(self.upload_folder.iterdir()), [])  # nothing kept to confirm
        self.assertFalse(HazardArea.objects.exists())

    def test_a_file_that_is_not_what_it_says_is_a_form_error(self):
        # The content is checked by the job, whose page reports it.
        response = self.upload(b"<html>Sign in</html>")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "looks like an HTML page")
        response = self.upload(b"", name="areas.geojson")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "empty", status_code=400)
        response = self.upload(b"x", name="areas.exe")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "not a file type the importer reads", status_code=400)

    @override_settings(IMPORT_MAX_BYTES=1000)
    def test_a_file_over_the_limit_is_refused(self):
        with self.subTest("announced too large: refused before the body is read"):
            with mock.patch("django.http.multipartparser.MultiPartParser.parse") as parse:
                response = self.upload(b"{" + b" " * 200_000 + b"}")
            parse.assert_not_called()
            self.assertEqual(response.status_code, 413)
            self.assertContains(response, "larger than the limit", status_code=413)
        with self.subTest("over the limit within the envelope: not stored past the limit"):
            response = self.upload(b"{" + b" " * 2000 + b"}")
            self.assertEqual(response.status_code, 413)
            self.assertContains(response, "larger than the limit of 1000", status_code=413)
        self.assertFalse(HazardArea.objects.exists())

    def test_the_upload_keeps_its_csrf_protection(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.editor)
        response = client.post(
            reverse("admin:contamination_hazardarea_import"),
            {"kind": "hazard-areas", "file": SimpleUploadedFile("a.geojson", b"{}")},
        )
        self.assertEqual(response.status_code, 403)

    def test_publish_on_upload_publishes(self):
        response = self.upload(self.areas("UP-7"), publish="on")
        self.confirm(response.context["token"])
        self.assertEqual(HazardArea.objects.get().publication_status, "published")

    def test_the_upload_page_is_for_signed_in_staff_only(self):
        self.client.logout()
        response = self.client.get(reverse("admin:contamination_hazardarea_import"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])


class UploadCreatesSourcesTests(EditorTestCase):
    """The admin's upload creates the Sources of a `source_notes` column, as import_records does
    (the same step of the import engine), with the upload's day as their access date."""

    def setUp(self):
        super().setUp()
        folder = Path(tempfile.mkdtemp(prefix="upload-test-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        self.enterContext(mock.patch("contamination.admin.UPLOAD_DIRECTORY", folder))

    upload = BulkUploadTests.upload
    confirm = BulkUploadTests.confirm

    CSV = (
        b"reference,occurred_on,lon,lat,location_precision,sources,source_notes\n"
        b"UPS-1,2024-05-02,46.61,40.05,settlement,"
        b"https://news.example.org/a https://agency.example.org/b,"
        b"Example News 2024-05-03; Example Agency n.d.\n"
    )

    def upload_incidents(self, content):
        return self.upload(content, name="incidents.csv", kind="incidents", publish="on")

    def test_a_checked_then_confirmed_upload_cites_both_sources_on_the_public_page(self):
        response = self.upload_incidents(self.CSV)
        report = response.context["report"]
        self.assertTrue(report.ok, report.lines())
        self.assertContains(response, "Sources: 2 named, 2 created")
        self.assertFalse(Source.objects.exists())  # a check writes no Source

        response = self.confirm(response.context["token"])
        self.assertContains(response, "Imported 1 incidents as published")
        sources = Source.objects.order_by("url")
        self.assertEqual(
            [(s.url, s.publisher, s.published_on, s.accessed_on) for s in sources],
            [
                ("https://agency.example.org/b", "Example Agency", None, timezone.localdate()),
                (
                    "https://news.example.org/a",
                    "Example News",
                    datetime.date(2024, 5, 3),
                    timezone.localdate(),
                ),
            ],
        )
        incident = Incident.objects.get(reference="UPS-1")
        self.assertEqual(set(incident.sources.all()), set(sources))
        page = self.client.get(incident.get_absolute_url())
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'href="https://news.example.org/a"')
        self.assertContains(page, "Example News</a>, 3 May 2024")
        self.assertContains(page, 'href="https://agency.example.org/b"')
        self.assertContains(page, "Example Agency</a>")

    def test_notes_that_do_not_match_the_urls_are_a_problem_and_nothing_is_written(self):
        content = self.CSV.replace(b"; Example Agency n.d.", b"")
        response = self.upload_incidents(content)
        report = response.context["report"]
        self.assertFalse(report.ok)
        self.assertContains(response, "sources lists 2 URL(s) but source_notes names 1")
        self.assertIsNone(response.context["token"])
        self.assertFalse(Source.objects.exists())
        self.assertFalse(Incident.objects.exists())
