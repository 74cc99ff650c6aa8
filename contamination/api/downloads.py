"""Bulk downloads (placeholder, replaced below)."""

from contamination.api.views import PublicAPIView


class DownloadIndex(PublicAPIView):
    pass


class Download(PublicAPIView):
    pass
