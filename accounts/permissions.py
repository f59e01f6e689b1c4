"""Role checks for views. Scoping of *objects* is ``visible_to``; this decides *actions*.

An object outside the user's scope is a 404 (like a missing one); a forbidden action on a
visible object is a 403.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404

from . import security


def refuse(request, reason: str):
    """Record a refused access in the security log and raise 403."""
    security.record(security.Kind.REFUSED, request=request, outcome="forbidden", reason=reason)
    raise PermissionDenied(reason)


def role_required(*roles):
    """Allow the view only to users whose role is one of ``roles`` (403 otherwise)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                refuse(request, f"role {request.user.role} may not use {view.__name__}")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_visible_or_404(queryset, request, **lookup):
    """Fetch one object from a queryset already scoped with ``visible_to``; 404 otherwise.

    A miss that exists outside the scope is logged as a refused access.
    """
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        if queryset.model._default_manager.filter(**lookup).exists():
            security.record(security.Kind.REFUSED, request=request, outcome="out_of_scope")
        raise Http404("未找到该记录") from None
