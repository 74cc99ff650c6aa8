"""The site's own words about statements never rule on them."""

import io
import re
import tokenize
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)
VERDICT = re.compile(
    r"\b(false|falsely|true|truth|untrue|misleading|mislead|lie|lies|lied|liar|debunk\w*|"
    r"fake|correct|incorrect|wrong|accurate|inaccurate|disproved?|confirm(s|ed)? the claim)\b",
    re.IGNORECASE,
)


MARKUP = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}|<[^>]*>", re.DOTALL)


def visible_text(template):
    """What a reader can see: template tags, variables and HTML tags with attributes removed."""
    return MARKUP.sub(" ", template)


def python_strings(path):
    """Every string literal in a Python file (booleans like True are names, not strings)."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    for token in tokens:
        if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            yield token.start[0], token.string


class NeutralVoiceTests(SimpleTestCase):
    def test_templates_use_no_verdict_words(self):
        templates = sorted((ROOT / "templates" / "statements").rglob("*.html"))
        self.assertTrue(templates)
        for path in templates:
            text = visible_text(path.read_text(encoding="utf-8"))
            with self.subTest(str(path.relative_to(ROOT))):
                self.assertIsNone(VERDICT.search(text))

    def test_the_statements_code_puts_no_verdict_words_in_its_text(self):
        files = sorted(
            path for path in (ROOT / "statements").rglob("*.py") if "migrations" not in path.parts
        )
        self.assertTrue(files)
        for path in files:
            for number, text in python_strings(path):
                with self.subTest(f"{path.relative_to(ROOT)}:{number}"):
                    self.assertIsNone(VERDICT.search(text), text)

    def test_the_check_catches_a_verdict(self):
        self.assertIsNotNone(VERDICT.search("This claim is False."))
        self.assertIsNotNone(VERDICT.search("a misleading figure"))
        self.assertIsNone(VERDICT.search("trueness and lineage are other words"))
        self.assertEqual(visible_text('<span aria-hidden="true">Stated</span>').strip(), "Stated")
