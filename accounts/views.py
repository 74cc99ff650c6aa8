"""The two steps of signing in to the admin: password, then a second factor."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import match_token

from accounts import mfa
from accounts.forms import CodeForm

__all__ = ["AdminAuthenticationForm", "PasswordStepView", "enrol", "verify"]


class PasswordStepView(LoginView):
    """Check the password (django-axes counts failures); sign nobody in yet."""

    def form_valid(self, form):
        user = form.get_user()
        mfa.start_second_factor(self.request, user, next_url=self.get_success_url())
        if mfa.has_second_factor(user):
            return redirect("admin:mfa-verify")
        return redirect("admin:mfa-enrol")


def verify(request, admin_site):
    """Second step: a code from the authenticator app, or one recovery code."""
    user = mfa.pending_user(request)
    if user is None:
        return redirect("admin:login")
    if not mfa.has_second_factor(user):
        return redirect("admin:mfa-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            destination = next_url(request)
            mfa.complete_sign_in(request, user, device)
            return redirect(destination)
        form.add_error("code", CodeForm.REFUSED)
        # A wrong code counts as a failed sign-in: django-axes locks the account and the
        # address after the same number of failures as for passwords.
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
    context = {
        **admin_site.each_context(request),
        "title": "Second step: your code",
        "form": form,
        "pending_username": user.get_username(),
    }
    return render(request, "accounts/verify.html", context)


def enrol(request, admin_site):
    """First sign-in: connect an authenticator app, then show the recovery codes once."""
    user = mfa.pending_user(request)
    if user is None:
        return redirect("admin:login")
    if mfa.has_second_factor(user):
        return redirect("admin:mfa-verify")
    device = mfa.enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = mfa.issue_recovery_codes(user)
            destination = next_url(request)
            mfa.complete_sign_in(request, user, device)
            context = {
                **admin_site.each_context(request),
                "title": "Your recovery codes",
                "codes": codes,
                "next_url": destination,
            }
            return render(request, "accounts/recovery_codes.html", context)
        form.add_error("code", CodeForm.REFUSED)
    context = {
        **admin_site.each_context(request),
        "title": "Set up your authenticator app",
        "form": form,
        "pending_username": user.get_username(),
        "otpauth_uri": device.config_url,
        "secret": mfa.secret_for_typing(device),
        "qr_code_svg": mfa.qr_code_svg(device.config_url),
    }
    return render(request, "accounts/enrol.html", context)


def next_url(request):
    """Where the admin login was going, if it stays on this site; the admin index otherwise."""
    url = mfa.pending_next_url(request)
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")
