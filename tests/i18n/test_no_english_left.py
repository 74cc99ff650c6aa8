"""No English left on an Azerbaijani or Russian page, and nothing left untranslated in the
catalogues.

The crawl reads every page type under /az/ and /ru/ as a reader sees it: the text between the
tags and the attributes a screen reader or a browser shows (title, alt, aria-label,
placeholder, the description). Text inside an element whose `lang` is another language is
left alone: that is a record's or a statement's own words, marked as such (DOMAIN.md: a
statement stays in the language it was said in), as are code samples.
"""

import contextlib
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import translation

from tests.i18n.pages import PAGE_TYPES, build_pages_world, page_path
from tests.site.world import CacheClearing

TRANSLATED_LANGUAGES = ("az", "ru")

# Words that mark a phrase as English: common English words that are not words of
# Azerbaijani (Latin script) and that a Russian page would never hold in Latin letters.
_ENGLISH_WORD_LIST = """
    the and of with from this that for are is was were has have which your you our not by
    all any into per page pages record records published map hazard hazardous land
    released release incident incidents statement statements source sources download
    downloads search more show see about report error year years people killed injured
    cleared cancelled reduced total none unknown other next previous back home legend
    area areas said what who when where how why here there been will can only each
"""
# Not "may": May is also the month's name in Azerbaijani.
ENGLISH_WORDS = frozenset(_ENGLISH_WORD_LIST.split())
SHOWN_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")
# Elements whose content is not prose in the page's language.
NOT_PROSE = {"script", "style", "code", "pre", "kbd", "samp", "template", "textarea"}
# An address shown as text (a citation's link) is not prose either.
ADDRESS = re.compile(r"https?://\S+")
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip


class ShownText(HTMLParser):
    """The page's reader-visible phrases, each with the tag path that holds it."""

    def __init__(self, page_language):
        super().__init__(convert_charrefs=True)
        self.page_language = page_language
        self.open = []  # (tag, skipped) for every open element
        self.phrases = []

    def skipping(self):
        return any(skipped for _tag, skipped in self.open)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        language = (attributes.get("lang") or "").split("-")[0]
        foreign = bool(language) and language != self.page_language
        skipped = foreign or tag in NOT_PROSE
        if not (skipped or self.skipping()):
            for name in SHOWN_ATTRIBUTES:
                if attributes.get(name):
                    self.phrases.append((f"{tag}[{name}]", attributes[name]))
            if tag == "meta" and attributes.get("name") == "description":
                self.phrases.append(("meta[description]", attributes.get("content", "")))
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.open.pop()

    def handle_endtag(self, tag):
        # Close up to the matching element (HTML lets some end tags be left out).
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        if data.strip() and not self.skipping():
            where = ">".join(tag for tag, _skipped in self.open[-3:])
            self.phrases.append((where, " ".join(data.split())))


def english_phrases(html, language):
    """The phrases of `html` that read as English, as 'where: text'."""
    parser = ShownText(language)
    parser.feed(html)
    found = []
    for where, text in parser.phrases:
        # Whole words in any script, so that Azerbaijani "isə" is not read as "is".
        words = {word.lower() for word in re.findall(r"\w+", ADDRESS.sub(" ", text))}
        if words & ENGLISH_WORDS:
            found.append(f"{where}: {text[:120]}")
    return found


class CrawlerTests(SimpleTestCase):
    """The crawler itself: it must see English where it is, and only there."""

    def test_it_finds_english_in_text_and_in_shown_attributes(self):
        html = (
            '<html lang="ru"><head><title>Map of the records</title></head><body>'
            '<p>Карта</p><button aria-label="Show all">…</button></body></html>'
        )
        found = english_phrases(html, "ru")
        self.assertEqual(len(found), 2, found)

    def test_it_leaves_foreign_language_text_and_code_alone(self):
        html = (
            '<html lang="az"><body><p>Xəritə</p>'
            '<blockquote lang="en"><p>The area was cleared.</p></blockquote>'
            "<pre>curl https://example.org/api/v1/records/?page=2</pre>"
            '<script>const text = "the map";</script><p>Qeydlər</p></body></html>'
        )
        self.assertEqual(english_phrases(html, "az"), [])


