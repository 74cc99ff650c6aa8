"""Read wrk's and pgbench's output, and write the benchmark's table. No I/O beyond files given.

Every figure is a `Measurement`: one tool (site, floor or peer), one URL or query, one number of
concurrent clients. Latencies are kept in milliseconds, throughput in requests per second.
"""

import json
import math
import re
from dataclasses import asdict, dataclass, field

WRK_MARKER = "BENCH_JSON "

# Targets of the issue, shown by the report (not asserted anywhere).
FLOOR_RATIO_TARGET = 1.2
PEER_THROUGHPUT_TARGET = 5.0
PAGE_P95_TARGET_MS = 300.0
PAGE_P95_LEVEL = 8
WORKER_MEMORY_TARGET_MB = 300.0


@dataclass
class Measurement:
    requests: int
    duration_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    bytes_per_request: float = 0.0
    errors: int = 0
    max_ms: float = 0.0

    @property
    def throughput(self):
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def answered(self):
        """False when no request completed within the run: its percentiles mean nothing."""
        return self.requests > 0


@dataclass
class Row:
    """One measured URL at one concurrency, with its floor and peer at the same concurrency."""

    name: str
    group: str
    level: int
    site: Measurement | None = None
    uncached: Measurement | None = None  # the same URL with Django's cache off
    floor: Measurement | None = None
    peer: Measurement | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def floor_ratio(self):
        """Site p50 over floor p50: how far the site is from the database's own time."""
        return _ratio(self.site and self.site.p50_ms, self.floor and self.floor.p50_ms)

    @property
    def uncached_floor_ratio(self):
        """Uncached site p50 over floor p50: the database-built path against the database."""
        return _ratio(self.uncached and self.uncached.p50_ms, self.floor and self.floor.p50_ms)

    @property
    def peer_ratio(self):
        """Peer p50 over site p50 (above 1: the site answers faster)."""
        return _ratio(self.peer and self.peer.p50_ms, self.site and self.site.p50_ms)

    @property
    def peer_throughput_ratio(self):
        """Site requests per second over the peer's."""
        return _ratio(self.site and self.site.throughput, self.peer and self.peer.throughput)


def _ratio(numerator, denominator):
    if not numerator or not denominator or math.isinf(numerator) or math.isinf(denominator):
        return None
    return numerator / denominator


def parse_wrk(output):
    """Return the Measurement printed by bench/wrk_report.lua in wrk's output."""
    for line in output.splitlines():
        if line.startswith(WRK_MARKER):
            data = json.loads(line[len(WRK_MARKER) :])
            break
    else:
        raise ValueError("wrk printed no BENCH_JSON line (was it run with bench/wrk_report.lua?)")
    latency = data["latency_us"]
    requests = data["requests"]
    if not requests:  # wrk prints zeros: none of these is a latency
        latency = dict.fromkeys(latency, math.inf * 1000)
    return Measurement(
        requests=requests,
        duration_s=data["duration_us"] / 1e6,
        p50_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
        max_ms=latency["max"] / 1000,
        bytes_per_request=data["bytes"] / requests if requests else 0.0,
        errors=sum(data["errors"].values()),
    )


def parse_pgbench_log(lines, duration_s):
    """Return a Measurement from pgbench's per-transaction log (`pgbench -l`).

    Each line is `client transaction latency_us script epoch_s epoch_us [...]`; a failed
    transaction has "failed" or "skipped" in place of the latency.
    """
    latencies, errors = [], 0
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        if not parts[2].isdigit():
            errors += 1
            continue
        latencies.append(int(parts[2]) / 1000)
    latencies.sort()
    return Measurement(
        requests=len(latencies),
        duration_s=duration_s,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        p99_ms=percentile(latencies, 99),
        max_ms=latencies[-1] if latencies else 0.0,
        errors=errors,
    )


