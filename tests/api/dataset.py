"""A small fixed dataset for the API tests, and the comparison with stored expected files.

Ids restart at 1 and every timestamp is frozen, so whole responses can be compared with the
files in tests/api/expected/ (the public contract). After a deliberate change to the
contract, regenerate them with `API_EXPECTED_UPDATE=1 make test` and review the diff.
"""

import datetime
import json
import os
from pathlib import Path

import pgtrigger
from django.apps import apps
from django.contrib.gis.geos import Point, Polygon
from django.core.cache import cache
from django.db import connection
from django.test import TestCase

from contamination.models import (
    HazardArea,
    HazardAreaSource,
    Incident,
    IncidentSource,
    LandRelease,
    Organisation,
    Source,
)
from tests import factories

EXPECTED = Path(__file__).parent / "expected"
UPDATE = os.environ.get("API_EXPECTED_UPDATE") == "1"
FROZEN = datetime.datetime(2024, 1, 15, 12, 0, tzinfo=datetime.UTC)
SINCE = "2024-01-01T00:00:00Z"

# References that must never appear on a public surface.
HIDDEN = ("HA-DRAFT", "HA-RETRACTED", "LR-DRAFT", "LR-RETRACTED", "IN-DRAFT", "IN-RETRACTED")


def restart_ids():
    """Make ids start at 1 in this test's transaction (sequences ignore rollbacks)."""
    with connection.cursor() as cursor:
        for model in apps.get_app_config("contamination").get_models():
            if model._meta.pk.name == "id" and not model._meta.db_table.endswith("event"):
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)",
                    [model._meta.db_table],
                )


def build():
    """Two units, two organisations, two sources, and published, draft and retracted records
    of each kind (one published release deleted outright)."""
    restart_ids()
    country = factories.make_country(name_en="Testland")
    # West half (46-47 E) and east half (47-48 E) of the test country.
    west = factories.make_unit(country, code="AZ-W", name_en="West")
    east = factories.make_unit(
        country,
        code="AZ-E",
        name_en="East",
        geometry=factories.multi(Polygon.from_bbox((47, 39, 48, 41))),
    )
    alpha = factories.make_organisation(name="Alpha Demining", acronym="ADM")
    beta = factories.make_organisation(
        name="Beta Mine Action Agency", acronym="BMAA", kind="national_authority", country="AZ"
    )
    # URLs given, not numbered by the factories: the stored contract must not depend on how
    # many sources earlier tests in the run made.
    annual = factories.make_source(
        title="Annual report 2023",
        published_on="2024-01-10",
        url="https://example.org/report-5",
    )
    survey = factories.make_source(
        title="Survey summary", published_on="2023-06-01", url="https://example.org/report-6"
    )

    ha1 = factories.make_hazard_area(
        reference="HA-1",
        name="Field by the river",
        category="cha",
        hazard_types=["ap_mine"],
        surveyed_by=beta,
        blocked_land_use=["agriculture"],
        identified_on="2021-03-01",
    )
    HazardAreaSource.objects.create(hazard_area=ha1, source=annual, page="12")
    # 0.02° square in the east unit; incident IN-3 lies inside it.
    factories.make_hazard_area(
        reference="HA-2",
        name="Orchard slope",
        category="sha",
        status="in_progress",
        hazard_types=["uxo", "cluster_munition"],
        geometry=factories.multi(factories.square(47.5, 40.0, 0.02)),
        identified_on="2022-07-15",
    )
    ha3 = factories.make_hazard_area(
        reference="HA-3",
        name="School road",
        status="released",
        geometry=factories.multi(factories.square(46.2, 39.5, 0.01)),
        identified_on="2020-11-20",
    )
    factories.make_hazard_area(reference="HA-DRAFT", name="Draft area", publication_status="draft")
    retracted = factories.make_hazard_area(reference="HA-RETRACTED", name="Duplicate area")
    HazardArea.objects.filter(pk=retracted.pk).retract("Duplicate of HA-1.")

    factories.make_land_release(
        reference="LR-1",
        method="cleared",
        hazard_area=ha3,
        organisation=alpha,
        geometry=factories.multi(factories.square(46.2, 39.5, 0.01)),
        started_on="2022-01-10",
        completed_on="2022-06-01",
        ap_mines_found=12,
        at_mines_found=2,
        uxo_found=5,
        other_items_found=1,
    )
    factories.make_land_release(
        reference="LR-2",
        method="reduced",
        organisation=alpha,
        geometry=factories.multi(factories.square(47.6, 40.1, 0.01)),
        started_on="2023-01-05",
        completed_on="2023-02-10",
        uxo_found=3,
    )
    factories.make_land_release(
        reference="LR-3",
        method="cancelled",
        organisation=beta,
        geometry=factories.multi(factories.square(47.7, 40.2, 0.02)),
        started_on="2023-09-01",
        completed_on="2023-09-30",
    )
    factories.make_land_release(reference="LR-DRAFT", publication_status="draft")
    retracted = factories.make_land_release(reference="LR-RETRACTED")
    LandRelease.objects.filter(pk=retracted.pk).retract("Area counted twice.")
    factories.make_land_release(reference="LR-DELETED").delete()

    incident = factories.make_incident(
        reference="IN-1",
        occurred_on="2022-05-01",
        location=Point(46.712344, 40.212344, srid=4326),
        location_precision="exact",
        device_type="at_mine",
        activity="agriculture",
        summary="A tractor struck a mine while ploughing.",
        casualties=[
            {"outcome": "killed", "group": "civilian", "sex": "male", "age_band": "adult"},
            {"outcome": "injured", "group": "civilian", "sex": "female", "age_band": "child"},
        ],
    )
    IncidentSource.objects.create(incident=incident, source=survey)
    factories.make_incident(
        reference="IN-2",
        occurred_on="2023-08-12",
        location=Point(47.345678, 40.456789, srid=4326),
        location_precision="settlement",
        casualties=[
            {"outcome": "injured", "group": "deminer", "sex": "male", "age_band": "adult"},
        ],
    )
    factories.make_incident(
        reference="IN-3",
        occurred_on="2021-12-01",
        occurred_on_precision="month",
        location=Point(47.51, 40.01, srid=4326),
        device_type="uxo",
    )
    factories.make_incident(
        reference="IN-DRAFT",
        publication_status="draft",
        casualties=[{"outcome": "killed", "group": "military"}],
    )
    retracted = factories.make_incident(
        reference="IN-RETRACTED", casualties=[{"outcome": "killed", "group": "civilian"}]
    )
    Incident.objects.filter(pk=retracted.pk).retract("Reported twice.")
    freeze_times()
    return {"country": country, "west": west, "east": east, "alpha": alpha, "beta": beta}


