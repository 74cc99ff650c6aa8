import os

import pytest
from django.conf import settings as django_settings
from django.db import DEFAULT_DB_ALIAS
from django.test import Client
from django.utils import translation

from config import db_router
from tests.accounts.sign_in import force_login_with_second_factor

# Playwright's sync API keeps an event loop running in the test thread; the ORM would
# otherwise refuse to run in live-server tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def staff_sign_in_includes_second_factor(monkeypatch):
    """`client.force_login(staff)` stands for a finished sign-in: password and second factor.

    The admin refuses staff without a verified second factor (accounts/), so every test that
    works as a signed-in editor gets one. Tests of the sign-in itself post to the real login
    pages, or use `force_login_without_second_factor`.
    """
    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)


@pytest.fixture(autouse=True)
def each_test_starts_in_english():
    """Every test starts in the site's default language. A request under /az/ or with
    `?lang=ru` leaves its language active in the thread afterwards (Django resets it on the
    next request, not at the end of one), and `get_absolute_url()` would follow it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def import_jobs_run_in_the_test_process(settings):
    """Import jobs run in the test's own process, so they see the test's transaction.

    tests/contamination/test_import_jobs.py runs them as child processes, the way the site
    does (IMPORT_JOB_RUNNER = "subprocess").
    """
    settings.IMPORT_JOB_RUNNER = "in-process"


@pytest.fixture(autouse=True)
def rate_limit_windows_are_not_pruned_at_random(settings):
    """A request prunes ended rate-limit windows at random (1 in RATELIMIT_PRUNE_EVERY), which
    would add a query to a pinned count now and then; tests/ops/test_ratelimit.py turns it on.
    """
    settings.RATELIMIT_PRUNE_EVERY = 0


@pytest.fixture(autouse=True)
def replica_reads_see_the_test_transaction(request, monkeypatch):
    """Reads meant for the replica go to the primary's connection, except in `replica` tests.

    `make test` runs with a streaming replica ("replica" in DATABASES, a test mirror of
    "default"), so the router and its middleware decide for every request as on a real site.
    Most tests write their data in a transaction that is never committed, which only the
    primary's own connection can see: there the public reads the router chose for the
    replica use that connection. Tests marked `replica` (tests/ops/test_replica.py) read
    from the replica itself.
    """
    replica_configured = db_router.REPLICA in django_settings.DATABASES
    if replica_configured and not request.node.get_closest_marker("replica"):
        monkeypatch.setattr(db_router, "replica_alias", lambda: DEFAULT_DB_ALIAS)
