"""Load country and first-level boundaries from data/boundaries/*.geojson."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from contamination.fields import as_multipolygon
from contamination.models import AdminArea

BOUNDARY_SOURCE = "Natural Earth 1:10m admin-0/admin-1 (public domain), see data/SOURCES.md"


def readable_code(country_code, name_en):
    """A code for a unit without an ISO 3166-2 code, made from its name: AZ-SHUSHA-CITY.

    A reader recognises the place in the address, unlike the boundary source's own id.
    """
    code = f"{country_code}-{slugify(name_en)}".upper()
    return code[: AdminArea._meta.get_field("code").max_length].rstrip("-")


def area_fields(properties):
    """Map one feature's properties to AdminArea fields; level 0 has iso_a2, level 1 ISO 3166-2."""
    if properties.get("iso_a2"):
        return {
            "code": properties["iso_a2"],
            "iso_code": properties["iso_a2"],
            "level": AdminArea.Level.COUNTRY,
            "name_en": properties["name_en"],
            "name_local": properties.get("name_az") or "",
            "name_ru": properties.get("name_ru") or "",
        }
    iso_code = properties.get("iso_3166_2")
    # The boundary source's own ISO field still starts with the country's code.
    country_code = (iso_code or properties.get("ne_iso_3166_2") or properties["ne_adm1_code"])[:2]
    return {
        # Shusha city has no ISO 3166-2 code: one made from its name (readable_code).
        "code": iso_code or readable_code(country_code, properties["name_en"]),
        "country_code": country_code,
        # Databases loaded before readable codes keyed such units by this id (AZE-5565).
        "former_code": properties.get("ne_adm1_code"),
        "iso_code": iso_code,
        "level": AdminArea.Level.UNIT,
        "name_en": properties["name_en"],
        "name_local": properties.get("name_az") or "",
        "name_ru": properties.get("name_ru") or "",
        "name_alt": properties.get("name_alt") or "",
        "unit_type": properties.get("unit_type") or "",
        "economic_region": properties.get("economic_region_2021") or "",
    }


class Command(BaseCommand):
    help = (
        "Load the boundaries in data/boundaries/*.geojson (countries first, then their units). "
        "Idempotent: areas are matched on their code and updated in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            default=str(Path(settings.BASE_DIR) / "data" / "boundaries"),
            help="Folder of GeoJSON files (default: data/boundaries).",
        )

    @transaction.atomic
    def handle(self, *args, directory, **options):
        paths = sorted(Path(directory).glob("*.geojson"))
        if not paths:
            raise CommandError(f"No .geojson files in {directory}.")
        features = []
        for path in paths:
            collection = json.loads(path.read_text(encoding="utf-8"))
            features += [
                (area_fields(feature["properties"]), feature["geometry"])
                for feature in collection["features"]
            ]
        # Countries before units, so that every unit finds its parent.
        features.sort(key=lambda item: item[0]["level"])

        created = updated = unchanged = 0
        for fields, geometry_json in features:
            geometry = as_multipolygon(GEOSGeometry(json.dumps(geometry_json), srid=4326))
            country_code = fields.pop("country_code", None)
            former_code = fields.pop("former_code", None)
            if fields["level"] == AdminArea.Level.UNIT:
                fields["parent"] = AdminArea.objects.get(code=country_code)
            fields["boundary_source"] = BOUNDARY_SOURCE
            area = AdminArea.objects.filter(code=fields["code"]).first()
            if area is None and former_code:
                # Renamed in place, so its records, history and old address (which
                # redirects: views.area_detail) stay with it.
                area = AdminArea.objects.filter(code=former_code).first()
            if area is None:
                AdminArea.objects.create(geometry=geometry, **fields)
                created += 1
                continue
            changed = not area.geometry.equals_exact(geometry, 1e-9) or any(
                getattr(area, name) != value for name, value in fields.items()
            )
            if changed:
                for name, value in fields.items():
                    setattr(area, name, value)
                area.geometry = geometry
                area.save()
                updated += 1
            else:
                unchanged += 1
        self.stdout.write(
            f"Boundaries: {created} created, {updated} updated, {unchanged} unchanged."
        )
