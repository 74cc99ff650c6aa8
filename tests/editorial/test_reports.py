"""Readers' reports: sent from a record, statement or area page, stored for the editors'
queue and nowhere else; drafts cannot be named; bots and floods are turned away."""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from editorial.models import ReaderReport
from editorial.subjects import subject_key
from tests import factories


class ReportTestCase(TestCase):
    def setUp(self):
        cache.clear()

    def send(self, **fields):
        data = {"kind": "error", "message": "The date of this incident is wrong.", **fields}
        return self.client.post(reverse("editorial:report"), data)


class ReportFormOnPagesTests(ReportTestCase):
    def test_record_statement_and_area_pages_carry_the_form_naming_their_subject(self):
        country = factories.make_country()
        incident = factories.make_incident()
        statement = factories.make_statement()
        for obj, url in [
            (incident, incident.get_absolute_url()),
            (statement, statement.get_absolute_url()),
            (country, country.get_absolute_url()),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Report an error or send a tip")
                self.assertContains(response, f'value="{subject_key(obj)}"')
                self.assertContains(response, 'name="csrfmiddlewaretoken"')

    def test_report_page_prefills_a_public_subject_and_ignores_a_draft(self):
        incident = factories.make_incident()
        draft = factories.make_incident(publication_status="draft")
        page = self.client.get(reverse("editorial:report"), {"about": subject_key(incident)})
        self.assertContains(page, incident.reference)
        self.assertContains(page, f'value="{subject_key(incident)}"')
        page = self.client.get(reverse("editorial:report"), {"about": subject_key(draft)})
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, draft.reference)


class SendingTests(ReportTestCase):
    def test_a_report_about_a_record_lands_in_the_queue_linked_to_it(self):
        incident = factories.make_incident()
        response = self.send(
            subject=subject_key(incident), page=incident.get_absolute_url(), contact=""
        )
        self.assertRedirects(response, reverse("editorial:report-sent"))
        report = ReaderReport.objects.get()
        self.assertEqual(report.subject, incident)
        self.assertEqual(report.subject_label, str(incident))
        self.assertEqual(report.page, incident.get_absolute_url())
        self.assertEqual(report.status, ReaderReport.Status.NEW)
        self.assertEqual(report.contact, "")

    def test_a_draft_or_unknown_subject_is_refused_the_same_way(self):
        draft = factories.make_incident(publication_status="draft")
        for key in [subject_key(draft), "contamination.incident:999999", "auth.user:1", "x"]:
            with self.subTest(key=key):
                response = self.send(subject=key)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "not public", status_code=400)
        self.assertFalse(ReaderReport.objects.exists())

    def test_empty_or_huge_messages_get_a_clear_message(self):
        for message, words in [("", "required"), ("hi", "at least"), ("x" * 6000, "5,000")]:
            with self.subTest(length=len(message)):
                response = self.send(message=message)
                self.assertContains(response, words, status_code=400)
        self.assertFalse(ReaderReport.objects.exists())

    def test_a_full_url_as_the_page_is_not_stored(self):
        self.send(page="https://attacker.example/phish")
        self.assertEqual(ReaderReport.objects.get().page, "")

    def test_the_honeypot_drops_a_bots_report_but_looks_sent(self):
        response = self.send(website="http://spam.example")
        self.assertRedirects(response, reverse("editorial:report-sent"))
        self.assertFalse(ReaderReport.objects.exists())

    @override_settings(READER_REPORT_LIMIT=(3, 3600))
    def test_a_flood_from_one_address_is_limited_and_keeps_the_text(self):
        for _ in range(3):
            self.assertEqual(self.send().status_code, 302)
        response = self.send(message="A fourth report that should wait.")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "A fourth report that should wait.", status_code=429)
        self.assertEqual(ReaderReport.objects.count(), 3)
        other = self.client.post(
            reverse("editorial:report"),
            {"kind": "tip", "message": "From somewhere else entirely."},
            REMOTE_ADDR="10.1.2.3",
        )
        self.assertEqual(other.status_code, 302)

    def test_the_address_is_not_stored(self):
        self.client.post(
            reverse("editorial:report"),
            {"kind": "tip", "message": "A tip without contact details."},
            REMOTE_ADDR="203.0.113.77",
        )
        report = ReaderReport.objects.get()
        stored = " ".join(str(value) for value in vars(report).values())
        self.assertNotIn("203.0.113.77", stored)

    def test_anonymous_users_cannot_read_the_queue(self):
        self.send()
        response = self.client.get(reverse("admin:editorial_readerreport_changelist"))
        self.assertEqual(response.status_code, 302)


