"""The OpenAPI schema: valid, complete, and true to what the API answers (schemathesis)."""

import tempfile
import time

import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import TestCase, override_settings
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.dataset import APITestCase

# Generated requests per operation for the OGC definition (tests/ogc): enough to reach every
# parameter, small enough that the whole run stays well inside `make test`'s budget.
EXAMPLES_PER_OPERATION = 12
# The records' and statements' API: this many schema-valid requests per GET operation, and as
# many schema-invalid ones, under every check schemathesis has (`--checks all`).
STRICT_EXAMPLES_PER_OPERATION = 100


# Everything schemathesis can check except `positive_data_acceptance`: the schema cannot say
# that an area code must exist or that `end` must not come before `start`, and such requests
# rightly get a 400.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# Parameters whose validity a schema cannot state: whether an area code or organisation id
# exists, whether a range ends after it starts (`end`, `date_to`, `as_of_to`), whether a box
# has its minimum below its maximum or is coarser than the incidents' location grid, whether a
# moment lies in the past, whether a search is free of control characters, whether a tile's
# column and row exist at its zoom (`x`, `y` < 2^z). A schema-valid
# request may rightly be refused for these, and for these only.
CONTEXTUAL_PARAMETERS = {
    "area",
    "parent",
    "organisation",
    "scope",
    "end",
    "date_to",
    "as_of_to",
    "bbox",
    "as_of",
    "q",
    "x",
    "y",
}
# Parameters that exclude or need each other, which OpenAPI 3.0 cannot state: the changes
# feed reads either `after` (alone) or `since` (with `page`, and only the records' `kind`s),
# and needs one of them.
CONTEXTUAL_PER_OPERATION = {"/api/v1/changes/": {"after", "since", "page", "kind"}}

# Every check schemathesis has, as `--checks all`; `positive_data_acceptance` also takes the
# 400 that `explained_refusal` below holds to the contextual parameters.
ALL_CHECKS_CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "404", "429"],
            }
        }
    }
)


def explained_refusal(ctx, response, case):
    """A schema-valid request refused with a 400 names only contextual parameters."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code != 400:
        return None
    named = set(response.json())
    contextual = CONTEXTUAL_PARAMETERS | CONTEXTUAL_PER_OPERATION.get(case.operation.path, set())
    if not named <= contextual:
        raise AssertionError(
            f"A schema-valid request was refused for {sorted(named - contextual)}: "
            f"the schema should rule that value out. {response.text[:300]}"
        )
    return None


class SchemaValidationTests(TestCase):  # the schema view counts requests in the database
    def setUp(self):
        cache.clear()  # the schema view is rate-limited too
        # The WSGI handler would close the test's connection after the request (see below).
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.addCleanup(signals.request_started.connect, close_old_connections)
        self.addCleanup(signals.request_finished.connect, close_old_connections)

    def test_the_schema_validates_without_a_single_warning(self):
        with tempfile.NamedTemporaryFile(suffix=".yaml") as output:
            call_command("spectacular", "--validate", "--fail-on-warn", "--file", output.name)

    def test_every_parameter_and_operation_is_described(self):
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            definition = operation.definition.raw
            with self.subTest(operation=operation.label):
                self.assertTrue(definition.get("description"), "operation without description")
                for parameter in definition.get("parameters", []):
                    self.assertTrue(parameter.get("description"), parameter["name"])


# The contamination API's paths (other apps describe their own, in their own tests).
OWN_PATHS = (
    "/api/v1/areas/",
    "/api/v1/hazard-areas/",
    "/api/v1/land-releases/",
    "/api/v1/incidents/",
    "/api/v1/organisations/",
    "/api/v1/sources/",
    "/api/v1/changes/",
    "/api/v1/stats/",
    "/api/v1/downloads/",
)


def own_operations(document):
    """This app's operations, with every `$ref` replaced by the component it names."""

    def resolve(node, seen=()):
        if isinstance(node, dict):
            reference = node.get("$ref")
            if reference and reference not in seen:
                name = reference.rsplit("/", 1)[-1]
                return resolve(document["components"]["schemas"][name], (*seen, reference))
            return {key: resolve(value, seen) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value, seen) for value in node]
        return node

    return {
        path: resolve(operations)
        for path, operations in document["paths"].items()
        if path == "/api/v1/" or path.startswith(OWN_PATHS)
    }


def undescribed_fields(schema, path="", found=None):
    """Paths of object properties without a description, anywhere in `schema`."""
    found = [] if found is None else found
    if isinstance(schema, dict):
        if schema.get("type") == "object" and isinstance(schema.get("properties"), dict):
            for name, field in schema["properties"].items():
                if "description" not in field:
                    found.append(f"{path}.{name}")
                undescribed_fields(field, f"{path}.{name}", found)
            for key, value in schema.items():
                if key != "properties":
                    undescribed_fields(value, f"{path}.{key}", found)
        else:
            for key, value in schema.items():
                undescribed_fields(value, f"{path}.{key}", found)
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            undescribed_fields(value, f"{path}[{index}]", found)
    return found


class FieldDescriptionTests(TestCase):
    def test_every_field_of_every_answer_is_described(self):
        cache.clear()
        document = self.client.get("/api/v1/schema/?format=json").json()
        operations = own_operations(document)
        self.assertIn("/api/v1/hazard-areas/", operations)
        self.assertEqual(undescribed_fields(operations), [])


@override_settings(
    API_RATE_LIMIT="1000000/minute",
    API_DOWNLOAD_RATE_LIMIT="1000000/minute",
    API_DOWNLOAD_CACHE_DIR=tempfile.mkdtemp(prefix="mineatlas-test-downloads-"),
)
class SchemathesisTests(APITestCase):
    """Generated requests for every operation: no 5xx, and every answer matches the schema
    (status code, content type, headers, body)."""

    def setUp(self):
        super().setUp()
        # The WSGI handler closes the database connection after each request, as a server
        # should; in a test that would close the test's transaction (Django's own test client
        # disconnects this handler the same way).
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.addCleanup(signals.request_started.connect, close_old_connections)
        self.addCleanup(signals.request_finished.connect, close_old_connections)

    def test_generated_requests_get_answers_that_match_the_schema(self):
        schema = schemathesis.openapi.from_wsgi(
            "/api/v1/schema/", get_wsgi_application(), config=ALL_CHECKS_CONFIG
        )
        started = time.monotonic()
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertGreaterEqual(len(operations), 25)
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                with self.subTest(operation=operation.label, mode=mode.value):
                    self.exercise_with_every_check(operation, mode)
        print(
            f"schemathesis: {len(operations)} operations × {STRICT_EXAMPLES_PER_OPERATION} "
            f"valid and invalid examples in {time.monotonic() - started:.0f} s"
        )

    def exercise_with_every_check(self, operation, mode):
        @settings(
            max_examples=STRICT_EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            savepoint = transaction.savepoint()
            try:
                case.call_and_validate(
                    headers={"Accept-Encoding": "identity"}, additional_checks=[explained_refusal]
                )
            finally:
                transaction.savepoint_rollback(savepoint)

        check()

    def exercise(self, operation):
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            # A savepoint per request: one database error must not abort the transaction
            # for every request after it (and hide which request caused it).
            savepoint = transaction.savepoint()
            try:
                # The WSGI transport asks for gzip but does not decompress (an HTTP client
                # would): ask for the plain body; test_http covers the compressed one.
                case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)
            finally:
                transaction.savepoint_rollback(savepoint)

        check()
