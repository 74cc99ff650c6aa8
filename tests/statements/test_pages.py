import datetime
import json
import re

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from contamination.models import Organisation
from statements.models import Metric
from tests import factories


class StatementPagesTestData(TestCase):
    """Published, draft and retracted statements from two sides, with claims on two metrics."""

    @classmethod
    def setUpTestData(cls):
        cls.country = factories.make_country()
        cls.unit = factories.make_unit(cls.country, code="AZ-AGM", name_en="Aghdam")
        cls.anama = factories.make_organisation(
            name="Mine Action Agency",
            acronym="ANAMA",
            kind=Organisation.Kind.NATIONAL_AUTHORITY,
            country="AZ",
        )
        cls.mfa_am = factories.make_organisation(
            name="Ministry of Foreign Affairs of Armenia",
            kind=Organisation.Kind.GOVERNMENT,
            country="AM",
        )
        cls.released = factories.make_metric(
            code="area_cleared_since_2020",
            label="Land cleared since 10 November 2020",
            unit="km2",
            comparison=Metric.Comparison.LAND_RELEASED,
        )
        cls.maps = factories.make_metric(code="minefield_maps", label="Minefield maps", unit="maps")
        cls.chairman = factories.make_person(
            key="vugar-suleymanov", name="Vugar Suleymanov", name_variants=["Vüqar Süleymanov"]
        )
        original = factories.make_source(
            publisher="Trend", title="ANAMA chairman on demining", url="https://example.org/trend"
        )
        reprint = factories.make_source(
            publisher="MENAFN", title="Reprint", url="https://example.org/menafn", is_reprint=True
        )
        cls.verbatim = factories.make_statement(
            reference="suleymanov-2023-05-25",
            speaker_person=cls.chairman,
            speaker_organisation=cls.anama,
            speaker_role="Chairman of the Board, ANAMA",
            side="az",
            date=datetime.date(2023, 5, 25),
            text="To date, 81,386 hectares of land have been cleared & 302 people <hurt>.",
            original_language="az",
            original_text="Bu günə qədər 81.386 hektar ərazi təmizlənib.",
            translation_note="English text as published by Trend.",
            note="Date from the outlet's dateline.",
            sources=[original, reprint],
        )
        cls.claim = factories.make_claim(
            cls.verbatim,
            excerpt="81,386 hectares",
            metric=cls.released,
            value=81386,
            unit="ha",
            since=datetime.date(2020, 11, 10),
            scope=cls.country,
        )
        cls.paraphrase = factories.make_statement(
            reference="mfa-am-2024-01-27",
            speaker_person=None,
            speaker_organisation=cls.mfa_am,
            side="am",
            date=datetime.date(2024, 1, 27),
            occasion="social_media_post",
            text_kind="paraphrase",
            text="The ministry said that 972 minefield maps were handed over in 2021.",
        )
        factories.make_claim(
            cls.paraphrase, excerpt="972 minefield maps", metric=cls.maps, value=972, unit="maps"
        )
        cls.undated = factories.make_statement(
            reference="seed-undated",
            speaker_person=factories.make_person(key="hikmet-hajiyev", name="Hikmet Hajiyev"),
            side="az",
            date=None,
            date_precision="unknown",
            date_note="No stored copy shows a date.",
            occasion="interview",
            text="Approximately 12 percent of our country’s territory is contaminated with mines.",
        )
        cls.draft = factories.make_statement(
            reference="draft-statement",
            speaker_person=factories.make_person(key="draft-speaker", name="Draft Speaker"),
            publication_status="draft",
            text="A draft that nobody may see, 999 hectares.",
        )
        factories.make_claim(cls.draft, excerpt="999 hectares", metric=cls.released, value=999)
        cls.retracted = factories.make_statement(
            reference="retracted-statement",
            speaker_person=factories.make_person(key="retracted-speaker", name="Retracted Speaker"),
            publication_status="retracted",
            retraction_note="Attributed to the wrong speaker.",
            text="A retracted text, 555 hectares.",
        )
        factories.make_claim(cls.retracted, excerpt="555 hectares", metric=cls.released, value=555)


