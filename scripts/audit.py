#!/usr/bin/env python3
"""Print every "Done when" figure of the hardening issue that one machine can measure.

    scripts/audit.py                 all checks, against the local database (make audit)
    scripts/audit.py --only privacy  one check: privacy, accounts, ratelimit, backup, deploy,
                                     imports (repeat --only for several)

Each check prints one or more `figure:` lines and ends `holds` or `DOES NOT HOLD`; the exit
status is 1 if any check does not hold. The database is the project's (DATABASE_URL or the
local cluster on DB_PORT) and must hold published incidents (`make data` loads the demo).

- privacy: box bisection (audit/bisection.py) of every published incident through the API's
  incident list, plus the statistics and the cluster layer for a sample: how many it locates
  finer than their stated precision (expected 0).
- accounts: 50 wrong passwords lock the account, no admin without the second factor,
  password `1` refused (the sign-in tests in tests/accounts, run by pytest).
- ratelimit: 1,200 concurrent requests against a 300/min limit under gunicorn
  (scripts/audit_ratelimit.py; expected 300 ± 1 on the API and on a heavy page).
- backup: `backup.py backup`, then a restore into a scratch database verified against the
  manifest (equal row counts and hashes on every table); the scratch database is dropped.
- deploy: `check --deploy --fail-level WARNING` with production settings.
- imports: the hostile-file set, through `manage.py audit_import` when the project has it.
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CHECKS = ("privacy", "accounts", "ratelimit", "backup", "deploy", "imports")


def report(name, holds, *figures):
    for figure in figures:
        print(f"  figure: {figure}")
    print(f"{name}: {'holds' if holds else 'DOES NOT HOLD'}\n", flush=True)
    return holds


def run(command, env=None, timeout=1800):
    started = time.monotonic()
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return result, time.monotonic() - started


# --- Checks -----------------------------------------------------------------------------


def check_privacy(sample=25):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    from audit import bisection
    from contamination.models import Incident

    incidents = list(
        Incident.objects.published()
        .with_public_location()
        .order_by("id")
        .only("id", "reference", "location", "location_precision", "occurred_on")
    )
    if not incidents:
        return report("privacy", False, "no published incidents: run `make data` first")
    client = Client()
    started = time.monotonic()
    exposed = {"incident list": 0, "statistics": 0, "cluster layer": 0}
    attacked = dict.fromkeys(exposed, 0)
    requests = 0
    # The attack's requests would soon be refused by the limits; it is privacy that is audited.
    with override_settings(API_RATE_LIMIT=None, PAGE_RATE_LIMIT=""):
        # The attacker's starting point: each public point, as the API lists it.
        listed = client.get("/api/v1/incidents/", {"page_size": 10000}).json()
        public = {f["id"]: tuple(f["geometry"]["coordinates"]) for f in listed["features"]}
        for index, incident in enumerate(incidents):
            exact = (incident.location.x, incident.location.y)
            oracles = {"incident list": bisection.api_list_count(client, incident.reference)}
            if index < sample:
                oracles["statistics"] = bisection.stats_summary_count(client, incident.occurred_on)
                oracles["cluster layer"] = bisection.clusters_count(client, incident.reference)
            for surface, oracle in oracles.items():
                outcome = bisection.attack(
                    oracle,
                    incident.reference,
                    public[incident.id],
                    exact,
                    incident.location_precision,
                )
                attacked[surface] += 1
                exposed[surface] += outcome.exposed
                requests += outcome.requests
        control = sum(
            bisection.attack(
                bisection.exact_point_count(Incident.objects.filter(pk=incident.pk)),
                incident.reference,
                public[incident.id],
                (incident.location.x, incident.location.y),
                incident.location_precision,
            ).exposed
            for incident in incidents[:sample]
        )
    figures = [
        f"box bisection through the {surface}: {exposed[surface]} of {attacked[surface]} "
        "published incidents located finer than their stated precision"
        for surface in exposed
    ]
    figures.append(
        f"{requests} requests in {time.monotonic() - started:.0f} s; the same attack on the "
        f"exact points (a leaking surface) locates {control} of {min(sample, len(incidents))}"
    )
    return report("privacy", not any(exposed.values()) and control > 0, *figures)


def check_accounts():
    tests = {
        "50 wrong passwords lock the account": "fifty_wrong_passwords_lock_the_account",
        "50 wrong passwords lock the address": "fifty_wrong_passwords_lock_the_address",
        "the right password alone opens nothing (MFA required)": "right_password_alone",
        "a staff session without a verified device is signed out": "without_a_verified_device",
        "password `1` refused (admin forms)": "refuse_password_1",
        "create_editor refuses a weak password": "create_editor_refuses_a_weak_password",
    }
    figures, holds = [], True
    for label, name in tests.items():
        result, _ = run(
            [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/accounts", "-k", name],
            env={"DJANGO_ALLOW_ASYNC_UNSAFE": "true"},
        )
        passed = result.returncode == 0 and " passed" in result.stdout
        holds &= passed
        figures.append(f"{label}: {'yes' if passed else 'NO'}")
    return report("accounts", holds, *figures)


def check_ratelimit():
    result, seconds = run([PYTHON, "scripts/audit_ratelimit.py"])
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    return report("ratelimit", result.returncode == 0, *lines, f"({seconds:.0f} s)")


def check_backup():
    folder = Path(tempfile.mkdtemp(prefix="mineatlas-audit-backup-"))
    copy = f"mineatlas_audit_{secrets.token_hex(4)}"
    result, seconds = run([PYTHON, "scripts/backup.py", "backup", "--dir", str(folder)])
    if result.returncode != 0:
        return report("backup", False, f"backup failed: {result.stderr.strip()[-300:]}")
    dump = sorted(folder.glob("*.dump"))[-1]
    restored, restore_seconds = run(
        [PYTHON, "scripts/backup.py", "restore", str(dump), "--into", copy]
    )
    lines = [
        line.strip() for line in (restored.stdout + restored.stderr).splitlines() if line.strip()
    ]
    drop_database(copy)
    return report(
        "backup",
        restored.returncode == 0,
        *lines[-4:],
        f"backup {seconds:.0f} s; restore into a scratch database and verify"
        f" {restore_seconds:.0f} s",
    )


def drop_database(name):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def check_deploy():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "mineatlas.example",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }
    result, _ = run([PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env)
    output = (result.stdout + result.stderr).strip().splitlines()
    return report(
        "deploy",
        result.returncode == 0,
        f"check --deploy --fail-level WARNING (DEBUG=0): {output[-1] if output else '?'}",
    )


def check_imports():
    result, _ = run([PYTHON, "manage.py", "help", "audit_import"])
    if result.returncode != 0:
        print("  figure: skipped: `manage.py audit_import` (the hostile-file set) is not in this")
        print("          checkout yet; the importer sandbox adds it.")
        print("imports: skipped\n")
        return True
    result, seconds = run([PYTHON, "manage.py", "audit_import"])
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    return report("imports", result.returncode == 0, *lines, f"({seconds:.0f} s)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=CHECKS)
    parser.add_argument(
        "--sample", type=int, default=25, help="incidents also attacked through stats, clusters"
    )
    args = parser.parse_args(argv)
    results = {}
    for name in args.only or CHECKS:
        print(f"== {name}", flush=True)
        check = globals()[f"check_{name}"]
        try:
            results[name] = check(args.sample) if name == "privacy" else check()
        except Exception as error:  # noqa: BLE001 (one failing check must not hide the others)
            results[name] = report(name, False, f"the check itself failed: {error!r}")
    failed = [name for name, holds in results.items() if not holds]
    print("all checks hold" if not failed else f"not holding: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
