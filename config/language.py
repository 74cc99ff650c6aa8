"""The reader's language: the switcher on every page, and `?lang=` for the API.

Pages carry their language in the address (/az/, /ru/, /en/: config/urls.py), which Django's
LocaleMiddleware reads. The API, OGC API and the feed have no prefix: they answer in the
language of `?lang=` when it is given, else of Accept-Language, else English. Values in the
answers are language-neutral codes either way; only names and labels change.
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

LANGUAGE_PARAMETER = "lang"
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
# Where `?lang=` chooses the language. Pages take theirs from the prefix alone, so that one
# address always shows one language (and caches and search engines can rely on that).
UNPREFIXED_PATHS = ("/api/", "/ogc/", "/changelog/feed/")


def language_links(request):
    """The current page in each language, as (code, name, path): hreflang alternates.

    Reversed from the request's own match (resolving the path again, as translate_url()
    does, cost a few milliseconds a page); an address without a name falls back to it."""
    match = request.resolver_match
    links = []
    for code, name in settings.LANGUAGES:
        try:
            with translation.override(code):
                path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            path = translate_url(request.path, code)
        links.append((code, name, path))
    return links


def unprefixed(path):
    """`path` without its language prefix: the address that opens in the reader's language."""
    language = translation.get_language_from_path(path)
    return path.removeprefix(f"/{language}") if language else path


def languages(request):
    """Context for every page: the switcher's links and the hreflang alternates."""
    if request.resolver_match is None:
        return {}
    return {
        "LANGUAGE_LINKS": language_links(request),
        "LANGUAGE_NEUTRAL_PATH": unprefixed(request.path),
    }


def switch_language(request, code):
    """Remember `code` in the language cookie, then open `next` (the page the reader was on)
    in that language. A link, not a form: it works from cached pages and without JavaScript."""
    if code not in LANGUAGE_CODES:
        raise Http404("No such language on this site.")
    next_page = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_page, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_page = "/"
    # translate_url() only resolves an address in the active language: read `next` in its own.
    with translation.override(translation.get_language_from_path(next_page)):
        translated = translate_url(next_page, code)
    response = HttpResponseRedirect(translated)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    add_never_cache_headers(response)
    return response


class LanguageParameterMiddleware:
    """`?lang=az|ru|en` on the API: the answer's names and labels in that language.

    After LocaleMiddleware, which has already chosen from Accept-Language; an unknown value
    is left to the API's parameter checks, which answer 400 naming it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        requested = request.GET.get(LANGUAGE_PARAMETER)
        if requested in LANGUAGE_CODES and request.path_info.startswith(UNPREFIXED_PATHS):
            translation.activate(requested)
            request.LANGUAGE_CODE = requested
        return self.get_response(request)