def freeze_times():
    """Give every record, organisation, source and history event a fixed timestamp."""
    minute = datetime.timedelta(minutes=1)
    half_minute = datetime.timedelta(seconds=30)
    with pgtrigger.ignore():  # the triggers would stamp the wall clock again
        for model in (HazardArea, LandRelease, Incident):
            for number, record in enumerate(model.objects.order_by("reference")):
                moment = FROZEN + number * minute
                retracted_at = moment + half_minute if record.retracted_at else None
                model.objects.filter(pk=record.pk).update(
                    updated_at=retracted_at or moment,
                    published_at=moment if record.published_at else None,
                    retracted_at=retracted_at,
                )
        Organisation.objects.update(updated_at=FROZEN)
        Source.objects.update(updated_at=FROZEN)
    with connection.cursor() as cursor:
        for model in apps.get_app_config("contamination").get_models():
            if model._meta.db_table.endswith("event"):
                cursor.execute(
                    f"UPDATE {model._meta.db_table} SET pgh_created_at = %s + CASE"
                    " WHEN pgh_label = 'delete' THEN interval '1 hour' ELSE interval '0' END",
                    [FROZEN],
                )
        for model in (HazardArea, LandRelease, Incident):
            cursor.execute(
                f"UPDATE {model._meta.db_table}event SET published_at = %s"
                " WHERE published_at IS NOT NULL",
                [FROZEN],
            )


class APITestCase(TestCase):
    """Builds the dataset once; every test starts with an empty cache (counts, throttles)."""

    @classmethod
    def setUpTestData(cls):
        cls.data = build()

    def setUp(self):
        cache.clear()

    def get(self, path, **headers):
        return self.client.get(path, headers=headers)

    def assertMatchesExpected(self, name, response):
        """Compare the whole body with tests/api/expected/<name> (JSON parsed, CSV as text)."""
        path = EXPECTED / name
        body = response.content.decode()
        if name.endswith(".json"):
            actual = json.dumps(json.loads(body), indent=1, ensure_ascii=False, sort_keys=False)
        else:
            actual = body.replace("\r\n", "\n")
        if UPDATE or not path.exists():
            if not UPDATE:
                self.fail(f"{path} is missing: run with API_EXPECTED_UPDATE=1 to create it.")
            path.write_text(actual + ("\n" if not actual.endswith("\n") else ""), encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        self.assertEqual(actual.rstrip("\n"), expected.rstrip("\n"), f"differs from {path}")