def percentile(sorted_values, p):
    """Nearest-rank percentile (what wrk reports too); 0 for no values."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _ms(value):
    if value is None:
        return "–"
    if math.isinf(value):
        return "no answer"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _with_ms(value):
    text = _ms(value)
    return text if text in ("–", "no answer") else f"{text} ms"


def _x(value):
    return "–" if value is None else f"{value:.2f}×"


def _size(measurement):
    if not measurement or not measurement.bytes_per_request:
        return "–"
    size = measurement.bytes_per_request
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


def results_table(rows):
    """The main table, Markdown: one line per URL and concurrency."""
    lines = [
        "| URL | clients | req/s | p50 ms | p95 ms | p99 ms | size | errors "
        "| uncached p50 ms | floor p50 ms | site/floor | uncached/floor | floor req/s "
        "| peer p50 ms | peer/site | site÷peer req/s |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        site = row.site
        if site is not None and not site.answered:
            lines.append(
                f"| {row.name} | {row.level} | no answer within {site.duration_s:.0f} s |"
                + " |" * 13
            )
            continue
        if site is None:
            lines.append(
                f"| {row.name} | – | {'; '.join(row.notes) or 'not measured'} |" + " |" * 14
            )
            continue
        lines.append(
            f"| {row.name} | {row.level} | {site.throughput:,.1f} | {_ms(site.p50_ms)} "
            f"| {_ms(site.p95_ms)} | {_ms(site.p99_ms)} | {_size(site)} | {site.errors} "
            f"| {_ms(row.uncached and row.uncached.p50_ms)} "
            f"| {_ms(row.floor and row.floor.p50_ms)} | {_x(row.floor_ratio)} "
            f"| {_x(row.uncached_floor_ratio)} "
            f"| {'–' if not row.floor else f'{row.floor.throughput:,.1f}'} "
            f"| {_ms(row.peer and row.peer.p50_ms)} | {_x(row.peer_ratio)} "
            f"| {_x(row.peer_throughput_ratio)} |"
        )
    return "\n".join(lines)


def target_checks(rows, worker_peak_mb):
    """(target, status, evidence) for each of the issue's targets, from the measured rows."""
    checks = []
    for row in rows:
        if row.site is None:
            continue
        if row.floor and row.level in (1, PAGE_P95_LEVEL):
            clients = f"{row.level} client{'s' if row.level > 1 else ''}"
            for label, measured, ratio in (
                ("", row.site, row.floor_ratio),
                (" uncached", row.uncached, row.uncached_floor_ratio),
            ):
                if measured is None:
                    continue
                checks.append(
                    (
                        f"{row.name}{label} within {FLOOR_RATIO_TARGET}× of the SQL floor "
                        f"({clients}, p50)",
                        ratio is not None and ratio <= FLOOR_RATIO_TARGET,
                        f"{_with_ms(measured.p50_ms)} vs {_with_ms(row.floor.p50_ms)} = "
                        f"{_x(ratio)}",
                    )
                )
        if row.peer and row.level == PAGE_P95_LEVEL:
            ratio = row.peer_throughput_ratio
            checks.append(
                (
                    f"{row.name}: ≥{PEER_THROUGHPUT_TARGET:g}× pygeoapi's throughput "
                    f"({row.level} clients)",
                    ratio is not None and ratio >= PEER_THROUGHPUT_TARGET,
                    f"{row.site.throughput:,.1f} vs {row.peer.throughput:,.1f} req/s = {_x(ratio)}",
                )
            )
        is_page = row.group == "pages" or row.group.startswith("map")
        if is_page and row.level == PAGE_P95_LEVEL:
            checks.append(
                (
                    f"{row.name}: p95 < {PAGE_P95_TARGET_MS:g} ms ({row.level} clients)",
                    row.site.p95_ms < PAGE_P95_TARGET_MS and not row.site.errors,
                    f"p95 {_with_ms(row.site.p95_ms)}"
                    + (f", {row.site.errors} errors" if row.site.errors else ""),
                )
            )
    if worker_peak_mb is not None:
        checks.append(
            (
                f"gunicorn worker peak RSS < {WORKER_MEMORY_TARGET_MB:g} MB",
                worker_peak_mb < WORKER_MEMORY_TARGET_MB,
                f"{worker_peak_mb:,.0f} MB (VmHWM)",
            )
        )
    return checks


def checks_table(checks):
    lines = ["| target | met | measured |", "|---|:-:|---|"]
    for name, met, evidence in checks:
        lines.append(f"| {name} | {'yes' if met else '**no**'} | {evidence} |")
    return "\n".join(lines)


def markdown_report(title, environment, rows, checks, skipped, notes=()):
    """The whole report: environment, results, targets, what was skipped and why."""
    parts = [f"# {title}", "", "## Machine and versions", ""]
    parts += [f"- {name}: {value}" for name, value in environment.items()]
    parts += ["", "## Results", "", results_table(rows), ""]
    parts += [
        "p50/p95/p99: latency percentiles over the run (wrk for the site and the peer, pgbench's "
        "per-transaction log for the floor). uncached: the same URL served with Django's cache "
        "off (bench/settings_nocache.py). site/floor: site p50 ÷ floor p50. peer/site: "
        "pygeoapi p50 ÷ site p50. site÷peer req/s: the site's throughput over pygeoapi's.",
        "",
        "## Targets",
        "",
        checks_table(checks),
        "",
    ]
    if skipped:
        parts += ["## Not measured", ""]
        parts += [f"- {name}: {reason}" for name, reason in skipped]
        parts.append("")
    if notes:
        parts += ["## Notes", ""]
        parts += [f"- {note}" for note in notes]
        parts.append("")
    return "\n".join(parts)


def json_report(environment, rows, checks, skipped, notes=()):
    def row_dict(row):
        data = {"name": row.name, "group": row.group, "level": row.level, "notes": row.notes}
        for tool in ("site", "uncached", "floor", "peer"):
            measurement = getattr(row, tool)
            data[tool] = (
                None
                if measurement is None
                else {**asdict(measurement), "throughput": round(measurement.throughput, 2)}
            )
        data["floor_ratio"] = row.floor_ratio
        data["uncached_floor_ratio"] = row.uncached_floor_ratio
        data["peer_ratio"] = row.peer_ratio
        data["peer_throughput_ratio"] = row.peer_throughput_ratio
        return data

    return json.dumps(
        {
            "environment": environment,
            "rows": [row_dict(row) for row in rows],
            "targets": [
                {"target": name, "met": met, "measured": evidence} for name, met, evidence in checks
            ],
            "skipped": [{"name": name, "reason": reason} for name, reason in skipped],
            "notes": list(notes),
        },
        indent=2,
        ensure_ascii=False,
    )


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
