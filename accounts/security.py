"""The security log: one call records an event in the database and in the ``portal.security`` logger."""

import ipaddress
import logging

from django.conf import settings

from .models import SecurityEvent

log = logging.getLogger("portal.security")

Kind = SecurityEvent.Kind


def client_address(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or the proxy's ``X-Real-IP`` when the request comes
    from a trusted proxy (``TRUSTED_PROXIES``; deploy/nginx.conf sets the header to the peer's
    address, overwriting anything the client sent). Used by the security log, django-axes
    (``AXES_CLIENT_IP_CALLABLE``) and the audit trail, so all three record the same address
    and nobody can choose the address a lockout is keyed on."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
    if remote in settings.TRUSTED_PROXIES and forwarded:
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            return remote
    return remote


def record(kind: str, *, request=None, user=None, username: str = "", outcome: str = "success", **detail):
    """Record a security event; ``user`` defaults to the request's authenticated user."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    name = username or (user.get_username() if user is not None else "")
    role = (getattr(user, "role", None) or "") if user is not None else ""
    event = SecurityEvent.objects.create(
        kind=kind,
        outcome=outcome,
        username=name[:150],
        role=role,
        address=client_address(request),
        path=(request.path[:500] if request is not None else ""),
        detail=detail,
    )
    level = logging.INFO if outcome == "success" else logging.WARNING
    log.log(
        level,
        "%s outcome=%s user=%s role=%s addr=%s path=%s %s",
        kind,
        outcome,
        name,
        role,
        event.address,
        event.path,
        detail,
    )
    return event