class EditorsQueueTests(ReportTestCase):
    def setUp(self):
        super().setUp()
        self.editor = factories.make_editor()
        self.client.force_login(self.editor)

    def test_editors_see_the_queue_and_resolve_a_report(self):
        incident = factories.make_incident()
        report = ReaderReport.objects.create(
            message="Wrong district.",
            subject_type=ContentType.objects.get_for_model(incident),
            subject_id=incident.pk,
            subject_label=str(incident),
        )
        listing = self.client.get(reverse("admin:editorial_readerreport_changelist"))
        self.assertContains(listing, "Wrong district.")
        change_url = reverse("admin:editorial_readerreport_change", args=[report.pk])
        page = self.client.get(change_url)
        self.assertContains(
            page, reverse("admin:contamination_incident_change", args=[incident.pk])
        )
        response = self.client.post(
            change_url,
            {"status": "corrected", "assignee": self.editor.pk, "resolution": "Fixed the date."},
        )
        self.assertEqual(response.status_code, 302)
        report.refresh_from_db()
        self.assertEqual(report.status, "corrected")
        self.assertIsNotNone(report.resolved_at)
        self.assertEqual(report.message, "Wrong district.")  # the reader's words stay

    def test_editors_cannot_delete_or_invent_reports(self):
        report = ReaderReport.objects.create(message="Keep me, please.")
        delete = self.client.post(
            reverse("admin:editorial_readerreport_delete", args=[report.pk]), {"post": "yes"}
        )
        self.assertEqual(delete.status_code, 403)
        add = self.client.get(reverse("admin:editorial_readerreport_add"))
        self.assertEqual(add.status_code, 403)
        self.assertTrue(ReaderReport.objects.filter(pk=report.pk).exists())

    def test_every_change_to_a_report_is_in_its_history(self):
        report = ReaderReport.objects.create(message="Track this report.")
        report.status = "in_progress"
        report.save()
        self.assertEqual(report.events.count(), 2)


class AboutAndPrivacyTests(TestCase):
    def test_about_says_honestly_that_no_operator_is_named_by_default(self):
        response = self.client.get(reverse("editorial:about"))
        self.assertContains(response, "has not yet published its name")
        self.assertContains(response, "Editorial policy")
        self.assertContains(response, "How statements and speakers are chosen")
        self.assertContains(response, "has not declared any funding")

    @override_settings(
        SITE_OPERATOR={
            "name": "Example Watch",
            "description": "",
            "contact_email": "editors@example.org",
            "funding": "Funded by readers' donations.",
            "independence": "",
            "log_retention": "14 days",
        }
    )
    def test_about_and_privacy_show_what_the_operator_set(self):
        about = self.client.get(reverse("editorial:about"))
        self.assertContains(about, "Example Watch")
        self.assertContains(about, "mailto:editors@example.org")
        self.assertContains(about, "Funded by readers&#x27; donations.")
        privacy = self.client.get(reverse("editorial:privacy"))
        self.assertContains(privacy, "14 days")

    def test_every_page_links_about_privacy_and_the_report_form(self):
        response = self.client.get(reverse("contamination:methodology"))
        for name in ["editorial:about", "editorial:privacy", "editorial:report"]:
            self.assertContains(response, reverse(name))