class StatementListTests(StatementPagesTestData):
    url = reverse("statements:statement-list")

    def test_it_lists_published_statements_only(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Vugar Suleymanov")
        self.assertContains(response, "Ministry of Foreign Affairs of Armenia")
        self.assertContains(response, "Hikmet Hajiyev")
        for hidden in ("Draft Speaker", "Retracted Speaker", "999 hectares", "555 hectares"):
            self.assertNotContains(response, hidden)
        self.assertEqual(response.context["page_obj"].paginator.count, 3)

    def test_undated_statements_come_last(self):
        response = self.client.get(self.url)
        references = [s.reference for s in response.context["statements"]]
        self.assertEqual(references, ["mfa-am-2024-01-27", "suleymanov-2023-05-25", "seed-undated"])

    def test_a_paraphrase_is_never_shown_in_quotation_marks(self):
        response = self.client.get(self.url)
        html = response.content.decode()
        self.assertIn('<blockquote class="statement-snippet" lang="en">To date, 81,386', html)
        self.assertRegex(html, r"Paraphrase</span> <span lang=\"en\">The ministry said that 972")
        self.assertNotRegex(html, r"<(q|blockquote)[^>]*>The ministry said")

    def test_each_filter_narrows_the_list(self):
        cases = {
            "speaker": ({"speaker": "vugar-suleymanov"}, ["suleymanov-2023-05-25"]),
            "organisation": ({"organisation": self.mfa_am.pk}, ["mfa-am-2024-01-27"]),
            "country": ({"country": "am"}, ["mfa-am-2024-01-27"]),
            "side": ({"side": "az"}, ["suleymanov-2023-05-25", "seed-undated"]),
            "metric": ({"metric": "minefield_maps"}, ["mfa-am-2024-01-27"]),
            "from": ({"date_from": "2024"}, ["mfa-am-2024-01-27"]),
            "to": ({"date_to": "2023-05"}, ["suleymanov-2023-05-25"]),
            "text": ({"q": "12 percent"}, ["seed-undated"]),
            "text in the original": ({"q": "hektar"}, ["suleymanov-2023-05-25"]),
        }
        for name, (query, expected) in cases.items():
            with self.subTest(name):
                response = self.client.get(self.url, query)
                self.assertEqual(response.status_code, 200)
                self.assertEqual([s.reference for s in response.context["statements"]], expected)

    def test_bad_filters_get_a_message_and_a_400(self):
        cases = {
            "date": {"date_from": "25/05/2023"},
            "impossible date": {"date_from": "2023-02-30"},
            "reversed dates": {"date_from": "2024", "date_to": "2023"},
            "unknown speaker": {"speaker": "nobody"},
            "drafts' speaker": {"speaker": "draft-speaker"},
            "side": {"side": "Armenia"},
            "organisation": {"organisation": "x"},
            "NUL in the text": {"q": "\x00"},
            "text too long": {"q": "x" * 300},
        }
        for name, query in cases.items():
            with self.subTest(name):
                response = self.client.get(self.url, query)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "Some filters could not be used", status_code=400)

    def test_it_pages_through_many_statements(self):
        person = factories.make_person(key="frequent", name="Frequent Speaker")
        for day in range(1, 24):
            factories.make_statement(speaker_person=person, date=datetime.date(2022, 1, day))
        first = self.client.get(self.url)
        self.assertEqual(len(first.context["statements"]), 20)
        self.assertContains(first, 'rel="next"')
        second = self.client.get(self.url, {"page": 2})
        self.assertEqual(len(second.context["statements"]), 6)

    def test_its_query_count_does_not_grow_with_the_list(self):
        person = factories.make_person(key="frequent", name="Frequent Speaker")
        for day in range(1, 11):
            statement = factories.make_statement(
                speaker_person=person, date=datetime.date(2022, 1, day)
            )
            factories.make_claim(statement, metric=self.released, scope=self.country)
        # Sides, countries, count, page, claims; the filter form's speakers,
        # organisations and metrics.
        with self.assertNumQueries(8):
            response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)


