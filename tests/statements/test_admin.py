import datetime

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from statements.models import Statement
from tests import factories


class StatementAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "x")
        cls.metric = factories.make_metric(code="area_cleared", unit="ha")
        cls.person = factories.make_person(key="speaker", name="A Speaker")
        cls.statement = factories.make_statement(
            speaker_person=cls.person,
            text="To date, 64,000 hectares were cleared <of mines>.",
            publication_status="draft",
        )
        factories.make_claim(cls.statement, metric=cls.metric)

    def setUp(self):
        self.client.force_login(self.editor)

    def change_url(self, statement):
        return reverse("admin:statements_statement_change", args=[statement.pk])

    def form_data(self, **claim):
        data = {
            "reference": self.statement.reference,
            "publication_status": "draft",
            "retraction_note": "",
            "side": "int",
            "speaker_person": self.person.pk,
            "speaker_organisation": "",
            "speaker_role": "",
            "date": "2023-05-25",
            "date_precision": "day",
            "date_note": "",
            "occasion": "speech",
            "text_kind": "verbatim",
            "language": "en",
            "text": self.statement.text,
            "original_language": "",
            "original_text": "",
            "translation_note": "",
            "note": "",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
            "claims-TOTAL_FORMS": "1",
            "claims-INITIAL_FORMS": "0",
        }
        claim_fields = {
            "position": "1",
            "excerpt": "64,000 hectares",
            "metric": self.metric.pk,
            "qualifier": "exactly",
            "value": "64000",
            "value_max": "",
            "unit": "ha",
            "as_of": "2023-05-25",
            "as_of_precision": "day",
            "since": "",
            "scope": "",
            "scope_note": "",
            "note": "",
            "figures_row": "",
        }
        claim_fields.update(claim)
        data.update({f"claims-1-{key}": value for key, value in claim_fields.items()})
        # Initial forms come first: the existing claim is form 0 and stays as it is.
        data["claims-TOTAL_FORMS"] = "2"
        data["claims-INITIAL_FORMS"] = "1"
        existing = self.statement.claims.get()
        data.update(
            {
                "claims-0-id": existing.pk,
                "claims-0-statement": self.statement.pk,
                "claims-0-position": "0",
                "claims-0-excerpt": existing.excerpt,
                "claims-0-metric": self.metric.pk,
                "claims-0-qualifier": "exactly",
                "claims-0-value": "64000",
                "claims-0-unit": "ha",
                "claims-0-as_of": "2023-05-25",
                "claims-0-as_of_precision": "day",
            }
        )
        return data

    def test_the_change_page_marks_each_claims_excerpt_in_the_text(self):
        response = self.client.get(self.change_url(self.statement))
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "To date, <mark>64,000 hectares</mark> were cleared &lt;of mines&gt;."
        )

    def test_an_excerpt_not_in_the_text_is_refused_with_a_message(self):
        response = self.client.post(
            self.change_url(self.statement), self.form_data(excerpt="64 000 hectares")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The excerpt must be copied exactly")
        self.assertEqual(self.statement.claims.count(), 1)

    def test_a_unit_that_does_not_fit_the_metric_is_refused(self):
        response = self.client.post(self.change_url(self.statement), self.form_data(unit="people"))
        self.assertContains(response, "cannot be converted to it")

    def test_a_valid_claim_is_saved(self):
        response = self.client.post(self.change_url(self.statement), self.form_data())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.statement.claims.count(), 2)

    def test_publish_and_retract_actions(self):
        changelist = reverse("admin:statements_statement_changelist")
        self.client.post(
            changelist, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [self.statement.pk]}
        )
        self.statement.refresh_from_db()
        self.assertEqual(self.statement.publication_status, "published")
        retract = {"action": "retract_selected", ACTION_CHECKBOX_NAME: [self.statement.pk]}
        confirm = self.client.post(changelist, retract)
        self.assertContains(confirm, "will be retracted")
        self.assertContains(confirm, "Public retraction note")
        missing_note = self.client.post(changelist, {**retract, "confirm_retract": "1"})
        self.assertContains(missing_note, "This field is required", status_code=400)
        self.client.post(
            changelist,
            {**retract, "confirm_retract": "1", "note": "Quoted from a misdated copy."},
        )
        self.statement.refresh_from_db()
        self.assertEqual(self.statement.publication_status, "retracted")
        self.assertEqual(self.statement.retraction_note, "Quoted from a misdated copy.")

    def test_the_list_and_other_admin_pages_open(self):
        for name in ("statement", "claim", "person", "metric"):
            with self.subTest(name):
                response = self.client.get(reverse(f"admin:statements_{name}_changelist"))
                self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.client.get(reverse("admin:statements_statement_add")).status_code, 200
        )
        self.assertTrue(Statement.objects.filter(date=datetime.date(2023, 5, 25)).exists())


class EditorPermissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.make_editor()
        cls.statement = factories.make_statement(publication_status="draft")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_an_editor_can_write_statements_but_not_delete_them(self):
        change = reverse("admin:statements_statement_change", args=[self.statement.pk])
        response = self.client.get(change)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'class="deletelink"')
        self.assertEqual(
            self.client.get(reverse("admin:statements_statement_add")).status_code, 200
        )
        delete = reverse("admin:statements_statement_delete", args=[self.statement.pk])
        self.assertEqual(self.client.get(delete).status_code, 403)

    def test_the_status_changes_only_through_the_actions(self):
        change = reverse("admin:statements_statement_change", args=[self.statement.pk])
        response = self.client.get(change)
        self.assertNotContains(response, 'name="publication_status"')
        changelist = reverse("admin:statements_statement_changelist")
        self.client.post(
            changelist, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [self.statement.pk]}
        )
        self.statement.refresh_from_db()
        self.assertEqual(self.statement.publication_status, "published")

    def test_the_editors_group_gets_statements_permissions_back_after_a_flush(self):
        from django.contrib.auth.models import Group
        from django.core.management import call_command

        Group.objects.filter(name="Editors").delete()
        call_command("migrate", verbosity=0)
        codenames = set(
            Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
        )
        self.assertLessEqual({"add_statement", "change_claim", "view_person"}, codenames)
        self.assertNotIn("delete_statement", codenames)
