"""Build valid rows for tests: `make_x(**overrides)` saves after `full_clean()`.

Geometry near Ağdam (AZ-AGM, ~46.9 E 40.0 N) unless a test says otherwise; boundaries for
the tests are small squares, not the real ones, so that expected areas are easy to reason
about.
"""

import datetime
import itertools

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon

from contamination.models import (
    AdminArea,
    Casualty,
    HazardArea,
    Incident,
    LandRelease,
    Organisation,
    Source,
)

_sequence = itertools.count(1)


def square(min_lon, min_lat, size_deg):
    """A square polygon, bottom-left corner at (min_lon, min_lat), side size_deg degrees."""
    return Polygon.from_bbox((min_lon, min_lat, min_lon + size_deg, min_lat + size_deg))


def multi(*polygons):
    return MultiPolygon(*polygons, srid=4326)


def make_country(**kwargs):
    kwargs.setdefault("code", "AZ")
    kwargs.setdefault("iso_code", kwargs["code"])
    kwargs.setdefault("level", AdminArea.Level.COUNTRY)
    kwargs.setdefault("name_en", "Testland")
    # Square with bottom left at (46, 39), top right at (48, 41).
    kwargs.setdefault("geometry", multi(square(46, 39, 2)))
    area = AdminArea(**kwargs)
    area.full_clean()
    area.save()
    area.refresh_from_db()
    return area


def make_unit(parent, **kwargs):
    kwargs.setdefault("code", f"{parent.code}-U{next(_sequence)}")
    kwargs.setdefault("iso_code", kwargs["code"])
    kwargs.setdefault("level", AdminArea.Level.UNIT)
    kwargs.setdefault("name_en", f"Unit {kwargs['code']}")
    # West half of the test country by default.
    kwargs.setdefault("geometry", multi(Polygon.from_bbox((46, 39, 47, 41))))
    area = AdminArea(parent=parent, **kwargs)
    area.full_clean()
    area.save()
    area.refresh_from_db()
    return area


def make_organisation(**kwargs):
    kwargs.setdefault("name", f"Operator {next(_sequence)}")
    kwargs.setdefault("kind", Organisation.Kind.OPERATOR)
    organisation = Organisation(**kwargs)
    organisation.full_clean()
    organisation.save()
    return organisation


def make_source(**kwargs):
    number = next(_sequence)
    kwargs.setdefault("publisher", "Test Agency")
    kwargs.setdefault("title", f"Report {number}")
    kwargs.setdefault("url", f"https://example.org/report-{number}")
    kwargs.setdefault("published_on", datetime.date(2023, 1, 1))
    source = Source(**kwargs)
    source.full_clean()
    source.save()
    return source


def make_hazard_area(**kwargs):
    kwargs.setdefault("reference", f"HA-{next(_sequence)}")
    kwargs.setdefault("name", "Field by the river")
    kwargs.setdefault("category", HazardArea.Category.CONFIRMED)
    # 0.01° square near Ağdam, about 0.94 km².
    kwargs.setdefault("geometry", multi(square(46.5, 40.0, 0.01)))
    kwargs.setdefault("identified_on", datetime.date(2021, 3, 1))
    kwargs.setdefault("publication_status", "published")
    hazard_area = HazardArea(**kwargs)
    hazard_area.full_clean()
    hazard_area.save()
    return hazard_area


def make_land_release(**kwargs):
    kwargs.setdefault("reference", f"LR-{next(_sequence)}")
    kwargs.setdefault("method", LandRelease.Method.CLEARED)
    kwargs.setdefault("geometry", multi(square(46.6, 40.0, 0.01)))
    kwargs.setdefault("started_on", datetime.date(2022, 1, 1))
    kwargs.setdefault("completed_on", datetime.date(2022, 6, 1))
    kwargs.setdefault("publication_status", "published")
    release = LandRelease(**kwargs)
    release.full_clean()
    release.save()
    return release


def make_incident(casualties=(), **kwargs):
    """An incident; `casualties` is a list of dicts of Casualty fields."""
    kwargs.setdefault("reference", f"IN-{next(_sequence)}")
    kwargs.setdefault("occurred_on", datetime.date(2022, 5, 1))
    kwargs.setdefault("location", Point(46.7, 40.2, srid=4326))
    kwargs.setdefault("publication_status", "published")
    incident = Incident(**kwargs)
    incident.full_clean()
    incident.save()
    for fields in casualties:
        casualty = Casualty(incident=incident, **fields)
        casualty.full_clean()
        casualty.save()
    return incident


