"""The change feed: every history event in the order its transaction committed.

pghistory writes an event row inside the transaction that made the change, numbered when it
is written (`pgh_id`) and stamped with the transaction's start (`pgh_created_at`). Neither
is the order in which readers can *see* the events: a transaction that started first may
commit last, after a poller has already read past its numbers and times. That poller would
never see its change.

So each event also gets an `Entry` here, written by a trigger that runs at COMMIT (a
constraint trigger, `DEFERRABLE INITIALLY DEFERRED`, see migrations/0001): it takes one
transaction-level advisory lock, then draws the next `position`. The lock is held until
the transaction's commit is visible, so no other transaction can draw a position until then:
positions are handed out in commit order, and a reader who has seen position N has seen
every entry below N. A rolled-back transaction leaves a gap, never a late entry. (Should
something fire the trigger early, `SET CONSTRAINTS ALL IMMEDIATE` as `loaddata` does, the
order still holds: the lock is the transaction's until it ends, it is only held longer.)

The alternative, reading `pg_current_xact_id()` and handing out only events whose
transaction is older than `pg_snapshot_xmin(pg_current_snapshot())`, needs no lock but
lets one long transaction (an import) hold back every later change for every reader, and
its cursor is a snapshot, not a number a researcher can read. The lock costs writers a few
microseconds each at commit; writes here are editors' and imports', never readers'.
"""

from django.db import models
from django.db.models import Q


class Entry(models.Model):
    """One history event, at the position its transaction committed in."""

    position = models.BigAutoField(primary_key=True)
    event_table = models.CharField(max_length=63, help_text="The pghistory event table.")
    event_id = models.BigIntegerField(help_text="The event's pgh_id in that table.")
    # Whether the event may be a public change: the row had been public (see
    # contamination.querysets.seen_publicly_sql) or belongs to one that had. Edits of records
    # that were never published are here too, in order, but readers skip them by index.
    maybe_public = models.BooleanField()
    # Strictly increasing with `position` (the trigger makes it so even if the clock steps
    # back): the data version takes the newest public one, so it moves with every commit.
    committed_at = models.DateTimeField()
    # The transaction that wrote the event (its xid; for the history before the feed, minus
    # the rank of its start time): changes written together can be told together.
    transaction_id = models.BigIntegerField()

    class Meta:
        verbose_name_plural = "entries"
        indexes = [
            models.Index(
                fields=["position"], condition=Q(maybe_public=True), name="changefeed_public_pos"
            ),
            models.Index(
                fields=["committed_at"],
                condition=Q(maybe_public=True),
                name="changefeed_public_at",
            ),
            # The other entries of one transaction (feed.py tells an incident's casualties
            # changed once per transaction, whichever page each entry falls on).
            models.Index(fields=["transaction_id"], name="changefeed_transaction"),
        ]

    def __str__(self):
        return f"{self.position}: {self.event_table} #{self.event_id}"
