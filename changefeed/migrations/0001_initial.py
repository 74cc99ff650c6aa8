"""The change feed's table, and the commit-time trigger on every public event table.

See changefeed/models.py for why positions are drawn at commit under an advisory lock.
"""

from django.db import migrations, models

# Event tables whose rows carry the record's publication status.
RECORD_TABLES = [
    "contamination_hazardareaevent",
    "contamination_landreleaseevent",
    "contamination_incidentevent",
    "statements_statementevent",
]
# Reference data: public while what cites it is (the reader checks), always in the version.
PLAIN_TABLES = [
    "contamination_organisationevent",
    "contamination_sourceevent",
    "contamination_adminareaevent",
    "statements_metricevent",
]
# Rows that belong to a record: as public as their record.
BELONGING = {
    "contamination_casualtyevent": ("contamination_incident", "incident_id"),
    "statements_claimevent": ("statements_statement", "statement_id"),
}
PERSON_TABLE = "statements_personevent"
TABLES = [*RECORD_TABLES, *PLAIN_TABLES, *BELONGING, PERSON_TABLE]

# The two keys of the advisory lock that orders commits (pg_advisory_xact_lock(int, int)):
# "cf" and 1, not used by anything else in this database.
LOCK = "25446, 1"

SEEN_PUBLICLY = "(r.publication_status <> 'draft' OR r.published_at IS NOT NULL)"

FUNCTION_SQL = f"""
CREATE FUNCTION changefeed_enter() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    public boolean;
    previous timestamptz;
BEGIN
    -- Each branch reads only the columns its tables have (PL/pgSQL plans a statement when it
    -- first runs it).
    IF TG_ARGV[0] = 'record' THEN
        public := NEW.publication_status <> 'draft' OR NEW.published_at IS NOT NULL;
    ELSIF TG_ARGV[0] = 'casualty' THEN
        public := EXISTS (SELECT 1 FROM contamination_incident r
                          WHERE r.id = NEW.incident_id AND {SEEN_PUBLICLY});
    ELSIF TG_ARGV[0] = 'claim' THEN
        public := EXISTS (SELECT 1 FROM statements_statement r
                          WHERE r.id = NEW.statement_id AND {SEEN_PUBLICLY});
    ELSIF TG_ARGV[0] = 'person' THEN
        public := EXISTS (SELECT 1 FROM statements_statement r
                          WHERE r.speaker_person_id = NEW.pgh_obj_id AND {SEEN_PUBLICLY});
    ELSE
        public := TRUE;
    END IF;
    -- Held until this transaction's commit is visible: the next committer waits here, so
    -- positions (and times) follow the order in which commits become visible.
    PERFORM pg_advisory_xact_lock({LOCK});
    SELECT committed_at INTO previous FROM changefeed_entry ORDER BY position DESC LIMIT 1;
    INSERT INTO changefeed_entry (event_table, event_id, maybe_public, committed_at,
                                  transaction_id)
    VALUES (TG_TABLE_NAME, NEW.pgh_id, public,
            GREATEST(clock_timestamp(), previous + interval '1 microsecond'),
            pg_current_xact_id()::text::bigint);
    RETURN NULL;
END;
$$;
"""


def trigger_sql(table, kind):
    return f"""
CREATE CONSTRAINT TRIGGER changefeed_enter AFTER INSERT ON {table}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION changefeed_enter('{kind}');
"""


def kind_of(table):
    if table in RECORD_TABLES:
        return "record"
    if table == PERSON_TABLE:
        return "person"
    if table in BELONGING:
        return "casualty" if table == "contamination_casualtyevent" else "claim"
    return "plain"


def backfill_part(table):
    """The table's events as entries, for the history written before this migration."""
    kind = kind_of(table)
    if kind == "record":
        public = "(e.publication_status <> 'draft' OR e.published_at IS NOT NULL)"
    elif kind == "person":
        public = (
            "EXISTS (SELECT 1 FROM statements_statement r "
            f"WHERE r.speaker_person_id = e.pgh_obj_id AND {SEEN_PUBLICLY})"
        )
    elif kind in ("casualty", "claim"):
        parent, column = BELONGING[table]
        public = f"EXISTS (SELECT 1 FROM {parent} r WHERE r.id = e.{column} AND {SEEN_PUBLICLY})"
    else:
        public = "TRUE"
    return (
        f"SELECT '{table}' AS event_table, e.pgh_id AS event_id, {public} AS maybe_public, "
        f"e.pgh_created_at AS at FROM {table} e"
    )


# The past in the order it was written (pgh_created_at, then id): no reader has a cursor yet.
# pgh_created_at is its transaction's start, so events that share it were written together.
BACKFILL_SQL = f"""
INSERT INTO changefeed_entry (event_table, event_id, maybe_public, committed_at, transaction_id)
SELECT event_table, event_id, maybe_public, at, -dense_rank() OVER (ORDER BY at) FROM (
    {" UNION ALL ".join(backfill_part(table) for table in TABLES)}
) history
ORDER BY at, event_table, event_id;
"""

INSTALL_SQL = (
    FUNCTION_SQL
    + "".join(trigger_sql(table, kind_of(table)) for table in TABLES)
    + BACKFILL_SQL
)
UNINSTALL_SQL = (
    "".join(f"DROP TRIGGER IF EXISTS changefeed_enter ON {table};\n" for table in TABLES)
    + "DROP FUNCTION IF EXISTS changefeed_enter();"
)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contamination", "0008_source_title_optional"),
        ("statements", "0004_claim_editors_note_and_spoken_qualifiers"),
    ]

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("position", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "event_table",
                    models.CharField(help_text="The pghistory event table.", max_length=63),
                ),
                ("event_id", models.BigIntegerField(help_text="The event's pgh_id in that table.")),
                ("maybe_public", models.BooleanField()),
                ("committed_at", models.DateTimeField()),
                ("transaction_id", models.BigIntegerField()),
            ],
            options={
                "verbose_name_plural": "entries",
                "indexes": [
                    models.Index(
                        condition=models.Q(("maybe_public", True)),
                        fields=["position"],
                        name="changefeed_public_pos",
                    ),
                    models.Index(
                        condition=models.Q(("maybe_public", True)),
                        fields=["committed_at"],
                        name="changefeed_public_at",
                    ),
                    models.Index(fields=["transaction_id"], name="changefeed_transaction"),
                ],
            },
        ),
        migrations.RunSQL(INSTALL_SQL, UNINSTALL_SQL),
    ]
