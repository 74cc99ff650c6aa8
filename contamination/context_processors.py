from django.conf import settings


def site(request):
    """Settings every page template needs."""
    return {
        "SITE_NAME": "Mine Atlas",
        "SITE_URL": settings.SITE_URL,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }
