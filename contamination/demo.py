"""Deterministic demo geodata, for trying the software. Every row says it is demo.

The records are placed where contamination really is — the Karabakh and East Zangezur
economic regions — but their numbers are random draws, not tuned to any statement: a demo
figure beside a real claim must not look like evidence for or against it.
"""

import datetime
import math
import random
from dataclasses import dataclass

from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import transaction

from contamination.models import (
    AdminArea,
    Casualty,
    HazardArea,
    HazardAreaSource,
    Incident,
    IncidentSource,
    LandRelease,
    LandReleaseSource,
    Organisation,
    Source,
)

DEMO_REGIONS = ("Karabakh", "East Zangezur")
# Units of those regions that were never on the far side of the line of contact get a small
# share, so that the demo map is not uniform across the whole region.
LOW_WEIGHT_UNITS = {"AZ-AGC", "AZ-BAR"}
DEMO_OPERATORS = ("Demo Operator North", "Demo Operator South", "Demo Survey Team")
DEMO_SOURCE_URL = "https://mine-atlas.invalid/demo-data"

START = datetime.date(2020, 11, 10)
END = datetime.date(2026, 10, 31)
BATCH = 2_000

# Counts at --scale 1.
BASE_COUNTS = {"hazard_areas": 400, "land_releases": 600, "incidents": 500}


@dataclass
class DemoCounts:
    hazard_areas: int
    land_releases: int
    incidents: int
    casualties: int = 0


def random_date(rng, start=START, end=END):
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def blob(rng, lon, lat, radius_m):
    """A star-shaped (so always simple) polygon of about radius_m around a point."""
    vertices = rng.randint(6, 12)
    # Evenly spaced angles with jitter: vertices stay in angular order around the centre, so
    # the ring never crosses itself.
    step = 2 * math.pi / vertices
    angles = [step * (i + rng.uniform(-0.3, 0.3)) for i in range(vertices)]
    metres_per_degree_lon = 111_320 * math.cos(math.radians(lat))
    ring = []
    for angle in angles:
        distance = radius_m * rng.uniform(0.55, 1.0)
        ring.append(
            (
                round(lon + distance * math.cos(angle) / metres_per_degree_lon, 6),
                round(lat + distance * math.sin(angle) / 110_574, 6),
            )
        )
    ring.append(ring[0])
    return Polygon(ring, srid=4326)


class UnitSampler:
    """Random points inside the demo units, units weighted by area."""

    def __init__(self, rng, units):
        self.rng = rng
        self.units = list(units)
        self.weights = [
            (unit.area_km2 or 1) * (0.1 if unit.code in LOW_WEIGHT_UNITS else 1.0)
            for unit in self.units
        ]
        self.prepared = [unit.geometry.prepared for unit in self.units]

    def point(self):
        index = self.rng.choices(range(len(self.units)), weights=self.weights)[0]
        unit, prepared = self.units[index], self.prepared[index]
        min_x, min_y, max_x, max_y = unit.geometry.extent
        while True:
            candidate = Point(
                self.rng.uniform(min_x, max_x), self.rng.uniform(min_y, max_y), srid=4326
            )
            if prepared.contains(candidate):
                return candidate


def demo_units():
    units = AdminArea.objects.units().filter(economic_region__in=DEMO_REGIONS)
    return list(units) or list(AdminArea.objects.units())


def demo_source():
    source, _ = Source.objects.get_or_create(
        url=DEMO_SOURCE_URL,
        defaults={
            "publisher": "Mine Atlas",
            "title": "Generated demo data (not real records)",
            "note": "Created by `manage.py load_demo_data` to show how the software works.",
        },
    )
    return source


def demo_operators():
    return [
        Organisation.objects.get_or_create(
            name=name, defaults={"kind": Organisation.Kind.OPERATOR, "acronym": "DEMO"}
        )[0]
        for name in DEMO_OPERATORS
    ]


def delete_demo_incidents():
    """Delete the demo incidents and their casualties; return how many incidents went."""
    Casualty.objects.filter(incident__is_demo=True).delete()
    return Incident.objects.filter(is_demo=True).delete()[1].get(Incident._meta.label, 0)


def delete_demo_records():
    """Delete every demo record; return how many records (not casualties) went."""
    removed = delete_demo_incidents()
    removed += LandRelease.objects.filter(is_demo=True).delete()[1].get(LandRelease._meta.label, 0)
    removed += HazardArea.objects.filter(is_demo=True).delete()[1].get(HazardArea._meta.label, 0)
    return removed


