"""Views that belong to no app: health check and error pages."""

import logging
import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
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
    except DatabaseError:
        log.exception("health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    """500 page, or 503 when the cause is an unreachable database.

    Rendered without context processors, so it works with the database down. Django
    closes the broken connection at the end of the request and opens a new one on the
    next, so the portal recovers by itself once the database is back.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError) and _database_down():
        return HttpResponse(loader.render_to_string("503.html"), status=503)
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def _database_down() -> bool:
    try:
        connection.close()
        connection.ensure_connection()
    except DatabaseError:
        return True
    return False
