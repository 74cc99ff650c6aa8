"""Public reads from the streaming replica, everything else from the primary (issue 14, §6).

`make test` starts the replica (scripts/db.sh replica) and sets DB_REPLICA_PORT, so these
tests read from a real PostgreSQL hot standby that follows the primary by streaming
replication. Its test database is the primary's, replicated (a test mirror).
"""

import time

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config import db_router
from contamination import as_of, read_database
from contamination.models import HazardArea
from tests.factories import make_editor, make_hazard_area

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        db_router.REPLICA not in settings.DATABASES,
        reason="needs the replica that `make test` starts (DB_REPLICA_PORT)",
    ),
]
BOTH = ["default", "replica"]
PUBLIC_LIST = "/api/v1/hazard-areas/"
# Within this many seconds of a commit the replica shows it (its lag here is milliseconds).
MAX_LAG_S = 10


def queries_on_each(client_call):
    """(queries on the primary, queries on the replica) while `client_call()` runs."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client_call()
    return response, primary.captured_queries, replica.captured_queries


def reads_of_records(queries):
    return [q["sql"] for q in queries if "contamination_hazardarea" in q["sql"]]


@pytest.mark.django_db(databases=BOTH)
class TestRouting:
    def test_an_anonymous_public_read_comes_from_the_replica(self, client):
        response, primary, replica = queries_on_each(lambda: client.get(PUBLIC_LIST))
        assert response.status_code == 200
        assert reads_of_records(replica), "the list and its data version read the replica"
        # The primary only counts the request against the rate limit.
        assert reads_of_records(primary) == []
        assert db_router.PIN_COOKIE not in response.cookies

    def test_a_signed_in_editor_reads_everything_from_the_primary(self, client):
        client.force_login(make_editor())
        for path in (PUBLIC_LIST, "/admin/contamination/hazardarea/"):
            response, primary, replica = queries_on_each(lambda p=path: client.get(p))
            assert response.status_code == 200, path
            assert replica == [], path
            assert reads_of_records(primary), path

    def test_the_admin_reads_the_primary_even_before_sign_in(self, client):
        response, _, replica = queries_on_each(lambda: client.get("/admin/login/"))
        assert response.status_code == 200
        assert replica == []

    def test_after_a_post_the_browser_reads_the_primary_for_the_pin_time(self, client):
        response = client.post("/en/report/", {})
        pin = response.cookies[db_router.PIN_COOKIE]
        assert pin["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS
        assert pin["httponly"]
        assert float(pin.value) > time.time()

        response, primary, replica = queries_on_each(lambda: client.get(PUBLIC_LIST))
        assert response.status_code == 200
        assert replica == []
        assert reads_of_records(primary)

        # Once the pin has run out the browser reads the replica again.
        client.cookies[db_router.PIN_COOKIE] = str(int(time.time()) - 1)
        _, _, replica = queries_on_each(lambda: client.get(PUBLIC_LIST))
        assert reads_of_records(replica)

    def test_a_malformed_pin_cookie_is_ignored(self, client):
        client.cookies[db_router.PIN_COOKIE] = "not-a-time"
        response, _, replica = queries_on_each(lambda: client.get(PUBLIC_LIST))
        assert response.status_code == 200
        assert reads_of_records(replica)

    def test_reads_after_a_write_in_the_same_request_go_to_the_primary(self):
        chosen = []

        def view(request):
            chosen.append(db_router.PrimaryReplicaRouter().db_for_read(HazardArea))
            make_hazard_area()  # an ORM write in a GET
            chosen.append(db_router.PrimaryReplicaRouter().db_for_read(HazardArea))
            return HttpResponse("ok")

        request = RequestFactory().get("/somewhere/")
        response = db_router.PublicReadsFromReplicaMiddleware(view)(request)
        assert chosen == ["replica", "default"]
        assert db_router.PIN_COOKIE in response.cookies
        assert "private" in response["Cache-Control"]

    def test_the_health_check_names_the_replica(self, client):
        response = client.get("/health/")
        assert response.status_code == 200
        assert response.json()["checks"]["ReplicaDatabase"] == "ok"

    def test_outside_a_request_everything_reads_the_primary(self):
        router = db_router.PrimaryReplicaRouter()
        assert router.db_for_read(HazardArea) == DEFAULT_DB_ALIAS
        assert router.db_for_write(HazardArea) == DEFAULT_DB_ALIAS
        assert router.allow_migrate("replica", "contamination") is False
        assert router.allow_migrate("default", "contamination") is True

    def test_a_page_of_the_past_reads_the_primary(self, client):
        """as_of.state_at rewrites the queries of the default connection only."""
        chosen = []

        def view(request):
            chosen.append(read_database.public_reads_alias())
            with as_of.state_at(timezone.now()):
                chosen.append(read_database.public_reads_alias())
            return HttpResponse("ok")

        db_router.PublicReadsFromReplicaMiddleware(view)(RequestFactory().get("/"))
        assert chosen == ["replica", "default"]

    # Taking the replica out of DATABASES for one test is what this test is about.
    @pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
    def test_without_a_replica_nothing_changes(self, client, settings):
        settings.DATABASES = {"default": settings.DATABASES["default"]}
        response = client.post("/en/report/", {})
        assert db_router.PIN_COOKIE not in response.cookies
        response, primary, replica = queries_on_each(lambda: client.get(PUBLIC_LIST))
        assert response.status_code == 200
        assert replica == []
        assert reads_of_records(primary)


def replica_row_status(pk):
    """The record's publication status as the replica has it now (None: not there yet)."""
    with connections["replica"].cursor() as cursor:
        cursor.execute(
            "SELECT publication_status FROM contamination_hazardarea WHERE id = %s", [pk]
        )
        row = cursor.fetchone()
    return row and row[0]


