"""Signing in as staff in tests: with the second factor, as the admin's login does."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

force_login_without_second_factor = Client.force_login


def force_login_with_second_factor(client, user, backend=None):
    """Sign `user` in; staff also get a confirmed authenticator, verified in the session."""
    force_login_without_second_factor(client, user, backend)
    if user.is_staff:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test authenticator", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
