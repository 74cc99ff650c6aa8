"""Editors' public words in three languages: written side by side in the admin, shown in the
reader's language, and the English original, marked as such, while a translation is missing."""

import json

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from contamination.models import Incident
from tests import factories


def incident_form_data(**overrides):
    """What the incident change form posts (no casualties, no sources)."""
    data = {
        "reference": "IN-LANG",
        "occurred_on": "2023-05-01",
        "occurred_on_precision": "day",
        "device_type": "ap_mine",
        "activity": "agriculture",
        "summary": "A tractor struck a mine while ploughing.",
        "summary_az": "",
        "summary_ru": "",
        "location": json.dumps({"type": "Point", "coordinates": [46.7, 40.2]}),
        "location_precision": "approximate",
        "casualties-TOTAL_FORMS": "0",
        "casualties-INITIAL_FORMS": "0",
        "casualties-MIN_NUM_FORMS": "0",
        "casualties-MAX_NUM_FORMS": "1000",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


class IncidentSummaryInEachLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.country = factories.make_country()
        factories.make_unit(cls.country, code="AZ-AGM", name_en="Agdam", name_local="Ağdam")
        cls.editor = factories.make_editor()

    def setUp(self):
        self.client.force_login(self.editor)

    def page(self, incident, language):
        with translation.override(language):
            return self.client.get(incident.get_absolute_url())

    def test_the_form_holds_the_three_summaries_side_by_side(self):
        response = self.client.get(reverse("admin:contamination_incident_add"))
        html = response.content.decode()
        for name in ("summary", "summary_az", "summary_ru"):
            self.assertIn(f'name="{name}"', html)
        # One row of the fieldset: Django's admin lays a tuple of fields out side by side.
        self.assertRegex(html, r'(?s)class="form-row[^"]*field-summary field-summary_az')

    def test_an_editor_writes_az_and_ru_summaries_that_readers_see_after_publishing(self):
        response = self.client.post(
            reverse("admin:contamination_incident_add"),
            incident_form_data(
                summary_az="Şum zamanı traktor minaya düşüb.",
                summary_ru="Трактор подорвался на мине во время вспашки.",
            ),
        )
        self.assertEqual(response.status_code, 302)
        incident = Incident.objects.get(reference="IN-LANG")
        self.assertEqual(self.page(incident, "az").status_code, 404)  # a draft is not public
        incident.publication_status = "published"
        incident.save()

        self.assertContains(self.page(incident, "az"), "Şum zamanı traktor minaya düşüb.")
        self.assertContains(
            self.page(incident, "ru"), "Трактор подорвался на мине во время вспашки."
        )
        english = self.page(incident, "en")
        self.assertContains(english, "A tractor struck a mine while ploughing.")
        self.assertNotContains(english, "Трактор")
        for language in ("az", "ru"):
            with self.subTest(language=language):
                self.assertNotContains(self.page(incident, language), "untranslated-note")
        # History keeps the translations, like every other field.
        event = Incident.pgh_event_model.objects.filter(pgh_obj=incident).latest("pgh_id")
        self.assertEqual(event.summary_ru, "Трактор подорвался на мине во время вспашки.")

    def test_a_missing_translation_shows_the_original_marked_never_silently(self):
        incident = factories.make_incident(
            summary="A tractor struck a mine while ploughing.", summary_ru="Трактор подорвался."
        )
        azerbaijani = self.page(incident, "az").content.decode()
        self.assertIn(
            '<span lang="en">A tractor struck a mine while ploughing.</span>', azerbaijani
        )
        self.assertIn('class="untranslated-note"', azerbaijani)
        russian = self.page(incident, "ru").content.decode()
        self.assertIn("Трактор подорвался.", russian)
        self.assertNotIn("A tractor struck", russian)

    def test_a_retraction_note_is_shown_in_the_readers_language(self):
        incident = factories.make_incident(
            publication_status="retracted",
            retraction_note="Duplicate of another record.",
            retraction_note_az="Başqa qeydin təkrarıdır.",
        )
        self.assertContains(self.page(incident, "az"), "Başqa qeydin təkrarıdır.")
        russian = self.page(incident, "ru").content.decode()
        self.assertIn('<span lang="en">Duplicate of another record.</span>', russian)


class AreaNamesInTheAPITests(TestCase):
    """The API's areas carry `name` in the answer's language beside the three fixed names."""

    @classmethod
    def setUpTestData(cls):
        country = factories.make_country()
        factories.make_unit(
            country, code="AZ-AGM", name_en="Agdam", name_local="Ağdam", name_ru="Агдам"
        )
        factories.make_unit(country, code="AZ-XYZ", name_en="Nowhere", name_ru="")

    def names(self, **parameters):
        response = self.client.get("/api/v1/areas/", {"level": 1, **parameters})
        self.assertEqual(response.status_code, 200, response.content[:300])
        return {
            feature["properties"]["code"]: feature["properties"]["name"]
            for feature in response.json()["features"]
        }

    def test_lang_chooses_the_name_and_a_missing_one_falls_back_to_english(self):
        self.assertEqual(self.names(lang="az"), {"AZ-AGM": "Ağdam", "AZ-XYZ": "Nowhere"})
        self.assertEqual(self.names(lang="ru"), {"AZ-AGM": "Агдам", "AZ-XYZ": "Nowhere"})
        self.assertEqual(self.names(lang="en"), {"AZ-AGM": "Agdam", "AZ-XYZ": "Nowhere"})
        # Without ?lang=, the client's Accept-Language decides, as the map's requests do.
        response = self.client.get("/api/v1/areas/?level=1", HTTP_ACCEPT_LANGUAGE="ru")
        names = {
            f["properties"]["code"]: f["properties"]["name"] for f in response.json()["features"]
        }
        self.assertEqual(names["AZ-AGM"], "Агдам")
        # Each language is its own cached answer: the first one asked is not served to all.
        self.assertEqual(self.names(lang="az")["AZ-AGM"], "Ağdam")
