"""The records' computed fields, constraints and rules, against real PostGIS."""

import datetime
import re
from contextlib import redirect_stdout
from io import StringIO

from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import TestCase
from django.utils import timezone

from contamination.models import HazardArea, Incident, LandRelease
from tests import factories


class ComputedFieldTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.country = factories.make_country()
        # West unit: 46..47 E; east unit: 47..48 E (both 39..41 N).
        cls.west = factories.make_unit(cls.country, code="AZ-W")
        cls.east = factories.make_unit(
            cls.country,
            code="AZ-E",
            geometry=factories.multi(Polygon.from_bbox((47, 39, 48, 41))),
        )

    def test_it_computes_the_geodesic_area_in_the_database(self):
        # 0.01° square at 40° N: 1,113 m × 853 m on the WGS 84 ellipsoid.
        area = factories.make_hazard_area(
            geometry=factories.multi(factories.square(46.5, 40, 0.01))
        )
        self.assertAlmostEqual(area.area_m2, 949_300, delta=2_000)

    def test_it_assigns_the_unit_with_the_largest_overlap(self):
        # 0.1° square straddling 47° E, three quarters of it in the east unit.
        polygon = Polygon.from_bbox((46.975, 40.0, 47.075, 40.1))
        area = factories.make_hazard_area(geometry=factories.multi(polygon))
        self.assertEqual(area.admin_area, self.east)

    def test_it_assigns_the_unit_that_contains_an_incident(self):
        incident = factories.make_incident(location=Point(46.2, 40.5, srid=4326))
        self.assertEqual(incident.admin_area, self.west)

    def test_a_single_polygon_is_stored_as_a_multipolygon(self):
        area = factories.make_hazard_area(geometry=factories.square(46.5, 40, 0.01))
        area.refresh_from_db()
        self.assertEqual(area.geometry.geom_type, "MultiPolygon")
        self.assertEqual(len(area.geometry), 1)

    def test_an_incident_knows_whether_it_lies_in_a_published_hazard_area(self):
        factories.make_hazard_area(geometry=factories.multi(factories.square(46.5, 40, 0.1)))
        inside = factories.make_incident(location=Point(46.55, 40.05, srid=4326))
        outside = factories.make_incident(location=Point(46.8, 40.5, srid=4326))
        self.assertTrue(inside.is_in_hazard_area)
        self.assertFalse(outside.is_in_hazard_area)

    def test_draft_hazard_areas_do_not_count_until_published(self):
        draft = factories.make_hazard_area(
            publication_status="draft",
            geometry=factories.multi(factories.square(46.5, 40, 0.1)),
        )
        incident = factories.make_incident(location=Point(46.55, 40.05, srid=4326))
        self.assertFalse(incident.is_in_hazard_area)

        HazardArea.objects.filter(pk=draft.pk).publish()
        incident.refresh_from_db()
        self.assertTrue(incident.is_in_hazard_area)

    def test_computed_fields_follow_raw_sql_updates(self):
        area = factories.make_hazard_area()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE contamination_hazardarea SET geometry = "
                "ST_Multi(ST_MakeEnvelope(47.5, 40, 47.52, 40.02, 4326)) WHERE id = %s",
                [area.pk],
            )
        area.refresh_from_db()
        self.assertEqual(area.admin_area, self.east)
        self.assertAlmostEqual(area.area_m2, 4 * 949_300, delta=10_000)

    def test_updated_at_moves_on_queryset_update(self):
        area = factories.make_hazard_area()
        before = area.updated_at
        HazardArea.objects.filter(pk=area.pk).update(name="Renamed")
        area.refresh_from_db()
        self.assertGreater(area.updated_at, before)


