from django.conf import settings
from django.contrib.auth import logout


class StaffSecondFactorMiddleware:
    """Sign out any staff session without a verified second factor.

    The admin signs staff in only after both steps, so such a session means the second
    factor went away (`reset_mfa`, a deleted device) or something signed in around the
    admin. Either way it must not see drafts through staff previews.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only requests with a session cookie: reading the session elsewhere would add
        # `Vary: Cookie` to every public answer.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = request.user
            if user.is_authenticated and user.is_staff and not user.is_verified():
                logout(request)
        return self.get_response(request)