class StatementDetailTests(StatementPagesTestData):
    def get(self, statement):
        return self.client.get(statement.get_absolute_url())

    def test_a_quotation_is_shown_verbatim_with_its_claims_marked(self):
        response = self.get(self.verbatim)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Verbatim, as published")
        # The text is escaped, byte for byte, and the excerpt marked and linked to its figure.
        self.assertContains(
            response,
            'To date, <mark id="excerpt-0"><a href="#claim-0">81,386 hectares</a></mark> of land '
            "have been cleared &amp; 302 people &lt;hurt&gt;.",
            html=False,
        )
        self.assertContains(response, 'id="claim-0"')

    def test_it_shows_the_original_and_the_translation_note_but_not_the_editors_note(self):
        response = self.get(self.verbatim)
        self.assertContains(response, "Bu günə qədər 81.386 hektar ərazi təmizlənib.")
        self.assertContains(response, "English text as published by Trend.")
        self.assertContains(response, "Chairman of the Board, ANAMA")
        # The statement's note is the compilers' working note: admin only.
        self.assertNotContains(response, "dateline")

    def test_sources_are_listed_with_reprints_marked(self):
        response = self.get(self.verbatim)
        html = response.content.decode()
        self.assertIn('href="https://example.org/trend"', html)
        self.assertEqual(html.count('class="reprint-badge"'), 1)
        self.assertLess(html.index("example.org/trend"), html.index("example.org/menafn"))

    def test_a_paraphrase_is_labelled_and_not_quoted(self):
        response = self.get(self.paraphrase)
        self.assertContains(response, "Paraphrase: the source's wording of what was said")
        self.assertNotContains(response, "<blockquote")
        self.assertNotContains(response, "<q")
        self.assertNotContains(response, "“")
        self.assertNotContains(response, "Verbatim, as published")
        self.assertContains(response, "From the paraphrase:")

    def test_stitched_fragments_are_labelled_an_excerpt_never_verbatim(self):
        for text in (
            "“Mines were laid (…) along the line of contact.”",
            "The agency said 300 mines... were found [...] last year.",
        ):
            with self.subTest(text=text):
                stitched = factories.make_statement(text=text)
                response = self.get(stitched)
                self.assertContains(response, "Excerpt, as published")
                self.assertContains(response, "not one continuous passage")
                self.assertNotContains(response, "Verbatim, as published")
                listing = self.client.get(reverse("statements:statement-list"))
                self.assertContains(
                    listing, '<span class="text-kind-badge" lang="en">Excerpt</span>'
                )
        # One unbroken quotation keeps its "verbatim" label.
        self.assertNotContains(self.get(self.verbatim), "Excerpt, as published")

    def test_an_undated_statement_says_the_date_is_unknown(self):
        response = self.get(self.undated)
        self.assertContains(response, "date unknown")
        self.assertContains(response, "No stored copy shows a date.")

    def test_the_records_panel_sets_the_stated_value_beside_the_records(self):
        factories.make_land_release(
            geometry=factories.multi(factories.square(46.5, 40.0, 0.01)),
            completed_on=datetime.date(2022, 6, 1),
        )
        response = self.get(self.verbatim)
        self.assertContains(response, "Stated")
        self.assertContains(response, "81,386 ha")
        self.assertContains(response, "Records show")
        # 0.948 km² of cleared land from one record, in the claim's unit (ha).
        self.assertContains(response, "94.8 ha")
        self.assertContains(response, "Counted from 1 published land-release record dated")
        self.assertNotContains(response, "Demo data")

    def test_the_records_panel_says_when_records_are_demo(self):
        factories.make_land_release(is_demo=True)
        response = self.get(self.verbatim)
        self.assertContains(response, "Demo data.")
        self.assertContains(response, "of which 1 is demo data")

    def test_a_demo_recorded_value_is_small_beside_its_warning_never_in_the_claims_size(self):
        factories.make_land_release(is_demo=True)
        html = self.get(self.verbatim).content.decode()
        panel = html[html.index('id="claim-0"') :]
        panel = panel[: panel.index('class="coverage"')]
        # One panel value: the stated figure. The demo value sits on the warning's own line.
        self.assertEqual(panel.count('class="panel-value"'), 1)
        self.assertIn("records-panel-demo", html)
        line = re.search(r'<p class="demo-value">(.*?)</p>', panel, re.S).group(1)
        self.assertIn("<strong>Demo data:</strong>", line)
        self.assertRegex(line, r"\d ha counted from generated records")

    def test_the_records_panel_says_when_records_cannot_speak(self):
        response = self.get(self.paraphrase)
        self.assertContains(response, "The records in this database do not measure this metric.")
        response = self.get(self.verbatim)
        self.assertContains(response, "No published land-release records cover Testland")
        self.assertContains(response, "that is not a count of zero")
        self.assertNotContains(response, "0 ha")

    def test_it_carries_schema_org_quotation_and_claim(self):
        response = self.get(self.verbatim)
        match = re.search(
            r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
        )
        data = json.loads(match.group(1))
        quotation, claim = data["@graph"]
        self.assertEqual(quotation["@type"], "Quotation")
        self.assertEqual(quotation["text"], self.verbatim.text)
        self.assertEqual(quotation["creator"]["name"], "Vugar Suleymanov")
        self.assertEqual(quotation["dateCreated"], "2023-05-25")
        self.assertEqual(claim["@type"], "Claim")
        self.assertEqual(claim["text"], "81,386 hectares")
        self.assertEqual(claim["firstAppearance"]["url"], "https://example.org/trend")
        # "<" in the text cannot close the script element.
        self.assertNotIn("<hurt>", match.group(1))
        paraphrase = self.get(self.paraphrase)
        self.assertContains(paraphrase, '"@type": "CreativeWork", "@id"')

    def test_drafts_are_not_found_and_retractions_say_so(self):
        self.assertEqual(self.get(self.draft).status_code, 404)
        response = self.get(self.retracted)
        self.assertEqual(response.status_code, 410)
        self.assertContains(response, "This statement was retracted", status_code=410)
        self.assertContains(response, "Attributed to the wrong speaker.", status_code=410)
        self.assertNotContains(response, "555 hectares", status_code=410)

    def test_editors_can_preview_a_draft(self):
        editor = get_user_model().objects.create_user("editor", is_staff=True)
        self.client.force_login(editor)
        response = self.get(self.draft)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Preview: this statement is")