@transaction.atomic
def generate(seed, counts, progress=None):
    """Create the demo records; returns what was created. Deterministic for a seed."""
    rng = random.Random(seed)
    sampler = UnitSampler(rng, demo_units())
    operators = demo_operators()
    source = demo_source()
    common = {"is_demo": True, "publication_status": "published"}

    hazard_areas = []
    for number in range(1, counts.hazard_areas + 1):
        centre = sampler.point()
        confirmed = rng.random() < 0.45
        hazard_areas.append(
            HazardArea(
                reference=f"DEMO-HA-{number:06d}",
                name=f"Demo area {number}",
                category="cha" if confirmed else "sha",
                status=rng.choices(["active", "in_progress", "released"], [70, 15, 15])[0],
                hazard_types=sorted(
                    rng.sample([c.value for c in HazardArea.HazardType], rng.choice([1, 1, 2, 3]))
                ),
                geometry=MultiPolygon(
                    blob(rng, centre.x, centre.y, rng.uniform(150, 1_200 if confirmed else 2_500))
                ),
                identified_on=random_date(rng),
                surveyed_by=rng.choice(operators),
                geometry_precision=rng.choice(["surveyed", "surveyed", "sketched"]),
                blocked_land_use=sorted(
                    rng.sample([c.value for c in HazardArea.LandUse], rng.choice([1, 2]))
                ),
                **common,
            )
        )
    hazard_areas = _bulk_create(HazardArea, hazard_areas, progress)
    HazardAreaSource.objects.bulk_create(
        [HazardAreaSource(hazard_area=area, source=source) for area in hazard_areas],
        batch_size=BATCH,
    )

    releases = []
    for number in range(1, counts.land_releases + 1):
        method = rng.choices(["cancelled", "reduced", "cleared"], [30, 25, 45])[0]
        if hazard_areas and rng.random() < 0.6:
            hazard_area = rng.choice(hazard_areas)
            centre = hazard_area.geometry.centroid
        else:
            hazard_area, centre = None, sampler.point()
        started_on = random_date(rng, START, END - datetime.timedelta(days=200))
        completed_on = started_on + datetime.timedelta(days=rng.randrange(10, 200))
        items = {"cancelled": 0, "reduced": 1, "cleared": 4}[method]
        releases.append(
            LandRelease(
                reference=f"DEMO-LR-{number:06d}",
                hazard_area=hazard_area,
                method=method,
                geometry=MultiPolygon(blob(rng, centre.x, centre.y, rng.uniform(100, 900))),
                started_on=started_on,
                completed_on=completed_on,
                organisation=rng.choice(operators),
                ap_mines_found=rng.randrange(0, 40 * items + 1),
                at_mines_found=rng.randrange(0, 8 * items + 1),
                uxo_found=rng.randrange(0, 30 * items + 1),
                other_items_found=rng.randrange(0, 5 * items + 1),
                **common,
            )
        )
    releases = _bulk_create(LandRelease, releases, progress)
    LandReleaseSource.objects.bulk_create(
        [LandReleaseSource(land_release=release, source=source) for release in releases],
        batch_size=BATCH,
    )

    incidents, casualty_plans = [], []
    for number in range(1, counts.incidents + 1):
        if hazard_areas and rng.random() < 0.5:
            location = rng.choice(hazard_areas).geometry.point_on_surface
        else:
            location = sampler.point()
        location.srid = 4326
        demining = rng.random() < 0.15
        incidents.append(
            Incident(
                reference=f"DEMO-IN-{number:06d}",
                occurred_on=random_date(rng),
                occurred_on_precision=rng.choices(["day", "month", "year"], [80, 15, 5])[0],
                location=location,
                location_precision=rng.choice(["exact", "approximate", "settlement"]),
                device_type=rng.choice([c.value for c in Incident.DeviceType]),
                activity="demining"
                if demining
                else rng.choice([c.value for c in Incident.Activity if c != "demining"]),
                summary="Generated demo incident.",
                **common,
            )
        )
        casualty_plans.append((demining, rng.choices([1, 1, 1, 2, 2, 3], k=1)[0]))
    incidents = _bulk_create(Incident, incidents, progress)
    IncidentSource.objects.bulk_create(
        [IncidentSource(incident=incident, source=source) for incident in incidents],
        batch_size=BATCH,
    )

    casualties = []
    for incident, (demining, people) in zip(incidents, casualty_plans, strict=True):
        for _ in range(people):
            child = not demining and rng.random() < 0.12
            casualties.append(
                Casualty(
                    incident=incident,
                    outcome=rng.choices(["killed", "injured"], [25, 75])[0],
                    group="deminer"
                    if demining
                    else rng.choices(["civilian", "military", "unknown"], [70, 20, 10])[0],
                    sex=rng.choices(["male", "female", "unknown"], [80, 12, 8])[0],
                    age_band="child" if child else rng.choices(["adult", "unknown"], [90, 10])[0],
                )
            )
    Casualty.objects.bulk_create(casualties, batch_size=BATCH)
    return DemoCounts(len(hazard_areas), len(releases), len(incidents), len(casualties))


def _bulk_create(model, rows, progress):
    created = []
    for start in range(0, len(rows), BATCH):
        created += model.objects.bulk_create(rows[start : start + BATCH])
        if progress:
            progress(f"{model._meta.verbose_name_plural}: {len(created):,}/{len(rows):,}")
    return created
