"""Browser security headers that depend on the page: embeds, the admin, signed-in staff.

The site-wide Content-Security-Policy and Permissions-Policy are settings
(CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY); these middlewares adjust them per answer.
"""

from django.conf import settings
from django.urls import reverse

PRIVATE = "private, no-store"


class PagePolicyMiddleware:
    """Adjust the site's CSP for the two kinds of page that need more: embeds and the admin.

    Embeds: any site may frame them. A view that may be framed already says so with
    `@xframe_options_exempt` (the embed map and charts); `frame-ancestors` follows the same
    mark, so the two headers never differ.
    Admin: Django's and select2's stylesheets draw their icons as `data:` SVG images.
    Must sit below django-csp's middleware, which reads `_csp_replace`/`_csp_update` on the
    way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "xframe_options_exempt", False):
            replace = dict(getattr(response, "_csp_replace", None) or {})
            replace["frame-ancestors"] = ["*"]
            response._csp_replace = replace
        if request.path_info.startswith(reverse("admin:index")):
            update = dict(getattr(response, "_csp_update", None) or {})
            update["img-src"] = [*update.get("img-src", []), "data:"]
            response._csp_update = update
        return response


class PrivateResponsesMiddleware:
    """Answer `Cache-Control: private, no-store` to the admin and to signed-in users.

    Signed-in staff see drafts in previews: no shared cache (proxy, CDN) and no browser
    history may keep such a page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(reverse("admin:index")) or self.is_signed_in(request):
            response["Cache-Control"] = PRIVATE
        return response

    @staticmethod
    def is_signed_in(request):
        # Without a session cookie nobody is signed in; not reading the session then keeps
        # `Vary: Cookie` off public answers.
        return (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and hasattr(request, "user")
            # DRF replaces the user of its views' requests by None (UNAUTHENTICATED_USER).
            and getattr(request.user, "is_authenticated", False)
        )