class PersonPageTests(StatementPagesTestData):
    def test_a_person_page_lists_their_published_statements(self):
        response = self.client.get(self.chairman.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Vugar Suleymanov")
        self.assertContains(response, "Vüqar Süleymanov")
        self.assertContains(response, "Chairman of the Board, ANAMA")

    def test_people_pages_take_a_fixed_number_of_queries(self):
        with self.assertNumQueries(1):
            self.client.get(reverse("statements:person-list"))
        # The person, their statements, their statements' claims.
        with self.assertNumQueries(3):
            self.client.get(self.chairman.get_absolute_url())

    def test_people_with_only_drafts_or_retractions_have_no_page(self):
        for key in ("draft-speaker", "retracted-speaker"):
            with self.subTest(key):
                response = self.client.get(reverse("statements:person-detail", args=[key]))
                self.assertEqual(response.status_code, 404)
        response = self.client.get(reverse("statements:person-list"))
        self.assertContains(response, "Vugar Suleymanov")
        self.assertNotContains(response, "Draft Speaker")
        self.assertNotContains(response, "Retracted Speaker")


class MetricPageTests(StatementPagesTestData):
    def test_a_metric_page_charts_every_published_claim_beside_the_records(self):
        factories.make_land_release(
            geometry=factories.multi(factories.square(46.5, 40.0, 0.01)),
            completed_on=datetime.date(2022, 6, 1),
        )
        with self.assertNumQueries(3):
            response = self.client.get(self.released.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<svg")
        self.assertContains(response, 'class="stated-point"', count=1)
        self.assertContains(response, 'class="recorded-point"', count=1)
        self.assertContains(response, "81,386 ha")
        self.assertNotContains(response, "999")
        self.assertNotContains(response, "555")

    def test_a_global_figure_is_listed_apart_never_as_a_national_one(self):
        statement = factories.make_statement(
            date=datetime.date(2023, 5, 26), text="Almost 100 million hectares are mined."
        )
        factories.make_claim(
            statement,
            excerpt="Almost 100 million hectares",
            metric=self.released,
            value=100_000_000,
            unit="ha",
            since=datetime.date(2020, 11, 10),
            scope=None,
            scope_note="Global figure (all affected countries).",
        )
        response = self.client.get(self.released.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="stated-point"', count=1)
        html = response.content.decode()
        national, _, apart = html.partition('class="data-table unscoped-figures"')
        self.assertNotIn("100,000,000 ha", national)
        self.assertIn("100,000,000 ha", apart)
        self.assertIn("Global figure (all affected countries).", apart)
        self.assertContains(response, "not national figures")

    def test_a_figure_for_part_of_the_country_is_not_plotted_on_its_chart(self):
        statement = factories.make_statement(
            date=datetime.date(2023, 5, 26),
            text="In the liberated territories 7,777 ha were cleared.",
        )
        factories.make_claim(
            statement,
            excerpt="7,777 ha",
            metric=self.released,
            value=7777,
            unit="ha",
            since=datetime.date(2020, 11, 10),
            scope=self.country,
            scope_note="Areas that returned to Azerbaijani control from 2020; not a single unit.",
        )
        response = self.client.get(self.released.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="stated-point"', count=1)  # the national one
        self.assertContains(
            response, "1 figure for part of an area only, listed below, not plotted"
        )
        self.assertContains(response, "7,777 ha")  # listed, with its area as stated
        self.assertContains(response, "returned to Azerbaijani control from 2020")
        self.assertContains(response, "part of Testland only")

    def test_the_metric_list_counts_published_claims_only(self):
        with self.assertNumQueries(1):
            response = self.client.get(reverse("statements:metric-list"))
        self.assertContains(response, "Land cleared since 10 November 2020")
        self.assertEqual(
            {m.code: m.claim_count for m in response.context["metrics"]},
            {"area_cleared_since_2020": 1, "minefield_maps": 1},
        )

    def test_a_metric_with_draft_claims_only_has_no_page(self):
        only_draft = factories.make_metric(code="draft_only")
        factories.make_claim(self.draft, excerpt="999 hectares", metric=only_draft, value=999)
        response = self.client.get(only_draft.get_absolute_url())
        self.assertEqual(response.status_code, 404)


class HomePageStatementsTests(StatementPagesTestData):
    def test_the_home_page_shows_the_latest_published_statements(self):
        response = self.client.get(reverse("home"))
        self.assertContains(response, "Latest statements")
        html = response.content.decode()
        self.assertLess(html.index("Ministry of Foreign Affairs of Armenia"), html.index("Vugar"))
        self.assertNotContains(response, "Draft Speaker")
        self.assertNotContains(response, "Retracted Speaker")
        self.assertContains(response, 'href="/en/statements/"')
        # A text with its own opening quotation mark gets no second one.
        factories.make_statement(
            reference="quoted", date=datetime.date(2026, 1, 1), text="“We said it,” he said."
        )
        response = self.client.get(reverse("home"))
        self.assertContains(
            response, '1 January 2026:\n      <span lang="en">“We said it,” he said.</span>'
        )
        self.assertNotContains(response, "<q>“We said it")
