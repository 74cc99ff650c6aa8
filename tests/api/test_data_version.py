"""The data version every API answer and every cached page asks for: right, and cheap.

It is read on every request, so it must come from indexes (migration 0003_api_filter_indexes):
reading whole event tables cost 480 ms per request at the benchmark's scale (bench/).
"""

import json

from django.db import connection

from contamination.data_version import SQL as DATA_VERSION_SQL
from contamination.models import Casualty, Incident
from tests.api.dataset import APITestCase

# Boundaries change a few times a year: their events may be read whole.
SMALL_TABLES = {
    "contamination_organisation",
    "contamination_source",
    "contamination_adminareaevent",
}


def plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


class DataVersionTests(APITestCase):
    def test_a_casualty_moves_the_version_only_once_its_incident_has_been_public(self):
        first = self.get("/api/v1/stats/summary/")
        draft = Incident.objects.get(reference="IN-DRAFT")
        Casualty.objects.create(incident=draft, outcome="injured", group="civilian")
        unchanged = self.get("/api/v1/stats/summary/", If_None_Match=first["ETag"])
        self.assertEqual(unchanged.status_code, 304)

        published = Incident.objects.get(reference="IN-1")
        Casualty.objects.create(incident=published, outcome="injured", group="civilian")
        changed = self.get("/api/v1/stats/summary/", If_None_Match=first["ETag"])
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], first["ETag"])

    def test_it_reads_a_few_index_entries_not_whole_event_tables(self):
        incident = Incident.objects.get(reference="IN-1")
        Casualty.objects.bulk_create(
            [Casualty(incident=incident, outcome="injured") for _ in range(300)]
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contamination_casualtyevent")
            # Tiny test tables would be read whole anyway: ask for the index paths.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + DATA_VERSION_SQL)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        rows_read = {
            node["Relation Name"]: node["Actual Rows"] * node["Actual Loops"]
            for node in plan_nodes(plan[0]["Plan"])
            if node.get("Relation Name", "").endswith("event")
            and node["Relation Name"] not in SMALL_TABLES
        }
        self.assertIn("contamination_casualtyevent", rows_read)
        self.assertLessEqual(max(rows_read.values()), 2, rows_read)
