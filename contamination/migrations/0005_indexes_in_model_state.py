"""The indexes that 0003 made with plain SQL, now in the models' Meta.indexes.

State only for the indexes that keep their names: they exist already. The three partial
indexes on deletions had names longer than Django allows (30 characters), so the database
step only renames them; nothing is rebuilt.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models

RENAMED = [
    ("contamination_hazardareaevent_deleted_at", "contamination_haevent_del_at"),
    ("contamination_landreleaseevent_deleted_at", "contamination_lrevent_del_at"),
    ("contamination_incidentevent_deleted_at", "contamination_inevent_del_at"),
]


def deletions_index(name):
    return models.Index(
        condition=models.Q(("pgh_label", "delete")), fields=["pgh_created_at"], name=name
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contamination", "0004_citations_history_and_touch_records"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER INDEX IF EXISTS {old} RENAME TO {new}",
                    reverse_sql=f"ALTER INDEX IF EXISTS {new} RENAME TO {old}",
                )
                for old, new in RENAMED
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name="casualtyevent",
                    index=models.Index(
                        fields=["pgh_created_at"], name="contamination_casualtyevent_at"
                    ),
                ),
                migrations.AddIndex(
                    model_name="hazardarea",
                    index=models.Index(
                        fields=["publication_status", "identified_on"],
                        name="contamination_hazard_pub_ident",
                    ),
                ),
                migrations.AddIndex(
                    model_name="hazardarea",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["hazard_types"], name="contamination_hazard_types_gin"
                    ),
                ),
                migrations.AddIndex(
                    model_name="landrelease",
                    index=models.Index(
                        fields=["publication_status", "completed_on"],
                        name="contamination_release_pub_done",
                    ),
                ),
                migrations.AddIndex(
                    model_name="hazardareaevent",
                    index=deletions_index("contamination_haevent_del_at"),
                ),
                migrations.AddIndex(
                    model_name="landreleaseevent",
                    index=deletions_index("contamination_lrevent_del_at"),
                ),
                migrations.AddIndex(
                    model_name="incidentevent",
                    index=deletions_index("contamination_inevent_del_at"),
                ),
            ],
        ),
    ]
