"""The benchmark harness's own parts, on captured output: no wrk, no server, no big dataset."""

import json

from django.test import SimpleTestCase

from bench import report, targets
from bench.run import describe_response, fill

# Captured from `wrk --latency -s bench/wrk_report.lua` against a local server.
WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:18765/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.99ms  714.98us   8.63ms   72.15%
  967 requests in 1.00s, 2.79MB read
Requests/sec:    966.54
BENCH_JSON {"requests":967,"duration_us":1000474,"bytes":2928076,"errors":{"connect":0,\
"read":0,"write":0,"status":3,"timeout":1},"latency_us":{"min":498,"mean":1992.8,"max":8630,\
"stdev":715.0,"p50":2060,"p90":2757,"p95":3000,"p99":3724}}
"""

# Captured from `pgbench --log`: client, transaction, latency in µs, script, epoch s, epoch µs.
PGBENCH_LOG = [
    "0 0 1200 0 1764230000 100",
    "0 1 1000 0 1764230000 1300",
    "1 0 4000 0 1764230000 5000",
    "1 1 failed 0 1764230000 9000",
]


def measurement(p50, p95=None, requests=100, duration=10.0):
    return report.Measurement(requests, duration, p50, p95 or p50 * 2, p50 * 3)


class WrkOutputTests(SimpleTestCase):
    def test_it_reads_the_figures_printed_by_the_lua_done_hook(self):
        result = report.parse_wrk(WRK_OUTPUT)
        self.assertEqual(result.requests, 967)
        self.assertAlmostEqual(result.throughput, 966.54, places=1)
        self.assertEqual((result.p50_ms, result.p95_ms, result.p99_ms), (2.06, 3.0, 3.724))
        self.assertEqual(result.errors, 4)  # 3 responses >= 400 and one timeout
        self.assertAlmostEqual(result.bytes_per_request, 3028, delta=1)

    def test_a_run_without_any_answer_has_no_latency_rather_than_zero(self):
        silent = WRK_OUTPUT.split("BENCH_JSON")[0] + (
            'BENCH_JSON {"requests":0,"duration_us":3000000,"bytes":0,"errors":{"connect":0,'
            '"read":0,"write":0,"status":0,"timeout":0},"latency_us":{"min":0,"mean":0.0,'
            '"max":0,"stdev":0.0,"p50":0,"p90":0,"p95":0,"p99":0}}'
        )
        result = report.parse_wrk(silent)
        self.assertFalse(result.answered)
        row = report.Row("area page", "pages", 8, site=result)
        self.assertIn("no answer within 3 s", report.results_table([row]))
        [(name, met, evidence)] = report.target_checks([row], None)
        self.assertFalse(met)
        self.assertEqual(evidence, "p95 no answer")

    def test_output_without_the_json_line_is_an_error_not_a_zero(self):
        with self.assertRaisesMessage(ValueError, "BENCH_JSON"):
            report.parse_wrk("Running 1s test @ http://127.0.0.1:1/\n")


class PgbenchLogTests(SimpleTestCase):
    def test_it_turns_the_transaction_log_into_percentiles_and_counts_failures(self):
        result = report.parse_pgbench_log(PGBENCH_LOG, duration_s=2)
        self.assertEqual(result.requests, 3)
        self.assertEqual(result.errors, 1)
        self.assertEqual(result.throughput, 1.5)
        self.assertEqual((result.p50_ms, result.p99_ms), (1.2, 4.0))

    def test_percentiles_are_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual(report.percentile(values, 50), 50)
        self.assertEqual(report.percentile(values, 95), 95)
        self.assertEqual(report.percentile([], 95), 0.0)


class ReportTests(SimpleTestCase):
    def rows(self):
        items = report.Row("API items", "API list", 8, site=measurement(10.0))
        items.floor = measurement(9.0)
        items.peer = measurement(60.0, requests=20)
        page = report.Row("home", "pages", 8, site=measurement(200.0, p95=400.0))
        return [items, page]

    def test_the_table_shows_each_figure_and_the_ratios(self):
        table = report.results_table(self.rows())
        self.assertIn("| API items | 8 | 10.0 | 10.0 | 20.0 | 30.0 |", table)
        self.assertIn("| 1.11× |", table)  # site / floor
        self.assertIn("| 6.00× | 5.00× |", table)  # peer / site latency, site ÷ peer req/s
        self.assertIn("| home | 8 | 10.0 | 200 | 400 |", table)

    def test_the_targets_say_which_are_met_with_the_evidence(self):
        checks = {
            name: (met, evidence)
            for name, met, evidence in report.target_checks(self.rows(), worker_peak_mb=310.0)
        }
        self.assertEqual(
            checks["API items within 1.2× of the SQL floor (8 clients, p50)"],
            (True, "10.0 ms vs 9.0 ms = 1.11×"),
        )
        self.assertTrue(checks["API items: ≥5× pygeoapi's throughput (8 clients)"][0])
        self.assertEqual(checks["home: p95 < 300 ms (8 clients)"], (False, "p95 400 ms"))
        self.assertFalse(checks["gunicorn worker peak RSS < 300 MB"][0])

    def test_the_written_report_names_what_was_skipped_and_why(self):
        rows = self.rows()
        skipped = [("statement page", "/en/statements/1/ answers 404 (not landed)")]
        markdown = report.markdown_report(
            "Bench", {"cores": 2}, rows, report.target_checks(rows, 100.0), skipped
        )
        self.assertIn("- cores: 2", markdown)
        self.assertIn("- statement page: /en/statements/1/ answers 404 (not landed)", markdown)
        data = json.loads(report.json_report({"cores": 2}, rows, [], skipped))
        self.assertEqual(data["rows"][0]["site"]["throughput"], 10.0)
        self.assertAlmostEqual(data["rows"][0]["floor_ratio"], 10 / 9)


class TargetTableTests(SimpleTestCase):
    def test_placeholders_are_filled_or_the_url_is_skipped_with_a_reason(self):
        self.assertEqual(fill("/en/areas/{area}/", {"area": "AZ-FUZ"}), ("/en/areas/AZ-FUZ/", None))
        path, reason = fill("{statement}", {"area": "AZ-FUZ", "statement": None})
        self.assertIsNone(path)
        self.assertIn("statement", reason)

    def test_every_floor_and_the_peer_query_ask_for_the_same_bbox_as_their_url(self):
        for target in targets.TARGETS:
            if target.floor and "bbox=" in target.path:
                with self.subTest(target=target.name):
                    bbox = target.path.split("bbox=")[1].split("&")[0]
                    self.assertIn(targets.bbox_sql(bbox), targets.FLOORS[target.floor])
        self.assertIn(f"bbox={targets.ITEMS_BBOX}", targets.PEER_PATH)

    def test_a_response_of_the_wrong_kind_is_reported(self):
        geojson = targets.Target("layer", "/x/", "geojson", "map")
        body = b'{"type": "FeatureCollection", "features": [{"id": 4}, {"id": 5}]}'
        headers = {"Content-Type": "application/geo+json"}
        self.assertEqual(describe_response(geojson, 200, headers, body), (2, [4, 5], None))
        page = targets.Target("home", "/", "page", "pages")
        self.assertIn("HTML", describe_response(page, 200, headers, body)[2])
