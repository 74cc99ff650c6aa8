"""Editor sign-in, attacked the way an attacker would: through the admin's login pages."""

import io
import time
from unittest import mock

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from tests import factories
from tests.accounts.sign_in import force_login_without_second_factor

PASSWORD = "a-long-test-password"


def current_code(device):
    """The code the editor's authenticator app shows right now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


class SignInMixin:
    def post_password(self, username, password=PASSWORD, address="198.51.100.7", client=None):
        return (client or self.client).post(
            reverse("admin:login"),
            {"username": username, "password": password, "next": "/admin/"},
            REMOTE_ADDR=address,
        )

    def post_code(self, code, view="admin:mfa-verify", address="198.51.100.7", client=None):
        return (client or self.client).post(reverse(view), {"code": code}, REMOTE_ADDR=address)

    def enrolled_editor(self):
        editor = factories.make_editor()
        device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
        return editor, device

    def assert_not_signed_in(self, client=None):
        client = client or self.client
        self.assertNotIn("_auth_user_id", client.session)
        response = client.get(reverse("admin:index"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("admin:login")))


class LockoutTests(SignInMixin, TestCase):
    def test_fifty_wrong_passwords_lock_the_account_from_every_address(self):
        editor, device = self.enrolled_editor()
        statuses = [
            self.post_password(
                editor.username, f"wrong-guess-{n}", address=f"203.0.113.{n}"
            ).status_code
            for n in range(50)
        ]
        # Wrong passwords re-show the form (200) until the limit, then the lock answers 429.
        self.assertEqual(statuses[:4], [200] * 4)
        self.assertEqual(set(statuses[5:]), {429})
        # The right password, from a fresh address, is refused as well.
        response = self.post_password(editor.username, address="192.0.2.200")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Sign-in locked", status_code=429)
        self.assertNotIn(mfa.PENDING_USER_KEY, self.client.session)
        self.assertEqual(self.post_code(current_code(device)).status_code, 302)
        self.assert_not_signed_in()

    def test_fifty_wrong_passwords_lock_the_address_for_every_account(self):
        other_editor, _ = self.enrolled_editor()
        for n in range(50):
            self.post_password(f"guessed-name-{n}", "wrong-guess", address="203.0.113.9")
        response = self.post_password(other_editor.username, address="203.0.113.9")
        self.assertEqual(response.status_code, 429)
        self.assertNotIn(mfa.PENDING_USER_KEY, self.client.session)
        # The same account from another address still signs in: the lock is per address.
        response = self.post_password(other_editor.username, address="192.0.2.1")
        self.assertRedirects(response, reverse("admin:mfa-verify"))

    def test_wrong_codes_after_the_right_password_count_towards_the_lock(self):
        editor, device = self.enrolled_editor()
        self.post_password(editor.username)
        for _ in range(5):
            # Tried codes cannot be the current one: that would sign in.
            response = self.post_code("000000" if current_code(device) != "000000" else "111111")
            if response.status_code == 429:
                break
            device.refresh_from_db()
            device.throttling_failure_count = 0  # the app's own throttle is tested below
            device.save()
        self.assertEqual(response.status_code, 429)
        self.assertEqual(self.post_password(editor.username).status_code, 429)

    def test_codes_are_throttled_after_a_failure(self):
        editor, device = self.enrolled_editor()
        self.post_password(editor.username)
        self.post_code("000000" if current_code(device) != "000000" else "111111")
        # Right away, even the right code is refused while the device's throttle runs.
        response = self.post_code(current_code(device))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "not accepted")
        self.assert_not_signed_in()

    def test_the_login_activity_page_is_for_superusers_only(self):
        editor, _ = self.enrolled_editor()
        self.post_password(editor.username, "wrong-guess")
        superuser = factories.make_superuser()
        admin_client = Client()
        admin_client.force_login(superuser)
        for name in ["axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"]:
            with self.subTest(page=name):
                response = admin_client.get(reverse(f"admin:{name}_changelist"))
                self.assertEqual(response.status_code, 200)
        self.assertContains(
            admin_client.get(reverse("admin:axes_accessfailurelog_changelist")), editor.username
        )
        attempt = AccessAttempt.objects.get(username=editor.username)
        response = admin_client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "wrong-guess")  # passwords are never stored
        self.client.force_login(editor)
        response = self.client.get(reverse("admin:axes_accesslog_changelist"))
        self.assertEqual(response.status_code, 403)


class SecondFactorTests(SignInMixin, TestCase):
    def test_the_right_password_alone_opens_nothing(self):
        editor, _ = self.enrolled_editor()
        draft = factories.make_statement(publication_status="draft")
        response = self.post_password(editor.username)
        self.assertRedirects(response, reverse("admin:mfa-verify"))
        self.assert_not_signed_in()
        for url in [
            reverse("admin:contamination_hazardarea_changelist"),
            reverse("admin:password_change"),
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 302)
        # Nor a staff preview of a draft.
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)

    def test_a_staff_session_without_a_verified_device_is_signed_out(self):
        editor, _ = self.enrolled_editor()
        draft = factories.make_statement(publication_status="draft")
        force_login_without_second_factor(self.client, editor)
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)
        self.assert_not_signed_in()

    def test_the_code_from_the_app_signs_in(self):
        editor, device = self.enrolled_editor()
        self.post_password(editor.username)
        response = self.post_code(current_code(device))
        self.assertRedirects(response, reverse("admin:index"))
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)

    def test_a_stale_password_step_must_be_repeated(self):
        editor, device = self.enrolled_editor()
        self.post_password(editor.username)
        session = self.client.session
        session[mfa.PENDING_SINCE_KEY] -= 301
        session.save()
        response = self.post_code(current_code(device))
        self.assertRedirects(response, reverse("admin:login"), fetch_redirect_response=False)
        self.assert_not_signed_in()

    def test_first_sign_in_enrols_an_app_and_hands_out_recovery_codes_once(self):
        editor = factories.make_editor()
        response = self.post_password(editor.username)
        self.assertRedirects(response, reverse("admin:mfa-enrol"))
        response = self.client.get(reverse("admin:mfa-enrol"))
        self.assertContains(response, "<svg")
        self.assertContains(response, "otpauth://totp/Mine%20Atlas%3A" + editor.username)
        self.assertNotContains(response, "<img")  # the QR code is drawn here, not fetched
        self.assert_not_signed_in()
        device = TOTPDevice.objects.get(user=editor, confirmed=False)
        self.assertContains(response, mfa.secret_for_typing(device))

        self.assertContains(self.post_code("not-a-code", view="admin:mfa-enrol"), "not accepted")
        time.sleep(1.1)  # a wrong code holds the device back for a second (django-otp throttle)
        response = self.post_code(current_code(device), view="admin:mfa-enrol")
        self.assertEqual(response.status_code, 200)
        codes = response.context["codes"]
        self.assertEqual(len(codes), 10)
        for code in codes:
            self.assertContains(response, code)
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)

        # Next time: a recovery code works once, in place of the app.
        self.client.post(reverse("admin:logout"))
        other = Client()
        self.post_password(editor.username, client=other)
        self.assertRedirects(self.post_code(codes[0], client=other), reverse("admin:index"))
        self.assertEqual(other.get(reverse("admin:index")).status_code, 200)
        self.assertFalse(StaticToken.objects.filter(token=codes[0]).exists())
        third = Client()
        self.post_password(editor.username, client=third)
        self.assertContains(self.post_code(codes[0], client=third), "not accepted")
        self.assert_not_signed_in(third)

    def test_enrolment_is_only_for_accounts_without_a_second_factor(self):
        editor, _ = self.enrolled_editor()
        self.post_password(editor.username)
        response = self.client.get(reverse("admin:mfa-enrol"))
        self.assertRedirects(response, reverse("admin:mfa-verify"))
        self.assertEqual(TOTPDevice.objects.filter(user=editor).count(), 1)

    def test_reset_mfa_removes_the_devices_and_ends_the_sessions(self):
        editor, device = self.enrolled_editor()
        mfa_codes = mfa.issue_recovery_codes(editor)
        self.post_password(editor.username)
        self.post_code(current_code(device))
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)
        out = io.StringIO()
        call_command("reset_mfa", editor.username, stdout=out)
        self.assertIn("Removed 2 second factor(s)", out.getvalue())
        self.assertIn("ended 1 session(s)", out.getvalue())
        self.assert_not_signed_in()
        other = Client()
        self.assertContains(self.post_code(mfa_codes[0], client=other), "", status_code=302)
        response = self.post_password(editor.username, client=other)
        self.assertRedirects(response, reverse("admin:mfa-enrol"))
        with self.assertRaisesMessage(CommandError, "No user 'nobody'"):
            call_command("reset_mfa", "nobody")


class PasswordRuleTests(TestCase):
    weak_passwords = ["1", "short-pw", "password1234", "123456789012", "mineatlas-editor"]

    def test_create_editor_refuses_a_weak_password(self):
        for weak in self.weak_passwords:
            with self.subTest(password=weak):
                err = io.StringIO()
                with (
                    mock.patch("getpass.getpass", return_value=weak),
                    self.assertRaisesMessage(CommandError, "No password set"),
                ):
                    call_command("create_editor", "mineatlas-editor", stderr=err)
                self.assertTrue(err.getvalue())
                self.assertFalse(get_user_model().objects.filter(username="mineatlas-editor"))

    def test_create_editor_takes_a_strong_password(self):
        with mock.patch("getpass.getpass", return_value="copper kettle drums at dawn"):
            call_command("create_editor", "strong-editor", stdout=io.StringIO())
        editor = get_user_model().objects.get(username="strong-editor")
        self.assertTrue(editor.check_password("copper kettle drums at dawn"))

    def test_the_admin_forms_refuse_password_1(self):
        superuser = factories.make_superuser()
        self.client.force_login(superuser)
        response = self.client.post(
            reverse("admin:auth_user_add"),
            {"username": "weakling", "password1": "1", "password2": "1", "usable_password": "true"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "at least 12 characters")
        self.assertFalse(get_user_model().objects.filter(username="weakling").exists())

        editor = factories.make_editor()
        response = self.client.post(
            reverse("admin:auth_user_password_change", args=[editor.pk]),
            {"password1": "1", "password2": "1"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "too short")
        editor.refresh_from_db()
        self.assertTrue(editor.check_password(PASSWORD))


class SessionTests(SignInMixin, TestCase):
    def sign_in(self):
        editor, device = self.enrolled_editor()
        self.post_password(editor.username)
        self.post_code(current_code(device))
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)

    @override_settings(SESSION_COOKIE_AGE=2)
    def test_an_idle_session_expires_and_an_active_one_does_not(self):
        self.sign_in()
        for _ in range(3):
            time.sleep(1)
            self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)
        time.sleep(2.5)
        self.assert_not_signed_in()

    def test_the_session_cookie_ends_with_the_browser(self):
        self.sign_in()
        cookie = self.client.cookies["sessionid"]
        self.assertEqual(cookie["max-age"], "")
        self.assertEqual(cookie["expires"], "")
        self.assertTrue(cookie["httponly"])
