"""The admin site: staff pass a password and a second factor before any admin page."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from accounts import views


class MineAtlasAdminSite(admin.AdminSite):
    def has_permission(self, request):
        # is_verified comes from django-otp's middleware: the session's second factor.
        is_verified = getattr(request.user, "is_verified", None)
        return super().has_permission(request) and bool(is_verified and is_verified())

    def get_urls(self):
        second_factor = [
            path("mfa/verify/", self.second_factor_view(views.verify), name="mfa-verify"),
            path("mfa/enrol/", self.second_factor_view(views.enrol), name="mfa-enrol"),
        ]
        return second_factor + super().get_urls()

    def second_factor_view(self, view):
        def wrapped(request):
            return view(request, admin_site=self)

        return never_cache(csrf_protect(wrapped))

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def login(self, request, extra_context=None):
        """Ask for the password; the second factor comes next (accounts/views.py)."""
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return views.PasswordStepView.as_view(
            authentication_form=self.login_form or views.AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
            extra_context=context,
        )(request)
