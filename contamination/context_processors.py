from django.conf import settings


def public_origin(request):
    """Scheme and host every absolute link starts with: SITE_URL when the operator set it
    (behind a proxy the request may not know the public name), else the request's own, so a
    link never points at a host or port the site is not served on."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    return request.build_absolute_uri("/").rstrip("/")


def site(request):
    """Settings every page template needs."""
    return {
        "SITE_NAME": "Mine Atlas",
        "SITE_URL": public_origin(request),
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }
