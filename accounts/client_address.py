"""The client address that lockouts count, the same one the API's rate limits count."""

from django.conf import settings


def client_address(request):
    """Return REMOTE_ADDR, or the address the last of API_NUM_PROXIES proxies saw."""
    num_proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR")
    if num_proxies and forwarded_for:
        addresses = [address.strip() for address in forwarded_for.split(",")]
        return addresses[-min(num_proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR")
