"""Generate deterministic demo records, every one marked is_demo and published."""

import dataclasses

from django.core.management.base import BaseCommand, CommandError

from contamination import demo
from contamination.models import AdminArea, HazardArea, Incident, LandRelease


class Command(BaseCommand):
    help = (
        "Generate demo hazard areas (both categories), land releases (all three methods, with "
        "items found) and incidents with casualties over 2020-2026, inside the Karabakh and "
        "East Zangezur units. Every row is is_demo=True and published. Deterministic for a "
        "seed. No demo incidents are generated (and existing ones are removed) once real "
        "incidents exist. --remove deletes every demo record. Needs the boundaries "
        "(load_boundaries) first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2020, help="Random seed (default 2020).")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply the default counts (400 hazard areas, 600 land releases, "
            "500 incidents).",
        )
        parser.add_argument("--hazard-areas", type=int, help="Exact count, overrides --scale.")
        parser.add_argument("--land-releases", type=int, help="Exact count, overrides --scale.")
        parser.add_argument("--incidents", type=int, help="Exact count, overrides --scale.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when demo records exist already (what `make run` uses).",
        )
        parser.add_argument(
            "--replace", action="store_true", help="Delete the existing demo records first."
        )
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Delete every demo record and generate none (what `make run DEMO=0` uses).",
        )

    def handle(self, *args, seed, scale, if_empty, replace, remove, **options):
        if remove:
            removed = demo.delete_demo_records()
            self.stdout.write(f"Demo data removed ({removed:,} records).")
            return
        has_real_incidents = Incident.objects.filter(is_demo=False).exists()
        if has_real_incidents:
            # Real incidents and generated ones must never be counted together.
            removed = demo.delete_demo_incidents()
            if removed:
                self.stdout.write(f"Real incidents exist: {removed:,} demo incidents removed.")
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        if not AdminArea.objects.units().exists():
            raise CommandError("No boundaries loaded: run `manage.py load_boundaries` first.")
        existing = sum(
            model.objects.filter(is_demo=True).count()
            for model in (HazardArea, LandRelease, Incident)
        )
        if existing and if_empty:
            self.stdout.write(f"Demo data present ({existing:,} records): nothing to do.")
            return
        if existing and not replace:
            raise CommandError(
                f"{existing:,} demo records exist already: use --replace to generate them anew."
            )
        if existing:
            demo.delete_demo_records()

        counts = demo.DemoCounts(
            **{
                name: options[name] if options[name] is not None else round(base * scale)
                for name, base in demo.BASE_COUNTS.items()
            }
        )
        if has_real_incidents:
            counts = dataclasses.replace(counts, incidents=0)
        if min(counts.hazard_areas, counts.land_releases, counts.incidents) < 0:
            raise CommandError("Counts must not be negative.")
        created = demo.generate(seed, counts, progress=self.stderr.write)
        self.stdout.write(
            f"Demo data: {created.hazard_areas:,} hazard areas, {created.land_releases:,} "
            f"land releases, {created.incidents:,} incidents, {created.casualties:,} casualties."
        )
