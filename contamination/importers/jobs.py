"""Run a check or import as a job in a child process, with CPU, memory and time limits.

The admin creates an `ImportJob` and calls `start(job)`: a child process
(`manage.py run_import_job`) is spawned for it, so no extra daemon is needed and the web
worker answers at once. The child limits itself (`resource.setrlimit`, `alarm`), keeps GDAL
and libcurl off the network, writes its progress through a connection of its own (visible
while the import's transaction is still open) and finally stores the report. A thread in the
spawning process waits for the child and records why it stopped if it stopped without a
report (killed, out of CPU time or memory). Records are written in one transaction, so a
child that is killed leaves nothing written.
"""

import logging
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import asdict
from pathlib import Path

import pghistory
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from contamination.importers.engine import ImportReport, Problem, import_file
from contamination.importers.files import ImportRejected, StoredUpload
from contamination.importers.sandbox import NOWHERE_PROXY
from contamination.models import ImportJob

logger = logging.getLogger(__name__)

PROGRESS_ALIAS = "import_jobs"
# Proxy variables libcurl reads; NO_PROXY is removed so that no address bypasses the proxy.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY")
NO_PROXY_VARIABLES = ("no_proxy", "NO_PROXY")


def start(job):
    """Run `job` in a child process (or here, with IMPORT_JOB_RUNNER = "in-process")."""
    if settings.IMPORT_JOB_RUNNER == "in-process":
        run(job)
        return None
    process = spawn(job)
    threading.Thread(target=_wait_for, args=(job.pk, process), daemon=True).start()
    return process


def spawn(job):
    """Start the child for `job`; return its Popen (the caller waits for it)."""
    command = [
        sys.executable,
        str(settings.BASE_DIR / "manage.py"),
        "run_import_job",
        str(job.pk),
        # The child uses the database this process uses (a test database in tests).
        "--database-name",
        connection.settings_dict["NAME"],
        # The limits of the process that starts the job, which its settings decide.
        f"--cpu-seconds={settings.IMPORT_JOB_CPU_SECONDS}",
        f"--memory-bytes={settings.IMPORT_JOB_MEMORY_BYTES}",
        f"--wall-seconds={settings.IMPORT_JOB_WALL_SECONDS}",
    ]
    process = subprocess.Popen(
        command,
        env=child_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so it can be stopped as one
        cwd=settings.BASE_DIR,
    )
    ImportJob.objects.filter(pk=job.pk).update(pid=process.pid, host=socket.gethostname())
    job.pid = process.pid
    return process


def child_environment():
    environment = dict(os.environ)
    for name in PROXY_VARIABLES:
        environment[name] = f"http://{NOWHERE_PROXY}"
    for name in NO_PROXY_VARIABLES:
        environment.pop(name, None)
    environment["PROJ_NETWORK"] = "OFF"
    return environment


def _wait_for(job_id, process):
    _stdout, stderr = process.communicate()
    try:
        record_exit(job_id, process.returncode, stderr.decode("utf-8", "replace"))
    finally:
        connection.close()  # this thread's connection


def record_exit(job_id, returncode, stderr=""):
    """Mark the job failed with the reason, if the child ended without storing a report."""
    reason = exit_reason(returncode)
    if returncode and stderr.strip():
        logger.warning("Import job %s ended with %s: %s", job_id, reason, stderr[-2000:])
    ImportJob.objects.filter(pk=job_id).exclude(
        status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED]
    ).update(
        status=ImportJob.Status.FAILED,
        error=f"The import process stopped before it finished: {reason}. Nothing was written.",
        finished_at=timezone.now(),
    )


def exit_reason(returncode):
    if returncode is None or returncode >= 0:
        return f"it exited with status {returncode}"
    number = -returncode
    if number == signal.SIGXCPU:
        return f"it used its CPU-time limit ({settings.IMPORT_JOB_CPU_SECONDS} s)"
    if number == signal.SIGALRM:
        return f"it ran longer than its time limit ({settings.IMPORT_JOB_WALL_SECONDS} s)"
    if number == signal.SIGKILL:
        return "it was killed (by an operator, or at its memory or CPU-time limit)"
    return f"it was stopped by signal {signal.Signals(number).name}"


