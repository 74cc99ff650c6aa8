"""The site's own 404 page in every mode, DEBUG included."""

from django.conf import settings
from django.views.defaults import page_not_found


class SiteNotFoundMiddleware:
    """Answer an HTML 404 with templates/404.html even when DEBUG is on.

    With DEBUG on, Django answers an unknown address with its technical page (the URL
    patterns tried), which is not what a reader of `make run` should see. API answers
    (JSON) keep their own body. Without DEBUG, Django's handler already renders 404.html.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return page_not_found(request, exception=None)
        return response
