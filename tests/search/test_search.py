"""The site search: any spelling or script finds the same thing, and only public rows."""

from django.test import TestCase
from django.urls import reverse

from contamination.models import Organisation
from statements.models import Statement
from tests import factories


def search(client, query):
    return client.get(reverse("search:search"), {"q": query})


class SpellingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        country = factories.make_country()
        cls.agdam = factories.make_unit(
            country, code="AZ-AGM", name_en="Agdam", name_local="Ağdam", name_ru="Агдамский район"
        )
        cls.person = factories.make_person(
            key="hikmet-hajiyev", name="Hikmet Hajiyev", name_variants=["Hikmət Hacıyev"]
        )
        cls.statement = factories.make_statement(
            speaker_person=cls.person, text="Mines were laid across Aghdam district."
        )

    def test_four_spellings_of_agdam_find_the_district(self):
        for query in ["Agdam", "Aghdam", "Ağdam", "Агдам", "agdam"]:
            with self.subTest(query=query):
                response = search(self.client, query)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, self.agdam.get_absolute_url())
                self.assertContains(response, "Areas (1)")

    def test_azerbaijani_and_english_spellings_find_the_same_person(self):
        for query in ["Hacıyev", "Hajiyev", "hajiyev", "Hikmət"]:
            with self.subTest(query=query):
                response = search(self.client, query)
                self.assertContains(response, self.person.get_absolute_url())
                self.assertContains(response, "People (1)")

    def test_a_statement_is_found_by_its_speakers_other_spelling(self):
        response = search(self.client, "Hacıyev")
        self.assertContains(response, self.statement.get_absolute_url())

    def test_the_statements_filter_matches_the_same_way(self):
        for query in ["Ağdam", "Агдам", "Hacıyev"]:
            with self.subTest(query=query):
                response = self.client.get(reverse("statements:statement-list"), {"q": query})
                self.assertContains(response, self.statement.get_absolute_url())

    def test_a_typo_still_finds_the_district(self):
        self.assertContains(search(self.client, "Agdamm"), self.agdam.get_absolute_url())

    def test_an_unrelated_word_finds_nothing(self):
        response = search(self.client, "Zanzibar")
        self.assertContains(response, "Nothing public matches")
        self.assertNotContains(response, self.agdam.get_absolute_url())


class PublicOnlyTests(TestCase):
    def test_drafts_and_what_only_drafts_name_stay_out(self):
        country = factories.make_country()
        hidden_org = Organisation.objects.create(name="Quietfield Survey Group", kind="operator")
        factories.make_hazard_area(
            reference="HA-QUIETFIELD",
            name="Quietfield north",
            publication_status="draft",
            surveyed_by=hidden_org,
        )
        factories.make_incident(
            reference="IN-QUIETFIELD", summary="Quietfield road", publication_status="draft"
        )
        draft = factories.make_statement(text="Quietfield is cleared.", publication_status="draft")
        self.assertEqual(Statement.objects.published().filter(pk=draft.pk).count(), 0)
        response = search(self.client, "Quietfield")
        self.assertContains(response, "Nothing public matches")
        for hidden in ["HA-QUIETFIELD", "IN-QUIETFIELD", "Quietfield Survey Group"]:
            self.assertNotContains(response, hidden)
        self.assertIsNotNone(country)

    def test_published_records_are_found_by_reference_and_summary(self):
        factories.make_country()
        incident = factories.make_incident(reference="IN-TARTAR-7", summary="A tractor on a road")
        for query in ["IN-TARTAR-7", "tractor"]:
            with self.subTest(query=query):
                self.assertContains(search(self.client, query), incident.get_absolute_url())


class BadQueryTests(TestCase):
    def test_too_long_or_too_short_queries_get_a_clear_message(self):
        response = search(self.client, "x" * 201)
        self.assertContains(response, "at most 200", status_code=400)
        self.assertContains(search(self.client, "x"), "at least two letters")

    def test_sql_wildcards_and_quotes_are_plain_text(self):
        for query in ["%", "%_%", "' OR 1=1 --", "\\", "a\x00b"[:1]]:
            with self.subTest(query=query):
                self.assertIn(search(self.client, query).status_code, (200,))

    def test_the_header_box_is_on_every_page(self):
        response = self.client.get(reverse("contamination:methodology"))
        self.assertContains(response, 'role="search"')
        self.assertContains(response, reverse("search:search"))


class MapLinkTests(TestCase):
    def test_found_areas_and_records_link_to_the_map_at_their_area(self):
        country = factories.make_country()
        agdam = factories.make_unit(country, code="AZ-AGM", name_en="Agdam")
        factories.make_incident(reference="IN-FARMFIELD")
        response = search(self.client, "Agdam")
        self.assertContains(response, 'href="/en/map/?area=AZ-AGM">show on the map</a>')
        response = search(self.client, "IN-FARMFIELD")
        self.assertContains(response, "IN-FARMFIELD")
        # The district, never the record's exact point.
        self.assertContains(
            response, f'href="/en/map/?area={agdam.code}">show Agdam on the map</a>'
        )
