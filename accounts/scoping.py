"""The one scoping rule every query passes through (style.md: NetBox's ``restrict()``).

Bureau staff and leaders see every county; a county official sees their own county;
anyone else sees nothing. Each model's ``visible_to(user)`` queryset method calls
``county_filter`` with the path from that model to its county.
"""

from django.db.models import Q

# A condition no row satisfies, for users without a role or a county.
NOTHING = Q(pk__in=[])


def county_filter(user, county_path: str) -> Q:
    """A Q object restricting ``county_path`` (e.g. ``"enterprise__county"``) to the user's scope.

    An empty path restricts County rows themselves.
    """
    if user is None or not user.is_authenticated:
        return NOTHING
    if user.sees_all_counties:
        return Q()
    if user.is_county_official and user.county_id:
        key = f"{county_path}_id" if county_path else "pk"
        return Q(**{key: user.county_id})
    return NOTHING
