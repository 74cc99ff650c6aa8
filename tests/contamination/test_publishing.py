"""The one publish/retract workflow, through the admin actions of both apps.

Each test logs a staff user in with a password (no force_login) and posts the changelist
action as the admin's own form does, so the permission check Django applies to actions runs.
"""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission, User
from django.test import TestCase
from django.urls import reverse

from tests import factories

PASSWORD = "a-long-test-password"


def make_staff(username, *codenames):
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


class PublishingPermissionTests(TestCase):
    """For each publishable model: who may only view it can neither publish nor retract."""

    @classmethod
    def setUpTestData(cls):
        factories.make_country()
        cls.models = {
            "contamination_hazardarea": factories.make_hazard_area,
            "statements_statement": factories.make_statement,
        }

    def post_action(self, admin_name, action, objects, **extra):
        data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]}
        return self.client.post(reverse(f"admin:{admin_name}_changelist"), {**data, **extra})

    def log_in(self, user):
        self.client.force_login(user)

    def test_staff_who_may_only_view_cannot_publish_or_retract(self):
        for admin_name, make in self.models.items():
            model = admin_name.split("_", 1)[1]
            with self.subTest(admin_name):
                self.log_in(make_staff(f"viewer-{model}", f"view_{model}"))
                draft = make(publication_status="draft")
                published = make()
                changelist = self.client.get(reverse(f"admin:{admin_name}_changelist"))
                self.assertEqual(changelist.status_code, 200)
                # No action is offered at all (there is no other action a viewer may run).
                self.assertNotContains(changelist, 'name="action"')

                self.post_action(admin_name, "publish_selected", [draft])
                self.post_action(
                    admin_name, "retract_selected", [published], confirm_retract="1", note="No."
                )
                draft.refresh_from_db()
                published.refresh_from_db()
                self.assertEqual(draft.publication_status, "draft")
                self.assertEqual(published.publication_status, "published")
                self.assertEqual(published.retraction_note, "")

    def test_staff_with_the_publish_permission_publish_and_retract(self):
        for admin_name, make in self.models.items():
            model = admin_name.split("_", 1)[1]
            with self.subTest(admin_name):
                self.log_in(make_staff(f"publisher-{model}", f"view_{model}", f"change_{model}"))
                draft = make(publication_status="draft")
                published = make()
                self.assertContains(
                    self.client.get(reverse(f"admin:{admin_name}_changelist")),
                    "retract_selected",
                )

                self.post_action(admin_name, "publish_selected", [draft])
                confirm = self.post_action(admin_name, "retract_selected", [published])
                self.assertEqual(confirm.status_code, 200)
                self.assertTemplateUsed(confirm, "admin/publishing/retract.html")
                self.assertContains(confirm, "Public retraction note")
                self.assertContains(confirm, str(published))
                self.post_action(
                    admin_name,
                    "retract_selected",
                    [published],
                    confirm_retract="1",
                    note="Duplicate of another entry.",
                )
                draft.refresh_from_db()
                published.refresh_from_db()
                self.assertEqual(draft.publication_status, "published")
                self.assertIsNotNone(draft.published_at)
                self.assertEqual(published.publication_status, "retracted")
                self.assertEqual(published.retraction_note, "Duplicate of another entry.")

    def test_an_editor_publishes_and_retracts_both_records_and_statements(self):
        editor = factories.make_editor()
        self.log_in(editor)
        for admin_name, make in self.models.items():
            with self.subTest(admin_name):
                draft = make(publication_status="draft")
                self.post_action(admin_name, "publish_selected", [draft])
                self.post_action(
                    admin_name, "retract_selected", [draft], confirm_retract="1", note="Moved."
                )
                draft.refresh_from_db()
                self.assertEqual(draft.publication_status, "retracted")