class ConstraintTests(TestCase):
    def test_the_database_refuses_an_invalid_polygon(self):
        # A bow tie: the ring crosses itself.
        with self.assertRaises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "INSERT INTO contamination_hazardarea (reference, name, category, status,"
                " hazard_types, blocked_land_use, geometry, geometry_precision,"
                " publication_status, is_demo, created_at, updated_at, retraction_note)"
                " VALUES ('X', 'x', 'cha', 'active', '{}', '{}',"
                " 'SRID=4326;MULTIPOLYGON(((0 0, 1 1, 1 0, 0 1, 0 0)))', 'surveyed',"
                " 'draft', false, now(), now(), '')"
            )

    def test_the_database_refuses_completion_before_start(self):
        release = factories.make_land_release()
        with self.assertRaises(IntegrityError), transaction.atomic():
            LandRelease.objects.filter(pk=release.pk).update(
                started_on=datetime.date(2023, 1, 2), completed_on=datetime.date(2023, 1, 1)
            )

    def test_the_database_refuses_negative_counts(self):
        release = factories.make_land_release()
        with self.assertRaises(IntegrityError), transaction.atomic():
            LandRelease.objects.filter(pk=release.pk).update(ap_mines_found=-1)

    def test_validation_explains_a_self_intersecting_polygon(self):
        bow_tie = Polygon(((46, 40), (46.1, 40.1), (46.1, 40), (46, 40.1), (46, 40)), srid=4326)
        with self.assertRaises(ValidationError) as caught:
            factories.make_hazard_area(geometry=factories.multi(bow_tie))
        self.assertIn("Self-intersection", str(caught.exception.message_dict["geometry"]))

    def test_validation_refuses_swapped_coordinates(self):
        with self.assertRaises(ValidationError) as caught:
            factories.make_incident(location=Point(40.2, 146.7, srid=4326))
        self.assertIn("swapped", str(caught.exception.message_dict["location"]))

    def test_validation_refuses_future_dates(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with self.assertRaises(ValidationError) as caught:
            factories.make_incident(occurred_on=tomorrow)
        self.assertIn("occurred_on", caught.exception.message_dict)

    def test_a_retraction_needs_a_note(self):
        with self.assertRaises(ValidationError) as caught:
            factories.make_incident(publication_status="retracted")
        self.assertIn("retraction_note", caught.exception.message_dict)


class HistoryTests(TestCase):
    """Every write path leaves an event: save, queryset.update, bulk_create, raw SQL, delete."""

    def events(self, model, pk):
        return list(
            model.pgh_event_model.objects.filter(pgh_obj_id=pk)
            .order_by("pgh_id")
            .values_list("pgh_label", flat=True)
        )

    def test_save_update_and_delete_are_recorded(self):
        incident = factories.make_incident(publication_status="draft")
        incident.summary = "Corrected"
        incident.save()
        pk = incident.pk
        incident.delete()
        self.assertEqual(self.events(Incident, pk), ["insert", "update", "delete"])

    def test_queryset_update_is_recorded(self):
        area = factories.make_hazard_area(publication_status="draft")
        HazardArea.objects.filter(pk=area.pk).publish()
        history = HazardArea.pgh_event_model.objects.filter(pgh_obj_id=area.pk).order_by("pgh_id")
        self.assertEqual([e.pgh_label for e in history], ["insert", "update"])
        self.assertEqual(history.last().publication_status, "published")

    def test_bulk_create_and_raw_sql_are_recorded(self):
        release = LandRelease(
            reference="LR-BULK",
            method="cleared",
            geometry=factories.multi(factories.square(46.6, 40, 0.01)),
        )
        (created,) = LandRelease.objects.bulk_create([release])
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE contamination_landrelease SET uxo_found = 3 WHERE id = %s", [created.pk]
            )
        self.assertEqual(self.events(LandRelease, created.pk), ["insert", "update"])


class TriggerInstallationTests(TestCase):
    def test_every_trigger_in_the_code_is_installed_in_the_database(self):
        out = StringIO()
        with redirect_stdout(out):  # the command prints rather than writing to self.stdout
            call_command("pgtrigger", "ls")
        # The command colours its output whatever it is told: strip the escape codes.
        text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
        lines = [line for line in text.splitlines() if line.strip()]
        self.assertTrue(any("HazardArea:computed_fields" in line for line in lines))
        problems = [line for line in lines if not line.startswith("INSTALLED")]
        self.assertEqual(problems, [])


class PartsOfARecordTests(TestCase):
    """Citations and casualties belong to their record: changing them changes the record."""

    def test_adding_a_citation_moves_the_record_and_is_in_history(self):
        area = factories.make_hazard_area()
        before = area.updated_at
        citation = area.citations.create(source=factories.make_source(), page="12")
        area.refresh_from_db()
        self.assertGreater(area.updated_at, before)
        self.assertEqual(
            list(citation.pgh_event_model.objects.values_list("pgh_label", flat=True)),
            ["insert"],
        )

    def test_removing_a_casualty_moves_the_incident(self):
        incident = factories.make_incident(casualties=[{"outcome": "killed"}])
        incident.refresh_from_db()
        before = incident.updated_at
        incident.casualties.get().delete()
        incident.refresh_from_db()
        self.assertGreater(incident.updated_at, before)


class ConstraintMessageTests(TestCase):
    """Rules kept only as database constraints still explain themselves before saving."""

    def test_a_release_completed_before_it_started_is_refused_with_the_reason(self):
        factories.make_country()
        with self.assertRaises(ValidationError) as raised:
            factories.make_land_release(
                started_on=datetime.date(2022, 6, 1), completed_on=datetime.date(2022, 1, 1)
            )
        self.assertIn("Completion cannot come before the start.", raised.exception.messages)
