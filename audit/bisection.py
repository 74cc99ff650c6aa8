"""Locate incidents by box bisection, the way an attacker would, and count what it recovers.

An attacker who can count incidents in any box (an API list with `bbox`, a statistic over a
box, a map layer) halves the box around an incident again and again, keeping the half that
still holds it. Counted on the exact point, the box closes in on the exact point: at district
precision it is found to metres in some 30 requests. Counted on the public (generalised)
point only, it closes in on the public point, which the site shows anyway, and says nothing
about where in its grid cell the incident happened.

An incident counts as *exposed* when the attack ends in a box that holds its exact point but
not its public point: the answers told the attacker something finer than the stated
precision. Each axis is bisected `STEPS` times from a box four grid cells wide (off-centre,
so that no cut falls on a grid line), which ends in a box 1/128 of a cell wide.
"""

import dataclasses
import json

from contamination.querysets import COARSEST_GRID_DEG, LOCATION_GRID_DEG

STEPS = 9


@dataclasses.dataclass
class Outcome:
    reference: str
    grid_deg: float
    box: tuple  # (min_x, min_y, max_x, max_y) where the attack ended
    requests: int
    refused: int  # answers that refused the box (400)
    exposed: bool


def contains(box, point):
    min_x, min_y, max_x, max_y = box
    return min_x <= point[0] <= max_x and min_y <= point[1] <= max_y


def bisect(count, public, grid_deg, steps=STEPS):
    """Narrow a box around `public` with `count(box) -> int | None` (None: refused).

    Returns (box, requests, refused). One axis at a time, the other kept four cells wide.
    """
    offset = 0.37 * grid_deg  # off-centre: no cut lands on the public point or a grid line
    box = [
        public[0] - 2 * grid_deg + offset,
        public[1] - 2 * grid_deg + offset,
        public[0] + 2 * grid_deg + offset,
        public[1] + 2 * grid_deg + offset,
    ]
    requests = refused = 0
    for low, high in ((0, 2), (1, 3)):
        for _ in range(steps):
            middle = (box[low] + box[high]) / 2
            lower_half = list(box)
            lower_half[high] = middle
            requests += 1
            found = count(tuple(lower_half))
            if found is None:
                refused += 1
                break
            if found:
                box[high] = middle
            else:
                box[low] = middle
    return tuple(box), requests, refused


def attack(count, reference, public, exact, precision, steps=STEPS):
    """Bisect one incident; `count` answers for boxes (the attacker's oracle)."""
    grid = LOCATION_GRID_DEG.get(precision, COARSEST_GRID_DEG)
    box, requests, refused = bisect(count, public, grid, steps)
    exposed = contains(box, exact) and not contains(box, public)
    return Outcome(reference, grid, box, requests, refused, exposed)


def bbox_text(box):
    return ",".join(repr(value) for value in box)


# --- Oracles: how an attacker counts incidents in a box ---------------------------------
# Each takes a Django test client (or anything with the same get()), so that the audit and
# the tests run the same attack through the whole stack: URL, parameters, views, SQL.


def answer(response, read):
    """A count from a 200, None for a refusal (400); anything else stops the attack."""
    if response.status_code == 400:
        return None
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code} from {response.request['PATH_INFO']}")
    return read(json.loads(response.content))


def api_list_count(client, reference):
    """The incident list, narrowed to one incident by its reference (`q`): its `count`."""

    def count(box):
        response = client.get(
            "/api/v1/incidents/", {"bbox": bbox_text(box), "q": reference, "page_size": 1}
        )
        return answer(response, lambda body: body["count"])

    return count


def clusters_count(client, reference):
    """The map's cluster layer at the finest zoom, narrowed to one incident: its counts."""

    def count(box):
        response = client.get(
            "/api/v1/incidents/clusters/", {"bbox": bbox_text(box), "q": reference, "zoom": 22}
        )
        return answer(
            response, lambda body: sum(item["properties"]["count"] for item in body["features"])
        )

    return count


def stats_summary_count(client, occurred_on):
    """The headline statistics over the box, narrowed to the incident's date."""

    def count(box):
        day = occurred_on.isoformat()
        response = client.get(
            "/api/v1/stats/summary/", {"bbox": bbox_text(box), "start": day, "end": day}
        )
        return answer(response, lambda body: body["casualties"]["incidents"])

    return count


def exact_point_count(queryset):
    """The control: what a leaking surface would answer (counts on the exact point)."""
    from django.contrib.gis.geos import Polygon

    def count(box):
        return queryset.filter(location__intersects=Polygon.from_bbox(box)).count()

    return count
