from django.conf import settings
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response, and ``no-store`` on everything but static assets.

    Static files never reach this middleware: WhiteNoise, above it, answers them first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        add_never_cache_headers(response)
        return response
