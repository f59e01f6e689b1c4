from django.conf import settings
from django.utils import timezone


def portal(request):
    """Values every page's layout needs: the portal's name and the user's role."""
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": "通辽市科技企业培育管理平台",
        "portal_role": getattr(user, "role", None) if user and user.is_authenticated else None,
        "DEBUG": settings.DEBUG,
        # The assessment most people look for: last year's, published early in the new year.
        "ASSESSMENT_YEAR": timezone.localdate().year - 1,
    }
