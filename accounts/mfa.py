"""Second factors of staff accounts: an authenticator app (TOTP) and one-time recovery codes.

Signing in to the admin takes two steps. The password step does not sign anyone in: it
remembers, in the session, who typed a right password and when. The second step (a code
from the app, or a recovery code) then signs the user in with that device verified. Until
both are done the session belongs to nobody, so no staff preview, no admin page.
"""

import time

import segno
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING_USER_KEY = "accounts_pending_user"
PENDING_BACKEND_KEY = "accounts_pending_backend"
PENDING_SINCE_KEY = "accounts_pending_since"
PENDING_NEXT_KEY = "accounts_pending_next"

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


def start_second_factor(request, user, next_url):
    """Remember that `user` passed the password step; a new session key defeats fixation."""
    request.session.cycle_key()
    request.session[PENDING_USER_KEY] = user.pk
    request.session[PENDING_BACKEND_KEY] = user.backend
    request.session[PENDING_SINCE_KEY] = time.time()
    request.session[PENDING_NEXT_KEY] = next_url


def pending_user(request):
    """Return the user who passed the password step in the last few minutes, or None."""
    since = request.session.get(PENDING_SINCE_KEY)
    if since is None or time.time() - since > settings.ACCOUNTS_SECOND_FACTOR_WINDOW_SECONDS:
        clear_pending(request)
        return None
    user = (
        get_user_model()
        .objects.filter(pk=request.session.get(PENDING_USER_KEY), is_active=True, is_staff=True)
        .first()
    )
    if user is None:
        clear_pending(request)
    return user


def pending_next_url(request):
    return request.session.get(PENDING_NEXT_KEY)


def clear_pending(request):
    for key in (PENDING_USER_KEY, PENDING_BACKEND_KEY, PENDING_SINCE_KEY, PENDING_NEXT_KEY):
        request.session.pop(key, None)


def has_second_factor(user):
    return user_has_device(user, confirmed=True)


def complete_sign_in(request, user, device):
    """Sign the pending user in, with `device` as the verified second factor."""
    backend = request.session[PENDING_BACKEND_KEY]
    clear_pending(request)
    login(request, user, backend=backend)
    otp_login(request, device)


def enrolment_device(user):
    """Return the user's unconfirmed authenticator, made on first use (its secret stays)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def secret_for_typing(device):
    """Return the device's secret in the base32 that authenticator apps accept typed in."""
    uri = device.config_url
    return uri.split("secret=", 1)[1].split("&", 1)[0]


def qr_code_svg(uri):
    """Return an inline SVG QR code of `uri`, drawn here (nothing leaves the server)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2)


@transaction.atomic
def issue_recovery_codes(user):
    """Replace the user's recovery codes with new ones and return them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.ACCOUNTS_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def reset_second_factor(user):
    """Delete every second factor of `user`; return how many. The next sign-in enrols anew."""
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    return len(devices)
