"""The OGC OpenAPI definition is true to what /ogc/ answers: schemathesis sends generated
requests to each operation (no 5xx; status, content type, headers and body as documented)."""

import schemathesis
from django.core.wsgi import get_wsgi_application

from tests.api import test_schema


class OGCSchemathesisTests(test_schema.SchemathesisTests):
    def test_generated_requests_get_answers_that_match_the_schema(self):
        schema = schemathesis.openapi.from_wsgi("/ogc/api", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        labels = {operation.label for operation in operations}
        self.assertIn("GET /collections/claims/items/{featureId}", labels)
        self.assertGreaterEqual(len(labels), 3 + 3 * 5)  # landing, conformance, collections
        for operation in operations:
            with self.subTest(operation=operation.label):
                self.exercise(operation)
