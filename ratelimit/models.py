from django.db import models


class RateLimitWindow(models.Model):
    """Requests counted for one client and scope in one fixed time window.

    One row per (key, window); the counter is raised by a single upsert (see counters.py),
    so concurrent requests in every worker and on every host count exactly. The table is
    UNLOGGED (migration 0002): counts are worth nothing after a crash, and skipping the
    write-ahead log halves the cost of each hit. Backups leave its rows out.
    """

    key = models.CharField(max_length=200, help_text="Scope and client, e.g. `anon:192.0.2.1`.")
    window_starts_at = models.DateTimeField(help_text="Start of the fixed window.")
    window_ends_at = models.DateTimeField(help_text="End of the window; rows past it are pruned.")
    hits = models.PositiveIntegerField(default=0, help_text="Requests counted in the window.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_starts_at"], name="ratelimit_ratelimitwindow_one_per_key"
            )
        ]
        indexes = [
            # The pruning DELETE ... WHERE window_ends_at < now().
            models.Index(fields=["window_ends_at"], name="ratelimit_window_ends_at_idx")
        ]

    def __str__(self):
        return f"{self.key} from {self.window_starts_at:%Y-%m-%d %H:%M:%S}: {self.hits}"
