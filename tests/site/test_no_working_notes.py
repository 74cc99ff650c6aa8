"""No compilers' working notes on public pages.

The data files carry the compilers' notes for editors (file names, "row 52", "seed statement",
indicator codes, raw field names). Those belong in the admin; every public page type is
rendered here with the real statements loaded and checked for them.
"""

import io
import re
from html.parser import HTMLParser

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from contamination.models import AdminArea, HazardAreaSource
from statements.models import Metric, Person, Statement
from tests import factories

# What a working note looks like, in a page's visible text (not in URLs or attributes).
FILE_NAMES = re.compile(
    r"\b(?:figures(?:-2)?\.csv|statements\.(?:md|json)|incidents\.csv|incidents-NOTES)", re.I
)
LEAKS = [
    re.compile(r"\bNOTES\b"),
    re.compile(r"\bcorpus\b", re.I),
    re.compile(r"\brows? \d+\b|\bcompiled rows?\b", re.I),
    re.compile(r"\bseed statement", re.I),
    # An indicator or field code (`share_of_territory_contaminated`, `as_of`), unless it is
    # part of a URL example such as "?as_of=2024-01-01".
    re.compile(r"(?<![?&=/\w])[a-z]+(?:_[a-z0-9]+)+\b(?!=)"),
    # A field name used as a label: "as_of: 2023" or "items:" opening a line, but not the
    # English "other items: 3".
    re.compile(r"(?<![A-Za-z] )\b(?:as_of|since|items)\s*:"),
]
# A field name alone in <code> is a field name shown as prose.
BARE_FIELD = re.compile(r"\s*(?:as_of|since|items)\s*")


class _VisibleText(HTMLParser):
    """Sorts a page's visible text (not script or style) into prose, code and link labels.

    JSON in the browsable API's <pre> and API parameters in <code> (`hazard_type`, `?as_of=`)
    are for readers, and a download link may be labelled with the file it gives
    (`incidents.csv`): only prose is held to every rule.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.prose, self.code, self.links = [], [], []
        self._open = {"script": 0, "style": 0, "code": 0, "pre": 0, "a": 0}

    def handle_starttag(self, tag, attrs):
        if tag in self._open:
            self._open[tag] += 1
            if tag in ("code", "pre"):
                self.code.append("")

    def handle_endtag(self, tag):
        if tag in self._open:
            self._open[tag] = max(0, self._open[tag] - 1)

    def handle_data(self, data):
        if self._open["script"] or self._open["style"]:
            return
        if self._open["code"] or self._open["pre"]:
            self.code[-1] += data
        elif self._open["a"]:
            self.links.append(data)
        else:
            self.prose.append(data)


def working_note_leaks(html):
    """The pieces of `html`'s visible text that look like compilers' working notes."""
    parser = _VisibleText()
    parser.feed(html)
    found = []

    def look(patterns, texts):
        for text in texts:
            for pattern in patterns:
                found.extend(
                    text[max(0, m.start() - 40) : m.end() + 40].strip()
                    for m in pattern.finditer(text)
                )

    look([FILE_NAMES, *LEAKS], parser.prose)
    look([FILE_NAMES], parser.code)
    look(LEAKS, parser.links)
    found += [f"<code>{code}</code>" for code in parser.code if BARE_FIELD.fullmatch(code)]
    return found


class MatcherTests(TestCase):
    def test_it_finds_a_planted_leak(self):
        for leak in [
            "<p>Note: seed statement; see figures.csv.</p>",
            "<p>Date from figures-2.csv row 63.</p>",
            "<p>The page was not in the corpus.</p>",
            "<p>indicator share_of_territory_contaminated, unit percent</p>",
            "<p>as_of: 2023-01-01</p>",
            "<p>Filter by <code>since</code>.</p>",
            "<p>See incidents-NOTES.md</p>",
            "<p>Counted in <code>figures.csv</code>.</p>",
            '<p><a href="/en/statements/x/">seed statement, row 4</a></p>',
        ]:
            with self.subTest(leak):
                self.assertTrue(working_note_leaks(leak))

    def test_it_leaves_plain_english_urls_and_attributes_alone(self):
        html = (
            '<p data-field="as_of" class="claim_note">Since November 2020, 300 items were found;'
            ' rows of houses. <a href="/api/v1/claims/?as_of=2024-01-01&amp;metric=x_y">'
            "/api/v1/claims/?as_of=2024-01-01</a> Filters: <code>hazard_type</code>,"
            ' <code>?as_of=</code>; other items: 3. <a href="/api/v1/incidents/?format=csv">'
            "incidents.csv</a></p><script>var items_found = 1;</script>"
        )
        self.assertEqual(working_note_leaks(html), [])


class NoWorkingNotesOnPublicPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_boundaries", stdout=io.StringIO())
        call_command("load_statements", stdout=io.StringIO())
        operator = factories.make_organisation(name="Field Operator", acronym="FO")
        source = factories.make_source(publisher="Demining Agency", title="Annual survey 2022")
        cls.hazard = factories.make_hazard_area(reference="HA-PUB", surveyed_by=operator)
        HazardAreaSource.objects.create(hazard_area=cls.hazard, source=source, page="p. 12")
        cls.release = factories.make_land_release(reference="LR-PUB", organisation=operator)
        cls.incident = factories.make_incident(
            reference="IN-PUB",
            casualties=[{"outcome": "injured", "group": "civilian", "sex": "male"}],
        )

    def assert_no_leaks(self, url):
        response = self.client.get(url, HTTP_ACCEPT="text/html")
        self.assertEqual(response.status_code, 200, url)
        leaks = working_note_leaks(response.content.decode())
        self.assertEqual(leaks, [], f"working notes on {url}")

    def test_site_pages(self):
        area = AdminArea.objects.order_by("level", "pk").first()
        urls = [
            reverse("home"),
            reverse("contamination:map"),
            reverse("contamination:statistics"),
            reverse("contamination:area-list"),
            area.get_absolute_url(),
            self.hazard.get_absolute_url(),
            self.release.get_absolute_url(),
            self.incident.get_absolute_url(),
            reverse("editorial:about"),
            reverse("editorial:privacy"),
            reverse("contamination:methodology"),
            reverse("search:search") + "?q=mines",
            reverse("contamination:changelog"),
            reverse("contamination:data"),
            reverse("api:index"),
        ]
        for url in urls:
            with self.subTest(url):
                self.assert_no_leaks(url)

    def test_statement_person_and_metric_pages(self):
        urls = [
            reverse("statements:statement-list"),
            reverse("statements:person-list"),
            reverse("statements:metric-list"),
        ]
        urls += [s.get_absolute_url() for s in Statement.objects.published()]
        urls += [p.get_absolute_url() for p in Person.objects.all()[:5]]
        urls += [m.get_absolute_url() for m in Metric.objects.all()]
        self.assertGreater(len(urls), 100)
        for url in urls:
            with self.subTest(url):
                self.assert_no_leaks(url)

    def test_the_statement_and_claim_api_and_csv_carry_no_working_notes(self):
        seed = Statement.objects.get(reference="az-hajiyev-azertac-interview-mine-terror")
        self.assertIn("Seed statement", seed.note)  # kept for editors
        urls = [
            reverse("api:statement-list") + "?page_size=200",
            reverse("api:statement-list") + "?format=csv",
            reverse("api:claim-list") + "?format=csv",
            reverse("api:statement-detail", args=[seed.reference]),
        ]
        for url in urls:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                body = response.content.decode()
                for leak in ("Seed statement", "figures.csv", "statements.md", "corpus"):
                    self.assertNotIn(leak, body)
