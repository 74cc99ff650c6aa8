"""Run one import job (spawned by the admin for each check or import; not run by hand)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from contamination.importers import jobs
from contamination.models import ImportJob


class Command(BaseCommand):
    help = (
        "Check or import the file of one ImportJob, with the CPU-time, memory and time limits "
        "of IMPORT_JOB_CPU_SECONDS, IMPORT_JOB_MEMORY_BYTES and IMPORT_JOB_WALL_SECONDS. The "
        "admin starts one such process per upload; it writes its progress and report to the "
        "job."
    )

    def add_arguments(self, parser):
        parser.add_argument("job", help="The job's id.")
        parser.add_argument(
            "--database-name", help="Database to use (the one of the process that spawned it)."
        )
        parser.add_argument("--cpu-seconds", type=int, default=settings.IMPORT_JOB_CPU_SECONDS)
        parser.add_argument("--memory-bytes", type=int, default=settings.IMPORT_JOB_MEMORY_BYTES)
        parser.add_argument("--wall-seconds", type=int, default=settings.IMPORT_JOB_WALL_SECONDS)

    def handle(self, *args, job, database_name, cpu_seconds, memory_bytes, wall_seconds,
               **options):  # fmt: skip
        # Limits first, before the file is touched.
        jobs.limit_resources(cpu_seconds, memory_bytes, wall_seconds)
        if database_name:
            connections["default"].settings_dict["NAME"] = database_name
        try:
            import_job = ImportJob.objects.select_related("organisation").get(pk=job)
        except (ImportJob.DoesNotExist, ValueError):
            raise CommandError(f"There is no import job {job}.") from None
        if import_job.status != ImportJob.Status.QUEUED:
            raise CommandError(f"The import job {job} has already run.")
        report = jobs.run(import_job)
        self.stdout.write(report.summary())
