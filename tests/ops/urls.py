"""A minimal URLconf for the rate-limit tests: one DRF view and one page, both limited."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from config import urls as site_urls
from ratelimit.pages import rate_limit
from ratelimit.throttling import DatabaseRateThrottle


class LimitedThrottle(DatabaseRateThrottle):
    """Shaped like contamination.api's AnonymousThrottle: the rate read from a setting."""

    scope = "limited"

    def get_rate(self):
        return settings.API_RATE_LIMIT


class LimitedAPIView(APIView):
    throttle_classes = [LimitedThrottle]

    def get(self, request):
        return Response({"ok": True})


@rate_limit("limited-page")
def limited_page(request):
    return HttpResponse("ok")


# The site's own patterns after these (not include(): Django refuses i18n_patterns there).
urlpatterns = [
    path("limited-api/", LimitedAPIView.as_view()),
    path("limited-page/", limited_page),
    *site_urls.urlpatterns,
]