def refresh(job):
    """Notice a child that is gone without a report (its parent restarted); return job."""
    if job.is_finished or not job.pid or job.host != socket.gethostname():
        return job
    try:
        os.kill(job.pid, 0)
    except ProcessLookupError:
        record_exit(job.pk, None)
        job.refresh_from_db()
    except PermissionError:
        pass  # a process of another user has that number now; it is alive
    return job


# --- in the child ----------------------------------------------------------------------------


def limit_resources(cpu_seconds, memory_bytes, wall_seconds):
    """Limit this process: CPU seconds, address space, and wall-clock time (SIGALRM)."""
    # SIGXCPU at the soft limit, SIGKILL five seconds of CPU later.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    signal.alarm(wall_seconds)


class Progress:
    """The engine's progress messages, written to the job row as rows done and a stage."""

    NUMBERS = re.compile(r"^(\d+)(?: of (\d+))?")

    def __init__(self, job, alias, upload):
        self.job = job
        self.alias = alias
        self.upload = upload

    def __call__(self, message):
        match = self.NUMBERS.match(message)
        fields = {"stage": message[:200]}
        if match:
            fields["rows_done"] = int(match.group(1))
            # While reading, the total is the count taken from the bytes before GDAL opened
            # the file; while writing, the engine says it.
            total = match.group(2) or self.upload.row_estimate
            if total:
                fields["rows_total"] = int(total)
        ImportJob.objects.using(self.alias).filter(pk=self.job.pk).update(**fields)


def progress_alias():
    """A second connection to the same database, outside the import's transaction."""
    if settings.IMPORT_JOB_RUNNER == "in-process":
        return "default"
    if PROGRESS_ALIAS not in connections.settings:
        connections.settings[PROGRESS_ALIAS] = dict(connections.settings["default"])
    return PROGRESS_ALIAS


def run(job):
    """Check or import the job's file and store the report on the job."""
    alias = progress_alias()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), stage="opening the file"
    )
    directory = Path(job.upload_directory)
    report = None
    try:
        upload = StoredUpload.reopen(directory, job.file_name)
        # History names the editor, as it does for changes made in the admin itself.
        with pghistory.context(user=job.created_by_id):
            report = import_file(
                job.kind,
                upload,
                dry_run=job.is_dry_run,
                repair=job.repair,
                publish=job.publish,
                organisation=job.organisation,
                expected_digest=job.expected_digest or None,
                progress=Progress(job, alias, upload),
                # The Sources a source_notes column names were read on the day of the upload.
                sources_accessed_on=timezone.localdate(job.created_at),
            )
    except ImportRejected as error:
        report = ImportReport(job.kind, job.file_name, job.is_dry_run, job.publish, job.repair)
        report.problems.append(Problem(None, str(error)))
    except MemoryError:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            error="The import ran out of memory (IMPORT_JOB_MEMORY_BYTES). Nothing was "
            "written; split the file or simplify its geometries.",
            finished_at=timezone.now(),
        )
        raise
    finally:
        # A checked file waits for its confirmation; anything else is done with its copy.
        if report is None or not job.is_dry_run or not report.ok:
            shutil.rmtree(directory, ignore_errors=True)
    data = report_to_json(report)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        report=data,
        rows_done=report.rows_read,
        stage=f"finished; peak memory {peak_memory_mb()} MB",
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return report


def peak_memory_mb():
    """This process's peak resident memory since it started its program (VmHWM)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return "?"
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return round(int(match.group(1)) / 1024) if match else "?"


def report_to_json(report):
    data = asdict(report)
    data["digest"] = report.plan_digest()
    return data


def report_from(job):
    """The job's ImportReport (None until it has one)."""
    if not job.report:
        return None
    data = dict(job.report)
    data.pop("digest", None)
    data["problems"] = [Problem(**problem) for problem in data["problems"]]
    data["repairs"] = [Problem(**problem) for problem in data["repairs"]]
    data["updated"] = [tuple(item) for item in data["updated"]]
    return ImportReport(**data)
