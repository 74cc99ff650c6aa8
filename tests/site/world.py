"""A small world for the site's page tests: one country, two units, and for each record type
a published, a draft and a retracted record, so every page can prove it shows published
records only. The draft and retracted records carry references that must never appear in
figures or lists (`DRAFT-...`, `GONE-...`).
"""

import datetime

from django.core.cache import cache

from contamination.models import HazardAreaSource, IncidentSource, LandReleaseSource
from tests import factories


def build_world(test_class):
    """Create the records on `test_class` (call from setUpTestData)."""
    c = test_class
    c.country = factories.make_country()
    # West half (46-47 E) and east half (47-48 E) of the test country.
    c.west = factories.make_unit(c.country, code="AZ-WST", name_en="Westshire")
    c.east = factories.make_unit(
        c.country,
        code="AZ-EST",
        name_en="Eastshire",
        geometry=factories.multi(factories.square(47, 39, 1)),
    )
    c.source = factories.make_source(publisher="Demining Agency", title="Annual survey 2022")
    c.operator = factories.make_organisation(name="Field Operator", acronym="FO")
    c.hidden_operator = factories.make_organisation(name="Draft-only Operator")

    # ~0.95 km² confirmed area near 46.5 E 40.0 N, in Westshire.
    c.hazard = factories.make_hazard_area(
        reference="HA-PUB", name="Orchard edge", surveyed_by=c.operator, hazard_types=["ap_mine"]
    )
    HazardAreaSource.objects.create(hazard_area=c.hazard, source=c.source, page="p. 12")
    c.draft_hazard = factories.make_hazard_area(
        reference="DRAFT-HA",
        name="Secret draft name",
        publication_status="draft",
        geometry=factories.multi(factories.square(46.2, 40.2, 0.2)),
    )
    c.retracted_hazard = factories.make_hazard_area(
        reference="GONE-HA",
        publication_status="retracted",
        retraction_note="Entered twice; see HA-PUB.",
        geometry=factories.multi(factories.square(47.2, 39.5, 0.2)),
    )

    c.release = factories.make_land_release(
        reference="LR-PUB",
        hazard_area=c.hazard,
        organisation=c.operator,
        ap_mines_found=7,
        uxo_found=3,
        completed_on=datetime.date(2022, 6, 1),
    )
    LandReleaseSource.objects.create(land_release=c.release, source=c.source)
    c.draft_release = factories.make_land_release(
        reference="DRAFT-LR",
        publication_status="draft",
        organisation=c.hidden_operator,
        ap_mines_found=1000,
        geometry=factories.multi(factories.square(46.7, 40.3, 0.2)),
    )
    c.retracted_release = factories.make_land_release(
        reference="GONE-LR",
        publication_status="retracted",
        retraction_note="Wrong polygon.",
        ap_mines_found=500,
        geometry=factories.multi(factories.square(47.5, 39.5, 0.2)),
        completed_on=datetime.date(2023, 3, 1),
    )

    c.incident = factories.make_incident(
        reference="IN-PUB",
        occurred_on=datetime.date(2022, 5, 1),
        casualties=[
            {"outcome": "killed", "group": "civilian", "sex": "male", "age_band": "child"},
            {"outcome": "injured", "group": "deminer", "sex": "female", "age_band": "adult"},
        ],
    )
    IncidentSource.objects.create(incident=c.incident, source=c.source)
    c.draft_incident = factories.make_incident(
        reference="DRAFT-IN", publication_status="draft", casualties=[{"outcome": "killed"}] * 5
    )
    c.retracted_incident = factories.make_incident(
        reference="GONE-IN",
        publication_status="retracted",
        retraction_note="Not an explosive-ordnance incident.",
        casualties=[{"outcome": "killed"}] * 3,
    )


class CacheClearing:
    """Start each test with an empty cache, so query counts are those of a cold page."""

    def setUp(self):
        super().setUp()
        cache.clear()
