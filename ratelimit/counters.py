"""Fixed-window request counters in PostgreSQL, exact under concurrency.

Every web worker on every host counts in one table with one statement per request:

    INSERT ... ON CONFLICT (key, window_starts_at) DO UPDATE SET hits = hits + 1 RETURNING hits

PostgreSQL serialises the upserts on the row, so of N concurrent requests each sees a
distinct count from 1 to N, and exactly the first `limit` of them pass. Windows are aligned
on the database clock (multiples of the period since the epoch), so hosts whose clocks
differ still share one window.
"""

import dataclasses
import math
import random

from django.conf import settings
from django.db import connection

from ratelimit.models import RateLimitWindow

TABLE = RateLimitWindow._meta.db_table

HIT_SQL = f"""
WITH now_at AS (SELECT extract(epoch FROM statement_timestamp()) AS epoch)
INSERT INTO {TABLE} AS counter (key, window_starts_at, window_ends_at, hits)
SELECT %(key)s,
       to_timestamp(floor(epoch / %(period)s) * %(period)s),
       to_timestamp(floor(epoch / %(period)s) * %(period)s + %(period)s),
       1
FROM now_at
ON CONFLICT (key, window_starts_at) DO UPDATE SET hits = counter.hits + 1
RETURNING counter.hits,
          extract(epoch FROM counter.window_ends_at - statement_timestamp())
"""

PRUNE_SQL = f"DELETE FROM {TABLE} WHERE window_ends_at < statement_timestamp()"


@dataclasses.dataclass(frozen=True)
class Hit:
    count: int  # requests counted in this window, this one included
    seconds_left: float  # until the window ends and the count starts again

    @property
    def retry_after_s(self):
        """Whole seconds for a Retry-After header (at least 1)."""
        return max(1, math.ceil(self.seconds_left))


def hit(key, period_s):
    """Count one request for `key` in the current window of `period_s` seconds.

    Runs one upsert on the default connection (and, now and then, a DELETE of windows that
    have ended). Call it outside long transactions: the row stays locked until commit.
    """
    with connection.cursor() as cursor:
        cursor.execute(HIT_SQL, {"key": key[:200], "period": int(period_s)})
        count, seconds_left = cursor.fetchone()
        every = settings.RATELIMIT_PRUNE_EVERY  # 0: never (tests that count queries)
        if every and random.random() < 1 / every:
            cursor.execute(PRUNE_SQL)
    return Hit(count=count, seconds_left=float(seconds_left))


def parse_rate(rate):
    """'300/minute' -> (300, 60). Periods as DRF reads them: s(econd), m(inute), h(our), d(ay)."""
    try:
        number, period = rate.split("/")
        seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[0].lower()]
        return int(number), seconds
    except (ValueError, KeyError, IndexError, AttributeError):
        raise ValueError(f"A rate reads like '300/minute', not {rate!r}") from None
