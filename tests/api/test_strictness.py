"""One strictness for every endpoint under /api/v1/ (records and statements alike).

The endpoints and their parameters are read from the OpenAPI schema, so an endpoint or a
parameter added later is covered without editing this file. Each kind of bad input — an
unknown parameter, an empty value, a value the schema rules out, a repeated single value —
must answer 400 in JSON with a message under the parameter's name; a wrong address under
/api/ is a JSON 404, never the site's HTML page.
"""

from django.core.cache import cache
from django.test import Client, override_settings

from tests.api.dataset import APITestCase

# Values for path parameters, and for the parameters an operation requires, that are valid,
# so that the one bad parameter under test is the only thing wrong with the request.
PATH_VALUES = {
    "id": "1",
    "code": "AZ",
    "key": "a-key",
    "extension": "gpkg",
    # A tile over Azerbaijan at zoom 5.
    "layer": "hazard-areas",
    "z": "5",
    "x": "20",
    "y": "12",
}
REQUIRED_VALUES = {"since": "2024-01-01T00:00:00Z", "zoom": "5"}


def bad_value(schema):
    """A value the parameter's schema rules out, or None if it rules out none we can write."""
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    if "enum" in schema:
        return "no-such-choice"
    if schema.get("type") in ("integer", "number"):
        if "minimum" in schema:
            return str(schema["minimum"] - 1)
        return "abc"
    if "pattern" in schema:
        return "!!"
    if schema.get("format") == "date":
        return "2023-02-30"
    if schema.get("format") == "date-time":
        return "soon"
    if "maxLength" in schema:
        return "x" * (schema["maxLength"] + 1)
    return None


def too_large(schema):
    if schema.get("type") == "integer" and "maximum" in schema:
        return str(schema["maximum"] + 1)
    return None


class Operation:
    def __init__(self, path, definition):
        self.template = path
        self.path = path
        for name, value in PATH_VALUES.items():
            self.path = self.path.replace("{" + name + "}", value)
        self.parameters = {
            parameter["name"]: parameter
            for parameter in definition.get("parameters", [])
            if parameter["in"] == "query"
        }
        self.required = {
            name: REQUIRED_VALUES[name]
            for name, parameter in self.parameters.items()
            if parameter.get("required")
        }

    def url(self, query):
        """The path with the required parameters, then `query` (a string, already encoded)."""
        given = [f"{name}={value}" for name, value in self.required.items()]
        return self.path + "?" + "&".join([*given, query])


@override_settings(
    API_RATE_LIMIT="1000000/minute",
    API_DOWNLOAD_RATE_LIMIT="1000000/minute",
    API_TILE_RATE_LIMIT="1000000/minute",
)
class StrictnessTests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cache.clear()
        document = Client().get("/api/v1/schema/?format=json").json()
        cls.operations = [
            Operation(path, operations["get"])
            for path, operations in document["paths"].items()
            if "get" in operations
        ]

    def assertNamesParameter(self, url, parameter):
        response = self.get(url)
        self.assertEqual(response.status_code, 400, (url, response.content[:300]))
        self.assertEqual(response["Content-Type"], "application/json")
        body = response.json()
        self.assertIn(parameter, body, url)
        self.assertTrue(body[parameter][0], url)

    def assertJSON404(self, url):
        response = self.get(url)
        self.assertEqual(response.status_code, 404, url)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertTrue(response.json()["detail"])

    def test_every_endpoint_is_covered(self):
        paths = {operation.template for operation in self.operations}
        self.assertGreaterEqual(len(paths), 25)
        for expected in (
            "/api/v1/hazard-areas/",
            "/api/v1/incidents/clusters/",
            "/api/v1/statements/",
            "/api/v1/statements/{key}/",
            "/api/v1/claims/{id}/",
            "/api/v1/downloads/mine-atlas.{extension}",
        ):
            self.assertIn(expected, paths)

    def test_an_unknown_parameter_is_refused_everywhere(self):
        for operation in self.operations:
            with self.subTest(path=operation.template):
                self.assertNamesParameter(operation.url("colour=red"), "colour")

    def test_an_empty_value_is_refused_for_every_parameter(self):
        for operation in self.operations:
            for name in operation.parameters:
                with self.subTest(path=operation.template, parameter=name):
                    query = {**operation.required, name: ""}
                    url = operation.path + "?" + "&".join(f"{k}={v}" for k, v in query.items())
                    self.assertNamesParameter(url, name)

    def test_a_value_the_schema_rules_out_is_refused_for_every_parameter(self):
        tested = 0
        for operation in self.operations:
            for name, parameter in operation.parameters.items():
                if name in operation.required:
                    continue
                for value in (bad_value(parameter["schema"]), too_large(parameter["schema"])):
                    if value is None:
                        continue
                    tested += 1
                    url = operation.url(f"{name}={value}")
                    with self.subTest(path=operation.template, parameter=name, value=value):
                        if name == "page" and value == too_large(parameter["schema"]):
                            # Past the last page whatever the data: a 404, as any page past it.
                            self.assertJSON404(url)
                        else:
                            self.assertNamesParameter(url, name)
        self.assertGreater(tested, 150)

    def test_a_single_value_given_twice_is_refused(self):
        for operation in self.operations:
            with self.subTest(path=operation.template):
                self.assertNamesParameter(operation.url("format=json&format=json"), "format")

    def test_an_unknown_format_is_a_400_naming_it(self):
        for operation in self.operations:
            with self.subTest(path=operation.template):
                self.assertNamesParameter(operation.url("format=xml"), "format")

    def test_ranges_that_end_before_they_start_are_refused(self):
        for url, parameter in [
            ("/api/v1/hazard-areas/?start=2023-01-01&end=2022-01-01", "end"),
            ("/api/v1/land-releases/?start=2023-01-01&end=2022-01-01", "end"),
            ("/api/v1/stats/summary/?start=2023-01-01&end=2022-01-01", "end"),
            ("/api/v1/statements/?date_from=2023-01-01&date_to=2022-01-01", "date_to"),
            ("/api/v1/claims/?as_of_from=2023-01-01&as_of_to=2022-01-01", "as_of_to"),
        ]:
            with self.subTest(url=url):
                self.assertNamesParameter(url, parameter)

    def test_statement_filters_are_read_as_strictly_as_the_records(self):
        for url, parameter in [
            ("/api/v1/statements/?side=foo", "side"),
            ("/api/v1/statements/?side=AZ", "side"),
            ("/api/v1/statements/?date_from=10/11/12", "date_from"),
            ("/api/v1/statements/?updated_since=yesterday", "updated_since"),
            ("/api/v1/statements/?q=a%00b", "q"),
            ("/api/v1/statements/?page_size=501", "page_size"),
            ("/api/v1/statements/?page_size=abc", "page_size"),
            ("/api/v1/statements/?page=0", "page"),
            ("/api/v1/claims/?scope=/etc/passwd", "scope"),
            ("/api/v1/people/?page_size=-1", "page_size"),
            ("/api/v1/metrics/?comparison=everything", "comparison"),
            ("/api/v1/statements/a-key/?page=2", "page"),
            ("/api/v1/people/?format=csv&page_size=-1", "page_size"),
            ("/api/v1/incidents/?ordering=,,", "ordering"),
            ("/api/v1/land-releases/?method=cleared,", "method"),
        ]:
            with self.subTest(url=url):
                self.assertNamesParameter(url, parameter)

    def test_a_moment_with_any_offset_is_read_in_utc_not_a_500(self):
        # PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 and Python accept.
        for url in (
            "/api/v1/statements/?updated_since=2024-01-01T00:00:00%2B16:00",
            "/api/v1/hazard-areas/?updated_since=2024-01-01T00:00:00%2B16:00",
            "/api/v1/statements/?updated_since=2024-01-01T00:00:00-23:59",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.get(url).status_code, 200)

    def test_valid_values_still_work(self):
        for url in (
            "/api/v1/statements/?side=int&date_from=2020-01-01&date_to=2024-12-31",
            "/api/v1/claims/?as_of_from=2020-01-01&as_of_to=2020-01-01&scope=AZ",
            "/api/v1/statements/?page=1&page_size=500",
            "/api/v1/land-releases/?method=cleared&method=reduced",
            "/api/v1/downloads/mine-atlas.gpkg?layer=areas&layer=incidents",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.get(url).status_code, 200)

    def test_a_wrong_address_under_the_api_is_a_json_404(self):
        for url in (
            "/api/v1/hazard-areas/-1/",
            "/api/v1/hazard-areas/abc/",
            "/api/v1/nope/",
            "/api/v2/",
            "/api/v1/statements/no-such-statement/",
            "/api/v1/claims/abc/",
            "/api/v1/claims/999999/",
            "/api/v1/areas/ZZ/",
            "/api/v1/statements/?page=2",
        ):
            with self.subTest(url=url):
                self.assertJSON404(url)

    def test_a_wrong_address_on_the_site_is_still_its_page(self):
        response = self.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertTrue(response["Content-Type"].startswith("text/html"))

    def test_only_get_is_answered(self):
        for operation in self.operations:
            with self.subTest(path=operation.template):
                response = self.client.post(operation.url(""))
                self.assertEqual(response.status_code, 405)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertIn("GET", response["Allow"])