class NoEnglishOnTranslatedPagesTests(CacheClearing, TestCase):
    @classmethod
    def setUpTestData(cls):
        build_pages_world(cls)

    def test_every_page_type_reads_in_its_language(self):
        for page_type, url_name, arguments in PAGE_TYPES:
            for language in TRANSLATED_LANGUAGES:
                path = page_path(self, url_name, arguments, language)
                with self.subTest(page_type, language=language):
                    response = self.client.get(path)
                    self.assertEqual(response.status_code, 200)
                    found = english_phrases(response.content.decode(), language)
                    self.assertFalse(found, f"English on {path}:\n" + "\n".join(found))

    def test_the_api_guide_reads_in_the_language_asked_for(self):
        # /api/ has no prefix: `?lang=` (or Accept-Language) chooses, as for the API itself.
        for language in TRANSLATED_LANGUAGES:
            with self.subTest(language=language):
                response = self.client.get(f"/api/?lang={language}", HTTP_ACCEPT="text/html")
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                self.assertIn(f'<html lang="{language}"', html)
                found = english_phrases(html, language)
                self.assertFalse(found, "English on /api/:\n" + "\n".join(found))

    def test_the_error_pages_read_in_the_readers_language(self):
        for language in TRANSLATED_LANGUAGES:
            with self.subTest("404", language=language):
                response = self.client.get(f"/{language}/no-such-page/")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(english_phrases(response.content.decode(), language), [])
            with self.subTest("500", language=language), translation.override(language):
                self.assertEqual(english_phrases(render_to_string("500.html"), language), [])


# What `make messages` reads (the Makefile's MESSAGE_SOURCES): the app folders and templates.
SOURCE_FOLDERS = [
    "accounts", "audit", "changefeed", "config", "contamination", "editorial", "health",
    "ogc", "ratelimit", "search", "statements", "templates", "static",
]  # fmt: skip


def catalogue_statistics(po_file):
    """(translated, fuzzy, untranslated) as msgfmt counts them; msgfmt also checks that each
    translation keeps the placeholders of its original (--check-format)."""
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise AssertionError(f"{po_file}: {result.stderr}")

    def count(pattern):
        match = re.search(rf"(\d+) {pattern}", result.stderr)
        return int(match.group(1)) if match else 0

    return count("translated"), count("fuzzy"), count("untranslated")


class CataloguesAreCompleteTests(SimpleTestCase):
    """0 untranslated and 0 fuzzy messages, counted after collecting the messages afresh from
    the code: a phrase marked for translation but never added to a catalogue fails here too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.work = Path(tempfile.mkdtemp(prefix="mineatlas-messages-"))
        cls.addClassCleanup(shutil.rmtree, cls.work)
        root = Path(settings.BASE_DIR)
        ignore = shutil.ignore_patterns("lib", "__pycache__", "*.mo")
        for folder in [*SOURCE_FOLDERS, "locale"]:
            shutil.copytree(root / folder, cls.work / folder, ignore=ignore)
        with (
            override_settings(LOCALE_PATHS=[str(cls.work / "locale")]),
            contextlib.chdir(cls.work),
        ):
            for domain in ("django", "djangojs"):
                call_command(
                    "makemessages", locale=["az", "ru"], domain=domain, verbosity=0,
                    no_obsolete=True,
                )  # fmt: skip

    def test_no_message_is_untranslated_or_fuzzy(self):
        for language in TRANSLATED_LANGUAGES:
            for domain in ("django", "djangojs"):
                po_file = self.work / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
                with self.subTest(language=language, domain=domain):
                    self.assertTrue(po_file.exists(), po_file)
                    translated, fuzzy, untranslated = catalogue_statistics(po_file)
                    self.assertGreater(translated, 0)
                    self.assertEqual((fuzzy, untranslated), (0, 0), po_file)

    def test_the_committed_catalogues_hold_every_message(self):
        """A committed catalogue that lacks a message the code marks would show it in English."""
        root = Path(settings.BASE_DIR) / "locale"
        for language in TRANSLATED_LANGUAGES:
            for domain in ("django", "djangojs"):
                committed = root / language / "LC_MESSAGES" / f"{domain}.po"
                fresh = self.work / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
                with self.subTest(language=language, domain=domain):
                    self.assertEqual(
                        catalogue_statistics(committed)[0], catalogue_statistics(fresh)[0]
                    )
