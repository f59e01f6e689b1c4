"""Views that belong to no app: health check and error pages."""

import logging
import sys

from django.contrib.auth.decorators import login_not_required
from django.db import Error, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger("portal")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise; reveals nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Error:
        log.exception("health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    """500 page, or 503 when the database connection failed (lost, refused, or timed out).

    Both show the request id (``RequestIdMiddleware``) that the error log carries with the
    traceback. Rendered without context processors, so it works with the database down.
    Django closes a broken connection at the end of the request (and checks a persistent one
    before reusing it, ``CONN_HEALTH_CHECKS``), so the portal recovers by itself once the
    database is back.
    """
    context = {"request_id": getattr(request, "id", "")}
    if database_lost(sys.exc_info()[1]):
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.html", context), status=500)


def database_lost(error) -> bool:
    """Whether ``error`` says the database cannot be reached or the connection broke: the
    DB-API's OperationalError (server gone, connection refused, timeouts) and InterfaceError
    (a connection already closed), as Django raises them. Programming and integrity errors
    stay 500s."""
    return isinstance(error, OperationalError | InterfaceError)