def geometry(ewkt):
    return GEOSGeometry(ewkt)


def editors_group():
    """The Editors group, made again if a flushing test (live server) removed it."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from contamination.permissions import EDITORS_GROUP, sync_editors_group

    if not Group.objects.filter(name=EDITORS_GROUP).exists():
        sync_editors_group(None, app_config=apps.get_app_config("contamination"), apps=apps)
    return Group.objects.get(name=EDITORS_GROUP)


def make_editor(**kwargs):
    """A staff user in the Editors group (created by migration 0002), not a superuser."""
    from django.contrib.auth.models import User

    kwargs.setdefault("username", f"editor{next(_sequence)}")
    user = User.objects.create_user(is_staff=True, password="a-long-test-password", **kwargs)
    user.groups.add(editors_group())
    return user


def make_superuser(**kwargs):
    from django.contrib.auth.models import User

    kwargs.setdefault("username", f"admin{next(_sequence)}")
    return User.objects.create_superuser(password="a-long-test-password", **kwargs)


def feature(geometry, **properties):
    """One GeoJSON Feature (a dict) for import tests; `geometry` is a GeoJSON dict or None."""
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def feature_collection(*features, crs=None):
    collection = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    return collection


def square_geojson(min_lon, min_lat, size_deg):
    """A GeoJSON Polygon dict: the square with bottom left at (min_lon, min_lat)."""
    x, y, s = min_lon, min_lat, size_deg
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]],
    }


def bow_tie_geojson(min_lon, min_lat, size_deg):
    """A self-intersecting GeoJSON Polygon (a bow tie), crossing itself at its centre."""
    x, y, s = min_lon, min_lat, size_deg
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + s, y + s], [x + s, y], [x, y + s], [x, y]]],
    }


# --- Statements and claims ----------------------------------------------------------------


def make_person(**kwargs):
    from statements.models import Person

    number = next(_sequence)
    kwargs.setdefault("key", f"person-{number}")
    kwargs.setdefault("name", f"Speaker {number}")
    person = Person(**kwargs)
    person.full_clean()
    person.save()
    return person


def make_metric(**kwargs):
    from statements.models import Metric

    kwargs.setdefault("code", f"metric_{next(_sequence)}")
    if "label" not in kwargs:  # the default metric has its words in every language
        kwargs.update(
            label="Land released since a date",
            label_az="Müəyyən tarixdən bəri azad edilmiş ərazi",
            label_ru="Земли, высвобожденные с указанной даты",
        )
    kwargs.setdefault("unit", "km2")
    metric = Metric(**kwargs)
    metric.full_clean()
    metric.save()
    return metric


def make_statement(sources=(), **kwargs):
    """A published verbatim statement; pass speaker_person/organisation or get a new person."""
    from statements.models import Statement, StatementSource

    kwargs.setdefault("reference", f"statement-{next(_sequence)}")
    if "speaker_person" not in kwargs and "speaker_organisation" not in kwargs:
        kwargs["speaker_person"] = make_person()
    kwargs.setdefault("side", "int")
    kwargs.setdefault("date", datetime.date(2023, 5, 25))
    kwargs.setdefault("date_precision", "day" if kwargs["date"] else "unknown")
    kwargs.setdefault("occasion", Statement.Occasion.SPEECH)
    kwargs.setdefault("text_kind", Statement.TextKind.VERBATIM)
    kwargs.setdefault("language", "en")
    kwargs.setdefault("text", "To date, 64,000 hectares have been cleared of mines.")
    kwargs.setdefault("publication_status", "published")
    statement = Statement(**kwargs)
    statement.full_clean()
    statement.save()
    for position, source in enumerate(sources):
        StatementSource.objects.create(statement=statement, source=source, position=position)
    return statement


def make_claim(statement, **kwargs):
    from statements.models import Claim

    kwargs.setdefault("position", statement.claims.count())
    kwargs.setdefault("excerpt", "64,000 hectares")
    if "metric" not in kwargs:
        kwargs["metric"] = make_metric()
    kwargs.setdefault("value", 64000)
    kwargs.setdefault("unit", "ha")
    kwargs.setdefault("as_of", statement.date)
    kwargs.setdefault("as_of_precision", "day" if kwargs["as_of"] else "unknown")
    claim = Claim(statement=statement, **kwargs)
    claim.full_clean()
    claim.save()
    return claim
