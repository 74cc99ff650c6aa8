"""load_boundaries gives a unit without an ISO code a readable code; old addresses redirect."""

import io

from django.core.management import call_command
from django.test import TestCase

from contamination.models import AdminArea
from tests import factories


class ShushaCityCodeTests(TestCase):
    def test_shusha_city_gets_a_code_made_from_its_name(self):
        call_command("load_boundaries", stdout=io.StringIO())
        shusha = AdminArea.objects.get(name_en="Shusha (city)")
        self.assertEqual(shusha.code, "AZ-SHUSHA-CITY")
        self.assertIsNone(shusha.iso_code)
        self.assertEqual(shusha.parent.code, "AZ")
        self.assertEqual(shusha.get_absolute_url(), "/en/areas/AZ-SHUSHA-CITY/")

    def test_a_database_loaded_with_the_old_code_is_renamed_in_place_and_redirects(self):
        country = factories.make_country(geometry=factories.multi(factories.square(44, 38, 8)))
        old = factories.make_unit(
            country,
            code="AZE-5565",
            iso_code=None,
            name_en="Shusha (city)",
            geometry=factories.multi(factories.square(46.74, 39.75, 0.01)),
        )
        call_command("load_boundaries", stdout=io.StringIO())
        old.refresh_from_db()
        self.assertEqual(old.code, "AZ-SHUSHA-CITY")
        self.assertEqual(AdminArea.objects.filter(name_en="Shusha (city)").count(), 1)
        response = self.client.get("/en/areas/AZE-5565/")
        self.assertRedirects(response, "/en/areas/AZ-SHUSHA-CITY/", status_code=301)
        # Running it again changes nothing.
        out = io.StringIO()
        call_command("load_boundaries", stdout=out)
        self.assertIn("0 created, 0 updated", out.getvalue())

    def test_an_unknown_code_is_still_not_found(self):
        factories.make_country()
        self.assertEqual(self.client.get("/en/areas/AZ-NOWHERE/").status_code, 404)
