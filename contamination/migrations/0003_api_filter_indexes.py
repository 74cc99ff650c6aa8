"""Indexes behind the API's filters and its data version that the models' indexes miss.

Plain SQL (no model state) so that the models stay as their owner wrote them; each index
names the query that needs it.
"""

from django.db import migrations

INDEXES = [
    # hazard-areas ?start=&end= (identified_on), published only
    (
        "contamination_hazard_pub_ident",
        "contamination_hazardarea (publication_status, identified_on)",
    ),
    # hazard-areas ?hazard_type= (array overlap, &&)
    ("contamination_hazard_types_gin", "contamination_hazardarea USING gin (hazard_types)"),
    # land-releases ?start=&end= without ?method= (the method index leads with the method)
    (
        "contamination_release_pub_done",
        "contamination_landrelease (publication_status, completed_on)",
    ),
    # The data version (contamination/data_version.py), asked by every API request and page:
    # the latest casualty change and the latest deletion, found by a backward index scan
    # instead of reading whole history tables.
    ("contamination_casualtyevent_at", "contamination_casualtyevent (pgh_created_at)"),
    *[
        (
            f"contamination_{table}event_deleted_at",
            f"contamination_{table}event (pgh_created_at) WHERE pgh_label = 'delete'",
        )
        for table in ("hazardarea", "landrelease", "incident")
    ],
]


class Migration(migrations.Migration):
    dependencies = [("contamination", "0002_editors_group")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target in INDEXES
    ]