def wait_until(predicate, timeout_s=MAX_LAG_S):
    """Seconds until `predicate()` held; fails after `timeout_s`."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout_s:
            pytest.fail(f"the replica did not catch up within {timeout_s} s")
        time.sleep(0.01)
    return time.monotonic() - started


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_a_publish_shows_at_once_in_the_admin_and_on_public_pages_within_the_lag(client):
    """Real replication: committed on the primary, replayed by the standby."""
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True, "the replica alias must be a hot standby"

    draft = make_hazard_area(name="Draft field", publication_status="draft")
    record = make_hazard_area(name="Field by the bridge", publication_status="draft")
    wait_until(lambda: replica_row_status(record.pk) == "draft")
    public_page = record.get_absolute_url()
    editor = client_for_editor()
    admin_page = reverse("admin:contamination_hazardarea_change", args=[record.pk])

    # A draft is on neither database's public pages, though both hold its row.
    response, _, replica = queries_on_each(lambda: client.get(public_page))
    assert response.status_code == 404
    assert reads_of_records(replica)
    assert client.get(f"{PUBLIC_LIST}{record.pk}/").status_code == 404

    # The editor publishes with the admin's action and sees it published at once (the
    # admin reads the primary), though the replica may not have replayed it yet.
    changelist = reverse("admin:contamination_hazardarea_changelist")
    response = editor.post(
        changelist, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [record.pk]}
    )
    assert response.status_code == 302
    response = editor.get(admin_page)
    assert response.status_code == 200
    assert '<div class="readonly">Published</div>' in response.content.decode()

    # Readers see it once the replica has replayed the commit; measure how long that took.
    lag_s = wait_until(lambda: client.get(public_page).status_code == 200)
    assert lag_s < MAX_LAG_S
    response, _, replica = queries_on_each(lambda: client.get(public_page))
    assert "Field by the bridge" in response.content.decode()
    assert reads_of_records(replica), "the public page was served by the replica"
    listed = client.get(PUBLIC_LIST).json()
    assert [feature["id"] for feature in listed["features"]] == [record.pk]

    # The other draft stays off every public page, on the primary and the replica alike.
    assert replica_row_status(draft.pk) == "draft"
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert editor.get(draft.get_absolute_url()).status_code == 404


def client_for_editor():
    editor = Client()
    editor.force_login(make_editor())
    return editor
