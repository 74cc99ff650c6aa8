from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import TestCase, TransactionTestCase


class EditorsGroupTests(TestCase):
    def test_the_editors_group_can_add_change_and_view_but_not_delete(self):
        codenames = set(
            Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
        )
        self.assertLessEqual(
            {"add_hazardarea", "change_hazardarea", "change_incident", "view_adminarea"},
            codenames,
        )
        self.assertEqual({c for c in codenames if c.startswith("delete_")}, set())

    def test_migrate_brings_the_group_back_after_a_flush(self):
        # Live-server tests flush the database; the next `migrate` must restore the group.
        Group.objects.filter(name="Editors").delete()
        call_command("migrate", verbosity=0)
        self.assertTrue(
            Group.objects.get(name="Editors").permissions.filter(codename="add_incident").exists()
        )


class FlushTests(TransactionTestCase):
    def test_a_flushed_database_gets_the_whole_editors_group_back(self):
        # What every live-server (browser) test does when it ends: both apps' permissions
        # must come back, whatever test runs next.
        call_command("flush", verbosity=0, interactive=False)
        codenames = set(
            Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
        )
        self.assertLessEqual(
            {"add_hazardarea", "view_adminarea", "add_statement", "change_claim"}, codenames
        )
        self.assertEqual({c for c in codenames if c.startswith("delete_")}, set())
