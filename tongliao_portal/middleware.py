import contextvars
import logging
import re
import uuid

from django.conf import settings
from django.utils.cache import add_never_cache_headers

# A request id we accept from the proxy (nginx's $request_id is 32 hex digits); anything else
# is replaced, so a client cannot put arbitrary text into the logs.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}", re.ASCII)
_current_request: contextvars.ContextVar = contextvars.ContextVar("portal_request", default=None)


class RequestIdMiddleware:
    """Give every request an id: ``request.id``, the ``X-Request-ID`` response header, every log
    record of the request (``RequestLogFilter``) and the 500/503 pages, so a clerk can quote it.

    The id is the proxy's ``X-Request-ID`` when the request comes from a trusted proxy
    (``TRUSTED_PROXIES``; deploy/nginx.conf overwrites the header), else a new UUID.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id_for(request)
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        response["X-Request-ID"] = request.id
        return response


def request_id_for(request) -> str:
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    if request.META.get("REMOTE_ADDR") in settings.TRUSTED_PROXIES and REQUEST_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class RequestLogFilter(logging.Filter):
    """Add ``request_id``, ``user_id`` and ``path`` to a log record ("-" outside a request).

    Never queries: the user id is known only once the request's user has been loaded (which
    every login-protected page does first), so logging works with the database down.
    """

    def filter(self, record):
        request = getattr(record, "request", None) or _current_request.get()
        record.request_id = getattr(request, "id", None) or "-"
        record.user_id = _loaded_user_id(request)
        record.path = getattr(request, "path", None) or "-"
        return True


def _loaded_user_id(request) -> str:
    # AuthenticationMiddleware caches the user it loaded here; reading request.user instead
    # could query the database from inside a log call.
    user = getattr(request, "_cached_user", None)
    pk = getattr(user, "pk", None)
    return str(pk) if pk is not None else "-"


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
